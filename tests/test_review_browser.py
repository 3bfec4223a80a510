"""Spaced review and progress that moves, in a real browser: a wrong answer comes
back in 今日复习 on the day FSRS schedules it (the clock driven by Playwright), a
redo from the 错题本 changes 我的进度 by the rule the pages state, and progress
exported from one browser imports into another, keeping the newer of two results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.models.quiz import Question, Quiz
from tests.helpers import ZONE, answer, new_page, question_el, quizzes, submit


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield new_page(browser, request)


START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo(ZONE))
"""A morning in the reader's zone: the clock of every test starts here."""
REVIEW_KEY = "course-review:v1"


def stored(page: Page, key: str) -> Any:
    return json.loads(page.evaluate(f"localStorage.getItem({json.dumps(key)}) || 'null'"))


def record(page: Page, quiz_id: str) -> Any:
    return stored(page, f"course-quiz:v2:{quiz_id}")


def card(page: Page, quiz_id: str, question: Question) -> Any:
    return (stored(page, REVIEW_KEY) or {}).get(f"{quiz_id}/{question.id}")


def due(page: Page, quiz_id: str, question: Question) -> datetime:
    return datetime.fromisoformat(card(page, quiz_id, question)["c"]["due"].replace("Z", "+00:00"))


def at(page: Page, when: datetime) -> None:
    page.clock.set_fixed_time(when)


def take(page: Page, server: str, quiz_id: str, wrong: list[Question]) -> None:
    """Answer a quiz, the questions in ``wrong`` wrongly, and submit it."""
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    for question in quizzes()[quiz_id].questions:
        answer(page, question, right=question not in wrong)
    expect(submit(page)).to_contain_text("得分：")


def failing(quiz: Quiz) -> list[Question]:
    """The first questions of a quiz, as many as it takes to fail it."""
    count = 1
    while round(100 * (len(quiz.questions) - count) / len(quiz.questions)) >= quiz.pass_percent:
        count += 1
    return quiz.questions[:count]


