"""Make WeasyPrint's form fields fillable in Chinese in every PDF reader.

WeasyPrint gives each text field the CSS font of its ``<input>``, embedded
whole (the CJK font would add 16 MB to every form), and names a checkbox's
on-state ``/on``. Poppler (Evince, Okular) then draws no Chinese typed into a
field, and fillers that set the usual ``/Yes`` leave boxes empty. This pass,
run on every rendered PDF that has fields, rewrites the AcroForm:

- text fields use STSong-Light, a standard CJK CID font that is never
  embedded: Acrobat has it, and Poppler (with poppler-data), PDFium and pdf.js
  map it to a Chinese system font. The font carries a ToUnicode map of ASCII,
  CJK punctuation and the GB 2312 characters, so pypdf can encode typed text
  into appearance streams too;
- each text field gets a fixed size at which one line of its expected content
  fits: a line holds ``王女士 138-0000-1234`` (``LINE_EMS``), a field with a
  ``MaxLen`` that many half-width digits, never above ``MAX_SIZE`` or below
  ``MIN_SIZE``;
- checkboxes' on-state is ``/Yes`` (radio kids keep their option index, as
  the ``/Opt`` array requires) and buttons name a ZapfDingbats check as their
  caption, for readers that draw buttons themselves;
- the Latin font WeasyPrint embedded for the fields is dropped when no page
  text uses it, and fields that come pre-filled (the 单位 line) get an
  appearance stream, so they show even in readers that ignore
  ``NeedAppearances``.
"""

from __future__ import annotations

import io
import math
import re
from functools import cache
from typing import Any

FIELD_FONT = "/STSong"
"""The resource name of the CJK font in the AcroForm's /DR."""
CHECK_FONT = "/ZaDb"
MARK_SHARE = 0.8
"""The caption's size as a share of the box's height."""
CHECK_MARK = "4"
"""ZapfDingbats' check mark (✔), a checkbox's caption."""
RADIO_MARK = "l"
"""ZapfDingbats' filled circle (●), a radio option's caption."""
ON_STATE = "/Yes"
MAX_SIZE = 10.0
MIN_SIZE = 6.0
LINE_EMS = 11.5
"""Width of one expected line in em: 王女士 138-0000-1234 is 10 em at the
font's half-width Latin, and up to 11.5 em in readers that lay it out in a
substitute font's own proportional digits (PDFium)."""
HALF_WIDTH = 0.5
"""Every ASCII character is half an em wide (the font's /W), so fits are exact."""
PADDING = 2.0
"""Points readers keep free at each side of a field's text."""
HEIGHT_SHARE = 0.7
"""The largest share of a field's height the font size may take."""
_FONT_IN_DA = re.compile(r"/([^\s/]+)\s+[\d.]+\s+Tf")


