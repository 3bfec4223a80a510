"""Every form filled in Chinese with pypdf, rendered by Poppler (pdftoppm, as in
Evince and Okular) and PDFium (Chrome), shows the typed text and the ticks;
single choices are radio groups; each field holds its expected value at its size.

The filled text is rendered twice: from pypdf's appearance streams and, with
``NeedAppearances``, from the field's own font as a reader draws what a user
types. Each field's rectangle is compared with the blank form's.
"""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from tests.helpers import FORMS, MM

DPI = 72
NAME = "王女士"
PHONE = "王女士 138-0000-1234"
DATE = "2026-12-07"
TEXT = "客户投诉处理"
RADIO = 1 << 15
DARKER = 80
"""How much darker than the blank form a pixel must be to count as ink."""
MIN_INK = 4
"""Ink pixels a filled field or ticked box shows at least, at ``DPI``."""


@dataclass(frozen=True)
class Widget:
    page: int
    name: str
    """The field's name: a radio kid's is its group's."""
    rect: tuple[float, float, float, float]
    kind: str
    """text, checkbox or radio."""
    state: str = ""
    """A button's on-state."""
    max_length: int | None = None
    label: str = ""
    size: float = 0.0
    """The font size of a text field's /DA."""


def widgets(reader: PdfReader) -> Iterator[Widget]:
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            widget = ref.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            field = widget["/Parent"].get_object() if "/Parent" in widget else widget
            x1, y1, x2, y2 = (float(value) for value in widget["/Rect"])
            rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
            name, label = str(field["/T"]), str(field.get("/TU", ""))
            if field["/FT"] == "/Btn":
                state = next(key for key in widget["/AP"]["/N"] if key != "/Off")
                kind = "radio" if int(field.get("/Ff", 0)) & RADIO else "checkbox"
                yield Widget(number, name, rect, kind, state, label=label)
            else:
                assert field["/FT"] == "/Tx"
                size = float(re.findall(r"([\d.]+)\s+Tf", str(widget["/DA"]))[-1])
                length = int(widget["/MaxLen"]) if "/MaxLen" in widget else None
                yield Widget(number, name, rect, "text", max_length=length, label=label, size=size)


def sample(widget: Widget) -> str:
    """The representative value a field of this kind holds."""
    if widget.max_length:
        return "2026"[: widget.max_length] if widget.max_length >= 4 else "12"[: widget.max_length]
    if "电话" in widget.label:
        return PHONE
    if "日期" in widget.label:
        return DATE
    return NAME


