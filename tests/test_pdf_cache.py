"""PDFs are rendered once per distinct input: a rebuild reads unchanged PDFs from
the cache, re-renders exactly the PDFs whose inputs changed, and builds are
byte-for-byte reproducible."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.artifacts import Store
from generator.course import load
from generator.errors import ContentError
from generator.pdf import (
    BackgroundRenderer,
    Batch,
    PdfCache,
    PdfData,
    PdfJob,
    cache_key,
    read,
    render_all,
)
from tests.conftest import ROOT, copy_course, course_settings, run_build, session_build, warm_store

PAGE = "<html><body><h1>第一页</h1><p style='break-before: page'>第二页</p></body></html>"
RENDERED = re.compile(r"PDF \d+/\d+ (\S+)")


def rendered(log: str) -> set[str]:
    """The PDFs a build rendered (not read from the cache), from its log."""
    return set(RENDERED.findall(log))


def test_key_changes_with_html_stylesheets_and_form_fields() -> None:
    job = PdfJob("a.pdf", PAGE)
    assert cache_key(job) == cache_key(PdfJob("elsewhere.pdf", PAGE))
    assert cache_key(job) != cache_key(PdfJob("a.pdf", PAGE + " "))
    assert cache_key(job) != cache_key(PdfJob("a.pdf", PAGE, stylesheets=("print.css",)))
    assert cache_key(job) != cache_key(PdfJob("a.pdf", PAGE, forms=False))


def test_cached_pdf_needs_no_weasyprint_and_keeps_its_page_limit(tmp_path: Path) -> None:
    cache = PdfCache(Store(tmp_path))
    ((_, stored),) = render_all([PdfJob("a.pdf", PAGE)], cache=cache, workers=1)
    assert isinstance(stored, Path) and stored.parent == tmp_path / "pdf"  # not kept in memory
    first = read(stored)
    assert first.startswith(b"%PDF")
    with pytest.raises(ContentError, match=r"a\.pdf has 2 pages, more than the 1 declared"):
        render_all([PdfJob("a.pdf", PAGE, max_pages=1)], cache=cache, workers=1)
    script = (
        "import sys; from pathlib import Path; from generator.pdf import *\n"
        "from generator.artifacts import Store\n"
        f"store = Store(Path({str(tmp_path)!r}))\n"
        f"out = render_all([PdfJob('a.pdf', {PAGE!r})], cache=PdfCache(store))\n"
        "assert 'weasyprint' not in sys.modules, 'WeasyPrint imported'\n"
        "sys.stdout.buffer.write(read(out[0][1]))\n"
    )
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert again.stdout == first


def test_parallel_rendering_gives_the_same_bytes_as_serial(tmp_path: Path) -> None:
    jobs = [PdfJob(f"{n}.pdf", PAGE.replace("第一页", f"第{n}份")) for n in range(3)]
    serial = render_all(jobs, cache=PdfCache(Store(tmp_path / "serial")), workers=1)
    parallel = render_all(jobs, cache=PdfCache(Store(tmp_path / "parallel")), workers=2)
    assert [read(pdf) for _, pdf in serial] == [read(pdf) for _, pdf in parallel]
    assert [job.path for job, _ in parallel] == [job.path for job in jobs]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the course with its own artifact store."""
    return copy_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def first_build(course: Path) -> tuple[Path, str]:
    """A build from an empty store: the run's session build when the checkout's
    store began empty (a fresh clone, as in CI), whose entries the copy then
    takes, instead of rendering all 77 PDFs a second time; else a build of the
    copy from its own empty store."""
    build = session_build()
    if build.cold:
        warm_store(course)
        return build.site, build.log
    result = run_build(course, course / "site-1", warm=False)
    assert result.returncode == 0, result.stderr
    return course / "site-1", result.stderr


@pytest.fixture(scope="module")
def second_build(course: Path, first_build: tuple[Path, str]) -> tuple[Path, str]:
    result = run_build(course, course / "site-2", warm=False)
    assert result.returncode == 0, result.stderr
    return course / "site-2", result.stderr


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_first_build_renders_every_pdf(first_build: tuple[Path, str]) -> None:
    site, log = first_build
    assert rendered(log) == {p for p in files(site) if p.endswith(".pdf")}
    assert "handbook.pdf" in rendered(log)


def test_second_build_renders_no_pdf(second_build: tuple[Path, str]) -> None:
    _, log = second_build
    assert rendered(log) == set()
    assert re.search(r"PDFs: (\d+) of \1 from the cache, 0 to render", log)


JIEBA_LOADED = "Prefix dict has been built"
"""What jieba logs once it has loaded its dictionary."""


