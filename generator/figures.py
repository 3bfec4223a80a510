"""Figures: drawn at build time from ``figures/<name>.yml``, numbered by chapter,
cached by content, and placed in chapters by a Markdown image line.

A chapter places a figure with a line of its own::

    ![销售漏斗里的四类客户](../figures/sales-funnel.svg)

The text in brackets is optional; when present it must be the figure's title,
so the chapter's Markdown still says what stands there. The build replaces the
line with the drawing, numbered ``图 N-M`` (chapter N, M-th figure in it), its
caption and its alt text. The SVG is published at ``figures/<name>.svg``: the
site's image loads that file (a page stays light on a slow network, and the
image links to it for zooming on a phone), while the chapter HTML the PDFs and
the SCORM package are made from embeds the very same drawing as a ``data:`` URI.

A drawing depends only on its data, the drawing code and templates, and the
renderer's version: these are hashed into a key, and a figure already drawn
under that key is read from the artifact store instead of drawn again.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import zip_longest
from pathlib import Path

from jinja2 import Environment

from generator import artifacts, drawing
from generator.content_files import content_sources, display_path
from generator.errors import ContentError, SourceError, excerpt
from generator.glyphs import missing_glyphs
from generator.models.figure import Figure, FigureFile
from generator.pages import environment
from generator.sources import Source, load, read_text
from generator.validation import validate

FOLDER = "figures"
"""Where figure sources live (beside quizzes/, cases/, forms/) and where the
SVGs are published in the site."""
CACHE_FORMAT = "1"
"""Bump to drop every cached drawing when the cache layout changes."""

IMAGE_LINE = re.compile(r"^(?P<indent>[ \t]*)!\[(?P<title>[^\]]*)\]\((?P<target>[^)]*)\)\s*$")
FIGURE_TARGET = re.compile(rf"^\.\./{FOLDER}/(?P<name>[a-z0-9][a-z0-9-]*)\.svg$")
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
"""A code fence's line at any indentation (fences nest in admonitions, lists, tabs)."""
LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
"""What Markdown takes for the end of a line; nothing else (form feeds, U+2028) is one."""
SIZE = re.compile(r'<svg[^>]*?\swidth="(?P<w>[\d.]+)pt"[^>]*?\sheight="(?P<h>[\d.]+)pt"', re.DOTALL)


@dataclass(frozen=True)
class FigureItem:
    """One validated figure source."""

    id: str
    model: Figure
    source: Source


@dataclass(frozen=True)
class Placement:
    """Where a chapter shows a figure, and the number it gets there."""

    figure: str
    chapter: str
    number: str
    """``3-1``: chapter 3, first figure in it."""
    line: int
    path: str = ""
    """The chapter's source file, as the author knows its path."""


@dataclass
class FigureSet:
    """Every figure and where each one is placed."""

    items: dict[str, FigureItem] = field(default_factory=dict)
    placements: dict[str, list[Placement]] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)
    """Figures whose source has errors: their chapter lines are not errors too."""

    def numbered(self) -> Iterator[tuple[Placement, FigureItem]]:
        for placements in self.placements.values():
            for placement in placements:
                yield placement, self.items[placement.figure]


def load_figures(
    folder: Path, chapters_dir: Path, chapters: dict[str, str], project: Path
) -> FigureSet:
    """Read every figure source and find each one's place; raise every problem at once."""
    found = FigureSet()
    paths, errors = content_sources(folder, project)
    for path in paths:
        display = display_path(path, project)
        try:
            source = load(path, display)
            model = validate(FigureFile, source).root
        except ContentError as exc:
            errors.extend(exc.errors)
            found.invalid.add(path.stem)
            continue
        errors.extend(source.error(location, message) for location, message in model.problems())
        if model.chapter not in chapters:
            errors.append(source.error(("chapter",), f"'{model.chapter}' names no chapter"))
        found.items[path.stem] = FigureItem(path.stem, model, source)
    for chapter in chapters:
        path = chapters_dir / f"{chapter}.md"
        display = display_path(path, project)
        placements, problems = _place(read_text(path, display), chapter, display, found)
        found.placements[chapter] = placements
        errors.extend(problems)
    placed = {p.figure for placements in found.placements.values() for p in placements}
    for item in found.items.values():
        if item.id not in placed and item.model.chapter in chapters:
            message = f"figure '{item.id}' is not placed in {item.model.chapter}; add the line "
            message += f"![{item.model.title}](../{FOLDER}/{item.id}.svg)"
            errors.append(item.source.error(("chapter",), message))
    if errors:
        raise ContentError(errors)
    return found


