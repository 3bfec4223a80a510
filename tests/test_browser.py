"""The built site in a real browser: search finds Chinese words and no request
leaves this machine, over HTTP and from file://. Quizzes: test_quiz_browser.py."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"data", "blob", "about"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.requested = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requested.append(request.url))  # type: ignore[attr-defined]
    yield page
    context.close()


def remote_requests(page: Page) -> list[str]:
    """Requests to anything but this machine (or data:, blob:, file:)."""
    remote = []
    for url in page.requested:  # type: ignore[attr-defined]
        parsed = urlparse(url)
        if parsed.scheme in LOCAL_SCHEMES or parsed.scheme == "file":
            continue
        if parsed.hostname not in {"127.0.0.1", "localhost"}:
            remote.append(url)
    return remote


def search(page: Page, word: str) -> None:
    """Type a word as an input method does: the text arrives, then a key is released.

    Material reads the query on keyup; Playwright inserts Chinese characters
    without key events, so a key press stands in for the IME's commit.
    """
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(word)
    box.press("End")


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
