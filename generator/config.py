"""Settings of the ``course`` MkDocs plugin."""

from __future__ import annotations

import difflib

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ConfigErrors, ConfigWarnings


class CourseConfig(Config):
    """Where the content lives: YAML folders relative to ``mkdocs.yml``, the rest
    relative to ``docs_dir``."""

    content_root = opt.Type(str, default=".")
    chapters_dir = opt.Type(str, default="chapters")
    glossary = opt.Type(str, default="includes/abbreviations.md")
    course_cache = opt.Type(str, default=".cache/course")
    """Folder of the loaded course by a hash of its sources, relative to ``mkdocs.yml``;
    empty: load every build."""
    figure_cache = opt.Type(str, default=".cache/figures")
    """Folder of drawn figures by content hash, relative to ``mkdocs.yml``; empty: no cache."""
    search_synonyms = opt.Type(str, default="includes/search-synonyms.txt")
    search_terms = opt.Type(str, default="includes/search-terms.txt")
    """jieba user dictionary for the search index (``词 频率 词性`` a line)."""
    search_cache = opt.Type(str, default=".cache/search")
    """Folder of the index's word cuts, relative to ``mkdocs.yml``; empty: no cache."""
    handbook_exercises = opt.Type(bool, default=True)
    """Print each chapter's quiz questions (without answers) in the handbook."""
    handbook_part_chapters = opt.Type(int, default=20)
    """A course with more chapters has its handbook laid out in parts of this many
    chapters and joined, so rendering it needs bounded memory; 0: never."""
    pdf_cache = opt.Type(str, default=".cache/pdf")
    """Folder of rendered PDFs by content hash, relative to ``mkdocs.yml``; empty: no cache."""
    pdf_workers = opt.Type(int, default=0)
    """Processes rendering PDFs; 0 means one per core."""
    organisation = opt.Type(str, default="")
    """The company name printed at the head of every form; blank 单位 line when unset."""

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
