"""Moodle XML question banks: one file per quiz and one for the whole course.

Trainers import these into Moodle's question bank (Moodle 4.4 or later, where
the ordering question type is part of the standard install). The XML comes from
templates under ``templates/moodle/``; this module only works out what the
templates cannot: fractions from our scoring rules, rounded to the values Moodle
accepts, and notices for what Moodle grades differently from the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from markupsafe import Markup, escape

from generator.catalog import Catalog, Item
from generator.content_types import TRAINER_DIR
from generator.errors import ContentError, SourceError
from generator.ids import COURSE
from generator.models.quiz import ChoiceQuestion, Fill, Judgement, Question, Quiz
from generator.pages import environment

BANK_DIR = f"{TRAINER_DIR}/lms/moodle"
"""Where the question banks are published in the site."""
COURSE_BANK = COURSE
"""The file name (without ``.xml``) of the bank holding every quiz."""
MOODLE_FRACTIONS = (
    100.0,
    90.0,
    83.33333,
    80.0,
    75.0,
    70.0,
    66.66667,
    60.0,
    50.0,
    40.0,
    33.33333,
    30.0,
    25.0,
    20.0,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10.0,
    5.0,
    0.0,
)
"""The answer grades Moodle's question editor offers; imports must use one of them
(or its negative)."""
CLOZE_SPECIAL = '\\}#~/"'
"""Characters a Cloze (multianswer) answer must escape with a backslash."""
CLOZE_BRACES = {"{": "&#123;", "}": "&#125;"}
"""Moodle finds a Cloze question's sub-questions as ``{n:TYPE:answers}`` in its
HTML text; written as character references, an author's braces read the same
but never open one, so ``#``, ``~``, ``=`` and ``:`` in the text stay text too."""
_CLOZE_ALTERNATIVE = (
    r"(?:=|%-?[0-9]+(?:[.,][0-9]*)?%)?"
    r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
    r"(?:#.*?(?<!\\)(?=[~}]|$))?"
)
CLOZE_SUBQUESTION = re.compile(
    r"\{[0-9]*:(?:SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|MULTICHOICE\w*|MC\w*"
    r"|MULTIRESPONSE\w*|MR\w*):" + _CLOZE_ALTERNATIVE + rf"(?:~{_CLOZE_ALTERNATIVE})*\}}",
    re.IGNORECASE,
)
"""A sub-question as Moodle's ``qtype_multianswer`` reads one (``ANSWER_REGEX``)."""


@dataclass(frozen=True)
class Notice:
    """An approximation the Moodle export makes, named in the build log."""

    question: str
    message: str


def moodle_fraction(percent: float) -> float:
    """The grade Moodle allows that is nearest ``percent`` (keeping its sign)."""
    nearest = min(MOODLE_FRACTIONS, key=lambda allowed: abs(allowed - abs(percent)))
    return -nearest if percent < 0 else nearest


