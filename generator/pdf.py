"""Turn print HTML into PDF with WeasyPrint: cached by content, misses rendered in parallel.

A PDF depends only on its print HTML, its stylesheets, the font files, the
WeasyPrint and pypdf versions and this module (with ``pdf_parts`` and
``pdf_fields``). Those inputs are hashed into a key; a PDF already rendered under that key is read
from the cache, so an unchanged PDF costs a file read and WeasyPrint is not
even imported when nothing changed.
The rest are rendered by a pool of worker processes, one per core; under
``mkdocs serve`` a ``BackgroundRenderer`` does that on a thread of its own, so
a rebuild need not wait.

Output is reproducible: WeasyPrint writes no creation date unless the HTML
asks for one and no file identifier unless told to, and nothing here adds any.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import os
import posixpath
import queue
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from generator import artifacts, pdf_fields, pdf_parts, site_files
from generator.errors import ContentError, SourceError

log = logging.getLogger(__name__)

STYLESHEETS = ("form.css", "print.css", "case-print.css")
"""Form layout shared with the site, then the print look, then the case packs'
role cards and observer sheets, in cascade order."""

FONT_FAMILY = "Noto Sans CJK SC"
"""The one family every print stylesheet uses; its files are part of the cache key."""

REFUSED = "PDFs hold data: URLs and the generator's own files only"
CACHE_FORMAT = "1"
"""Bump to drop every cached PDF when the cache layout changes."""


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: where it is published and the print HTML it comes from."""

    path: str
    html: str
    max_pages: int | None = None
    """The most pages the PDF may have; a longer one is an error at ``origin``."""
    origin: SourceError | None = None
    """Where to point the author when the PDF is too long (its message is replaced)."""
    stylesheets: tuple[str, ...] = STYLESHEETS
    """Packaged stylesheets (``generator/styles/``) applied in this order."""
    forms: bool = True
    """Whether ``<input>`` and ``<textarea>`` become fillable AcroForm fields."""
    parts: tuple[str, ...] = ()
    """A long document as consecutive whole HTML documents (``html`` unused), laid
    out one at a time and joined (see ``pdf_parts``). Read-only: no form fields."""
    base_dir: str | None = None
    """The site folder the print HTML's relative URLs are written from (author text
    is written for the learner page); by default the PDF's own folder."""

    def __post_init__(self) -> None:
        if self.parts and self.forms:
            raise ValueError(f"{self.path}: a PDF made in parts cannot have form fields")

    @property
    def size(self) -> int:
        """Characters of print HTML: the longest jobs are started first."""
        return len(self.html) + sum(len(part) for part in self.parts)


PdfData = bytes | Path
"""A PDF's bytes, or the cache file holding them: with a cache, a build keeps
no PDF in memory, however large the course."""


@dataclass(frozen=True)
class Rendered:
    """A PDF and its page count, as rendered or as read back from the cache."""

    pdf: PdfData
    pages: int
    refused: tuple[str, ...] = ()
    """URLs the print HTML asked for that the fetcher refused: an error, never cached."""


def with_site_images(
    jobs: Sequence[PdfJob], published: site_files.Published, sources: dict[str, str]
) -> list[PdfJob]:
    """The jobs with every image the print HTML names taken from the site (as the
    page shows it) and inlined, so the renderer never resolves a path; ContentError
    at the line of ``sources`` (source texts by path) that names a refused one."""
    errors: list[SourceError] = []
    done: list[PdfJob] = []
    for job in jobs:
        base = job.base_dir if job.base_dir is not None else posixpath.dirname(job.path)
        origin = job.origin or SourceError(job.path, 1, "")
        text = sources.get(origin.path, "")
        html, refused = site_files.embed_images(job.html, base, published)
        parts = []
        for part in job.parts:
            part_html, part_refused = site_files.embed_images(part, base, published)
            parts.append(part_html)
            refused += part_refused
        errors += [
            SourceError(origin.path, site_files.line_of(text, url) if text else origin.line, why)
            for url, why in refused
        ]
        done.append(dataclasses.replace(job, html=html, parts=tuple(parts)))
    if errors:
        raise ContentError(errors)
    return done


def read(data: PdfData) -> bytes:
    return data.read_bytes() if isinstance(data, Path) else data


@cache
def _stylesheets(names: tuple[str, ...]) -> tuple[list[Any], Any]:
    """Parse a set of print stylesheets once per process; their fonts are shared."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    styles = files("generator") / "styles"
    sheets = [
        CSS(string=(styles / name).read_text(encoding="utf-8"), font_config=font_config)
        for name in names
    ]
    return sheets, font_config


def packaged_file(url: str) -> Path | None:
    """The generator package's file that a ``file:`` URL names, normalised (percent
    escapes decoded, ``..`` and links resolved); None when it names anything else.
    A prefix test on the URL text would pass ``file://…/generator/../../etc/passwd``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in {"", "localhost"}:
        return None
    package = Path(str(files("generator"))).resolve()
    target = Path(url2pathname(unquote(parts.path))).resolve()
    return target if target.is_relative_to(package) and target.is_file() else None


