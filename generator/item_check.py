"""Item-quality check: the cues that let a learner pass a quiz without reading its chapter.

Every question can be keyed right and still be answerable by form: the key is
the longest option, true/false is nearly always "false", the right options of
a multiple choice come first, every multiple choice has two wrong options, an
option is "以上都对", a judgement question has no middle score. The build runs
these rules over every quiz after loading it; the shares are compared with
``Thresholds`` (the ``item_check`` plugin options).

A *clear* finding (an option order or wording that gives the answer away, a
judgement question without partial credit) is logged as a warning, which
``mkdocs build --strict`` turns into a failed build. A share out of range or
two options that merely look alike is an *advisory* finding, logged as info:
a quiz may have reasons, the author decides.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator.catalog import Item
from generator.errors import SourceError, excerpt
from generator.models.common import Location
from generator.models.quiz import (
    Judgement,
    Match,
    MultipleChoice,
    Option,
    Order,
    Question,
    Quiz,
    ScoredOption,
    SingleChoice,
    TrueFalse,
)

KEPT_MARKS = frozenset("-.%/+")
"""Punctuation that changes what an option says (A- and A, 4.5 and 45, 30% and 30)."""
NEGATIONS = frozenset("不没未无非别勿否")
"""Characters that turn a statement around: options differing in one are not alike."""
QUANTITIES = frozenset("零一二三四五六七八九十百千万两半双单多少每年季月周日天时分秒")
"""Chinese numerals, quantities and time units: 月志 and 半月志, 一周 and 两周 are
deliberate pairs, like 24 and 48."""
CATCH_ALL = re.compile(
    r"^(以上|上述|前面|两者|三者|两项|三项|四项)(各项|选项|说法|做法|答案|几项)?"
    r"(都|均|全|全都|皆|全部)(对|不对|是|不是|正确|不正确|错|错误|可以|不可以|非)"
    r"|^(都|全都|均|全部|皆)(对|不对|是|不是|正确|不正确|错|错误|是对|是错|可以)的?$"
    r"|^(alloftheabove|noneoftheabove)$"
)
"""Options such as 以上都对, 以上都不对, 以上都是, 都对, 都不对."""


@dataclass(frozen=True)
class Thresholds:
    """The shares the check allows; the ``item_check`` plugin options."""

    key_longest_course: float = 1 / 3
    """At most this share of single-choice and judgement questions, course-wide,
    may have a key that is strictly the longest option."""
    key_longest_quiz: float = 1 / 2
    """The same, per quiz."""
    true_share_course: tuple[float, float] = (0.4, 0.6)
    """The share of true/false statements that are true, course-wide."""
    true_share_quiz: tuple[float, float] = (0.25, 0.75)
    """The same per quiz, checked in quizzes with at least ``true_false_quiz_min`` of them."""
    true_false_quiz_min: int = 4
    similar_options: float = 0.9
    """Two options of a question this similar (0-1, difflib's ratio) look like one."""


@dataclass(frozen=True)
class Finding:
    """One cue, where it is, and whether it is clear (a warning) or advisory (info)."""

    error: SourceError
    clear: bool

    def __str__(self) -> str:
        return str(self.error)


def check(quizzes: Sequence[Item], thresholds: Thresholds) -> list[Finding]:
    """Every finding in ``quizzes``, per question, per quiz and course-wide."""
    findings: list[Finding] = []
    for item in quizzes:
        findings += _per_question(item, thresholds)
        findings += _per_quiz(item, thresholds)
    findings += _course_wide(quizzes, thresholds)
    return sorted(findings, key=lambda f: (f.error.path, f.error.line, f.error.message))


def normalised(text: str) -> str:
    """An option's words: width, case, spaces and punctuation that says nothing ignored."""
    flat = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        c
        for c in flat
        if not unicodedata.category(c).startswith(("Z", "C"))
        and (not unicodedata.category(c).startswith("P") or c in KEPT_MARKS)
    )


