"""List every file the course adds to the site: pages, PDFs and static assets.

Nothing here knows the site engine; the plugin hands these files to MkDocs.
PDFs are described as jobs (a path and its print HTML) first and rendered
together by ``pdf.render_all``, so rendering can be cached and parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from importlib.resources import files
from typing import Any

from generator import form_pack
from generator.catalog import Catalog
from generator.content_types import CONTENT_TYPES, TRAINER_DIR
from generator.errors import SourceError
from generator.figures import FigureSet, site_path
from generator.glyphs import missing_glyphs
from generator.ids import COURSE
from generator.ids import FORM_PACK as FORM_PACK_NAME
from generator.moodle import BANK_DIR, banks
from generator.pages import (
    render_attitude_css,
    render_course_print_html,
    render_glossary,
    render_index,
    render_page,
    render_print_html,
    render_trainer_index,
    render_trainer_page,
)
from generator.pdf import STYLESHEETS as PRINT_STYLESHEETS
from generator.pdf import PdfCache, PdfJob

ASSET_DIR = "assets/course"
STYLESHEETS = (
    f"{ASSET_DIR}/form.css",
    f"{ASSET_DIR}/course.css",
    f"{ASSET_DIR}/attitudes.css",
)
SCRIPTS = (
    f"{ASSET_DIR}/search-input.js",
    f"{ASSET_DIR}/tables.js",
    f"{ASSET_DIR}/reading.js",
)
QUIZ_STYLESHEETS = (f"{ASSET_DIR}/quiz.css", f"{ASSET_DIR}/exam.css")
QUIZ_SCRIPTS = (
    f"{ASSET_DIR}/quiz.js",
    f"{ASSET_DIR}/ts-fsrs.js",
    f"{ASSET_DIR}/review.js",
    f"{ASSET_DIR}/progress-sync.js",
    f"{ASSET_DIR}/exam.js",
)
"""Only on pages with a quiz (``page_assets``)."""
DUE_COUNT_SCRIPTS = (f"{ASSET_DIR}/review.js",)
"""Alone, review.js shows how many questions are due (the home page)."""


def page_assets(html: str) -> dict[str, tuple[str, ...]]:
    """The page-specific course files a page's HTML needs: the quiz set where a quiz
    form or its notices are (quizzes, 错题本, 今日复习, 我的进度, exams), the review
    script alone where only the count of questions due is; nothing elsewhere, so
    chapters and forms load less."""
    if 'class="course-quiz' in html:
        return {"stylesheets": QUIZ_STYLESHEETS, "scripts": QUIZ_SCRIPTS}
    if 'class="course-review__due"' in html:
        return {"stylesheets": (), "scripts": DUE_COUNT_SCRIPTS}
    return {"stylesheets": (), "scripts": ()}


POLYFILLS = (f"{ASSET_DIR}/iframe-worker-shim.js",)
"""Local copy of the shim that lets search run from file://, instead of a CDN."""

_PACKAGED_ASSETS = {
    f"{ASSET_DIR}/form.css": "styles/form.css",
    f"{ASSET_DIR}/course.css": "styles/site.css",
    f"{ASSET_DIR}/quiz.css": "styles/quiz.css",
    f"{ASSET_DIR}/exam.css": "styles/exam.css",
    f"{ASSET_DIR}/quiz.js": "scripts/quiz.js",
    f"{ASSET_DIR}/review.js": "scripts/review.js",
    f"{ASSET_DIR}/progress-sync.js": "scripts/progress-sync.js",
    f"{ASSET_DIR}/ts-fsrs.js": "vendor/ts-fsrs.js",
    f"{ASSET_DIR}/qrcode.js": "vendor/qrcode.js",
    f"{ASSET_DIR}/exam.js": "scripts/exam.js",
    f"{ASSET_DIR}/search-input.js": "scripts/search-input.js",
    f"{ASSET_DIR}/tables.js": "scripts/tables.js",
    f"{ASSET_DIR}/reading.js": "scripts/reading.js",
    f"{ASSET_DIR}/iframe-worker-shim.js": "vendor/iframe-worker-shim.js",
}


@dataclass(frozen=True)
class Output:
    """A file to publish, at a path relative to the site root."""

    path: str
    content: str | bytes
    origin: str = "the course generator"
    """What the file is made from, named when it collides with a hand-written one."""


GLOSSARY_PAGE = "glossary.md"
TRAINER_INDEX = f"{TRAINER_DIR}/index.md"


def index_path(folder: str) -> str:
    return f"{folder}/index.md"


def section_pages(catalog: Catalog) -> dict[str, list[str]]:
    """Each section's landing page and the pages under it, in order, for the nav."""
    return {
        index_path(kind.folder): [index_path(kind.folder)]
        + [f"{kind.folder}/{name}.md" for name in kind.section_pages]
        + [item.page_path for item in catalog.of(kind.folder)]
        for kind in CONTENT_TYPES
    }


