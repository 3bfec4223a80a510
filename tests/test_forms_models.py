"""Form field types, form settings and bad form input, without a site build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import build, form_pack
from generator.catalog import Item, load_catalog
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError
from generator.models.form import FIELD_TYPES, HANDWRITTEN_ROW_MM, Form
from generator.pages import render_print_html
from generator.pdf import render_pdf
from generator.sources import Source
from tests.conftest import ROOT

FORMS = next(kind for kind in CONTENT_TYPES if kind.folder == "forms")


def form(*fields: dict[str, Any], **settings: Any) -> Form:
    data = {
        "title": "测试表",
        "chapter": "ch01",
        "code": "CS-01",
        "version": "V1.0",
        "purpose": "用于测试。",
        "sections": [{"title": "第一部分", "fields": list(fields)}],
        **settings,
    }
    return Form.model_validate(data)


def html(model: Form, organisation: str = "") -> str:
    item = Item(FORMS, "test-form", model, Source("forms/test-form.yml", {}))
    return render_print_html(item, "pdf.html.j2", None, "课程", organisation)  # type: ignore[arg-type]


def inputs(page: str) -> list[str]:
    """The inputs of the form's sections (not the 单位 line at its head)."""
    return re.findall(r'<(?:input|textarea)\b[^>]*name="s\d[^>]*>', page)


def test_every_field_type_declares_its_writing_height() -> None:
    for field_type in FIELD_TYPES:
        assert field_type.row_mm > 0, field_type.__name__
        if field_type.handwritten:
            assert field_type.row_mm >= HANDWRITTEN_ROW_MM, field_type.__name__


def test_date_field_has_year_month_day_and_optional_time() -> None:
    page = html(
        form({"type": "date", "label": "受理时间"}, {"type": "date", "label": "日期", "time": True})
    )
    assert len(inputs(page)) == 3 + 5
    assert "年" in page and "月" in page and "时" in page and "分" in page
    assert 'title="受理时间：年"' in page


def test_number_field_prints_its_unit() -> None:
    page = html(form({"type": "number", "label": "金额", "unit": "元"}))
    assert len(inputs(page)) == 1
    assert '<span class="form-field__unit">元</span>' in page


def test_checkbox_field_is_one_tick_box() -> None:
    page = html(form({"type": "checkbox", "label": "已确认预约"}))
    assert inputs(page) == [
        '<input class="form-field__box" type="checkbox" name="s1f1" '
        'title="已确认预约" aria-label="已确认预约">'
    ]


def test_area_field_is_a_framed_box_of_its_height_without_inputs() -> None:
    page = html(form({"type": "area", "label": "关系图", "height_mm": 60}))
    assert '<div class="form-area" style="height: 60mm"></div>' in page
    assert inputs(page) == []


def test_repeat_field_prints_its_fields_n_times_with_unique_names() -> None:
    model = form(
        {
            "type": "repeat",
            "label": "跟进记录",
            "times": 5,
            "fields": [{"type": "text", "label": "内容"}, {"type": "checkbox", "label": "成交"}],
        }
    )
    page = html(model)
    assert [f"跟进记录（{n}）" in page for n in range(1, 6)] == [True] * 5
    names = re.findall(r'<(?:input|textarea)\b[^>]*name="(s[^"]+)"', page)
    assert len(names) == 10 and len(set(names)) == 10


def test_table_has_column_widths_blank_rows_and_a_repeating_header() -> None:
    model = form(
        {
            "type": "table",
            "columns": [{"label": "日期", "width": 20}, "内容"],
            "rows": 3,
        }
    )
    page = html(model)
    assert '<col style="width: 20%">' in page and "<col>" in page
    assert page.count("<tr>") == 1 + 3
    assert "<thead>" in page
    assert len(inputs(page)) == 6


