"""Turn print HTML into PDF with WeasyPrint and the packaged print stylesheet."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """Parse the print stylesheet once; its fonts are shared by every PDF."""
    font_config = FontConfiguration()
    css = (files("generator") / "styles" / "print.css").read_text(encoding="utf-8")
    return CSS(string=css, font_config=font_config), font_config


def render_pdf(html: str) -> bytes:
    """A PDF with the CJK font embedded (subset by HarfBuzz when available)."""
    css, font_config = _stylesheet()
    document = HTML(string=html, base_url=str(files("generator")))
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=font_config)
    return pdf
