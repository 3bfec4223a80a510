"""Every published form: A4 as declared, its page count, embedded fonts, all its
labels, fillable fields of the right kinds, a thumbnail, and links to it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tests.helpers import FORMS, MM, fonts, is_embedded, items, labels, normalise, read

RADIO = 1 << 15


def expected_fields(fields: list[dict[str, Any]]) -> dict[str, int]:
    """How many AcroForm widgets of each kind the YAML's fields should become
    (a radio group's options are one widget each), and how many radio groups."""
    count = {"text": 0, "checkbox": 0, "radio": 0, "groups": 0}
    for field in fields:
        kind = field["type"]
        if kind == "text":
            count["text"] += field.get("lines", 1)
        elif kind == "choice":
            count["checkbox" if field.get("multiple") else "radio"] += len(field["options"])
            count["groups"] += 0 if field.get("multiple") else 1
            count["text"] += sum(option.startswith("其他") for option in field["options"])
        elif kind == "checkbox":
            count["checkbox"] += 1
        elif kind == "table":
            count["text"] += field.get("rows", 5) * len(field["columns"])
        elif kind == "signature":
            count["text"] += 2
        elif kind == "date":
            count["text"] += 5 if field.get("time") else 3
        elif kind == "number":
            count["text"] += 1
        elif kind == "repeat":
            inner = expected_fields(field["fields"])
            for key, value in inner.items():
                count[key] += value * field["times"]
        else:
            assert kind == "area", f"no expectation for field type {kind}"
    return count


def widgets(reader: PdfReader) -> list[DictionaryObject]:
    found = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if annotation.get("/Subtype") == "/Widget":
                found.append(annotation)
    return found


def field_of(widget: DictionaryObject) -> DictionaryObject:
    """The field a widget belongs to: a radio option's group, else the widget itself."""
    return widget["/Parent"].get_object() if "/Parent" in widget else widget


def actual_fields(reader: PdfReader) -> dict[str, int]:
    count = {"text": 0, "checkbox": 0, "radio": 0, "groups": 0}
    groups = set()
    for widget in widgets(reader):
        field = field_of(widget)
        if field["/FT"] == "/Btn" and int(field.get("/Ff", 0)) & RADIO:
            count["radio"] += 1
            groups.add(field.indirect_reference.idnum)
        elif field["/FT"] == "/Btn":
            count["checkbox"] += 1
        else:
            assert field["/FT"] == "/Tx"
            count["text"] += 1
    count["groups"] = len(groups)
    return count


def form_fields(form: dict[str, Any]) -> dict[str, int]:
    """``expected_fields`` over all of a form's sections."""
    expected = {"text": 0, "checkbox": 0, "radio": 0, "groups": 0}
    for section in form["sections"]:
        for key, value in expected_fields(section["fields"]).items():
            expected[key] += value
    return expected


@pytest.fixture(scope="module")
def readers(site: Path) -> dict[str, PdfReader]:
    return {form_id: PdfReader(site / "forms" / f"{form_id}.pdf") for form_id in FORMS}


def test_the_course_has_every_form_it_teaches() -> None:
    titles = {form["title"] for form in FORMS.values()}
    assert len(FORMS) >= 13
    assert {
        "客户拜访计划表", "关键人物关系图", "客户投诉处理单", "客户基本情况表",
        "关键人物个人情况资料表", "购买决策角色作用表", "客户接触计划", "意向客户管理卡",
        "客户回访记录表", "每日销售报告表", "市场状况反映表", "战败申请表", "来店（电）客户登记表",
    } <= titles  # fmt: skip
    assert len({form["code"] for form in FORMS.values()}) == len(FORMS)


@pytest.mark.parametrize("form_id", list(FORMS))
def test_form_pdf_is_a4_as_declared_with_its_page_count(
    readers: dict[str, PdfReader], form_id: str
) -> None:
    form, reader = FORMS[form_id], readers[form_id]
    assert len(reader.pages) == form.get("pages", 1)
    expected = (842, 595) if form.get("orientation") == "landscape" else (595, 842)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == expected


@pytest.mark.parametrize("form_id", list(FORMS))
def test_form_pdf_embeds_its_fonts_and_prints_every_label(
    readers: dict[str, PdfReader], form_id: str
) -> None:
    reader = readers[form_id]
    used = fonts(reader)
    assert any("NotoSansCJK" in name.replace("-", "") for name in used)
    for name, font in used.items():
        assert is_embedded(font), f"{name} is not embedded"
        assert "NotoSansCJK" in name.replace("-", ""), f"unexpected font {name}"
        assert "+" in name, f"{name} is not a subset"
    text = normalise("".join(page.extract_text() for page in reader.pages))
    missing = [label for label in labels(FORMS[form_id]) if normalise(label) not in text]
    assert missing == []
    footer = f"{FORMS[form_id]['code']}{FORMS[form_id]['version']}"
    pages = len(reader.pages)
    assert footer in text and f"第1页/共{pages}页" in text


@pytest.mark.parametrize("form_id", list(FORMS))
def test_form_pdf_has_fillable_fields_of_the_right_kinds(
    readers: dict[str, PdfReader], form_id: str
) -> None:
    reader = readers[form_id]
    expected = form_fields(FORMS[form_id])
    expected["text"] += 1  # the 单位 line
    assert actual_fields(reader) == expected
    fields = reader.get_fields() or {}
    named = expected["text"] + expected["checkbox"] + expected["groups"]
    assert len(fields) == named, "field names must be unique"
    for widget in widgets(reader):
        field = field_of(widget)
        assert int(widget["/F"]) & 4, "every field prints"
        assert str(field.get("/V", "")) in {"", "/Off"}, "the form prints blank"
        if field["/FT"] == "/Tx":
            rect = [float(v) for v in widget["/Rect"]]
            assert abs(rect[1] - rect[3]) >= 8 * MM - 0.1, "handwritten rows are 8 mm or more"


@pytest.mark.parametrize("form_id", list(FORMS))
def test_form_thumbnail_shows_the_first_page(site: Path, form_id: str) -> None:
    image = Image.open(site / "forms" / f"{form_id}.png").convert("L")
    assert image.width == 320
    landscape = FORMS[form_id].get("orientation") == "landscape"
    assert (image.width > image.height) == landscape
    dark = sum(image.histogram()[:128])
    assert dark / (image.width * image.height) > 0.01, "thumbnail is blank"


def test_trainer_pack_holds_every_form_pdf(site: Path) -> None:
    with zipfile.ZipFile(io.BytesIO((site / "forms" / "all-forms.zip").read_bytes())) as pack:
        names = pack.namelist()
        assert len(names) == len(FORMS)
        for form_id, form in FORMS.items():
            name = f"{form_id}-{form['title']}.pdf"
            assert pack.read(name) == (site / "forms" / f"{form_id}.pdf").read_bytes()
    assert 'href="all-forms.zip"' in read(site / "forms" / "index.html")
    assert 'href="../forms/all-forms.zip"' in read(site / "trainer" / "index.html")
    assert 'href="forms/all-forms.zip"' in read(site / "index.html")


def test_forms_index_shows_a_thumbnail_of_each_form(site: Path) -> None:
    html = read(site / "forms" / "index.html")
    for form_id in FORMS:
        assert f'src="{form_id}.png"' in html
        assert f'href="{form_id}.pdf"' in html


def test_each_form_is_linked_from_its_chapters_and_cases(site: Path) -> None:
    for form_id, form in FORMS.items():
        page = read(site / "forms" / f"{form_id}.html")
        for chapter in [form["chapter"], *form.get("also_taught_in", [])]:
            html = read(site / "chapters" / f"{chapter}.html")
            assert f'href="../forms/{form_id}.html"' in html, f"{chapter} misses {form_id}"
            assert f'href="../chapters/{chapter}.html"' in page
    for case_id, case in items("cases").items():
        html = read(site / "cases" / f"{case_id}.html")
        for form_id in case.get("forms", []):
            assert f'href="../forms/{form_id}.html"' in html


def test_form_page_previews_the_form_with_its_fields(site: Path) -> None:
    for form_id, form in FORMS.items():
        html = read(site / "forms" / f"{form_id}.html")
        assert 'class="course-form' in html
        assert f"{form['code']}" in html
        for section in form["sections"]:
            assert section["title"] in html
        expected = form_fields(form)
        inputs = re.findall(r'<input\b[^>]*name="s\d+f', html)
        assert len(inputs) == expected["text"] + expected["checkbox"] + expected["radio"]


@pytest.mark.parametrize("form_id", list(FORMS))
def test_fillable_fields_leave_the_printed_page_clean(site: Path, form_id: str) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument((site / "forms" / f"{form_id}.pdf").read_bytes())
    document.init_forms()
    try:
        for page in document:
            plain = page.render(scale=0.5, may_draw_forms=False).to_pil()
            with_fields = page.render(scale=0.5, may_draw_forms=True).to_pil()
            assert plain.tobytes() == with_fields.tobytes()
    finally:
        document.close()
