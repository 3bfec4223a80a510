"""A form page printed from the browser (Chromium, the page's own CSS page size)
keeps the README's promise: the form alone, in the orientation and on the number
of sheets of the form's PDF, every column and label on the paper."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pypdf import PageObject, PdfReader

from tests.helpers import items, labels, sheet_texts

FORMS = items("forms")
CONTENT_WIDTH_PX = {"portrait": 180 / 25.4 * 96, "landscape": 267 / 25.4 * 96}
"""A4's width less the 15 mm side margins of the forms' @page rules, in CSS px."""
SITE_CHROME = ("跳转至", "搜索", "下载打印版", "表单预览", "课程章节", "上一页", "下一页")
"""Text of the site around a form (skip link, search, buttons, nav, footer)."""


def orientation(sheet: PageObject) -> str:
    width, height = sheet.mediabox.width, sheet.mediabox.height
    return "landscape" if width > height else "portrait"


def compact(text: str) -> str:
    """Text without white space, full-width punctuation as the PDF's text map
    gives it (NFKC: （ becomes (; the wave dash ～ comes out as 〜)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("〜", "~")


def printed(page: Page, url: str) -> PdfReader:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_form_page_prints_like_its_pdf(server: str, page: Page, site: Path, form_id: str) -> None:
    reference = PdfReader(site / "forms" / f"{form_id}.pdf")
    sheets = printed(page, f"{server}/forms/{form_id}.html")
    assert len(sheets.pages) == len(reference.pages)
    assert [orientation(s) for s in sheets.pages] == [orientation(s) for s in reference.pages]
    text = compact("".join(sheet_texts(sheets)))
    missing = [label for label in labels(FORMS[form_id]) if compact(label) not in text]
    assert missing == []
    assert [chrome for chrome in SITE_CHROME if chrome in text] == []
    if FORMS[form_id].get("instructions"):
        assert "填表说明" in text


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_form_page_loses_no_column_on_paper(server: str, page: Page, form_id: str) -> None:
    """Laid out for print at the printed page's width, no heading of a form's
    tables reaches past the right margin."""
    width = CONTENT_WIDTH_PX[FORMS[form_id].get("orientation", "portrait")]
    page.set_viewport_size({"width": int(width), "height": 1000})
    page.goto(f"{server}/forms/{form_id}.html")
    page.emulate_media(media="print")
    beyond = page.evaluate(
        """width => Array.from(document.querySelectorAll('.course-form th, .course-form'))
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .map(e => e.textContent.trim().slice(0, 20))""",
        width,
    )
    assert beyond == []