def fraction_text(value: float) -> str:
    """A fraction as Moodle writes it: at most five decimals, no trailing zeros."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def exact_fractions(question: Question) -> list[float]:
    """Each option's fraction under the site's own scoring rule, before rounding.

    Moodle adds the picked fractions and floors the sum at 0, so each option's
    worth (``worth``: a multiple choice's wrong options are negative) is its fraction.
    """
    assert isinstance(question, ChoiceQuestion | Judgement)
    return question.worth


def fractions(question: Question) -> list[str]:
    """Each option's Moodle fraction, as written in the XML."""
    return [fraction_text(moodle_fraction(value)) for value in exact_fractions(question)]


def shortanswer_text(answer: str) -> str:
    """A short answer taken literally: Moodle reads ``*`` as a wildcard."""
    return answer.replace("*", "\\*")


def cloze_code(answers: list[str]) -> str:
    """One blank of a Cloze question: a short answer accepting each of ``answers``."""

    def escaped(answer: str) -> str:
        return "".join(f"\\{c}" if c in CLOZE_SPECIAL else c for c in shortanswer_text(answer))

    return "{1:SHORTANSWER:" + "~".join(f"={escaped(answer)}" for answer in answers) + "}"


def cloze_text(html: str) -> Markup:
    """Sanitised HTML for a Cloze question's text, with its braces made inert."""
    return Markup("".join(CLOZE_BRACES.get(c, c) for c in str(html)))


def category_name(name: str) -> str:
    """A category path segment: Moodle separates segments with ``/`` and reads ``//`` as one."""
    return name.replace("/", "//")


def xml_text(html: str) -> Markup:
    """HTML (already sanitised) as the escaped text of an XML element, as Moodle exports it."""
    return escape(str(html))


def notices(quiz: Quiz) -> Iterator[Notice]:
    """Where Moodle will not grade a question exactly as the site does."""
    for question in quiz.questions:
        if isinstance(question, Fill):
            yield Notice(
                question.id,
                "Moodle short answers ignore case only, not full/half width, spaces or "
                "punctuation; the accepted answers are exported as written",
            )
            if any(blank.rule for blank in question.blanks):
                yield Notice(
                    question.id,
                    "Moodle compares text, while the site grades number blanks by value; "
                    "their usual written forms are exported (100, 100名, 一百, ¥1,500 …)",
                )
        if question.moodle == "multichoice":
            for index, value in enumerate(exact_fractions(question)):
                if abs(moodle_fraction(value) - value) > 0.01:
                    yield Notice(
                        question.id,
                        f"option {index + 1} is worth {value:g}% on the site and "
                        f"{fraction_text(moodle_fraction(value))}% in Moodle, the nearest "
                        "grade Moodle allows",
                    )


def render_bank(items: list[Item], catalog: Catalog, course_title: str) -> str:
    """A Moodle XML file with the questions of ``items``, one category per chapter."""
    template = environment().get_template("moodle/bank.xml.j2")
    return template.render(
        items=items,
        catalog=catalog,
        course_title=course_title,
        fractions=fractions,
        shortanswer_text=shortanswer_text,
        cloze_code=cloze_code,
        cloze_text=cloze_text,
        category_name=category_name,
        xml_text=xml_text,
    )


def banks(catalog: Catalog, course_title: str) -> Iterator[tuple[str, str, str]]:
    """(name, XML, what it is made from) of every question bank: one per quiz, then
    the whole course.

    Each is parsed back, so a bank Moodle could not import fails the build.
    """
    quizzes = catalog.of("quizzes")
    for item in quizzes:
        xml = render_bank([item], catalog, course_title)
        _check_bank(xml, [item], item.source.path)
        yield item.id, xml, item.source.path
    xml = render_bank(quizzes, catalog, course_title)
    _check_bank(xml, quizzes, f"{BANK_DIR}/{COURSE_BANK}.xml")
    yield COURSE_BANK, xml, "the course generator"


def _check_bank(xml: str, items: list[Item], origin: str) -> None:
    """ContentError unless ``xml`` is well-formed and each Cloze question has exactly
    one sub-question per blank (whatever its author wrote)."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        message = f"its Moodle question bank is not well-formed XML ({exc.msg}, {exc.position})"
        raise ContentError([SourceError(origin, 1, message)]) from None
    blanks: dict[str, tuple[Item, int, int]] = {}
    for item in items:
        assert isinstance(item.model, Quiz)
        for index, question in enumerate(item.model.questions):
            if isinstance(question, Fill):
                blanks[question.id] = (item, index, len(question.blanks))
    errors: list[SourceError] = []
    for element in root.iterfind("question[@type='cloze']"):
        item, index, expected = blanks[element.findtext("idnumber", "")]
        found = len(CLOZE_SUBQUESTION.findall(element.findtext("questiontext/text", "")))
        if found != expected:
            message = f"becomes {found} Moodle Cloze sub-questions instead of {expected}"
            errors.append(item.source.error(("questions", index), message))
    if errors:
        raise ContentError(errors)


def notice_lines(catalog: Catalog) -> list[str]:
    """One line per kind of approximation, naming every question it affects."""
    grouped: dict[str, list[str]] = {}
    for item in catalog.of("quizzes"):
        assert isinstance(item.model, Quiz)
        for notice in notices(item.model):
            grouped.setdefault(notice.message, []).append(notice.question)
    return [
        f"Moodle export: {message} ({', '.join(questions)})"
        for message, questions in grouped.items()
    ]
