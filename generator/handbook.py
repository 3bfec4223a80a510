"""The course handbook (one PDF of every chapter) and one PDF per chapter.

Both are made from the chapters' HTML as the site renders it, so the printed
text is never a second copy. Site-only parts are taken out or unfolded for
paper: permalink anchors, the chapter's resource list (links to online
material), tabs (every panel is printed under its label). Element ids get the
chapter's id as a prefix, so the chapters can share one document.

The HTML is handled as a parsed tree: the Jinja templates render the frame
(cover, contents, exercises, glossary) with empty slots, and each chapter's
elements are moved into its slot. The chapter HTML is the site's own output for
that page; nothing here turns text into markup.
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import artifacts, htmltree, theme_markup
from generator.catalog import Catalog
from generator.content_types import EXERCISES
from generator.pages import environment
from generator.pdf import PdfJob

HANDBOOK_PDF = "handbook.pdf"
STYLESHEETS = ("handbook.css", *EXERCISES)
RESOURCES_ID = "course-resources"
"""Id of the heading that opens a chapter's list of online material (not printed)."""

WIDE_TABLE = 6
"""Tables with at least this many columns are set in smaller type."""
SMALL_TYPE_MM = 7.5 * 25.4 / 72
"""The em of that smaller type (7.5pt, ``table.print-wide`` in handbook.css)."""
TEXT_WIDTH_MM = 210 - 2 * 16
"""Width of a portrait page's text (A4 less handbook.css's 16 mm margins)."""
CELL_SPACE_MM = 2 * 1 + 0.2
"""What a cell adds to its text: ``table.print-wide`` padding and a border."""
NARROWEST_CJK = 4
"""A column holding Chinese text is at least this many characters wide (fewer
reads as a vertical strip of single characters)."""
LATIN_EM = 0.6
"""Width of a Latin letter, digit or sign in em: a little more than Noto Sans
CJK SC's proportional Latin glyphs, so the estimate errs towards landscape."""

_DROPPED_TAGS = {"script", "style", "link", "iframe", "object", "embed"}
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Cover:
    """What a company's copy names on its cover: who issues it, which version, when."""

    organisation: str = ""
    version: str = ""
    date: datetime.date | None = None


def build_date(environ: Mapping[str, str] = os.environ) -> datetime.date:
    """The date a build prints: ``SOURCE_DATE_EPOCH`` (seconds, read as UTC) when set,
    so a rebuild of the same sources is byte-identical; otherwise today."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.datetime.now(datetime.UTC).date()
    if not value.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}")
    return datetime.datetime.fromtimestamp(int(value), datetime.UTC).date()


def course_version(option: str, project: Path) -> str:
    """The version on the cover: the ``version`` option, else ``git describe --tags``
    of the project (the same for every clone of a commit); empty without either."""
    if option:
        return option
    try:
        found = subprocess.run(
            ["git", "describe", "--tags"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.stdout.strip() if found.returncode == 0 else ""


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class Chapter:
    """One chapter ready for print: its title, its sections and its cleaned body."""

    id: str
    title: str
    sections: tuple[Section, ...]
    body: ET.Element


def chapter_pdf(chapters_dir: str, chapter_id: str) -> str:
    """Where a chapter's PDF is published: beside its page."""
    return f"{chapters_dir}/{chapter_id}.pdf"


def pdf_paths(catalog: Catalog, chapters_dir: str) -> list[str]:
    """Every PDF this module makes, known before any page is rendered."""
    return [HANDBOOK_PDF, *(chapter_pdf(chapters_dir, cid) for cid in catalog.chapters)]


def cached_jobs(
    store: artifacts.Store,
    course_key: str,
    pages: Mapping[str, str],
    catalog: Catalog,
    chapters_dir: str,
    course_title: str,
    *,
    exercises: bool = True,
    part_chapters: int = 0,
    cover: Cover = Cover(),
) -> list[PdfJob]:
    """``jobs``, kept in ``store``: preparing the handbook's print HTML takes a while,
    and it is the same while the course (``course_key``) and chapters are."""
    key = artifacts.key(
        "handbook",
        course=course_key,
        title=course_title,
        chapters_dir=chapters_dir,
        options=f"{exercises} {part_chapters}",
        cover=repr(cover),
        pages=[part for chapter, html in sorted(pages.items()) for part in (chapter, html)],
    )
    return store.remembered(
        "handbook",
        key,
        lambda: jobs(
            pages,
            catalog,
            chapters_dir,
            course_title,
            exercises=exercises,
            part_chapters=part_chapters,
            cover=cover,
        ),
    )


