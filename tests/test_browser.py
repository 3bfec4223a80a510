"""The built site in a real browser: search finds Chinese words, quizzes score,
and no request leaves this machine, over HTTP and from file://."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.content import items

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


def choose(page: Page, quiz: dict, right: bool) -> None:
    """Answer every question, all right or all wrong, from the quiz's YAML."""
    for number, question in enumerate(quiz["questions"], start=1):
        if question["type"] == "truefalse":
            correct = [0 if question["answer"] else 1]
            count = 2
        else:
            correct = [i for i, o in enumerate(question["options"]) if o.get("correct")]
            count = len(question["options"])
        picks = correct if right else [next(i for i in range(count) if i not in correct)]
        for index in picks:
            page.locator(f"input[name='q{number}'][value='{index}']").check()


def test_quiz_scores_all_right(server: str, page: Page) -> None:
    for quiz_id, quiz in items("quizzes").items():
        page.goto(f"{server}/quizzes/{quiz_id}.html")
        choose(page, quiz, right=True)
        page.get_by_role("button", name="提交答案").click()
        total = len(quiz["questions"])
        result = page.locator(".course-quiz__result")
        expect(result).to_contain_text(f"得分：{total} / {total}（100%）")
        expect(result).to_contain_text("已通过")
        expect(page.locator(".course-quiz__question.is-correct")).to_have_count(total)
        stored = page.evaluate(f"localStorage.getItem('course-quiz:{quiz_id}')")
        assert f'"score":{total}' in stored


def test_progress_shows_each_quiz_result(server: str, page: Page) -> None:
    quizzes = items("quizzes")
    page.goto(f"{server}/quizzes/index.html")
    for quiz_id in quizzes:
        expect(page.locator(f".course-progress[data-quiz-id='{quiz_id}']")).to_have_text("未作答")
    quiz_id, quiz = next(iter(quizzes.items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    choose(page, quiz, right=True)
    page.get_by_role("button", name="提交答案").click()
    page.goto(f"{server}/quizzes/index.html")
    total = len(quiz["questions"])
    cell = page.locator(f".course-progress[data-quiz-id='{quiz_id}']")
    expect(cell).to_contain_text(f"{total} / {total}（100%），已通过")


def test_quiz_scores_all_wrong_and_teaches(server: str, page: Page) -> None:
    quiz_id, quiz = next(iter(items("quizzes").items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    choose(page, quiz, right=False)
    page.get_by_role("button", name="提交答案").click()
    total = len(quiz["questions"])
    expect(page.locator(".course-quiz__result")).to_contain_text(f"得分：0 / {total}（0%）")
    expect(page.locator(".course-quiz__question.is-wrong")).to_have_count(total)
    first = page.locator(".course-quiz__question").first
    expect(first.locator(".course-quiz__verdict")).to_contain_text("正确答案")
    expect(first.locator(".course-quiz__explanation")).to_contain_text(
        quiz["questions"][0]["explanation"][:10]
    )
    page.get_by_role("button", name="重新作答").click()
    expect(page.locator(".course-quiz__question.is-wrong")).to_have_count(0)


def test_quiz_asks_for_unanswered_questions(server: str, page: Page) -> None:
    quiz_id, quiz = next(iter(items("quizzes").items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".course-quiz__result")).to_contain_text(
        f"还有 {len(quiz['questions'])} 道题没有作答"
    )
