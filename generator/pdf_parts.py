"""A long PDF laid out in parts and joined, so a worker's memory stays bounded.

WeasyPrint keeps the layout of every page of a document until the PDF is
written: about 1.6 MiB a page of the handbook, so a 1,000-page handbook needs
1.5 GiB in one process. Laid out part by part, each part written to PDF and
dropped before the next, a worker holds one part's layout at a time; the parts'
PDFs are then joined with pypdf, which keeps their bookmarks and named
destinations.

What one document would do across its whole length is redone across parts:

- page numbers run on: each part's page counter starts after the previous part;
- page references: an element with ``data-page-ref="anchor"`` is given that
  anchor's page number as ``data-page`` (the stylesheet shows it with
  ``attr(data-page)``, where one document would use ``target-counter``). A
  part holding references is first laid out with placeholders, to learn its
  length, and again once every anchor's page is known;
- links to anchors in other parts are added to the joined PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Layout = Callable[[str, str], Any]
"""Lays out print HTML with an extra stylesheet: a WeasyPrint ``Document``."""

PAGE_REF = re.compile(r'data-page-ref="([^"]*)"')
PLACEHOLDER = "0000"
"""As wide as any page number the references will get, so no line is longer later."""
PX_TO_PT = 0.75
"""WeasyPrint lays out in CSS pixels; PDF coordinates are points."""
MAX_PASSES = 4


@dataclass(frozen=True)
class _Link:
    page: int
    """Index of the page in its part."""
    rect: tuple[float, ...]
    """In PDF points from the page's bottom left, top-left corner first."""
    anchor: str


@dataclass(frozen=True)
class _Part:
    offset: int
    """Pages before this part."""
    numbers: tuple[str, ...] | None
    """The page numbers its references were given; None: placeholders (a trial layout)."""
    pages: int
    pdf: bytes
    links: tuple[_Link, ...]
    """Links to anchors outside the part, added once the parts are joined."""


def render(parts: Sequence[str], layout: Layout) -> tuple[bytes, int]:
    """The joined PDF of ``parts`` (whole HTML documents, in order) and its page count."""
    anchors: dict[str, int] = {}
    done: list[_Part | None] = [None] * len(parts)
    for trial in range(MAX_PASSES):
        changed = False
        offset = 0
        for index, html in enumerate(parts):
            names = PAGE_REF.findall(html)
            numbers = (
                None if names and trial == 0 else tuple(str(anchors.get(n, "")) for n in names)
            )
            part = done[index]
            if part is None or part.offset != offset or part.numbers != numbers:
                part = done[index] = _lay_out(html, layout, offset, numbers, anchors)
                changed = True
            offset += part.pages
        if not changed:
            laid_out = [part for part in done if part is not None]
            return _join(laid_out, anchors), offset
    raise RuntimeError(f"page numbers across {len(parts)} parts did not settle")


def _lay_out(
    html: str, layout: Layout, offset: int, numbers: tuple[str, ...] | None, anchors: dict[str, int]
) -> _Part:
    """Lay out one part after ``offset`` pages, noting the page of each of its anchors."""
    given = iter(numbers) if numbers is not None else None

    def fill(match: re.Match[str]) -> str:
        return f'{match[0]} data-page="{next(given) if given else PLACEHOLDER}"'

    document = layout(
        PAGE_REF.sub(fill, html), f"@page :first {{ counter-reset: page {offset + 1} }}"
    )
    here: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            # An element spread over pages is an anchor on each: its first page counts.
            here.setdefault(name, offset + number + 1)
    anchors.update(here)
    pages = len(document.pages)
    if numbers is None:
        return _Part(offset, None, pages, b"", ())
    links = tuple(_take_outside_links(document.pages, here))
    return _Part(offset, numbers, pages, document.write_pdf(), links)


def _take_outside_links(pages: Sequence[Any], here: Container[str]) -> Iterator[_Link]:
    """Remove links to other parts' anchors from the pages (WeasyPrint would drop
    them with an error) and give them back to be added after joining."""
    for number, page in enumerate(pages):
        kept = []
        for link in page.links:
            kind, target, (x1, y1, x2, y2), _ = link
            if kind == "internal" and target not in here:
                top = page.height  # y grows down in CSS, up in PDF
                rect = (x1, top - y1, x2, top - y2)
                yield _Link(number, tuple(value * PX_TO_PT for value in rect), target)
            else:
                kept.append(link)
        page.links[:] = kept


def _join(parts: Sequence[_Part], anchors: dict[str, int]) -> bytes:
    """One PDF of the parts, with the first part's metadata and the links between parts."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.pdf)))
    metadata = PdfReader(io.BytesIO(parts[0].pdf)).metadata
    if metadata:
        writer.add_metadata(metadata)
    for part in parts:
        for link in part.links:
            if link.anchor not in anchors:
                continue
            annotation = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject(FloatObject(v) for v in link.rect),
                    NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                    NameObject("/Dest"): TextStringObject(link.anchor),
                }
            )
            writer.add_annotation(part.offset + link.page, annotation)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