def jobs(
    pages: Mapping[str, str],
    catalog: Catalog,
    chapters_dir: str,
    course_title: str,
    *,
    exercises: bool = True,
    part_chapters: int = 0,
    cover: Cover = Cover(),
) -> list[PdfJob]:
    """The handbook and each chapter's PDF from the chapters' rendered HTML.

    ``pages`` maps a chapter id to its page body as the site renders it;
    chapters without one are left out. ``exercises`` prints each chapter's
    quiz questions after it, without answers; ``cover`` is what the handbook's
    cover says besides the course title. A course of more than
    ``part_chapters`` chapters (0: no limit) has its handbook laid out in parts
    of that many chapters, so rendering it needs bounded memory.
    """
    known = [cid for cid in catalog.chapters if cid in pages]
    chapters = [
        prepare_chapter(cid, pages[cid], catalog.chapters[cid], internal=set(known))
        for cid in known
    ]
    handouts = [
        _job(
            chapter_pdf(chapters_dir, chapter.id),
            chapters_dir,
            _assemble(
                "handbook/chapter.html.j2", [_alone(chapter)], catalog, course_title, exercises
            ),
        )
        for chapter in chapters
    ]

    # Last: assembling moves the chapters' elements into the handbook.
    def book(part: list[Chapter], *, front: bool, back: bool, page_refs: bool = False) -> str:
        frame = {
            "front": front,
            "back": back,
            "contents": chapters,
            "page_refs": page_refs,
            "cover": cover,
        }
        return _assemble("handbook/handbook.html.j2", part, catalog, course_title, exercises, frame)

    if 0 < part_chapters < len(chapters):
        groups = [chapters[i : i + part_chapters] for i in range(0, len(chapters), part_chapters)]
        parts = (
            book([], front=True, back=False, page_refs=True),
            *(book(group, front=False, back=False) for group in groups),
            book([], front=False, back=True),
        )
        handbook = PdfJob(
            HANDBOOK_PDF,
            "",
            stylesheets=STYLESHEETS,
            forms=False,
            parts=parts,
            base_dir=chapters_dir,
        )
    else:
        handbook = _job(HANDBOOK_PDF, chapters_dir, book(chapters, front=True, back=True))
    return [handbook, *handouts]


def _alone(chapter: Chapter) -> Chapter:
    """A copy of a chapter for its own PDF: links to other chapters become plain text."""
    body = copy.deepcopy(chapter.body)
    own = f"#{chapter.id}-"
    for parent, link in [(p, c) for p, c in _child_pairs(body) if c.tag == "a"]:
        href = link.get("href", "")
        if href.startswith("#") and not href.startswith(own) and href != own[:-1]:
            theme_markup.unwrap(parent, link)
    return Chapter(chapter.id, chapter.title, chapter.sections, body)


def _job(path: str, chapters_dir: str, html: str) -> PdfJob:
    """Handbooks are read, not filled in: no form fields. Their relative URLs are
    the chapter pages'."""
    return PdfJob(path, html, stylesheets=STYLESHEETS, forms=False, base_dir=chapters_dir)


def _assemble(
    template: str,
    chapters: list[Chapter],
    catalog: Catalog,
    course_title: str,
    exercises: bool,
    frame_options: Mapping[str, object] | None = None,
) -> str:
    """Render the frame, then move each chapter's elements into its slot.

    Every chapter's quizzes are given, as the contents list the exercises of
    chapters laid out in other parts too."""
    quizzes = {
        chapter_id: [
            item for item in catalog.linked_to(chapter_id) if item.kind.folder == "quizzes"
        ]
        for chapter_id in catalog.chapters
    }
    frame = (
        environment()
        .get_template(template)
        .render(
            chapters=chapters,
            quizzes=quizzes,
            exercises=exercises,
            glossary=catalog.glossary,
            course_title=course_title,
            **(frame_options or {}),
        )
    )
    root = htmltree.parse(frame)
    bodies = {chapter.id: chapter.body for chapter in chapters}
    for parent in root.iter():
        for index, slot in enumerate(list(parent)):
            chapter_id = slot.get("data-chapter-body")
            if chapter_id in bodies:
                body = bodies[chapter_id]
                parent.remove(slot)
                for offset, element in enumerate(list(body)):
                    parent.insert(index + offset, element)
    return "<!DOCTYPE html>\n" + "".join(htmltree.serialise(element) for element in root)


