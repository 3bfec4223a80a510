"""Light pages on a weak network: a small search index fetched only once search
is used, chapter pages that link their figures instead of carrying them, and
the quiz script and styles only where there is a quiz. In Chromium over HTTP
and from file://; timings under throttling are in bench/weak_network.py."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Page, expect

from generator import search
from tests.search_quality import result_pages

MAX_INDEX = 400_000
MAX_CHAPTER = 450_000
"""Bytes of a chapter's first load: its HTML and every same-origin file it fetches."""
INDEX_FILES = ("search/search_index.json", "search/search_index.js")


def chapters(site: Path) -> list[str]:
    return sorted(path.stem for path in (site / "chapters").glob("ch*.html"))


def site_file(site: Path, url: str, start: str) -> Path | None:
    """The site's file behind a same-origin ``url`` (None for any other)."""
    parsed, base = urlparse(url), urlparse(start)
    if parsed.scheme != base.scheme or parsed.netloc != base.netloc:
        return None
    root = urlparse(start.rsplit("/", 1)[0]).path if parsed.scheme == "file" else ""
    path = unquote(parsed.path)
    relative = path.removeprefix(root).lstrip("/") if root else path.lstrip("/")
    if parsed.scheme == "file":
        relative = str(Path(path).relative_to(site.resolve()))
    target = site / relative
    return target if target.is_file() else None


def requested(page: Page) -> list[str]:
    return list(page.requested)  # type: ignore[attr-defined]


def index_requests(page: Page) -> list[str]:
    return [url for url in requested(page) if url.split("?")[0].endswith(INDEX_FILES)]


def test_search_index_is_small_and_plain_utf8(site: Path) -> None:
    data = (site / search.INDEX).read_bytes()
    assert len(data) <= MAX_INDEX, len(data)
    text = data.decode("utf-8")
    assert not re.search(r"\\u[4-9][0-9a-f]{3}", text), "Chinese characters are written as UTF-8"
    assert '"location":"quizzes/ch01.html"' in text
    quiz = re.search(r'\{"location":"quizzes/ch01\.html".*?\}', text)
    assert quiz and "检查本题" not in quiz.group(), "a quiz is indexed by its summary only"


def test_chapter_pages_link_their_figures(site: Path) -> None:
    for chapter in chapters(site):
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert 'src="data:' not in html, chapter
    linked = (site / "chapters" / "ch03.html").read_text(encoding="utf-8")
    assert '<img src="../figures/sales-funnel.svg"' in linked


def test_quiz_assets_only_on_pages_with_a_quiz(site: Path) -> None:
    def assets(path: str) -> tuple[bool, bool]:
        html = (site / path).read_text(encoding="utf-8")
        return "assets/course/quiz.js" in html, "assets/course/quiz.css" in html

    for path in ["index.html", "chapters/ch07.html", "glossary.html", "forms/complaint.html"]:
        assert assets(path) == (False, False), path
    for path in ["quizzes/ch07.html", "quizzes/mistakes.html", "quizzes/progress.html"]:
        assert assets(path) == (True, True), path


def test_chapter_first_load_is_light(server: str, site: Path, page: Page) -> None:
    for chapter in chapters(site):
        page.requested.clear()  # type: ignore[attr-defined]
        start = f"{server}/chapters/{chapter}.html"
        page.goto(start)
        page.wait_for_load_state("networkidle")
        files = {site_file(site, url, start) for url in requested(page)}
        total = sum(path.stat().st_size for path in files if path is not None)
        assert total <= MAX_CHAPTER, (chapter, total)
        assert index_requests(page) == [], chapter
        assert not any("quiz.js" in url for url in requested(page)), chapter


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_index_loads_when_search_is_first_used(
    scheme: str, server: str, site: Path, page: Page
) -> None:
    start = (
        f"{server}/chapters/ch07.html"
        if scheme == "http"
        else (site / "chapters" / "ch07.html").as_uri()
    )
    page.goto(start)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert index_requests(page) == []
    assert result_pages(page, "回访")[0].endswith("ch07.html")
    assert index_requests(page) != []


def test_highlight_from_a_result_still_marks_words(server: str, page: Page) -> None:
    """A page opened from a result (?h=) fetches the index's settings to mark words."""
    page.goto(f"{server}/chapters/ch07.html?h=回访")
    expect(page.locator("mark[data-md-highlight]").first).to_be_visible(timeout=15_000)