def test_long_table_repeats_its_header_on_the_next_page() -> None:
    model = form({"type": "table", "columns": ["日期", "客户名称"], "rows": 40}, pages=2)
    item = Item(FORMS, "test-form", model, Source("forms/test-form.yml", {}))
    job = build.PdfJob("forms/test-form.pdf", html(model))
    del item
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_pdf(job)))
    assert len(reader.pages) == 2
    assert all("客户名称" in page.extract_text() for page in reader.pages)


def test_organisation_fills_the_unit_field_or_leaves_it_blank() -> None:
    model = form({"type": "text", "label": "客户名称"})
    unit = '<input class="form-field__input form-head__value" type="text" name="org" value="{}"'
    assert unit.format("华东营销服务有限公司") in html(model, "华东营销服务有限公司")
    assert unit.format("") in html(model)
    assert "CS-01 V1.0" in html(model)


def test_single_choice_is_one_radio_group_and_multiple_choice_checkboxes() -> None:
    single = inputs(html(form({"type": "choice", "label": "满意度", "options": ["满意", "一般"]})))
    assert single == [
        f'<input class="form-field__box form-field__box--radio" type="radio" name="s1f1" '
        f'value="{option}" title="满意度：{option}" aria-label="满意度：{option}">'
        for option in ("满意", "一般")
    ]
    field = {"type": "choice", "label": "关注点", "options": ["外观", "安全性"], "multiple": True}
    multiple = inputs(html(form(field)))
    assert [re.search(r'type="(\w+)" name="(\w+)"', i).groups() for i in multiple] == [  # type: ignore[union-attr]
        ("checkbox", "s1f1o1"),
        ("checkbox", "s1f1o2"),
    ]


def test_an_other_option_is_followed_by_a_line_to_write_on() -> None:
    page = html(form({"type": "choice", "label": "渠道", "options": ["电话", "其他"]}))
    other = page.index('title="渠道：其他"')
    line = page.index('name="s1f1w"')
    assert other < line and 'title="渠道：其他（请注明）"' in page
    assert f"--row: {HANDWRITTEN_ROW_MM}mm" in page[line - 300 : line + 300]
    assert len(inputs(page)) == 3


def test_each_ruled_line_of_a_text_field_is_a_field_of_its_own() -> None:
    page = html(form({"type": "text", "label": "处理措施", "lines": 3}))
    names = [re.search(r'name="(\w+)"', i).group(1) for i in inputs(page)]  # type: ignore[union-attr]
    assert names == ["s1f1l1", "s1f1l2", "s1f1l3"]
    assert 'title="处理措施（第2行）"' in page and "<textarea" not in page


def test_an_area_can_print_the_attitude_legend() -> None:
    field = {"type": "area", "label": "关系图", "height_mm": 40, "legend": "attitudes"}
    page = html(form(field))
    assert 'class="course-attitude-legend"' in page
    from generator.attitudes import ATTITUDES

    for style in ATTITUDES:
        assert f'<span class="course-attitude course-attitude--{style.key}">' in page
        assert style.label in page
        assert f"border-bottom-style: {style.line};" in page
    assert "course-attitude-legend" not in html(form({**field, "legend": None}))


def test_section_can_start_a_new_sheet() -> None:
    model = form({"type": "text", "label": "客户名称"})
    second = {"title": "拜访结果", "new_page": True, "fields": [{"type": "text", "label": "结果"}]}
    data = model.model_dump()
    data["sections"].append(second)
    page = html(Form.model_validate(data))
    assert page.count('class="form-section form-section--new-page"') == 1


def test_column_widths_over_the_whole_table_are_rejected() -> None:
    with pytest.raises(ValueError, match="column widths add up to more than the table's 100%"):
        form(
            {
                "type": "table",
                "columns": [{"label": "甲", "width": 60}, {"label": "乙", "width": 50}],
            }
        )