def key_is_longest(question: SingleChoice | Judgement) -> bool:
    """Whether the key (the right option; a judgement's 100-point one) is strictly the
    longest option, by characters other than spaces (the style sheet's spaces around
    digits and Latin letters are not what a reader sees as length)."""
    lengths = [len("".join(option.text.split())) for option in question.options]
    if isinstance(question, Judgement):
        key = next(i for i, o in enumerate(question.options) if o.score == 100)
    else:
        key = next(i for i, o in enumerate(question.options) if o.correct)
    return all(lengths[key] > length for i, length in enumerate(lengths) if i != key)


def _quiz(item: Item) -> Quiz:
    assert isinstance(item.model, Quiz)
    return item.model


def _choice_items(quiz: Quiz) -> list[SingleChoice | Judgement]:
    """The questions whose key is one option: single choice and judgement."""
    return [q for q in quiz.questions if isinstance(q, SingleChoice | Judgement)]


def _true_false(quiz: Quiz) -> list[TrueFalse]:
    return [q for q in quiz.questions if isinstance(q, TrueFalse)]


def _multiple(quiz: Quiz) -> list[MultipleChoice]:
    return [q for q in quiz.questions if isinstance(q, MultipleChoice)]


def _texts(question: Question) -> list[tuple[Location, str]]:
    """The texts of a question a learner chooses among, each with its place."""
    if isinstance(question, SingleChoice | MultipleChoice | Judgement):
        options: Sequence[Option | ScoredOption] = question.options
        return [(("options", i, "text"), o.text) for i, o in enumerate(options)]
    if isinstance(question, Order):
        return [(("items", i), text) for i, text in enumerate(question.items)]
    if isinstance(question, Match):
        return [(("pairs", i, "right"), pair.right) for i, pair in enumerate(question.pairs)]
    return []


def _per_question(item: Item, thresholds: Thresholds) -> Iterator[Finding]:
    for index, question in enumerate(_quiz(item).questions):
        here: Location = ("questions", index)

        def found(
            location: Location, message: str, clear: bool = True, here: Location = here
        ) -> Finding:
            return Finding(item.source.error((*here, *location), message), clear)

        if isinstance(question, MultipleChoice) and question.right_first(
            list(range(len(question.options)))
        ):
            yield found(
                ("options",),
                f"{question.id}: every right option is listed before the wrong ones; "
                "mix them in the file",
            )
        if isinstance(question, Judgement) and not any(
            0 < option.score < 100 for option in question.options
        ):
            yield found(
                ("options",),
                f"{question.id}: no option scores between 1 and 99; a judgement question "
                "needs a partly right course of action",
            )
        texts = _texts(question)
        for location, text in texts:
            if CATCH_ALL.search(normalised(text)):
                yield found(
                    location,
                    f"{question.id}: \u201c{excerpt(text)}\u201d is a catch-all option; "
                    "write a real course of action or fact",
                )
        for (_, first), (location, second) in _pairs(texts):
            a, b = normalised(first), normalised(second)
            if a == b:
                yield found(
                    location,
                    f"{question.id}: \u201c{excerpt(second)}\u201d says the same as "
                    f"\u201c{excerpt(first)}\u201d",
                )
            elif _look_alike(a, b, thresholds.similar_options):
                yield found(
                    location,
                    f"{question.id}: \u201c{excerpt(second)}\u201d is nearly the same as "
                    f"\u201c{excerpt(first)}\u201d",
                    clear=False,
                )