def test_second_build_does_not_load_jiebas_dictionary(
    first_build: tuple[Path, str], second_build: tuple[Path, str]
) -> None:
    """The search index's word cuts come from the cache (the index is the same bytes)."""
    assert JIEBA_LOADED in first_build[1]
    assert JIEBA_LOADED not in second_build[1]


def test_builds_are_byte_for_byte_identical(
    site: Path, first_build: tuple[Path, str], second_build: tuple[Path, str]
) -> None:
    first = files(first_build[0])
    assert first == files(second_build[0])
    assert first == files(site)


REPRODUCED = (
    "forms/visit-plan.pdf",
    "cases/routine-visit-456.pdf",
    "trainer/quizzes/ch01-answers.pdf",
)
"""PDFs of each kind rendered again from nothing, whatever cache the builds shared."""


def test_pdfs_rendered_again_from_nothing_are_the_same_bytes(site: Path, tmp_path: Path) -> None:
    jobs = [job for job in load(course_settings(ROOT)).jobs if job.path in REPRODUCED]
    assert sorted(job.path for job in jobs) == sorted(REPRODUCED)
    for job, pdf in render_all(jobs, cache=PdfCache(Store(tmp_path)), workers=1):
        assert read(pdf) == (site / job.path).read_bytes(), job.path


EDITS = [
    (
        "quizzes/ch01.yml",
        "按本章引用的统计经验",
        "按本章所引的统计经验",
        {
            "handbook.pdf",
            "chapters/ch01.pdf",
            "trainer/quizzes/ch01-answers.pdf",
            "trainer/quizzes/course-answers.pdf",
        },
    ),
    (
        "forms/visit-plan.yml",
        "title: ",
        "title: 新版",
        # The case that uses the form prints its title in its handout and guide.
        {
            "forms/visit-plan.pdf",
            "cases/routine-visit-456.pdf",
            "trainer/cases/routine-visit-456-guide.pdf",
        },
    ),
    (
        "docs/chapters/ch02.md",
        "## 本章小结",
        "补充一句。\n\n## 本章小结",
        {"handbook.pdf", "chapters/ch02.pdf"},
    ),
]


@pytest.mark.parametrize(("path", "old", "new", "expected"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_rerenders_exactly_the_pdfs_that_depend_on_it(
    course: Path, second_build: tuple[Path, str], path: str, old: str, new: str, expected: set[str]
) -> None:
    source = course / path
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_build(course, course / "site-edit")
    assert result.returncode == 0, result.stderr
    assert rendered(result.stderr) == expected


def test_serve_rebuild_serves_old_pdfs_and_swaps_in_new_ones(tmp_path: Path) -> None:
    """Under ``serve`` a rebuild does not wait for PDFs: it serves the previous
    ones and replaces exactly those whose input changed once they are rendered."""
    course = copy_course(tmp_path)
    warm_store(course)
    script = Path(__file__).with_name("serve_rebuild.py")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=course, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    steps = json.loads(result.stdout.strip().splitlines()[-1])
    answers, form, book = "trainer/quizzes/ch01-answers.pdf", "forms/visit-plan.pdf", "handbook.pdf"
    assert steps["served"] == steps["first"]
    assert steps["after"][answers] != steps["first"][answers]
    assert steps["after"][book] != steps["first"][book]
    assert steps["after"][form] == steps["first"][form]
    assert "PDFs up to date: replaced" in result.stderr


def test_files_made_from_pdfs_are_cached_by_their_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [b"%PDF one"]
    first = PdfCache(Store(tmp_path)).derived("png", made, lambda: b"thumbnail")
    cache = PdfCache(Store(tmp_path))  # a later build's
    assert cache.derived("png", made, lambda: pytest.fail("made again")) == first
    assert cache.derived("png", [b"%PDF two"], lambda: b"other") == b"other"
    assert cache.derived("zip", made, lambda: b"archive") == b"archive"


def test_background_renderer_publishes_only_the_newest_batch(tmp_path: Path) -> None:
    """A batch superseded while it renders still fills the cache but is not published."""
    renderer = BackgroundRenderer(workers=1)
    cache = PdfCache(Store(tmp_path))
    gate = threading.Event()
    published: list[tuple[str, list[str]]] = []

    def held_back() -> list[PdfJob]:
        assert gate.wait(timeout=120)
        return [PdfJob("a.pdf", PAGE)]

    def publish(name: str) -> Callable[[list[tuple[PdfJob, PdfData]]], None]:
        return lambda results: published.append((name, [job.path for job, _ in results]))

    renderer.submit(Batch(held_back, cache, publish("old")))
    newer = PdfJob("a.pdf", PAGE.replace("第一页", "新的一页"))
    renderer.submit(Batch(lambda: [newer], cache, publish("new")))
    gate.set()
    renderer.wait()
    renderer.close()
    assert published == [("new", ["a.pdf"])]
    assert cache.get(cache_key(newer)) is not None