_REFUSED: list[str] = []
"""URLs refused while this process lays out its current PDF."""


@cache
def _local_fetcher() -> Any:
    """A fetcher for packaged files and data: URLs only: print HTML never reaches
    the network or files outside the generator package."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            target = packaged_file(url)
            if target is None:
                # WeasyPrint only logs a failed fetch; the render reports it as an error.
                _REFUSED.append(url[:80])
                raise ValueError(f"refusing to fetch {url[:80]} for a PDF")
            return super().fetch(target.as_uri(), headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


def _layout(html: str, stylesheets: tuple[str, ...], forms: bool, extra_css: str = "") -> Any:
    """Lay out print HTML: a WeasyPrint ``Document``."""
    from weasyprint import CSS, HTML

    sheets, font_config = _stylesheets(stylesheets)
    if extra_css:
        sheets = [*sheets, CSS(string=extra_css, font_config=font_config)]
    return HTML(string=html, base_url=str(files("generator")), url_fetcher=_local_fetcher()).render(
        stylesheets=sheets, font_config=font_config, pdf_forms=forms
    )


def _render(job: PdfJob) -> Rendered:
    """Render one PDF with the CJK font embedded (subset by HarfBuzz when available).

    A module-level function of a picklable job, so worker processes can run it.
    """
    _REFUSED.clear()
    if job.parts:
        pdf, pages = pdf_parts.render(
            job.parts, lambda html, css: _layout(html, job.stylesheets, False, css)
        )
        return Rendered(pdf, pages, tuple(_REFUSED))
    document = _layout(job.html, job.stylesheets, job.forms)
    pdf = document.write_pdf(pdf_forms=job.forms)
    finished = pdf_fields.finish(pdf) if job.forms else pdf
    return Rendered(finished, len(document.pages), tuple(_REFUSED))


def render_pdf(job: PdfJob) -> bytes:
    """One PDF, rendered now in this process, its page limit checked."""
    rendered = _render(job)
    _check_pages([(job, rendered)])
    return read(rendered.pdf)


def _check_pages(results: Sequence[tuple[PdfJob, Rendered]]) -> None:
    """Page limits, and any file the print HTML asked for outside the package."""
    errors = []
    for job, rendered in results:
        origin = job.origin or SourceError(job.path, 1, "")
        errors += [
            SourceError(origin.path, origin.line, f"{job.path} would load {url}: {REFUSED}")
            for url in rendered.refused
        ]
        if job.max_pages is not None and rendered.pages > job.max_pages:
            message = (
                f"{job.path} has {rendered.pages} pages, more than the {job.max_pages} declared"
            )
            errors.append(SourceError(origin.path, origin.line, message))
    if errors:
        raise ContentError(errors)


@cache
def _font_fingerprint() -> str:
    """Path, size and modification time of every file of the print font family.

    Asks fontconfig (which WeasyPrint uses) without importing WeasyPrint.
    """
    try:
        listing = subprocess.run(
            ["fc-list", FONT_FAMILY, "file"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "no fontconfig"
    paths = sorted({line.rstrip().rstrip(":") for line in listing.splitlines() if line.strip()})
    stats = []
    for path in paths:
        stat = os.stat(path)
        stats.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(stats)


@cache
def _renderer_fingerprint() -> tuple[str, ...]:
    """Everything besides the HTML and stylesheets that shapes a PDF's bytes."""
    names = ("pdf.py", "pdf_parts.py", "pdf_fields.py")
    code = [(files("generator") / name).read_text(encoding="utf-8") for name in names]
    libraries = [f"{name}={version(name)}" for name in ("pypdf", "weasyprint", "pydyf")]
    return (CACHE_FORMAT, *code, *libraries, _font_fingerprint())


@cache
def _stylesheet_text(name: str) -> str:
    return (files("generator") / "styles" / name).read_text(encoding="utf-8")


def cache_key(job: PdfJob) -> str:
    """The content address of a job's PDF: a hash of everything it is rendered from."""
    return artifacts.key(
        "pdf",
        renderer=_renderer_fingerprint(),
        forms=str(job.forms),
        stylesheets=[f"{name}\n{_stylesheet_text(name)}" for name in job.stylesheets],
        html=job.html,
        parts=job.parts,
    )


