"""Every PDF has its Chinese text and embeds (subsets of) the CJK font it uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import fonts, is_embedded, items, normalise

PRINTED = [(folder, item_id) for folder in ("forms", "cases") for item_id in items(folder)]


@pytest.mark.parametrize(("folder", "item_id"), PRINTED)
def test_pdf_has_chinese_text_and_embedded_cjk_fonts(site: Path, folder: str, item_id: str) -> None:
    reader = PdfReader(site / folder / f"{item_id}.pdf")
    text = normalise("".join(page.extract_text() for page in reader.pages))
    item = items(folder)[item_id]
    assert normalise(item["title"]) in text
    assert normalise(item.get("purpose") or item.get("background", "")[:20]) in text
    used = fonts(reader)
    assert used, "no fonts found"
    for name, font in used.items():
        if folder == "forms" and "DejaVuSansMono" in name.replace("-", ""):
            continue  # the fillable fields' font, checked in test_forms.py
        assert "NotoSansCJK" in name.replace("-", ""), f"unexpected font {name}"
        assert "+" in name, f"{name} is not a subset"
        assert is_embedded(font), f"{name} is not embedded"


@pytest.mark.parametrize("item_id", list(items("forms")))
def test_form_pdf_is_a4(site: Path, item_id: str) -> None:
    page = PdfReader(site / "forms" / f"{item_id}.pdf").pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) in {(595, 842), (842, 595)}
