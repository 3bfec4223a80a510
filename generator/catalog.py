"""Load every content file into validated models and check their cross-references.

All problems of all files are gathered and raised together, so one build run
shows an author everything there is to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown.extensions.toc import slugify, unique

from generator import ids
from generator.content_files import content_sources, display_path, link_problem, outside_links
from generator.content_types import CONTENT_TYPES, TRAINER_DIR, ContentType
from generator.errors import ContentError, SourceError
from generator.glossary import Term, load_glossary
from generator.models.common import MAX_LABEL_LENGTH, Titled
from generator.sources import Source, load, read_text
from generator.validation import validate

ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEADING = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)
SECTION = re.compile(r"^(#{1,6})\s+(.+?)\s*(?:\{[^}]*#([\w-]+)[^}]*\})?\s*#*\s*$")
"""An ATX heading, with the id of its attribute list if it has one."""
ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
"""A setext heading's underline (``===`` or ``---`` under a line of text)."""
FENCE = re.compile(r"^ {0,3}(```|~~~)")
MAX_HEADINGS = 150
"""The most headings a chapter may have (the longest has 19): every heading adds
a table-of-contents entry, a permalink, a search section and a bookmark, and
the work on them grows faster than their number (5,000 took 157 s)."""


@dataclass(frozen=True)
class Item:
    """One validated content file."""

    kind: ContentType
    id: str
    model: Titled
    source: Source

    @property
    def page_path(self) -> str:
        return f"{self.kind.folder}/{self.id}.md"

    @property
    def trainer_page_path(self) -> str:
        return f"{TRAINER_DIR}/{self.kind.folder}/{self.id}.md"


@dataclass
class Catalog:
    """Everything the course holds: chapter titles and the items of each kind."""

    root: Path
    chapters: dict[str, str] = field(default_factory=dict)
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    """Chapter id to its sections' anchors (as the toc extension makes them) and titles."""
    items: dict[str, list[Item]] = field(default_factory=dict)
    glossary: list[Term] = field(default_factory=list)

    def of(self, folder: str) -> list[Item]:
        return self.items.get(folder, [])

    def find(self, folder: str, item_id: str) -> Item | None:
        return next((item for item in self.of(folder) if item.id == item_id), None)

    def linked_to(self, chapter: str) -> Iterator[Item]:
        """The items of every kind that belong to ``chapter``."""
        for kind in CONTENT_TYPES:
            yield from (
                item for item in self.of(kind.folder) if chapter in item.model.linked_chapters()
            )


def load_catalog(
    root: Path,
    chapters_dir: Path,
    glossary: Path,
    project: Path | None = None,
    docs_dir: Path | None = None,
) -> Catalog:
    """Read all content below ``root`` and the hand-written pages in ``docs_dir``
    (by default the chapters' parent folder); raise ContentError listing every
    problem. Messages name files relative to ``project`` (the folder of
    ``mkdocs.yml``, by default ``root``).
    """
    project = project or root
    docs_dir = docs_dir or chapters_dir.parent
    errors: list[SourceError] = list(outside_links(docs_dir, project))
    errors += _page_problems(docs_dir, project)
    chapters, sections, chapter_errors = _chapter_titles(chapters_dir, project)
    errors.extend(chapter_errors)
    catalog = Catalog(root, chapters=chapters, sections=sections)
    try:
        if not link_problem(glossary, project):
            catalog.glossary = load_glossary(glossary, display_path(glossary, project))
    except ContentError as exc:
        errors.extend(exc.errors)
    # Files that exist but failed to load: a reference to one is not a second error.
    invalid: set[tuple[str, str]] = set()
    reserved = ids.reserved()
    for kind in CONTENT_TYPES:
        paths, file_errors = content_sources(root / kind.folder, project)
        errors.extend(file_errors)
        catalog.items[kind.folder] = []
        for path in paths:
            display = display_path(path, project)
            if not ITEM_ID.match(path.stem):
                errors.append(
                    SourceError(display, 1, "file name must be lowercase letters, digits and '-'")
                )
                continue
            if path.stem in reserved:
                message = f"'{path.stem}' is reserved for {reserved[path.stem]}; rename the file"
                errors.append(SourceError(display, 1, message))
                continue
            try:
                source = load(path, display)
                model = validate(kind.model, source)
            except ContentError as exc:
                errors.extend(exc.errors)
                invalid.add((kind.folder, path.stem))
                continue
            catalog.items[kind.folder].append(Item(kind, path.stem, model, source))
    errors.extend(_broken_references(catalog, invalid))
    errors.extend(_item_problems(catalog))
    if not invalid:
        errors.extend(_catalog_problems(catalog))
    errors.extend(_repeated_ids(catalog))
    if errors:
        raise ContentError(errors)
    return catalog