def _split(text: str) -> tuple[list[str], list[str]]:
    """``text``'s lines as Markdown reads them, and the line breaks between them."""
    parts = LINE_BREAK.split(text)
    return parts[::2], parts[1::2]


def _figure_lines(lines: list[str]) -> Iterator[tuple[int, re.Match[str], str | None]]:
    """(line number, match, figure id or None) of every line that places a figure,
    outside code fences: the one reading of a chapter that numbering and expanding
    both use. A fence closes only with a fence of its own character at least as long
    (CommonMark), so a fence can show another fence."""
    fence = ""
    for number, line in enumerate(lines, start=1):
        marker = FENCE.match(line)
        if fence:
            if marker and _closes(marker, fence):
                fence = ""
            continue
        if marker and not (marker["fence"][0] == "`" and "`" in marker["info"]):
            fence = marker["fence"]
            continue
        match = IMAGE_LINE.match(line)
        if match and f"{FOLDER}/" in match["target"]:
            target = FIGURE_TARGET.match(match["target"].strip())
            yield number, match, target["name"] if target else None


def _closes(marker: re.Match[str], fence: str) -> bool:
    found = marker["fence"]
    return found[0] == fence[0] and len(found) >= len(fence) and not marker["info"].strip()


def _place(
    text: str, chapter: str, display: str, figures: FigureSet
) -> tuple[list[Placement], list[SourceError]]:
    """The figure lines of one chapter, numbered in order, and what is wrong with them."""
    placements: list[Placement] = []
    errors: list[SourceError] = []
    # MkDocs drops a byte order mark before Markdown reads the page; so does this.
    lines, _ = _split(text.removeprefix("\ufeff"))
    for number, match, name in _figure_lines(lines):
        item = figures.items.get(name) if name else None
        if name in figures.invalid:
            continue
        if item is None:
            known = ", ".join(sorted(figures.items)) or "none"
            message = f"'{excerpt(match['target'])}' is no figure; write ../{FOLDER}/<name>.svg "
            message += f"with <name> one of: {known}"
            errors.append(SourceError(display, number, message))
            continue
        problem = _placement_problem(item, chapter, match["title"].strip(), placements, display)
        if problem:
            errors.append(SourceError(display, number, problem))
            continue
        label = f"{int(chapter[2:])}-{len(placements) + 1}"
        placements.append(Placement(item.id, chapter, label, number, display))
    for placement in placements:
        mention = f"图 {placement.number}"
        if not any(mention in line for i, line in enumerate(lines, 1) if i != placement.line):
            message = (
                f"the text never refers to {mention}; say where it helps, e.g. “见{mention}。”"
            )
            errors.append(SourceError(display, placement.line, message))
    return placements, errors


def _placement_problem(
    item: FigureItem, chapter: str, title: str, earlier: list[Placement], display: str
) -> str | None:
    if item.model.chapter != chapter:
        return f"figure '{item.id}' belongs to {item.model.chapter} (see {item.source.path})"
    first = next((placement for placement in earlier if placement.figure == item.id), None)
    if first is not None:
        return f"figure '{item.id}' is already placed at {display}:{first.line}"
    if title and title != item.model.title:
        return f"the text in brackets must be the figure's title “{item.model.title}” or empty"
    return None


def render_figures(figures: FigureSet, store: artifacts.Store | None) -> dict[str, str]:
    """Every figure's SVG, from the store when its key is there; ContentError if one fails."""
    svgs: dict[str, str] = {}
    errors: list[SourceError] = []
    for item in figures.items.values():
        try:
            svgs[item.id] = _cached_drawing(item.model, store or artifacts.Store(None))
        except drawing.DrawingError as exc:
            errors.append(SourceError(item.source.path, 1, str(exc)))
    if errors:
        raise ContentError(errors)
    return svgs


def _cached_drawing(figure: Figure, store: artifacts.Store) -> str:
    key = cache_key(figure)
    cached = store.read("figure", key, ".svg")
    if cached is not None:
        return cached.decode("utf-8")
    svg = drawing.draw(figure, _render_dot)
    store.write("figure", key, ".svg", svg.encode("utf-8"))
    return svg


