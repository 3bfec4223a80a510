"""Turn print HTML into PDF with WeasyPrint and the packaged print stylesheet."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

STYLESHEETS = ("form.css", "print.css")
"""Form layout shared with the site, then the print look, in cascade order."""


@cache
def _stylesheets() -> tuple[list[CSS], FontConfiguration]:
    """Parse the print stylesheets once; their fonts are shared by every PDF."""
    font_config = FontConfiguration()
    styles = files("generator") / "styles"
    sheets = [
        CSS(string=(styles / name).read_text(encoding="utf-8"), font_config=font_config)
        for name in STYLESHEETS
    ]
    return sheets, font_config


def render_pdf(html: str) -> bytes:
    """A PDF with the CJK font embedded (subset by HarfBuzz when available)."""
    sheets, font_config = _stylesheets()
    document = HTML(string=html, base_url=str(files("generator")))
    pdf: bytes = document.write_pdf(stylesheets=sheets, font_config=font_config)
    return pdf
