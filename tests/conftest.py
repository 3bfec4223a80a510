"""Shared fixtures: a real build of the course into a temporary folder."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import CodeType

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from generator import course
from generator.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
CONTENT = ("docs", "overrides", "quizzes", "cases", "forms", "figures", "exams", "mkdocs.yml")


def run_build(project: Path, site_dir: Path, warm: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` the way ``make site`` does, in ``project``;
    a copy of the course first gets the checkout's warm caches (``warm_store``)
    unless ``warm`` is False (tests of cold builds)."""
    if warm and project.resolve() != ROOT:
        warm_store(project)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def course_settings(project: Path) -> course.Settings:
    """The settings ``mkdocs.yml`` gives the course plugin, for the course in ``project``."""
    return course.Settings(
        root=project,
        docs_dir=project / "docs",
        chapters_dir="chapters",
        glossary="includes/abbreviations.md",
        search_synonyms="includes/search-synonyms.txt",
        search_terms="includes/search-terms.txt",
        project=project,
        site_name="客户管理实务",
        organisation="",
    )


def load_problems(project: Path, settings: course.Settings | None = None) -> str | None:
    """What ``course.load`` reports for the course in ``project``, or None when it
    loads: the check a failing build makes first, in process in a second instead of
    a ``mkdocs build`` (the CLI path for these errors is proven by test_errors.py)."""
    try:
        course.load(settings or course_settings(project))
    except ContentError as error:
        return str(error)
    return None


SHARED: list[Path] = []
"""The folder every test process of this run shares (set by ``_shared_folder``)."""


@pytest.fixture(scope="session", autouse=True)
def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under pytest-xdist, the parent of the workers' own temporary folders (one
    per run, seen by every worker); otherwise this run's temporary folder."""
    base = tmp_path_factory.getbasetemp()
    SHARED[:] = [base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class SessionBuild:
    """The one build of the real course a test run makes, whatever its workers."""

    site: Path
    log: str
    cold: bool
    """The checkout's artifact store held no PDF before it (a fresh clone, as in CI):
    it rendered every PDF, which tests of cold builds can read instead of repeating."""


def session_build() -> SessionBuild:
    """Build the course from the checkout once per run: the first process to get
    here builds it (its build also warms the checkout's artifact store), the others
    wait for that build and read it."""
    folder = SHARED[0] / "session-build"
    record = folder / "build.json"
    with _locked(SHARED[0] / "session-build.lock"):
        if not record.exists():
            cold = not any((ROOT / STORE / "pdf").glob("*.pdf"))
            result = run_build(ROOT, folder / "site")
            assert result.returncode == 0, result.stderr
            record.write_text(json.dumps({"log": result.stderr, "cold": cold}), encoding="utf-8")
    done = json.loads(record.read_text(encoding="utf-8"))
    return SessionBuild(folder / "site", done["log"], done["cold"])


@pytest.fixture(scope="session")
def site() -> Path:
    """The whole course, built once for the run from the real content."""
    return session_build().site


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site over HTTP on this machine, for the whole session."""
    from tests.helpers import QuietHandler

    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session: each test gets a fresh context from it."""
    from tests.helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context that records every URL it requests (``page.requested``)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.requested = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requested.append(request.url))  # type: ignore[attr-defined]
    yield page
    context.close()


STORE = Path(".cache/artifacts")
"""The artifact store, relative to a course's ``mkdocs.yml``."""
WARM_CACHES = ("pdf", "png", "zip", "figure", "search", "jinja")
"""Kinds of entry of the artifact store a copied course shares with the checkout's
(the course, and what is keyed by it, is per copy: its key holds the copy's paths)."""


def copy_course(folder: Path) -> Path:
    """Copy the course's content and configuration into ``folder`` (with an empty
    artifact store: ``run_build`` warms it when the copy is built)."""
    for name in CONTENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    return folder


def warm_store(project: Path) -> None:
    """Give the copy of the course in ``project`` the checkout's PDF, figure and
    search caches as hard links, after the run's session build has filled them,
    so its build renders only what its test changed. Entries are written
    atomically (a new file renamed into place), so a build in the copy never
    changes the checkout's entries. Entries the copy has already are kept."""
    session_build()
    for name in WARM_CACHES:
        cache = ROOT / STORE / name
        if cache.is_dir():
            shutil.copytree(
                cache, project / STORE / name, copy_function=_link_or_copy, dirs_exist_ok=True
            )


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows one (same device), else a copy."""
    if os.path.exists(target):
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the course content, safe to break."""
    return copy_course(tmp_path)


BROWSER_FIXTURES = {"browser", "page"}
BUILD_CALLS = {"run_build", "subprocess"}
"""Names a test (or its fixture) calls to build a site in another process."""


def _names_used(item: pytest.Item) -> set[str]:
    """The global names a test's function and its fixtures' functions refer to."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in info.name2fixturedefs.values() if info else ():
        functions += [definition.func for definition in definitions]
    codes = [f.__code__ for f in functions if f is not None]
    names: set[str] = set()
    while codes:  # with the comprehensions and inner functions inside them
        code = codes.pop()
        names.update(code.co_names)
        codes += [const for const in code.co_consts if isinstance(const, CodeType)]
    return names


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what drives a browser and what builds a site, so ``make test-fast``
    (``-m "not slow and not browser"``) can leave them out without a list to keep."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        names = _names_used(item)
        if fixtures & BROWSER_FIXTURES or "sync_playwright" in names:
            item.add_marker(pytest.mark.browser)
        if "site" in fixtures or names & BUILD_CALLS:
            item.add_marker(pytest.mark.slow)