def fill(pdf: bytes) -> bytes:
    """Every text field typed in, every checkbox ticked, each radio group's first option.

    pypdf writes each field's appearance stream; the PDF asks readers to use
    them (``NeedAppearances`` false).
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    with _each_font_read_once():
        _fill_pages(reader, writer)
    _name_radio_values(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@contextmanager
def _each_font_read_once() -> Iterator[None]:
    """pypdf reads a field font's ToUnicode map (every CJK character, here) again
    for each field it fills, about 0.3 s a field: within one fill, read each font
    (by its object number) once."""
    from pypdf.generic import _font

    read = _font.get_encoding
    known: dict[object, Any] = {}

    def once(font: DictionaryObject) -> Any:
        ref = font.indirect_reference
        key = (ref.idnum, ref.generation) if ref is not None else id(font)
        if key not in known:
            known[key] = read(font)
        return known[key]

    with patch.object(_font, "get_encoding", once):
        yield


def _fill_pages(reader: PdfReader, writer: PdfWriter) -> None:
    for number, page in enumerate(writer.pages):
        values: dict[str, str] = {}
        for widget in widgets(reader):
            if widget.page != number:
                continue
            if widget.kind == "text":
                values[widget.name] = sample(widget)
            else:
                values.setdefault(widget.name, widget.state)
        writer.update_page_form_field_values(page, values, auto_regenerate=False)


def needing_appearances(pdf: bytes) -> bytes:
    """The PDF with ``NeedAppearances`` set: readers draw the values themselves."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name_radio_values(writer: PdfWriter) -> None:
    """Make each radio group's /V the name the PDF standard asks for.

    pypdf 7 writes a group's value as a string; readers that draw buttons
    themselves (Poppler with NeedAppearances) then show no option chosen.
    Readers set a name when a user clicks, as here.
    """
    for ref in writer.root_object["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if int(field.get("/Ff", 0)) & RADIO and isinstance(field.get("/V"), str):
            field[NameObject("/V")] = NameObject(str(field["/V"]))


def poppler(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(path), str(Path(folder) / "page")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "Unknown CMap" not in result.stderr, "install poppler-data"
        return [Image.open(page).convert("L") for page in sorted(Path(folder).glob("page-*.png"))]


def pdfium(pdf: bytes) -> list[Image.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    try:
        return [
            page.render(scale=DPI / 72, may_draw_forms=True).to_pil().convert("L")
            for page in document
        ]
    finally:
        document.close()


RENDERERS = {"poppler": poppler, "pdfium": pdfium}


def ink(blank: Image.Image, filled: Image.Image, widget: Widget, height: float) -> int:
    """Pixels inside the widget's rectangle that filling made clearly darker."""
    scale = DPI / 72
    x1, y1, x2, y2 = widget.rect
    box = (int(x1 * scale), int((height - y2) * scale), int(x2 * scale), int((height - y1) * scale))
    difference = ImageChops.subtract(blank.crop(box), filled.crop(box))
    return sum(difference.histogram()[DARKER:])


@pytest.fixture(scope="module")
def pdfs(site: Path) -> dict[str, bytes]:
    return {form_id: (site / "forms" / f"{form_id}.pdf").read_bytes() for form_id in FORMS}


@pytest.fixture(scope="module")
def filled(pdfs: dict[str, bytes]) -> dict[str, bytes]:
    return {form_id: fill(pdf) for form_id, pdf in pdfs.items()}


@pytest.mark.parametrize("renderer", list(RENDERERS))
@pytest.mark.parametrize("form_id", list(FORMS))
def test_filled_form_shows_typed_chinese_and_ticks(
    pdfs: dict[str, bytes], filled: dict[str, bytes], form_id: str, renderer: str
) -> None:
    render = RENDERERS[renderer]
    reader = PdfReader(io.BytesIO(pdfs[form_id]))
    heights = [float(page.mediabox.height) for page in reader.pages]
    blank = render(pdfs[form_id])
    found = list(widgets(reader))
    for need_appearances in (False, True):
        pdf = needing_appearances(filled[form_id]) if need_appearances else filled[form_id]
        rendered = render(pdf)
        chosen: set[str] = set()
        missing = []
        for widget in found:
            shown = ink(blank[widget.page], rendered[widget.page], widget, heights[widget.page])
            if widget.kind == "radio" and widget.name in chosen:
                assert shown < MIN_INK, f"{widget.label}: an option not chosen is marked"
                continue
            chosen.add(widget.name)
            if shown < MIN_INK:
                missing.append(f"{widget.label} ({widget.kind}, {shown} px)")
        assert missing == [], f"NeedAppearances {need_appearances}: nothing shows in {missing}"


def test_the_typed_text_is_the_chinese_value_not_a_substitute(
    pdfs: dict[str, bytes], filled: dict[str, bytes]
) -> None:
    """pypdf encodes the value with the field font (no ? for a character it cannot encode)."""
    reader = PdfReader(io.BytesIO(filled["complaint"]))
    blank = PdfReader(io.BytesIO(pdfs["complaint"]))
    field = next(w for w in widgets(blank) if w.kind == "text" and "电话" in w.label)
    for ref in reader.pages[field.page]["/Annots"]:
        widget = ref.get_object()
        if widget.get("/T") == field.name:
            stream = widget["/AP"]["/N"].get_object().get_data()
            assert PHONE.encode("utf-16-be").hex().encode() in stream.lower()
            return
    pytest.fail("no field for the phone number")


def _widths(font: DictionaryObject) -> tuple[int, dict[int, int]]:
    """The default width and the /W widths (by CID) of a Type0 font's descendant."""
    descendant = font["/DescendantFonts"][0].get_object()
    widths: dict[int, int] = {}
    entries = list(descendant.get("/W", []))
    index = 0
    while index < len(entries):
        first = int(entries[index])
        following = entries[index + 1]
        if isinstance(following, list):
            widths.update({first + offset: int(w) for offset, w in enumerate(following)})
            index += 2
        else:
            widths.update(dict.fromkeys(range(first, int(following) + 1), int(entries[index + 2])))
            index += 3
    return int(descendant.get("/DW", 1000)), widths


def width_of(text: str, size: float, font: DictionaryObject) -> float:
    """Width in points of ``text`` set at ``size`` in the UniGB-UCS2-H field font."""
    assert font["/Encoding"] == "/UniGB-UCS2-H"
    default, widths = _widths(font)
    # UniGB-UCS2-H maps U+0020..U+007E to Adobe-GB1 CIDs 1..95.
    return (
        sum(
            widths.get(ord(char) - 31, default) if 0x20 <= ord(char) < 0x7F else default
            for char in text
        )
        * size
        / 1000
    )


@pytest.mark.parametrize("form_id", list(FORMS))
def test_each_field_holds_its_expected_value_at_its_size(
    pdfs: dict[str, bytes], form_id: str
) -> None:
    reader = PdfReader(io.BytesIO(pdfs[form_id]))
    form = reader.trailer["/Root"]["/AcroForm"]
    assert form["/NeedAppearances"], "readers draw what is typed with the field font"
    too_long = []
    for widget in widgets(reader):
        if widget.kind != "text":
            continue
        font = _font(reader, widget)
        assert font["/BaseFont"] == "/STSong-Light" and "/FontFile" not in str(font)
        x1, y1, x2, y2 = widget.rect
        assert 6 <= widget.size <= min(10, (y2 - y1) * 0.7), widget.label
        values = [sample(widget)]
        if x2 - x1 >= 40 * MM:
            values.append(TEXT)
        for value in values:
            if width_of(value, widget.size, font) > x2 - x1 - 4:
                too_long.append(f"{widget.label}: {value} at {widget.size} pt")
    assert too_long == []


def _font(reader: PdfReader, field: Widget) -> DictionaryObject:
    """The font a text field's /DA names, from the AcroForm's /DR."""
    for ref in reader.pages[field.page]["/Annots"]:
        widget = ref.get_object()
        if widget.get("/T") == field.name:
            name = re.findall(r"(/[^\s/]+)\s+[\d.]+\s+Tf", str(widget["/DA"]))[-1]
            return reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"][name].get_object()
    raise AssertionError(field.name)


def test_a_single_choice_is_one_radio_group_and_one_option_clears_another(
    pdfs: dict[str, bytes],
) -> None:
    reader = PdfReader(io.BytesIO(pdfs["complaint"]))
    kids = [w for w in widgets(reader) if w.kind == "radio" and w.label.startswith("客户满意度")]
    assert len(kids) == 4 and len({k.name for k in kids}) == 1, "one group of four options"
    assert len({k.state for k in kids}) == 4, "each option has its own on-state"
    fields = reader.get_fields() or {}
    group = fields[kids[0].name]
    assert int(group["/Ff"]) & RADIO
    assert [str(option) for option in group["/Opt"]] == ["很满意", "满意", "一般", "不满意"]
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[kids[0].page]
    for chosen in (kids[0], kids[2]):
        writer.update_page_form_field_values(page, {chosen.name: chosen.state})
        out = io.BytesIO()
        writer.write(out)
        states = _states(PdfReader(io.BytesIO(out.getvalue())), kids[0])
        assert states == [kid.state if kid is chosen else "/Off" for kid in kids]
        value = (PdfReader(io.BytesIO(out.getvalue())).get_fields() or {})[chosen.name]["/V"]
        assert str(value) == chosen.state


def _states(reader: PdfReader, kid: Widget) -> list[str]:
    found = []
    for ref in reader.pages[kid.page]["/Annots"]:
        widget = ref.get_object()
        if "/Parent" in widget and widget["/Parent"].get("/T") == kid.name:
            found.append(str(widget["/AS"]))
    return found


def test_multiple_choice_options_are_checkboxes_with_a_write_in_after_other(
    pdfs: dict[str, bytes],
) -> None:
    found = list(widgets(PdfReader(io.BytesIO(pdfs["lost-sale"]))))
    reasons = [w for w in found if w.label.startswith("战败原因")]
    assert {w.kind for w in reasons[:-1]} == {"checkbox"}
    assert all(w.state == "/Yes" for w in reasons[:-1])
    assert reasons[-1].kind == "text" and reasons[-1].label == "战败原因：其他（请注明）"
    other, line = reasons[-2], reasons[-1]
    assert other.label == "战败原因：其他"
    assert abs(other.rect[1] - line.rect[1]) < 3 * MM and line.rect[0] > other.rect[2], (
        "the write-in line follows 其他 on its row"
    )


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_the_unit_line_is_a_field_filled_with_the_organisation() -> None:
    from generator.catalog import load_catalog
    from generator.pages import render_print_html
    from generator.pdf import PdfJob, render_pdf
    from tests.conftest import ROOT

    catalog = load_catalog(ROOT, ROOT / "docs/chapters", ROOT / "docs/includes/abbreviations.md")
    item = next(item for item in catalog.of("forms") if item.id == "market-report")
    html = render_print_html(item, "pdf.html.j2", catalog, "客户管理实务", "华东汽车销售有限公司")
    pdf = render_pdf(PdfJob("forms/market-report.pdf", html))
    reader = PdfReader(io.BytesIO(pdf))
    assert str((reader.get_fields() or {})["org"]["/V"]) == "华东汽车销售有限公司"
    unit = next(w for w in widgets(reader) if w.name == "org")
    assert (
        width_of("华东汽车销售有限公司", unit.size, _font(reader, unit))
        < unit.rect[2] - unit.rect[0]
    )
    for render in RENDERERS.values():
        page = render(pdf)[0]
        blank = Image.new("L", page.size, 255)
        assert ink(blank, page, unit, float(reader.pages[0].mediabox.height)) > 40, render


@pytest.mark.parametrize("form_id", list(FORMS))
def test_options_wrap_under_the_first_and_each_line_has_its_rule(
    pdfs: dict[str, bytes], form_id: str
) -> None:
    """A choice's options never wrap back under its label (market-report's 其他),
    and the lines of a multi-line field are one rule apart, one field each."""
    groups: dict[str, list[Widget]] = {}
    lines: dict[str, list[Widget]] = {}
    for widget in widgets(PdfReader(io.BytesIO(pdfs[form_id]))):
        if widget.kind == "radio":
            groups.setdefault(widget.name, []).append(widget)
        elif match := re.fullmatch(r"(.+f\d+)o\d+", widget.name):
            groups.setdefault(match[1], []).append(widget)
        elif match := re.fullmatch(r"(.+f\d+)l\d+", widget.name):
            lines.setdefault(match[1], []).append(widget)
    for options in groups.values():
        first = options[0].rect[0]
        assert all(option.rect[0] >= first - 0.5 for option in options), options[0].label
    assert len(lines) == _multi_line(FORMS[form_id]["sections"])
    for fields in lines.values():
        assert len(fields) >= 2
        for upper, lower in itertools.pairwise(fields):
            assert abs(upper.rect[0] - lower.rect[0]) < 0.5 and upper.page == lower.page
            assert upper.rect[1] - lower.rect[1] >= 8 * MM - 0.1, upper.label
            assert lower.rect[3] <= upper.rect[1] + 0.1, "lines do not overlap"


def _multi_line(sections: list[dict[str, Any]]) -> int:
    """How many text fields of more than one line the YAML declares."""
    count = 0
    for container in sections:
        for field in container["fields"]:
            if field["type"] == "repeat":
                count += field["times"] * _multi_line([field])
            elif field["type"] == "text" and field.get("lines", 1) > 1:
                count += 1
    return count
