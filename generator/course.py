"""The course as a build sees it before pages are rendered: loaded, checked, and
turned into generated pages and PDF jobs, or read back from the last build.

Loading reads every YAML file into models, checks cross-references and links,
and renders 51 pages and 77 print documents: about 0.6 s. Most builds (a
warm ``make site``, a test run) start from the same sources as the last one,
so the result is kept in ``.cache/course/`` under a hash of everything it is
made from: every file under the content folders and ``docs/``, the generator
package itself, the libraries that shape it and the settings. Only a load
without problems is kept, so a cached course is a valid one.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from generator import build, figures, handbook, item_check, search
from generator.cache_files import drop_others, write_atomic
from generator.catalog import Catalog, load_catalog
from generator.content_files import display_path
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError, SourceError
from generator.links import broken_links_in
from generator.pdf import PdfJob

T = TypeVar("T")

LIBRARIES = ("pydantic", "pydantic-core", "pyyaml", "jinja2", "markupsafe", "markdown", "nh3")
"""Libraries whose version can change what loading makes."""


@dataclass(frozen=True)
class Settings:
    """Where the sources are and what the course is called."""

    root: Path
    """The folder holding the YAML content folders."""
    docs_dir: Path
    chapters_dir: str
    glossary: str
    search_synonyms: str
    search_terms: str
    project: Path
    """The folder of ``mkdocs.yml``: messages name files relative to it."""
    site_name: str
    organisation: str
    item_check: item_check.Thresholds = field(default_factory=item_check.Thresholds)
    """The shares the quiz item check allows."""


@dataclass
class Course:
    """Everything made from the sources before MkDocs renders pages."""

    catalog: Catalog
    pages: list[build.Output]
    jobs: list[PdfJob]
    figures: figures.FigureSet
    synonyms: dict[str, str]
    item_findings: list[item_check.Finding] = field(default_factory=list)
    """Cues in the quizzes (``item_check``), for the build log."""


def load(settings: Settings) -> Course:
    """Load and check every source; ``ContentError`` lists every problem found."""
    docs_dir = settings.docs_dir
    catalog = load_catalog(
        settings.root,
        docs_dir / settings.chapters_dir,
        docs_dir / settings.glossary,
        settings.project,
    )
    pages = list(build.pages(catalog, settings.organisation))
    jobs = list(build.pdf_jobs(catalog, settings.site_name, settings.organisation))
    pages += build.question_banks(catalog, settings.site_name)
    problems: list[SourceError] = []
    figure_set = figures.FigureSet()
    try:
        figure_set = figures.load_figures(
            settings.root / figures.FOLDER,
            docs_dir / settings.chapters_dir,
            catalog.chapters,
            settings.project,
        )
    except ContentError as exc:
        problems += exc.errors
    generated = {page.path: page.origin for page in pages}
    generated |= {job.path: job.origin.path for job in jobs if job.origin}
    generated |= build.figure_paths(figure_set)
    generated |= dict.fromkeys(handbook.pdf_paths(catalog, settings.chapters_dir), "the chapters")
    generated |= build.form_extra_paths(catalog)
    problems += build.hand_written_clashes(generated, docs_dir, settings.project)
    includes = (docs_dir / settings.glossary).parent
    problems += broken_links_in(docs_dir, includes, set(generated), settings.project)
    synonyms: dict[str, str] = {}
    synonym_file = docs_dir / settings.search_synonyms
    try:
        synonyms = search.load_synonyms(synonym_file, display_path(synonym_file, settings.project))
    except ContentError as exc:
        problems += exc.errors
    terms = docs_dir / settings.search_terms
    if not terms.is_file():
        problems.append(
            SourceError(display_path(terms, settings.project), 1, "search dictionary not found")
        )
    if problems:
        raise ContentError(problems)
    findings = item_check.check(catalog.of("quizzes"), settings.item_check)
    return Course(catalog, pages, jobs, figure_set, synonyms, findings)


def load_cached(settings: Settings, folder: Path | None) -> tuple[Course, str]:
    """``load``, or its result for the same inputs kept in ``folder`` by an earlier
    build; with the hash of those inputs, to key what is made from the course."""
    key = input_key(settings)
    return remembered(folder, "course", key, lambda: load(settings)), key


def warm_up(settings: Settings) -> None:
    """Load the course on a thread and drop it, for ``mkdocs serve``: a session's
    first build may have read the course back, and loading it fills the
    memoised author Markdown, so the rebuild after the first edit takes 0.3 s
    here instead of 1 s."""

    def load_quietly() -> None:
        with contextlib.suppress(ContentError):  # the next rebuild reports it
            load(settings)

    threading.Thread(target=load_quietly, name="course-warm-up", daemon=True).start()


def remembered(folder: Path | None, name: str, key: str, make: Callable[[], T]) -> T:
    """``make()``, or what it returned for the same ``key`` in an earlier build.

    Only the newest result of each ``name`` is kept.
    """
    if folder is None:
        return make()
    stored = folder / f"{name}-{key}.pickle"
    try:
        result: T = pickle.loads(stored.read_bytes())
        return result
    except Exception:  # missing, half-written or from other code: make afresh
        pass
    result = make()
    write_atomic(stored, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    drop_others(stored, f"{name}-*.pickle")
    return result


def input_key(settings: Settings) -> str:
    """A hash of everything ``load`` reads or runs."""
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(sys.version.encode())
    for library in LIBRARIES:
        try:
            digest.update(f"\0{library}={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{library} missing".encode())
    package = Path(str(files("generator")))
    folders = [settings.root / kind.folder for kind in CONTENT_TYPES]
    folders += [settings.root / figures.FOLDER, settings.docs_dir, package]
    for path in _files_under(folders):
        digest.update(f"\0{path}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_under(folders: Iterable[Path]) -> Iterator[Path]:
    """Every file under the folders, in a fixed order, leaving out Python's byte code."""
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    yield path