def _look_alike(a: str, b: str, similarity: float) -> bool:
    """Whether two normalised options are nearly the same text, differing in
    nothing that changes the meaning: a number (digits, Chinese numerals, quantities
    and time units), a letter or a negation makes
    them a deliberate pair (24 小时 or 48 小时, 应该 or 不应该), not a duplicate."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < similarity:
        return False
    changed = "".join(
        a[i1:i2] + b[j1:j2] for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )
    return not any(
        c.isdigit() or (c.isascii() and c.isalpha()) or c in NEGATIONS or c in QUANTITIES
        for c in changed
    )


def _pairs(texts: list[tuple[Location, str]]) -> Iterator[tuple[tuple[Location, str], ...]]:
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            yield first, second


def _share(count: int, total: int) -> str:
    return f"{count} of {total} ({count / total:.0%})"


def _ids(questions: Sequence[Question], limit: int = 6) -> str:
    ids = [question.id for question in questions]
    more = f", +{len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def _per_quiz(item: Item, thresholds: Thresholds) -> Iterator[Finding]:
    quiz = _quiz(item)
    at = item.source.error(("questions",), "")
    choice = _choice_items(quiz)
    longest = [q for q in choice if key_is_longest(q)]
    if choice and len(longest) / len(choice) > thresholds.key_longest_quiz + 1e-9:
        message = (
            f"the key is strictly the longest option in {_share(len(longest), len(choice))} "
            f"single-choice and judgement questions, more than "
            f"{thresholds.key_longest_quiz:.0%}: {_ids(longest)}"
        )
        yield Finding(SourceError(at.path, at.line, message), clear=False)
    statements = _true_false(quiz)
    if len(statements) >= thresholds.true_false_quiz_min:
        problem = _true_share_problem(statements, thresholds.true_share_quiz)
        if problem:
            yield Finding(SourceError(at.path, at.line, problem), clear=False)


def _true_share_problem(statements: list[TrueFalse], band: tuple[float, float]) -> str | None:
    true = sum(statement.answer for statement in statements)
    share = true / len(statements)
    if band[0] - 1e-9 <= share <= band[1] + 1e-9:
        return None
    return (
        f"{_share(true, len(statements))} true/false statements are true, outside "
        f"{band[0]:.0%}-{band[1]:.0%}"
    )


def _course_wide(quizzes: Sequence[Item], thresholds: Thresholds) -> Iterator[Finding]:
    """Shares over every quiz, each reported at the quiz that adds most to it."""

    def at_file(counts: Counter[int], message: str, clear: bool = False) -> Finding:
        index = counts.most_common(1)[0][0] if counts else 0
        where = quizzes[index].source.error(("questions",), "")
        return Finding(SourceError(where.path, where.line, f"course-wide: {message}"), clear)

    if not quizzes:
        return
    choice = [(n, q) for n, item in enumerate(quizzes) for q in _choice_items(_quiz(item))]
    longest = [(n, q) for n, q in choice if key_is_longest(q)]
    if choice and len(longest) / len(choice) > thresholds.key_longest_course + 1e-9:
        yield at_file(
            Counter(n for n, _ in longest),
            f"the key is strictly the longest option in {_share(len(longest), len(choice))} "
            f"single-choice and judgement questions, more than "
            f"{thresholds.key_longest_course:.0%} (most in this file)",
        )
    statements = [(n, q) for n, item in enumerate(quizzes) for q in _true_false(_quiz(item))]
    message = statements and _true_share_problem(
        [q for _, q in statements], thresholds.true_share_course
    )
    if message:
        true = sum(q.answer for _, q in statements) / len(statements)
        majority = true > 0.5
        counts = Counter(n for n, q in statements if q.answer == majority)
        yield at_file(counts, f"{message} (most of the majority in this file)")
    multiple = [(n, q) for n, item in enumerate(quizzes) for q in _multiple(_quiz(item))]
    wrong = {len(q.options) - q.correct_count for _, q in multiple}
    if len(multiple) >= 2 and len(wrong) == 1:
        yield at_file(
            Counter(n for n, _ in multiple),
            f"all {len(multiple)} multiple-choice questions have exactly {wrong.pop()} wrong "
            "option(s); vary how many options are wrong",
        )
