"""Helpers the test modules share: driving Chromium through Playwright (the
fixtures themselves are in conftest.py) and answering quizzes in it."""

from __future__ import annotations

import re
from functools import cache
from http.server import SimpleHTTPRequestHandler
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page

from generator.models.quiz import (
    Fill,
    Judgement,
    Match,
    MultipleChoice,
    Order,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from generator.sources import load
from generator.validation import validate
from tests.conftest import ROOT

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
ZONE = "Pacific/Kiritimati"
"""UTC+14: the reader's local date is often not the UTC date, so dates must be local."""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


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


@cache
def quizzes() -> dict[str, Quiz]:
    return {
        path.stem: validate(Quiz, load(path, path.name))
        for path in sorted((ROOT / "quizzes").glob("*.yml"))
    }


def plain(text: str) -> str:
    return re.sub(r"\*\*|`", "", text).split("\n")[0][:12]


class Console:
    """Console errors and uncaught exceptions of every page in a context."""

    def __init__(self, context: BrowserContext) -> None:
        self.errors: list[str] = []
        context.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        context.on(
            "page",
            lambda page: page.on("pageerror", lambda e: self.errors.append(e.stack or str(e))),
        )


def new_page(
    browser: Browser, request: pytest.FixtureRequest, only: str = "", **options: object
) -> Page:
    """A page in a fresh context whose console must stay free of errors (those that
    mention ``only``, when given: Material's own scripts fail without storage)."""
    context = browser.new_context(locale="zh-CN", timezone_id=ZONE, **options)  # type: ignore[arg-type]
    console = Console(context)

    def finish() -> None:
        context.close()
        assert [e for e in console.errors if only in e] == []

    request.addfinalizer(finish)
    return context.new_page()


def question_el(page: Page, question: Question) -> Locator:
    return page.locator(f"#q-{question.id}")


def arrange(el: Locator, keys: list[str]) -> None:
    """Put an order question's items in ``keys``' order with the move-up buttons
    (an order nobody moved is unanswered: when it is already right, move and move back)."""
    moves = 0
    for target, key in enumerate(keys):
        current = el.locator("li").evaluate_all("items => items.map(li => li.dataset.key)")
        for _ in range(current.index(key) - target):
            el.locator(f"li[data-key='{key}'] button[data-move='-1']").click()
            moves += 1
    if not moves:
        el.locator("li").first.locator("button[data-move='1']").click()
        el.locator("li").nth(1).locator("button[data-move='-1']").click()


def retry(page: Page) -> None:
    """Start again: 重新作答, then confirm in its dialog."""
    page.get_by_role("button", name="重新作答").click()
    page.get_by_role("dialog", name="要重新作答吗？").get_by_role(
        "button", name="清空并重新作答"
    ).click()


def answer(page: Page, question: Question, right: bool) -> None:
    """Answer one question entirely right or entirely wrong."""
    el = question_el(page, question)
    if isinstance(question, SingleChoice | MultipleChoice):
        keyed = list(zip(question.keys, question.options, strict=True))
        picks = (
            [k for k, o in keyed if o.correct]
            if right
            else [next(k for k, o in keyed if not o.correct)]
        )
        for key in picks:
            el.locator(f"input[value='{key}']").check()
    elif isinstance(question, TrueFalse):
        value = question.answer if right else not question.answer
        el.locator(f"input[value='{str(value).lower()}']").check()
    elif isinstance(question, Judgement):
        scores = dict(zip(question.keys, (o.score for o in question.options), strict=True))
        pick = max(scores, key=scores.__getitem__) if right else min(scores, key=scores.__getitem__)
        el.locator(f"input[value='{pick}']").check()
    elif isinstance(question, Fill):
        for index, blank in enumerate(question.blanks):
            el.locator(".course-quiz__blank").nth(index).fill(
                blank.accepted[0] if right else "不知道"
            )
    elif isinstance(question, Order):
        keys = question.keys
        arrange(el, keys if right else keys[1:] + keys[:1])
    elif isinstance(question, Match):
        keys = question.right_keys
        for index, key in enumerate(keys if right else keys[1:] + keys[:1]):
            el.locator("select").nth(index).select_option(key)


def submit(page: Page) -> Locator:
    page.locator("form.course-quiz button[type=submit]").click()
    return page.locator(".course-quiz__result")


def find(kind: type, test: object = None) -> tuple[str, Question]:
    for quiz_id, quiz in quizzes().items():
        for question in quiz.questions:
            if isinstance(question, kind) and (test is None or test(question)):  # type: ignore[operator]
                return quiz_id, question
    raise AssertionError(f"no {kind.__name__} question in the course")