def prepare_chapter(chapter_id: str, html: str, title: str, internal: set[str]) -> Chapter:
    """Parse a chapter page's HTML and make it printable.

    ``internal`` are the chapters printed in the same document: links to them
    become links inside the PDF; other site links become plain text.
    """
    body = htmltree.parse(html)
    _drop_resources(body)
    _drop(body, lambda el: el.tag in _DROPPED_TAGS or theme_markup.is_permalink(el))
    _unfold_tabs(body)
    _mark_wide_tables(body)
    _relink(body, chapter_id, internal)
    sections = tuple(
        Section(el.get("id", ""), _text(el)) for el in body if el.tag == "h2" and el.get("id")
    )
    return Chapter(chapter_id, title, sections, body)


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _parents(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _remove(parent: ET.Element, child: ET.Element) -> None:
    """Remove an element but keep the text that follows it."""
    index = list(parent).index(child)
    if child.tail:
        if index > 0:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _drop(root: ET.Element, condition: Callable[[ET.Element], bool]) -> None:
    for child, parent in list(_parents(root).items()):
        if condition(child):
            _remove(parent, child)


def _drop_resources(body: ET.Element) -> None:
    """Drop the resource-list section: its heading and everything up to the next h1/h2."""
    dropping = False
    for element in list(body):
        if element.tag in {"h1", "h2"}:
            dropping = element.get("id") == RESOURCES_ID
        if dropping:
            _remove(body, element)


def _unfold_tabs(body: ET.Element) -> None:
    """Print every tab panel, each under its tab's label."""
    for tabs, labels, panels in theme_markup.tab_sets(body):
        for child in list(tabs):
            tabs.remove(child)
        tabs.attrib = {"class": "print-tabs"}
        tabs.text = None
        for label, panel in zip(labels, panels, strict=False):
            ET.SubElement(tabs, "p", {"class": "print-tabs__label"}).text = _text(label)
            panel.set("class", "print-tabs__panel")
            tabs.append(panel)


def _mark_wide_tables(body: ET.Element) -> None:
    """Smaller type for wide tables; a landscape page only for those that cannot fit
    the portrait page's width even in that type."""
    for parent, table in [(p, c) for p, c in _child_pairs(body) if c.tag == "table"]:
        rows = [[cell for cell in row if cell.tag in {"th", "td"}] for row in table.iter("tr")]
        columns = sum(int(cell.get("colspan", "1")) for cell in rows[0]) if rows else 0
        if columns < WIDE_TABLE:
            continue
        table.set("class", " ".join([*theme_markup.classes(table), "print-wide"]))
        if _narrowest_mm(rows) > TEXT_WIDTH_MM:
            index = list(parent).index(table)
            wrapper = ET.Element("div", {"class": "print-landscape"})
            wrapper.tail, table.tail = table.tail, None
            parent.remove(table)
            wrapper.append(table)
            parent.insert(index, wrapper)


def _narrowest_mm(rows: list[list[ET.Element]]) -> float:
    """An estimate of the narrowest a table can be set in small type: each column as
    wide as its longest run that cannot break (a number, a Latin word) or
    ``NARROWEST_CJK`` characters of Chinese, plus the cells' padding. Cells
    spanning columns are left out; they fit in the columns they span."""
    widths: dict[int, float] = {}
    for row in rows:
        column = 0
        for cell in row:
            span = int(cell.get("colspan", "1"))
            if span == 1:
                widths[column] = max(widths.get(column, 0.0), _cell_em(_text(cell)))
            column += span
    return sum(em * SMALL_TYPE_MM + CELL_SPACE_MM for em in widths.values())


def _cell_em(text: str) -> float:
    """The narrowest a cell's text can be set, in em: Chinese (wide) characters may
    break anywhere, other runs without spaces only as a whole."""
    wide = [unicodedata.east_asian_width(char) in {"W", "F"} for char in text]
    narrow = "".join(" " if is_wide else char for char, is_wide in zip(text, wide, strict=True))
    latin = max((len(run) * LATIN_EM for run in narrow.split()), default=0.0)
    return max(latin, float(min(sum(wide), NARROWEST_CJK)))


def _child_pairs(root: ET.Element) -> Iterable[tuple[ET.Element, ET.Element]]:
    return [(parent, child) for parent in root.iter() for child in list(parent)]


def _relink(body: ET.Element, chapter_id: str, internal: set[str]) -> None:
    """Prefix ids with the chapter; keep links within the document, unwrap the rest."""
    for element in body.iter():
        if element.get("id"):
            element.set("id", f"{chapter_id}-{element.get('id')}")
    for parent, link in [(p, c) for p, c in _child_pairs(body) if c.tag == "a"]:
        target = _target(link.get("href", ""), chapter_id, internal)
        if target is None:
            theme_markup.unwrap(parent, link)
        else:
            link.set("href", target)


def _target(href: str, chapter_id: str, internal: set[str]) -> str | None:
    """Where a link points inside the PDF, an outside URL kept as is, or None."""
    if not href:
        return None
    if _EXTERNAL.match(href):
        return href if href.lower().startswith(("http:", "https:", "mailto:")) else None
    page, _, fragment = href.partition("#")
    if page and ("/" in page or not page.endswith(".html")):
        return None
    target = page.removesuffix(".html") or chapter_id
    if target not in internal:
        return None
    return f"#{target}-{fragment}" if fragment else f"#{target}"
