"""Turn print HTML into PDF with WeasyPrint and the packaged print stylesheet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from generator.errors import ContentError, SourceError

STYLESHEETS = ("form.css", "print.css", "case-print.css")
"""Form layout shared with the site, then the print look, then the case packs'
role cards and observer sheets, in cascade order."""


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: where it is published and the print HTML it comes from."""

    path: str
    html: str
    max_pages: int | None = None
    """The most pages the PDF may have; a longer one is an error at ``origin``."""
    origin: SourceError | None = None
    """Where to point the author when the PDF is too long (its message is replaced)."""


@cache
def _stylesheets() -> tuple[list[Any], Any]:
    """Parse the print stylesheets once; their fonts are shared by every PDF."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    styles = files("generator") / "styles"
    sheets = [
        CSS(string=(styles / name).read_text(encoding="utf-8"), font_config=font_config)
        for name in STYLESHEETS
    ]
    return sheets, font_config


@cache
def _local_fetcher() -> Any:
    """A fetcher for packaged files and data: URLs only: print HTML never reaches
    the network or files outside the generator package."""
    from weasyprint.urls import URLFetcher

    package = files("generator")

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            inside = url.startswith("file://") and url[7:].startswith(str(package))
            if not (url.startswith("data:") or inside):
                raise ValueError(f"refusing to fetch {url[:80]} for a PDF")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


def render_pdf(job: PdfJob) -> bytes:
    """A PDF with the CJK font embedded (subset by HarfBuzz when available) whose
    ``<input>`` and ``<textarea>`` elements become fillable AcroForm fields."""
    from weasyprint import HTML

    sheets, font_config = _stylesheets()
    html = HTML(string=job.html, base_url=str(files("generator")), url_fetcher=_local_fetcher())
    document = html.render(stylesheets=sheets, font_config=font_config, pdf_forms=True)
    if job.max_pages is not None and len(document.pages) > job.max_pages:
        origin = job.origin or SourceError(job.path, 1, "")
        message = (
            f"{job.path} has {len(document.pages)} pages, more than the {job.max_pages} declared"
        )
        raise ContentError([SourceError(origin.path, origin.line, message)])
    pdf: bytes = document.write_pdf(pdf_forms=True)
    return pdf


def render_all(jobs: Sequence[PdfJob]) -> Iterator[tuple[PdfJob, bytes]]:
    """Render every job, in order."""
    for job in jobs:
        yield job, render_pdf(job)
