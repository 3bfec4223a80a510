"""Settings of the ``course`` MkDocs plugin."""

from __future__ import annotations

import difflib

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ConfigErrors, ConfigWarnings, ValidationError

from generator.item_check import Thresholds

_ITEM_DEFAULTS = Thresholds()


class Share(opt.BaseConfigOption[float]):
    """A share between 0 and 1, such as ``0.5``."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError(f"expected a share between 0 and 1, such as 0.5, got {value!r}")
        return float(value)


class Band(opt.BaseConfigOption[tuple[float, float]]):
    """A range of shares ``[low, high]``, such as ``[0.4, 0.6]``."""

    def __init__(self, default: tuple[float, float]) -> None:
        super().__init__()
        self.default = list(default)

    def run_validation(self, value: object) -> tuple[float, float]:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError(f"expected [low, high], such as [0.4, 0.6], got {value!r}")
        low, high = (Share(0).run_validation(share) for share in value)
        if low > high:
            raise ValidationError(f"low {low} is above high {high}")
        return low, high


class ItemCheckConfig(Config):
    """The shares the quiz item check allows (``generator.item_check.Thresholds``)."""

    key_longest_course = Share(_ITEM_DEFAULTS.key_longest_course)
    key_longest_quiz = Share(_ITEM_DEFAULTS.key_longest_quiz)
    true_share_course = Band(_ITEM_DEFAULTS.true_share_course)
    true_share_quiz = Band(_ITEM_DEFAULTS.true_share_quiz)
    true_false_quiz_min = opt.Type(int, default=_ITEM_DEFAULTS.true_false_quiz_min)
    similar_options = Share(_ITEM_DEFAULTS.similar_options)

    def thresholds(self) -> Thresholds:
        return Thresholds(
            key_longest_course=self.key_longest_course,
            key_longest_quiz=self.key_longest_quiz,
            true_share_course=tuple(self.true_share_course),  # type: ignore[arg-type]
            true_share_quiz=tuple(self.true_share_quiz),  # type: ignore[arg-type]
            true_false_quiz_min=self.true_false_quiz_min,
            similar_options=self.similar_options,
        )


class CourseConfig(Config):
    """Where the content lives: YAML folders relative to ``mkdocs.yml``, the rest
    relative to ``docs_dir``."""

    content_root = opt.Type(str, default=".")
    chapters_dir = opt.Type(str, default="chapters")
    glossary = opt.Type(str, default="includes/abbreviations.md")
    cache_dir = opt.Type(str, default=".cache/artifacts")
    """The artifact store (``artifacts.py``: PDFs, figures, the loaded course, word
    cuts, compiled templates), relative to ``mkdocs.yml``; empty: keep nothing."""
    search_synonyms = opt.Type(str, default="includes/search-synonyms.txt")
    search_terms = opt.Type(str, default="includes/search-terms.txt")
    """jieba user dictionary for the search index (``词 频率 词性`` a line)."""
    handbook_exercises = opt.Type(bool, default=True)
    """Print each chapter's quiz questions (without answers) in the handbook."""
    handbook_part_chapters = opt.Type(int, default=20)
    """A course with more chapters has its handbook laid out in parts of this many
    chapters and joined, so rendering it needs bounded memory; 0: never."""
    pdf_workers = opt.Type(int, default=0)
    """Processes rendering PDFs; 0 means one per core."""
    organisation = opt.Type(str, default="")
    """The company name printed at the head of every form; blank 单位 line when unset."""
    item_check = opt.SubConfig(ItemCheckConfig)
    """Shares the quiz item check allows (see ``generator/item_check.py``)."""

    version = opt.Type(str, default="")
    """The course version on the handbook's cover (e.g. ``V1.0``); unset: the project's
    ``git describe --tags``, or none."""

    def validate(self) -> tuple[ConfigErrors, ConfigWarnings]:
        """MkDocs' checks, with a suggestion for every misspelt option name."""
        failed, warnings = super().validate()
        names = sorted(key for key, _ in self._schema)
        return failed, [(key, _suggest(key, message, names)) for key, message in warnings]


def _suggest(key: str, message: str, names: list[str]) -> str:
    if not message.startswith("Unrecognised configuration name"):
        return message
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"{message} ({hint}valid names: {', '.join(names)})"
