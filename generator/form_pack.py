"""Images and archives made from rendered PDFs: a form's thumbnail, the trainer pack.

Plain functions on bytes, run after the PDFs are rendered; pypdfium2 rasterises
the page, so no external program is needed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

THUMBNAIL_WIDTH_PX = 320
"""Wide enough to recognise a form's layout on the forms index, small enough to load fast."""

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""Archive entries carry this date so the same PDFs always give the same ZIP."""


def thumbnail(pdf: bytes, width: int = THUMBNAIL_WIDTH_PX) -> bytes:
    """The first page of ``pdf`` as a PNG ``width`` pixels wide, on white."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale, may_draw_forms=False).to_pil()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """A ZIP of ``files`` (archive name to content), in the order given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()