def _chapter_titles(
    folder: Path, project: Path
) -> tuple[dict[str, str], dict[str, dict[str, str]], list[SourceError]]:
    """Chapter id to the title in its first heading, e.g. ``ch01`` to ``第1章 ...``,
    and to its sections (``section_anchors``)."""
    titles: dict[str, str] = {}
    sections: dict[str, dict[str, str]] = {}
    errors: list[SourceError] = []
    # By number: ch99 comes before ch100.
    for path in sorted(folder.glob("ch*.md"), key=lambda path: (len(path.stem), path.stem)):
        try:
            text = read_text(path, display_path(path, project))
        except ContentError as exc:
            errors.extend(exc.errors)
            continue
        display = display_path(path, project)
        match = HEADING.search(text)
        titles[path.stem] = match.group(1) if match else path.stem
        sections[path.stem] = section_anchors(text)
        if match and len(match.group(1)) > MAX_LABEL_LENGTH:
            line = text.count("\n", 0, match.start()) + 1
            message = f"the chapter title is longer than {MAX_LABEL_LENGTH} characters"
            errors.append(SourceError(display, line, message))
    return titles, sections, errors


def section_anchors(text: str) -> dict[str, str]:
    """Each ``##``/``###`` heading's id, as Python-Markdown's toc extension gives it
    (an ``{#id}`` of its own, or the slug of its text, made unique in the page),
    to its text: what a link to a section of the chapter names."""
    found: dict[str, str] = {}
    used: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else SECTION.match(line)
        if not match:
            continue
        title = re.sub(r"[*_`]", "", match[2]).strip()
        anchor = match[3] or unique(slugify(title, "-"), used)
        used.add(anchor)
        if len(match[1]) in (2, 3):
            found[anchor] = title
    return found


def _page_problems(docs_dir: Path, project: Path) -> Iterator[SourceError]:
    """Limits on every hand-written page (chapters, the home page, includes)."""
    for path in sorted(docs_dir.rglob("*.md")):
        if link_problem(path, project):  # reported by ``outside_links``
            continue
        display = display_path(path, project)
        try:
            yield from too_many_headings(read_text(path, display), display)
        except ContentError as exc:  # an unreadable page: reported by the link check too
            yield from exc.errors


def too_many_headings(text: str, display: str) -> Iterator[SourceError]:
    """An error at the first heading past ``MAX_HEADINGS`` (fenced code is not
    counted), for a chapter or any other page."""
    count = 0
    fenced = False
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and _is_heading(line, previous):
            count += 1
            if count > MAX_HEADINGS:
                message = f"more than {MAX_HEADINGS} headings in one page; split it up"
                yield SourceError(display, number, message)
                return
        previous = "" if fenced else line


def _is_heading(line: str, previous: str) -> bool:
    """An ATX heading, or the underline of a setext one (a ``---`` under a blank
    line is a rule, not a heading)."""
    if ANY_HEADING.match(line):
        return True
    return bool(UNDERLINE.match(line) and previous.strip() and not ANY_HEADING.match(previous))


def _broken_references(catalog: Catalog, invalid: set[tuple[str, str]]) -> Iterator[SourceError]:
    for items in catalog.items.values():
        for item in items:
            for ref in item.model.references():
                exists = (
                    ref.id in catalog.chapters
                    if ref.folder == "chapters"
                    else catalog.find(ref.folder, ref.id) is not None
                    or (ref.folder, ref.id) in invalid
                )
                if not exists:
                    yield item.source.error(
                        ref.location, f"'{ref.id}' names no file in {ref.folder}/"
                    )


def _item_problems(catalog: Catalog) -> Iterator[SourceError]:
    for items in catalog.items.values():
        for item in items:
            for location, message in item.model.problems():
                yield item.source.error(location, message)


def _catalog_problems(catalog: Catalog) -> Iterator[SourceError]:
    for items in catalog.items.values():
        for item in items:
            for location, message in item.model.catalog_problems(catalog):
                yield item.source.error(location, message)


def _repeated_ids(catalog: Catalog) -> Iterator[SourceError]:
    """Ids such as question ids must be unique across all files of a kind."""
    for items in catalog.items.values():
        first: dict[str, SourceError] = {}
        for item in items:
            for location, value in item.model.unique_ids():
                here = item.source.error(location, "")
                if value in first:
                    where = f"{first[value].path}:{first[value].line}"
                    yield item.source.error(location, f"id '{value}' is already used at {where}")
                else:
                    first[value] = here