class PdfCache:
    """Rendered PDFs in the artifact store by cache key, each with its page count beside it."""

    def __init__(self, store: artifacts.Store) -> None:
        self.store = store

    def get(self, key: str) -> Rendered | None:
        """The cached PDF (its file, not its bytes) and page count, if there is one."""
        meta = self.store.read("pdf", key, ".json")
        pdf = self.store.path("pdf", key, ".pdf")
        try:
            pages = json.loads(meta or b"")["pages"]
        except (ValueError, KeyError, TypeError):
            return None
        return Rendered(pdf, pages) if pdf is not None and pdf.is_file() else None

    def put(self, key: str, rendered: Rendered, path: str) -> Rendered:
        """Store a PDF; the page count is written last, so a half-written entry is a miss."""
        stored = self.store.write("pdf", key, ".pdf", read(rendered.pdf))
        meta = json.dumps({"pages": rendered.pages, "path": path}).encode()
        self.store.write("pdf", key, ".json", meta)
        return Rendered(stored or rendered.pdf, rendered.pages)

    def derived(self, kind: str, sources: Sequence[bytes], make: Callable[[], bytes]) -> bytes:
        """A file made from rendered PDFs (a thumbnail, an archive), cached by their content."""
        key = artifacts.key(kind, format=CACHE_FORMAT, sources=sources)
        data = self.store.read(kind, key, f".{kind}")
        if data is None:
            data = make()
            self.store.write(kind, key, f".{kind}", data)
        return data


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_all(
    jobs: Sequence[PdfJob],
    *,
    cache: PdfCache | None = None,
    workers: int = 0,
    pool: Executor | None = None,
) -> list[tuple[PdfJob, PdfData]]:
    """Every job's PDF, in job order: cached ones found, the rest rendered in parallel.

    With a cache, each PDF is given as its cache file, without reading it.

    Logs one line per rendered PDF (``PDF 3/12 forms/visit-plan.pdf``). Page
    limits are checked for cached PDFs too; all violations are raised together.
    ``pool`` (from ``worker_pool``) renders the misses instead of a pool made here.
    """
    results: dict[int, Rendered] = {}
    keys = [cache_key(job) for job in jobs] if cache else []
    misses = []
    for index in range(len(jobs)):
        hit = cache.get(keys[index]) if cache else None
        if hit is None:
            misses.append(index)
        else:
            results[index] = hit
    log.info("PDFs: %d of %d from the cache, %d to render", len(results), len(jobs), len(misses))
    # Longest first, so the biggest document (the handbook) never starts last.
    misses.sort(key=lambda index: -jobs[index].size)
    rendered_now = _render_many(
        [jobs[index] for index in misses], misses, workers or default_workers(), pool
    )
    for done, (index, rendered) in enumerate(rendered_now, start=1):
        log.info("PDF %d/%d %s", done, len(misses), jobs[index].path)
        if cache is not None and not rendered.refused:
            rendered = cache.put(keys[index], rendered, jobs[index].path)
        results[index] = rendered
    ordered = [(job, results[index]) for index, job in enumerate(jobs)]
    _check_pages(ordered)
    return [(job, rendered.pdf) for job, rendered in ordered]


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for rendering, from a fork server with WeasyPrint preloaded.

    A fork server stays clean of the caller's threads (the live-reload server)
    and starts each worker without importing WeasyPrint again.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["generator.pdf", "weasyprint"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _render_many(
    jobs: Sequence[PdfJob], tags: Sequence[int], workers: int, pool: Executor | None
) -> Iterator[tuple[int, Rendered]]:
    """Render jobs, yielding each as it finishes with its tag.

    In this process when one worker is enough and no pool is given.
    """
    if pool is None and (workers <= 1 or len(jobs) <= 1):
        for tag, job in zip(tags, jobs, strict=True):
            yield tag, _render(job)
        return
    if not jobs:
        return
    with ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(worker_pool(min(workers, len(jobs))))
        futures = {pool.submit(_render, job): tag for tag, job in zip(tags, jobs, strict=True)}
        for future in as_completed(futures):
            yield futures[future], future.result()


@dataclass
class Batch:
    """PDFs to render in the background, and what to do with them."""

    make_jobs: Callable[[], Sequence[PdfJob]]
    """Makes the jobs on the background thread: preparing print HTML takes time too."""
    cache: PdfCache | None
    publish: Callable[[list[tuple[PdfJob, PdfData]]], None]
    generation: int = 0


class BackgroundRenderer:
    """Renders PDFs on a thread of their own, so ``mkdocs serve`` shows the new
    pages at once and swaps each out-of-date PDF for its new version when ready.

    Batches run one at a time, in order. A batch is superseded when a newer one
    is submitted: if it has not started it is skipped, if it has, it still
    fills the cache (the newer batch then finds those PDFs there) but its
    results are not published. Rendering happens in worker processes, never on
    the thread itself, so the server stays responsive.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers or default_workers()
        self._generation = 0
        self._queue: queue.Queue[Batch | None] = queue.Queue()
        self._pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._run, name="pdf-background", daemon=True)
        self._thread.start()

    def submit(self, batch: Batch) -> None:
        """Render the batch's jobs and hand the PDFs to its ``publish``, unless superseded."""
        self._generation += 1
        batch.generation = self._generation
        self._queue.put(batch)

    def wait(self) -> None:
        """Block until every submitted batch is done."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            try:
                if batch.generation == self._generation:
                    self._render(batch)
            except ContentError as exc:
                log.error("%s", exc)
            except Exception:  # a failed background render must not stop serving
                log.exception("rendering PDFs in the background failed")
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _render(self, batch: Batch) -> None:
        if self._pool is None:
            self._pool = worker_pool(self.workers)
        results = render_all(batch.make_jobs(), cache=batch.cache, pool=self._pool)
        if batch.generation == self._generation:
            batch.publish(results)
