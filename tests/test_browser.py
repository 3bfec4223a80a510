"""The built site in a real browser: search finds Chinese words and no request
leaves this machine, over HTTP and from file://. Quizzes: test_quiz_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import remote_requests, search


@pytest.mark.parametrize("word", ["投诉", "关键人物", "意向客户"])
def test_search_lists_chapters_for_chinese_word(server: str, page: Page, word: str) -> None:
    page.goto(f"{server}/index.html")
    search(page, word)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15_000)
    links = page.locator(".md-search-result__link").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    assert any("chapters/ch" in href for href in links), links
    assert remote_requests(page) == []


def test_search_works_from_disk(site: Path, page: Page) -> None:
    page.goto((site / "index.html").as_uri())
    search(page, "投诉")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    assert remote_requests(page) == []


def test_pages_request_nothing_remote(server: str, page: Page) -> None:
    for path in ["index.html", "chapters/ch01.html", "forms/index.html", "cases/index.html"]:
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
    assert len(page.requested) > 10  # type: ignore[attr-defined]
    assert remote_requests(page) == []