def expand_sections(nav: Any, sections: dict[str, list[str]]) -> Any:
    """Replace a section's landing page in the nav with the page and all its items."""
    if isinstance(nav, list):
        return [expand_sections(entry, sections) for entry in nav]
    if isinstance(nav, dict):
        return {
            title: sections[value]
            if isinstance(value, str) and value in sections
            else expand_sections(value, sections)
            for title, value in nav.items()
        }
    return nav


def pages(catalog: Catalog, organisation: str = "") -> Iterator[Output]:
    """Every generated Markdown page: sections, items and the trainer area."""
    yield Output(GLOSSARY_PAGE, render_glossary(catalog))
    yield Output(TRAINER_INDEX, render_trainer_index(catalog))
    for kind in CONTENT_TYPES:
        yield Output(index_path(kind.folder), render_index(kind, catalog))
        for name in kind.section_pages:
            yield Output(f"{kind.folder}/{name}.md", render_index(kind, catalog, name))
        for item in catalog.of(kind.folder):
            origin = item.source.path
            yield Output(item.page_path, render_page(item, catalog, organisation), origin)
            if kind.trainer_page:
                page = render_trainer_page(item, catalog)
                yield Output(item.trainer_page_path, page, origin)


def pdf_jobs(catalog: Catalog, course_title: str, organisation: str = "") -> Iterator[PdfJob]:
    """Every PDF to publish, with the print HTML it is rendered from.

    An item that declares its page count gets a job that fails, pointing at
    the declaration, when the PDF comes out longer.
    """
    for kind in CONTENT_TYPES:
        for item in catalog.of(kind.folder):
            limit = item.model.page_limit()
            origin = item.source.error(("pages",), "") if limit else None
            for document in kind.documents:
                html = render_print_html(
                    item, document.template, catalog, course_title, organisation
                )
                path = document.path(kind.folder, item.id)
                where = origin or SourceError(item.source.path, 1, "")
                sheets = (*PRINT_STYLESHEETS, *document.stylesheets)
                yield PdfJob(
                    path,
                    html,
                    max_pages=limit,
                    origin=where,
                    stylesheets=sheets,
                    base_dir=kind.folder,
                )
        for document in kind.course_documents:
            html = render_course_print_html(kind, document.template, catalog, course_title)
            yield PdfJob(document.path(kind.folder, COURSE), html, base_dir=kind.folder)


def assets() -> Iterator[Output]:
    """The course's own stylesheets and scripts, and vendored files."""
    package = files("generator")
    for target, source in _PACKAGED_ASSETS.items():
        yield Output(target, (package / source).read_bytes())
    yield Output(f"{ASSET_DIR}/attitudes.css", render_attitude_css())


def figure_paths(figures: FigureSet) -> dict[str, str]:
    """Where each figure's SVG is published, and the source it is drawn from."""
    return {site_path(item.id): item.source.path for item in figures.items.values()}


def figure_files(svgs: dict[str, str]) -> Iterator[Output]:
    """Every drawn figure, as a file the chapter images link to."""
    for figure_id, svg in svgs.items():
        yield Output(site_path(figure_id), svg)


def question_banks(catalog: Catalog, course_title: str) -> Iterator[Output]:
    """The Moodle XML question banks for the trainer area."""
    for name, xml, origin in banks(catalog, course_title):
        yield Output(f"{BANK_DIR}/{name}.xml", xml, origin)


def glyph_warnings(catalog: Catalog) -> Iterator[SourceError]:
    """Characters in printed content that no installed font can draw."""
    return missing_glyphs(
        (item.source.text, item.source.path)
        for kind in CONTENT_TYPES
        if kind.documents
        for item in catalog.of(kind.folder)
    )


FORM_PACK = f"forms/{FORM_PACK_NAME}.zip"
"""Every form PDF in one download, for trainers printing a class set."""


def thumbnail_path(form_id: str) -> str:
    return f"forms/{form_id}.png"


def form_extra_paths(catalog: Catalog) -> dict[str, str]:
    """What ``form_extras`` will publish, known before rendering so links to it check."""
    forms = catalog.of("forms")
    paths = {thumbnail_path(item.id): item.source.path for item in forms}
    return paths | ({FORM_PACK: "forms/"} if forms else {})


def form_extras(
    pdfs: dict[str, bytes], catalog: Catalog, cache: PdfCache | None = None
) -> Iterator[tuple[str, bytes]]:
    """After rendering: a first-page thumbnail of each form, and the trainer pack.

    Both are kept in the PDF cache under their PDFs' content, so an unchanged
    form costs no rasterising or compressing.
    """

    def derived(kind: str, sources: list[bytes], make: Callable[[], bytes]) -> bytes:
        return cache.derived(kind, sources, make) if cache else make()

    forms = {item.id: pdfs[f"forms/{item.id}.pdf"] for item in catalog.of("forms")}
    for form_id, pdf in forms.items():
        yield thumbnail_path(form_id), derived("png", [pdf], partial(form_pack.thumbnail, pdf))
    if forms:
        files = {
            f"{item.id}-{item.model.title}.pdf": forms[item.id] for item in catalog.of("forms")
        }
        sources = [part for name, pdf in files.items() for part in (name.encode(), pdf)]
        yield FORM_PACK, derived("zip", sources, lambda: form_pack.zip_files(files))