def cache_key(figure: Figure) -> str:
    """A hash of everything a drawing depends on."""
    return artifacts.key(
        "figure",
        format=CACHE_FORMAT,
        renderer=drawing.renderer_version(figure),
        model=figure.model_dump_json(),
        code=_drawing_code(),
    )


@cache
def _drawing_code() -> tuple[bytes, ...]:
    """The drawing code and its templates, read once per process."""
    package = files("generator")
    code = [(package / "drawing.py").read_bytes(), (package / "attitudes.py").read_bytes()]
    templates = package / "templates" / "figures"
    code += [t.read_bytes() for t in sorted(templates.iterdir(), key=lambda t: t.name)]
    return tuple(code)


@cache
def _dot_environment() -> Environment:
    """The package's templates, with every value a Graphviz template writes passed
    through ``drawing.dot_text`` before it is HTML-escaped. An environment of its own
    (fresh template cache, no bytecode cache), so no template compiled without that
    step is ever used for a drawing."""
    return environment().overlay(finalize=drawing.dot_text, cache_size=50, bytecode_cache=None)


def _render_dot(name: str, context: dict[str, object]) -> str:
    return _dot_environment().get_template(f"figures/{name}").render(**context)


def expand(markdown: str, chapter: str, figures: FigureSet) -> str:
    """``markdown`` with each figure line of ``chapter`` replaced by a placeholder.

    The figure's HTML goes in only after the chapter's Markdown pass (``insert``):
    a figure indented into an admonition, a list or a tab would otherwise have its
    HTML read as Markdown, and its title or alt text as links and attribute lists.
    The placeholder is one word of letters, digits and hyphens, which Markdown
    leaves as it is at any indentation.
    """
    by_figure = {p.figure: p for p in figures.placements.get(chapter, [])}
    if not by_figure:
        return markdown
    lines, breaks = _split(markdown)
    for number, match, name in _figure_lines(lines):
        placement = by_figure.get(name) if name else None
        if placement is not None:
            lines[number - 1] = match["indent"] + _placeholder(placement)
    return "".join(line + end for line, end in zip_longest(lines, breaks, fillvalue=""))


def insert(
    html: str, chapter: str, figures: FigureSet, svgs: dict[str, str], embed: bool = True
) -> str:
    """The chapter's rendered ``html`` with each placeholder replaced by its figure:
    number, caption and alt text as escaped plain text, the SVG as a ``data:`` URI
    (``embed``, for PDFs and packages) or as a link to its published file.
    ContentError for a placeholder that Markdown left where no figure can go."""
    template = environment().get_template("figures/figure.html.j2")
    lost: list[SourceError] = []
    for placement in figures.placements.get(chapter, []):
        svg = svgs[placement.figure]
        size = SIZE.search(svg)
        href = f"../{site_path(placement.figure)}"
        data = f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"
        figure = template.render(
            placement=placement,
            figure=figures.items[placement.figure].model,
            href=href,
            src=data if embed else href,
            width=round(float(size["w"]) * 4 / 3) if size else None,
            height=round(float(size["h"]) * 4 / 3) if size else None,
        ).strip()
        token = re.escape(_placeholder(placement))
        # Only as an element's whole text: never inside a comment, an attribute or code.
        where = re.compile(rf"<p>\s*{token}\s*</p>|(?<=>)\s*{token}\s*(?=<)")
        html, found = where.subn(_literal(figure), html, 1)
        if not found:
            message = "the figure must stand in running text, not inside raw HTML or a comment"
            lost.append(SourceError(placement.path, placement.line, message))
    if lost:
        raise ContentError(lost)
    return html


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for ``re.sub`` that is ``text`` as it is (no group references)."""
    return lambda _: text


_NONCE = secrets.token_hex(6)
"""Part of every placeholder, so that no chapter text can be taken for one."""


def _placeholder(placement: Placement) -> str:
    return f"course-figure-{_NONCE}-{placement.figure}"


def glyph_warnings(figures: FigureSet) -> Iterator[SourceError]:
    """Characters in figure sources that no installed font can draw (they print as boxes)."""
    return missing_glyphs((item.source.text, item.source.path) for item in figures.items.values())


def site_path(figure_id: str) -> str:
    """Where a figure's SVG is published in the site."""
    return f"{FOLDER}/{figure_id}.svg"
