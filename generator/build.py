"""List every file the course adds to the site: pages, PDFs and static assets.

Nothing here knows the site engine; the plugin hands these files to MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files

from generator.catalog import Catalog
from generator.content_types import CONTENT_TYPES
from generator.pages import render_glossary, render_index, render_page, render_print_html
from generator.pdf import render_pdf

ASSET_DIR = "assets/course"
STYLESHEETS = (f"{ASSET_DIR}/form.css", f"{ASSET_DIR}/course.css")
SCRIPTS = (f"{ASSET_DIR}/quiz.js",)
POLYFILLS = (f"{ASSET_DIR}/iframe-worker-shim.js",)
"""Local copy of the shim that lets search run from file://, instead of a CDN."""

_PACKAGED_ASSETS = {
    f"{ASSET_DIR}/form.css": "styles/form.css",
    f"{ASSET_DIR}/course.css": "styles/site.css",
    f"{ASSET_DIR}/quiz.js": "scripts/quiz.js",
    f"{ASSET_DIR}/iframe-worker-shim.js": "vendor/iframe-worker-shim.js",
}


@dataclass(frozen=True)
class Output:
    """A file to publish, at a path relative to the site root."""

    path: str
    content: str | bytes


GLOSSARY_PAGE = "glossary.md"


def index_path(folder: str) -> str:
    return f"{folder}/index.md"


def section_pages(catalog: Catalog) -> dict[str, list[str]]:
    """Each section's landing page and the pages under it, in order, for the nav."""
    return {
        index_path(kind.folder): [index_path(kind.folder)]
        + [item.page_path for item in catalog.of(kind.folder)]
        for kind in CONTENT_TYPES
    }


def outputs(catalog: Catalog, course_title: str) -> Iterator[Output]:
    """Every generated page, PDF and asset."""
    yield Output(GLOSSARY_PAGE, render_glossary(catalog))
    for kind in CONTENT_TYPES:
        yield Output(index_path(kind.folder), render_index(kind, catalog))
        for item in catalog.of(kind.folder):
            yield Output(item.page_path, render_page(item, catalog))
            if kind.has_pdf:
                html = render_print_html(item, catalog, course_title)
                yield Output(item.pdf_path, render_pdf(html))
    package = files("generator")
    for target, source in _PACKAGED_ASSETS.items():
        yield Output(target, (package / source).read_bytes())