def font_size(width: float, height: float, max_length: int | None) -> float:
    """The size a one-line field's text is set in: one expected line fits."""
    ems = max_length * HALF_WIDTH if max_length else LINE_EMS
    fitting = (width - 2 * PADDING) / ems
    return max(MIN_SIZE, math.floor(min(MAX_SIZE, fitting, height * HEIGHT_SHARE) * 10) / 10)


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` in the field font (ASCII half an em)."""
    return sum(HALF_WIDTH if ord(char) < 0x80 else 1.0 for char in text) * size


@cache
def _to_unicode_cmap() -> bytes:
    """A ToUnicode CMap for the characters a Chinese form is filled with.

    The codes of UniGB-UCS2-H are Unicode already; the map only tells tools
    without the predefined CMap (pypdf) which characters the font can encode.
    """
    points = sorted(
        {*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F), *_gb2312()}
    )
    runs: list[tuple[int, int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1 and point & 0xFF:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    lines = [f"<{a:04X}> <{b:04X}> <{a:04X}>" for a, b in runs]
    blocks = [lines[start : start + 100] for start in range(0, len(lines), 100)]
    body = "".join(
        f"{len(block)} beginbfrange\n" + "\n".join(block) + "\nendbfrange\n" for block in blocks
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _gb2312() -> set[int]:
    """Code points of the GB 2312 character set (symbols and 6,763 hanzi)."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def _name(value: str) -> Any:
    from pypdf.generic import NameObject

    return NameObject(value)


def _fonts(writer: Any) -> Any:
    """The AcroForm's resources: the CJK field font and ZapfDingbats."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    def numbers(*values: int) -> Any:
        return ArrayObject(NumberObject(value) for value in values)

    descriptor = DictionaryObject(
        {
            _name("/Type"): _name("/FontDescriptor"),
            _name("/FontName"): _name("/STSong-Light"),
            _name("/Flags"): NumberObject(6),
            _name("/FontBBox"): numbers(-25, -254, 1000, 880),
            _name("/ItalicAngle"): NumberObject(0),
            _name("/Ascent"): NumberObject(880),
            _name("/Descent"): NumberObject(-120),
            _name("/CapHeight"): NumberObject(880),
            _name("/StemV"): NumberObject(93),
        }
    )
    system = DictionaryObject(
        {
            _name("/Registry"): TextStringObject("Adobe"),
            _name("/Ordering"): TextStringObject("GB1"),
            _name("/Supplement"): NumberObject(4),
        }
    )
    # Adobe-GB1 CIDs 1-95 are the ASCII characters UniGB-UCS2-H maps to.
    half_width = int(HALF_WIDTH * 1000)
    cid_font = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/CIDFontType0"),
            _name("/BaseFont"): _name("/STSong-Light"),
            _name("/CIDSystemInfo"): system,
            _name("/FontDescriptor"): writer._add_object(descriptor),
            _name("/DW"): NumberObject(1000),
            _name("/W"): numbers(1, 95, half_width),
        }
    )
    to_unicode = StreamObject()
    to_unicode.set_data(_to_unicode_cmap())
    to_unicode = to_unicode.flate_encode()
    cjk = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/Type0"),
            _name("/BaseFont"): _name("/STSong-Light"),
            _name("/Encoding"): _name("/UniGB-UCS2-H"),
            _name("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
            _name("/ToUnicode"): writer._add_object(to_unicode),
        }
    )
    dingbats = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/Type1"),
            _name("/BaseFont"): _name("/ZapfDingbats"),
        }
    )
    return DictionaryObject(
        {
            _name("/Font"): DictionaryObject(
                {
                    _name(FIELD_FONT): writer._add_object(cjk),
                    _name(CHECK_FONT): writer._add_object(dingbats),
                }
            )
        }
    )


def _rect(widget: Any) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(value) for value in widget["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)


def _fix_radio_kid(widget: Any) -> None:
    """A radio option is a widget of its group only: WeasyPrint also gives it the
    group's name and type and lists it among the form's fields, which makes
    readers and pypdf take each option for a field of its own."""
    for key in ("/T", "/TU", "/FT", "/V"):
        widget.pop(key, None)


def _fix_button(widget: Any, mark: str) -> None:
    """A checkbox's on-state becomes /Yes; every button names its caption."""
    from pypdf.generic import DictionaryObject, TextStringObject

    normal = widget["/AP"]["/N"]
    if "/on" in normal:
        normal[_name(ON_STATE)] = normal.pop("/on")
        for key in ("/AS", "/V"):
            if widget.get(key) == "/on":
                widget[_name(key)] = _name(ON_STATE)
    caption = widget.setdefault(_name("/MK"), DictionaryObject())
    caption[_name("/CA")] = TextStringObject(mark)
    size = math.floor(_rect(widget)[1] * MARK_SHARE * 10) / 10
    widget[_name("/DA")] = TextStringObject(f"{CHECK_FONT} {size:g} Tf 0 g")


def finish(pdf: bytes) -> bytes:
    """The PDF with its fields made fillable in Chinese; unchanged if it has none."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, TextStringObject

    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    if "/AcroForm" not in root:
        return pdf
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    form: Any = writer.root_object["/AcroForm"]
    form[_name("/DR")] = _fonts(writer)
    form[_name("/DA")] = TextStringObject(f"{FIELD_FONT} {MAX_SIZE:g} Tf 0 g")
    form[_name("/NeedAppearances")] = BooleanObject(True)
    field_fonts: set[str] = set()
    filled: dict[int, dict[str, str]] = {}
    kids: set[int] = set()
    for number, page in enumerate(writer.pages):
        for ref in page.get("/Annots") or []:
            widget = ref.get_object()
            kind = widget.get("/FT")
            if "/Parent" in widget:
                _fix_radio_kid(widget)
                kids.add(ref.idnum)
                kind = widget["/Parent"].get("/FT")
            if kind == "/Btn":
                _fix_button(widget, RADIO_MARK if "/Parent" in widget else CHECK_MARK)
            elif kind == "/Tx":
                field_fonts.update(_FONT_IN_DA.findall(str(widget.get("/DA", ""))))
                width, height = _rect(widget)
                max_length = int(widget["/MaxLen"]) if "/MaxLen" in widget else None
                size = font_size(width, height, max_length)
                widget[_name("/DA")] = TextStringObject(f"{FIELD_FONT} {size:g} Tf 0 g")
                if value := str(widget.get("/V", "")):
                    filled.setdefault(number, {})[str(widget["/T"])] = value
    fields = form["/Fields"]
    fields[:] = [ref for ref in fields if ref.idnum not in kids]
    _drop_unused_fonts(writer, field_fonts)
    for number, values in filled.items():
        writer.update_page_form_field_values(writer.pages[number], values, auto_regenerate=None)
    _drop_unreferenced(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_unreferenced(writer: Any) -> None:
    """Drop objects nothing refers to any more (the dropped font, its descriptor and file).

    pypdf removes one level of such objects per pass.
    """
    while True:
        before = sum(obj is not None for obj in writer._objects)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        if sum(obj is not None for obj in writer._objects) == before:
            return


def _drop_unused_fonts(writer: Any, names: set[str]) -> None:
    """Remove the fields' former fonts from pages whose text does not use them."""
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font")
        if fonts is None:
            continue
        fonts = fonts.get_object()
        content = page.get_contents()
        data = content.get_data() if content is not None else b""
        for name in names:
            if f"/{name}" in fonts and f"/{name} ".encode() not in data:
                del fonts[f"/{name}"]