def requests(page: Page) -> list[str]:
    """Every URL the page requests from now on."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def elsewhere(urls: list[str], server: str) -> list[str]:
    """The URLs on another host than the test server."""
    return [url for url in urls if urlparse(url).netloc not in (urlparse(server).netloc, "")]


def test_a_wrong_answer_comes_back_on_the_day_fsrs_schedules_it(
    server: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = new_page(browser, request)
    urls = requests(page)
    quiz_id, quiz = next(iter(quizzes().items()))
    missed = quiz.questions[0]
    at(page, START)
    take(page, server, quiz_id, [missed])
    assert card(page, quiz_id, quiz.questions[1]) is None  # answered right: no review
    first_due = due(page, quiz_id, missed)
    assert first_due > START
    day = first_due.astimezone(ZoneInfo(ZONE)).date()

    page.goto(f"{server}/quizzes/review.html")
    expect(page.locator(".course-review__summary")).to_contain_text("今天没有到期")
    expect(page.locator(".course-quiz__question:visible")).to_have_count(0)

    at(page, datetime.combine(day, datetime.min.time(), ZoneInfo(ZONE)) + timedelta(hours=7))
    page.goto(f"{server}/index.html")
    expect(page.locator(".course-review__due")).to_contain_text("今天有 1 道题到期复习。")
    page.goto(f"{server}/quizzes/progress.html")
    expect(page.locator(".course-review__due")).to_contain_text("今天有 1 道题到期复习。")
    page.goto(f"{server}/quizzes/review.html")
    expect(page.locator(".course-review__summary")).to_contain_text("今天有 1 道题到期")
    expect(page.locator(".course-quiz__question:visible")).to_have_count(1)
    el = question_el(page, missed)
    expect(el).to_be_visible()
    answer(page, missed, right=True)
    expect(submit(page)).to_contain_text("得分：100%")
    later = due(page, quiz_id, missed)
    assert later.astimezone(ZoneInfo(ZONE)).date() > day
    expect(el.locator(".course-review__next")).to_have_text(
        "下次复习：" + later.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d")
    )
    page.reload()
    expect(page.locator(".course-quiz__question:visible")).to_have_count(0)
    at(page, later + timedelta(hours=1))
    page.reload()
    expect(question_el(page, missed)).to_be_visible()
    assert urls and elsewhere(urls, server) == []


def test_partly_right_is_scheduled_later_than_wrong(
    server: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    """The rating follows the score: a partial answer (Hard) waits longer than a wrong one."""
    page = new_page(browser, request)
    quiz_id, quiz = next((i, q) for i, q in quizzes().items() if "multiple" in q.types)
    multiple = next(q for q in quiz.questions if q.type == "multiple")
    wrong = next(q for q in quiz.questions if q is not multiple)
    at(page, START)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    answer(page, wrong, right=False)
    question_el(page, wrong).get_by_role("button", name="检查本题").click()
    keyed = list(zip(multiple.keys, multiple.options, strict=True))  # type: ignore[attr-defined]
    question_el(page, multiple).locator(
        f"input[value='{next(k for k, o in keyed if o.correct)}']"
    ).check()
    question_el(page, multiple).get_by_role("button", name="检查本题").click()
    expect(question_el(page, multiple)).to_have_class("course-quiz__question is-partial")
    assert due(page, quiz_id, multiple) > due(page, quiz_id, wrong) > START


def test_a_redo_from_the_mistakes_page_updates_progress(server: str, page: Page) -> None:
    quiz_id, quiz = list(quizzes().items())[2]
    missed = failing(quiz)
    take(page, server, quiz_id, missed)
    first = round(100 * (len(quiz.questions) - len(missed)) / len(quiz.questions))
    page.goto(f"{server}/quizzes/progress.html")
    row = page.locator(f"tr[data-quiz='{quiz_id}']")
    rule = "按每道题最近一次的得分算出这套自测的得分，记为一次作答"
    expect(page.locator(".course-review__rule")).to_contain_text(rule)
    expect(row.locator("[data-field=best]")).to_have_text(f"{first}%")
    expect(row.locator("[data-field=status]")).to_have_text("未通过")

    page.goto(f"{server}/quizzes/mistakes.html")
    expect(page.locator(".course-review__rule")).to_contain_text(rule)
    # All but one right: the quiz's score is then every question's latest score.
    for question in missed:
        answer(page, question, right=question is not missed[-1])
    expect(submit(page)).to_contain_text("得分：")
    page.goto(f"{server}/quizzes/progress.html")
    redone = round(100 * (len(quiz.questions) - 1) / len(quiz.questions))
    expect(row.locator("[data-field=best]")).to_have_text(f"{redone}%")
    expect(row.locator("[data-field=attempts]")).to_have_text("2")
    expect(row.locator("[data-field=wrong]")).to_have_text("1 题")
    expect(row.locator("[data-field=status]")).to_have_text(
        "已通过" if redone >= quiz.pass_percent else "未通过"
    )

    # Worse this time: counted, but the best score stays.
    page.goto(f"{server}/quizzes/mistakes.html")
    answer(page, missed[-1], right=False)
    submit(page)
    page.goto(f"{server}/quizzes/progress.html")
    expect(row.locator("[data-field=best]")).to_have_text(f"{redone}%")
    expect(row.locator("[data-field=attempts]")).to_have_text("3")


def test_a_redo_of_part_of_a_quiz_never_answered_whole_leaves_its_score(
    server: str, page: Page
) -> None:
    quiz_id, quiz = list(quizzes().items())[3]
    missed = quiz.questions[0]
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    answer(page, missed, right=False)
    question_el(page, missed).get_by_role("button", name="检查本题").click()
    page.goto(f"{server}/quizzes/mistakes.html")
    answer(page, missed, right=True)
    submit(page)
    page.goto(f"{server}/quizzes/progress.html")
    row = page.locator(f"tr[data-quiz='{quiz_id}']")
    expect(row.locator("[data-field=attempts]")).to_have_text("0")
    expect(row.locator("[data-field=status]")).to_have_text("未提交")


def progress_table(page: Page) -> list[str]:
    rows = page.locator(".course-progress tbody tr")
    return [
        *rows.evaluate_all("rows => rows.map(r => r.innerText)"),
        page.locator(".course-progress__overall").inner_text(),
        page.locator(".course-review__due").inner_text(),
    ]


def export(page: Page, folder: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_role("button", name="导出进度文件").click()
    assert download.value.suggested_filename.startswith("学习进度-")
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def import_file(page: Page, path: Path) -> None:
    page.get_by_label("导入进度文件").set_input_files(path)
    expect(page.locator(".course-sync__message")).to_contain_text("已导入并合并")


def test_export_then_import_on_another_browser_gives_the_same_progress(
    server: str, browser: Browser, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    desk = new_page(browser, request)
    (first_id, first), (second_id, _) = list(quizzes().items())[:2]
    at(desk, START)
    take(desk, server, first_id, failing(first))
    take(desk, server, second_id, [])
    desk.goto(f"{server}/quizzes/progress.html")
    before = progress_table(desk)
    path = export(desk, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "course-progress"
    assert set(data["quizzes"]) == {first_id, second_id}
    assert {key.split("/")[1] for key in data["review"]} == {q.id for q in failing(first)}

    phone = new_page(browser, request)
    at(phone, START)
    phone.goto(f"{server}/quizzes/progress.html")
    assert progress_table(phone) != before
    import_file(phone, path)
    assert progress_table(phone) == before
    phone.reload()
    assert progress_table(phone) == before
    for quiz_id in (first_id, second_id):  # answers, scores and times came along too
        assert record(phone, quiz_id) == record(desk, quiz_id)
    assert stored(phone, REVIEW_KEY) == stored(desk, REVIEW_KEY)
    # Importing the same file again changes nothing.
    phone.goto(f"{server}/quizzes/progress.html")
    import_file(phone, path)
    assert progress_table(phone) == before


def test_merging_keeps_the_newer_of_two_results(
    server: str, browser: Browser, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    quiz_id, quiz = next(iter(quizzes().items()))
    early, late = quiz.questions[0], quiz.questions[1]
    desk, phone = new_page(browser, request), new_page(browser, request)

    def check(page: Page, question: Question, right: bool, when: datetime) -> None:
        at(page, when)
        page.goto(f"{server}/quizzes/{quiz_id}.html")
        answer(page, question, right=right)
        question_el(page, question).get_by_role("button", name="检查本题").click()

    # The desk got `early` wrong first, the phone right later; for `late` the other way.
    check(desk, early, False, START)
    check(phone, early, True, START + timedelta(hours=1))
    check(phone, late, True, START + timedelta(hours=2))
    check(desk, late, False, START + timedelta(hours=3))
    phone.goto(f"{server}/quizzes/progress.html")
    path = export(phone, tmp_path)
    desk.goto(f"{server}/quizzes/progress.html")
    import_file(desk, path)
    merged = record(desk, quiz_id)["q"]
    assert merged[early.id]["s"] == 1
    assert merged[late.id]["s"] == 0
    assert card(desk, quiz_id, late) is not None
    desk.goto(f"{server}/quizzes/mistakes.html")
    expect(desk.locator(".course-quiz__question:visible")).to_have_count(1)
    expect(question_el(desk, late)).to_be_visible()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "导入失败：这个文件不是有效的 JSON，进度没有改变。"),
        (b'{"format": "other"}', "导入失败：这个文件不是本课程导出的进度文件，进度没有改变。"),
        (
            b'{"format": "course-progress", "version": 1, "quizzes": {"ch01": 3}, "review": {}}',
            "导入失败：这个文件不是本课程导出的进度文件，进度没有改变。",
        ),
    ],
    ids=["not-json", "other-file", "bad-record"],
)
def test_an_invalid_file_is_refused_in_chinese(
    server: str, page: Page, content: bytes, message: str
) -> None:
    page.goto(f"{server}/quizzes/progress.html")
    page.get_by_label("导入进度文件").set_input_files(
        {"name": "进度.json", "mimeType": "application/json", "buffer": content}
    )
    expect(page.locator(".course-sync__message")).to_have_text(message)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('course-'))") == []


def test_a_qr_code_carries_the_progress_to_another_browser(
    server: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    desk = new_page(browser, request)
    urls = requests(desk)
    quiz_id, quiz = next(iter(quizzes().items()))
    take(desk, server, quiz_id, quiz.questions[:2])
    desk.goto(f"{server}/quizzes/progress.html")
    desk.get_by_role("button", name="显示二维码").click()
    expect(desk.locator(".course-sync__qr svg")).to_be_visible()
    assert any(url.endswith("/assets/course/qrcode.js") for url in urls)
    assert elsewhere(urls, server) == []
    expect(desk.locator(".course-sync__message")).to_contain_text("用另一台设备扫描二维码")
    link = desk.evaluate("window.CourseProgress && location.href.split('#')[0]")
    packed = desk.evaluate("CourseProgress.pack(CourseProgress.collect(), true)")
    before = progress_table(desk)

    phone = new_page(browser, request)
    phone.goto(f"{server}/quizzes/progress.html")
    phone.evaluate(
        "packed => { const b = new TextEncoder().encode(packed); let s = '';"
        " b.forEach(x => s += String.fromCharCode(x));"
        " location.hash = 'progress=' + btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_')"
        ".replace(/=+$/, ''); }",
        packed,
    )
    phone.reload()
    assert link
    phone.get_by_role("button", name="合并到这台设备").click()
    expect(phone.locator(".course-sync__message")).to_have_text("已从链接导入并合并进度。")
    assert progress_table(phone) == before


def test_too_much_for_a_qr_code_is_said(server: str, page: Page) -> None:
    page.goto(f"{server}/quizzes/progress.html")
    items = {
        f"{quiz_id}/{q.id}": {
            "h": q.content_hash,
            "t": 1,
            "c": {"due": "2030-01-01T00:00:00Z", "stability": 1.5, "difficulty": 5.5},
        }
        for quiz_id, quiz in quizzes().items()
        for q in quiz.questions
    }
    page.evaluate(f"localStorage.setItem('{REVIEW_KEY}', {json.dumps(json.dumps(items))})")
    page.get_by_role("button", name="显示二维码").click()
    expect(page.locator(".course-sync__message")).to_contain_text("超过一个二维码能容纳的")
    expect(page.locator(".course-sync__qr svg")).to_have_count(0)


def test_review_and_export_work_from_file(
    site: Path, browser: Browser, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    page = new_page(browser, request)
    quiz_id, quiz = next(iter(quizzes().items()))
    missed = quiz.questions[0]
    at(page, START)
    take(page, (site).as_uri(), quiz_id, [missed])
    at(page, due(page, quiz_id, missed) + timedelta(hours=1))
    page.goto((site / "quizzes/review.html").as_uri())
    expect(question_el(page, missed)).to_be_visible()
    page.goto((site / "quizzes/progress.html").as_uri())
    data = json.loads(export(page, tmp_path).read_text(encoding="utf-8"))
    assert f"{quiz_id}/{missed.id}" in data["review"]


def test_export_and_import_by_keyboard(server: str, page: Page) -> None:
    """Tab reaches both; the file input, hidden behind its Chinese label, shows focus."""
    page.goto(f"{server}/quizzes/progress.html")
    page.get_by_role("button", name="导出进度文件").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "course-sync-file"
    outline = page.locator("label.course-sync__import").evaluate(
        "label => getComputedStyle(label).outlineStyle"
    )
    assert outline == "solid"
    # Space activates the focused input as a click would (the click opens the
    # file picker); headless Chromium does not always report the picker itself.
    page.evaluate(
        """() => {
            const input = document.getElementById("course-sync-file");
            window.fileClicks = 0;
            input.addEventListener("click", () => { window.fileClicks += 1; });
        }"""
    )
    page.keyboard.press("Space")
    page.wait_for_function("window.fileClicks === 1")
    assert page.evaluate("document.getElementById('course-sync-file').multiple") is False
