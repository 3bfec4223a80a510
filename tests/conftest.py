"""Shared fixtures: a real build of the course into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import course

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
CONTENT = ("docs", "overrides", "quizzes", "cases", "forms", "figures", "exams", "mkdocs.yml")


def run_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` the way ``make site`` does, in ``project``."""
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


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole course, built once for the session from the real content."""
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = run_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


STORE = Path(".cache/artifacts")
"""The artifact store, relative to a course's ``mkdocs.yml``."""
WARM_CACHES = ("pdf", "png", "zip", "figure", "search", "jinja")
"""Kinds of entry of the artifact store a copied course shares with the checkout's
(the course, and what is keyed by it, is per copy: its key holds the copy's paths)."""


def copy_course(folder: Path, warm: bool = True) -> Path:
    """Copy the course's content and configuration into ``folder``; unless ``warm``
    is False (tests of cold builds), with the checkout's PDF, figure and search
    caches as hard links, so a copy's build renders only what its test changed.
    Entries are written atomically (a new file renamed into place), so a build
    in the copy never changes the checkout's entries."""
    for name in CONTENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    for name in WARM_CACHES if warm else ():
        cache = ROOT / STORE / name
        if cache.is_dir():
            shutil.copytree(cache, folder / STORE / name, copy_function=_link_or_copy)
    return folder


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows one (same device), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the course content, safe to break."""
    return copy_course(tmp_path)
