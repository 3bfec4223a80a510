"""A PDF laid out in parts and joined: page numbers run on, references to pages in
other parts are filled in, links between parts work, and the bytes are reproducible."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from generator.pdf import PdfJob, render_pdf
from tests.helpers import links


def document(body: str) -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><body class="handbook">{body}</body></html>'


PARTS = (
    document(
        '<nav class="toc"><h1 class="toc__title">目录</h1>'
        '<a href="#second" data-page-ref="second">第二部分</a></nav>'
    ),
    document(
        '<section class="chapter" id="first" data-course="课程"><h1>第一部分</h1>'
        '<p style="break-before: page">翻页后 <a href="#second">跳到第二部分</a></p></section>'
    ),
    document('<section class="chapter" id="second" data-course="课程"><h1>第二部分</h1></section>'),
)


@pytest.fixture(scope="module")
def joined() -> bytes:
    job = PdfJob("book.pdf", "", stylesheets=("handbook.css",), forms=False, parts=PARTS)
    return render_pdf(job)


def test_pages_run_on_and_references_get_the_page_of_their_anchor(joined: bytes) -> None:
    reader = PdfReader(io.BytesIO(joined))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 4
    for number, text in enumerate(texts, start=1):
        assert text.strip().endswith(str(number)), text
    assert re.search(r"第二部分\s*\.+\s*4", texts[0])
    # The running header names the course in parts that start with a chapter.
    assert "课程" in texts[2] and "课程" in texts[3]
    outline = [(entry.title, reader.get_destination_page_number(entry)) for entry in reader.outline]
    assert outline == [("目录", 0), ("第一部分", 1), ("第二部分", 3)]


def test_links_between_parts_lead_to_their_page(joined: bytes) -> None:
    found = {(page, target, to) for page, _, target, to in links(PdfReader(io.BytesIO(joined)))}
    assert found == {(0, "second", 3), (2, "second", 3)}


def test_parts_are_reproducible(joined: bytes) -> None:
    job = PdfJob("book.pdf", "", stylesheets=("handbook.css",), forms=False, parts=PARTS)
    assert render_pdf(job) == joined


def test_parts_cannot_have_form_fields() -> None:
    with pytest.raises(ValueError, match="form fields"):
        PdfJob("book.pdf", "", parts=PARTS)
