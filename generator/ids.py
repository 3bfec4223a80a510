"""Names the generator makes from ids, and the checks that no two things get one.

An item's file stem becomes output paths (``quizzes/<id>.md``, Moodle's
``<id>.xml``), a question id becomes HTML element ids (``q-<id>``, ``<id>-1``)
and keys in the reader's browser storage. The generator uses some of those
names itself (``course``, ``index``), and two ids can map to one name
(question ids ``ch02-1`` and ``q-ch02`` both give the HTML id ``q-ch02-1``).
Either silently loses something, so both are errors, found here on what the
generator actually makes rather than on a list of known patterns.

Browser storage needs no check: ``scripts/quiz.js`` keeps one record per quiz
under a fixed prefix and the quiz id, answers under their (unique) question id,
and its own keys outside that prefix, where no id can reach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.content_files import RESERVED_STEMS
from generator.content_types import CONTENT_TYPES
from generator.errors import SourceError

if TYPE_CHECKING:
    from generator.catalog import Catalog

COURSE = "course"
"""The stem of what is made from all items of a kind: the course answer key
(``course-answers.pdf``) and the course-wide Moodle bank (``course.xml``)."""
FORM_PACK = "all-forms"
"""The stem of the ZIP holding every form PDF (``forms/all-forms.zip``)."""


def reserved() -> dict[str, str]:
    """Every name the generator gives a file of its own beside items' files, and
    what it is: no item of any kind may take one."""
    names = dict(RESERVED_STEMS)
    for kind in CONTENT_TYPES:
        for name in kind.section_pages:
            names.setdefault(name, f"the page {kind.folder}/{name}")
    names[COURSE] = "what is made from all items of a kind (course answer key, Moodle bank)"
    names[FORM_PACK] = f"the pack of every form, forms/{FORM_PACK}.zip"
    return names


@dataclass(frozen=True)
class Made:
    """One name the build gives something, and the source it comes from."""

    name: str
    origin: SourceError | None
    """Where in the content it comes from (its message says what); None: the generator."""


def clashes(made: Iterable[Made], what: str, where: str) -> Iterator[SourceError]:
    """An error for every name given twice, at the source of one, naming the other;
    ``where`` (the output) is named when the generator itself gave both."""
    first: dict[str, Made] = {}
    for item in made:
        earlier = first.setdefault(item.name, item)
        if earlier is item or (item.origin is not None and earlier.origin == item.origin):
            continue
        here, there = (item, earlier) if item.origin else (earlier, item)
        if here.origin is None:
            message = f"the course generator gives the {what} '{item.name}' twice"
            yield SourceError(where, 1, message)
            continue
        other = (
            f"{there.origin.message} at {there.origin.path}:{there.origin.line}"
            if there.origin
            else "the course generator's own"
        )
        yield SourceError(
            here.origin.path,
            here.origin.line,
            f"{here.origin.message} gives the {what} '{item.name}', as {other} does; rename one",
        )


HTML_ID = re.compile(r"""<[^<>]*?\sid=["']([^"']+)["']""")
OWNER = re.compile(r"""<fieldset[^<>]*?\sdata-id=["']([^"']+)["']""")
"""A question's fieldset (``templates/quizzes/question.html.j2``) and its id."""
END = "</fieldset>"


def element_ids(html: str) -> Iterator[tuple[str, str | None]]:
    """(HTML id, id of the question whose fieldset holds it, or None) of a page."""
    owners = [
        (match.start(), html.find(END, match.start()) % (len(html) + 1), match.group(1))
        for match in OWNER.finditer(html)
    ]
    index = -1
    for match in HTML_ID.finditer(html):
        while index + 1 < len(owners) and owners[index + 1][0] <= match.start():
            index += 1
        inside = index >= 0 and match.start() < owners[index][1]
        yield match.group(1), owners[index][2] if inside else None


def output_path_problems(
    outputs: Iterable[tuple[str, str]], sources: set[str]
) -> Iterator[SourceError]:
    """Two outputs at one path: ``outputs`` are (path, origin), where an origin in
    ``sources`` is a content file and anything else is the generator's own."""
    made = (
        Made(path, SourceError(origin, 1, "this file") if origin in sources else None)
        for path, origin in outputs
    )
    return clashes(made, "output path", "the site")


def html_id_problems(
    documents: Iterable[tuple[str, str]], catalog: Catalog
) -> Iterator[SourceError]:
    """Two elements of one page or print document with the same HTML id, for
    (path, HTML) of every document; each is traced to its question's id line."""
    questions: dict[str, SourceError] = {}
    for item in catalog.of("quizzes"):
        for location, value in item.model.unique_ids():
            questions[value] = item.source.error(location, f"question '{value}'")
    for path, html in documents:
        made = (
            Made(name, questions.get(owner) if owner else None) for name, owner in element_ids(html)
        )
        yield from clashes(made, "HTML id", path)