def test_thumbnail_and_pack_helpers() -> None:
    job = build.PdfJob("forms/x.pdf", html(form({"type": "text", "label": "客户名称"})))
    pdf = render_pdf(job)
    png = form_pack.thumbnail(pdf, width=100)
    assert png.startswith(b"\x89PNG")
    pack = form_pack.zip_files({"a.pdf": pdf})
    assert pack == form_pack.zip_files({"a.pdf": pdf}), "the same PDFs give the same ZIP"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the course's content folders, safe to break, without a site build."""
    for name in ("docs", "quizzes", "cases", "forms"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def load(root: Path) -> Any:
    return load_catalog(root, root / "docs/chapters", root / "docs/includes/abbreviations.md")


def test_unknown_field_type_names_file_line_and_the_types(content: Path) -> None:
    path = content / "forms" / "key-person-chart.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip() == "- type: date")
    lines[number] = lines[number].replace("date", "calendar")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load(content)
    assert [str(error) for error in raised.value.errors] == [
        f"forms/key-person-chart.yml:{number + 1}: sections[0].fields[1]: unknown type 'calendar' "
        "(expected one of: text, choice, table, signature, date, number, checkbox, area, repeat)"
    ]


def test_form_longer_than_its_declared_pages_fails_with_file_and_line(content: Path) -> None:
    path = content / "forms" / "lost-sale.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "pages" not in data
    text = path.read_text(encoding="utf-8").replace("\nsections:\n", "\npages: 1\nsections:\n")
    text += "      - type: table\n        columns: [日期, 内容]\n        rows: 12\n"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("pages: 1") + 1
    catalog = load(content)
    job = next(j for j in build.pdf_jobs(catalog, "课程") if j.path == "forms/lost-sale.pdf")
    with pytest.raises(ContentError) as raised:
        render_pdf(job)
    assert [str(error) for error in raised.value.errors] == [
        f"forms/lost-sale.yml:{line}: forms/lost-sale.pdf has 2 pages, more than the 1 declared"
    ]


def test_chinese_typed_into_a_field_is_drawn_by_the_reader() -> None:
    """The field font STSong-Light is not embedded: PDFium (Chrome's reader) maps it
    to a Chinese system font."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    job = build.PdfJob("forms/x.pdf", html(form({"type": "text", "label": "客户名称"})))
    document = pdfium.PdfDocument(render_pdf(job))
    document.init_forms()
    try:
        page = document[0]
        handle = document.formenv.raw
        before = page.render(scale=1, may_draw_forms=True).to_pil().convert("L")
        left, bottom, right, top = _first_text_field(document)
        x, y = (left + right) / 2, (bottom + top) / 2
        raw.FORM_OnLButtonDown(handle, page.raw, 0, x, y)
        raw.FORM_OnLButtonUp(handle, page.raw, 0, x, y)
        text = "华东营销".encode("utf-16-le") + b"\0\0"
        buffer = ctypes.create_string_buffer(text, len(text))
        raw.FORM_ReplaceSelection(
            handle, page.raw, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR))
        )
        raw.FORM_ForceToKillFocus(handle)
        after = page.render(scale=1, may_draw_forms=True).to_pil().convert("L")
        box = (int(left), int(page.get_height() - top), int(right), int(page.get_height() - bottom))
        darker = sum(before.crop(box).histogram()[128:]) - sum(after.crop(box).histogram()[128:])
        assert darker > 20, "the typed text was not drawn"
    finally:
        document.close()


def _first_text_field(document: Any) -> tuple[float, float, float, float]:
    import io

    from pypdf import PdfReader

    stream = io.BytesIO()
    document.save(stream)
    reader = PdfReader(stream)
    for ref in reader.pages[0]["/Annots"]:
        widget = ref.get_object()
        if widget.get("/FT") == "/Tx":
            left, bottom, right, top = (float(v) for v in widget["/Rect"])
            return left, min(bottom, top), right, max(bottom, top)
    raise AssertionError("no text field")
