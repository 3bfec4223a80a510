"""The 结业测试 in a real browser: an attempt draws the blueprint's numbers per
chapter, fresh attempts draw differently, the countdown survives a reload and
submits at zero, and the result per chapter is right for known answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.models.quiz import Question
from tests.helpers import answer, new_page, quizzes

KEY = "course-exam:v1:final"
"""Where the exam page keeps its attempts (``scripts/exam.js``)."""
CHAPTER_COUNTS = {
    "ch01": 3,
    "ch02": 3,
    "ch03": 4,
    "ch04": 4,
    "ch05": 4,
    "ch06": 3,
    "ch07": 4,
    "ch08": 4,
    "ch09": 4,
    "ch10": 4,
    "ch11": 3,
}
"""exams/final.yml's blueprint."""


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield new_page(browser, request)


def questions() -> dict[str, Question]:
    return {q.id: q for quiz in quizzes().values() for q in quiz.questions}


def start(page: Page, url: str) -> dict[str, Any]:
    """Open the exam, start an attempt, and return what it stored."""
    page.goto(url)
    page.get_by_role("button", name="开始测试").click()
    expect(page.locator(".course-exam__item:visible")).to_have_count(40)
    return stored(page)["attempts"][-1]  # type: ignore[no-any-return]


def stored(page: Page) -> dict[str, Any]:
    return json.loads(page.evaluate(f"localStorage.getItem({KEY!r})"))  # type: ignore[no-any-return]


def shown(page: Page) -> list[str]:
    """The ids of the questions on the page, in the order shown."""
    return page.locator(".course-exam__item:visible").evaluate_all(  # type: ignore[no-any-return]
        "items => items.map(item => item.dataset.id)"
    )


def chapter_of(page: Page, question_id: str) -> str:
    return (
        page.locator(f".course-exam__item[data-id='{question_id}']").get_attribute("data-chapter")
        or ""
    )


def test_attempt_draws_the_blueprint_per_chapter(server: str, page: Page) -> None:
    attempt = start(page, f"{server}/exams/final.html")
    ids = shown(page)
    assert ids == attempt["ids"] and len(set(ids)) == 40
    assert isinstance(attempt["seed"], int)
    drawn = [chapter_of(page, question_id) for question_id in ids]
    assert {chapter: drawn.count(chapter) for chapter in CHAPTER_COUNTS} == CHAPTER_COUNTS
    assert all(q.startswith(chapter_of(page, q)) for q in ids)
    legends = page.locator(".course-exam__item:visible legend").all_inner_texts()
    assert [legend.split(" · ")[0] for legend in legends] == [f"第 {n} 题" for n in range(1, 41)]
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"剩余时间：(45 分 0|44 分 \d+) 秒"))


def test_numbering_keeps_the_wording_for_screen_and_paper_apart(server: str, page: Page) -> None:
    """Renumbering a legend changes its number only: the paper-only instruction
    stays in its own hidden span, never shown on screen."""
    start(page, f"{server}/exams/final.html")
    legends = page.locator(".course-exam__item:visible legend")
    paper_only = legends.locator(".course-quiz__print-only")
    assert paper_only.count() > 0
    for index in range(paper_only.count()):
        expect(paper_only.nth(index)).to_be_hidden()
    wording = set(paper_only.evaluate_all("spans => spans.map(s => s.textContent)"))
    for text in legends.all_inner_texts():
        assert not any(words in text for words in wording), text


OPTIONS = "input[type=radio], input[type=checkbox], .course-quiz__order > li"
"""What a question lists in an order of its attempt's own."""


def option_orders(page: Page) -> dict[str, list[str]]:
    """Each shown question's options (or order items), by key, in the order shown."""
    return page.evaluate(  # type: ignore[no-any-return]
        """options => Object.fromEntries(
          [...document.querySelectorAll('.course-exam__item:not([hidden])')].map(item =>
            [item.dataset.id,
             [...item.querySelectorAll(options)].map(el => el.value || el.dataset.key)]))""",
        OPTIONS,
    )


def test_fresh_attempts_draw_different_questions_and_orders(
    server: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    first, second = (new_page(browser, request) for _ in range(2))
    one = start(first, f"{server}/exams/final.html")
    two = start(second, f"{server}/exams/final.html")
    assert one["seed"] != two["seed"]
    assert set(one["ids"]) != set(two["ids"])
    common = [q for q in one["ids"] if q in two["ids"]]
    assert [q for q in one["ids"] if q in common] != [q for q in two["ids"] if q in common]
    orders = option_orders(first), option_orders(second)
    shuffled = [q for q in common if len(orders[0][q]) > 2 and orders[0][q] != orders[1][q]]
    assert shuffled, "no question common to both attempts lists its options differently"
    # A new attempt in the same browser is a new draw, recorded beside the first.
    first.locator("form.course-exam button[type=submit]").click()
    first.locator("form.course-exam button[type=submit]").click()
    expect(first.locator(".course-exam__result")).to_contain_text("总分：")
    first.get_by_role("button", name="重新抽题，再考一次").click()
    expect(first.locator(".course-exam__item:visible")).to_have_count(40)
    attempts = stored(first)["attempts"]
    assert len(attempts) == 2 and attempts[0]["done"] and not attempts[1].get("done")
    assert attempts[0]["ids"] != attempts[1]["ids"]


def test_countdown_survives_a_reload_and_submits_at_zero(server: str, page: Page) -> None:
    page.clock.install()
    attempt = start(page, f"{server}/exams/final.html")
    first = questions()[attempt["ids"][0]]
    answer(page, first, right=True)
    # The fake clock also runs on by itself; the page is slow on a busy machine.
    after_ten = re.compile(r"剩余时间：3[45] 分 \d+ 秒")
    page.clock.run_for("10:00")
    expect(page.get_by_role("timer")).to_have_text(after_ten)
    page.reload()
    expect(page.get_by_role("timer")).to_have_text(after_ten)
    assert shown(page) == attempt["ids"]
    saved = stored(page)["attempts"][-1]["answers"]
    assert list(saved) == [first.id]
    page.clock.run_for("30:00")
    expect(page.get_by_role("alert")).to_have_text("还剩 5 分钟，时间到后将自动交卷。")
    page.clock.run_for("05:05")
    result = page.locator(".course-exam__result")
    expect(result).to_contain_text("时间到，已自动交卷。")
    expect(page.get_by_role("timer")).to_be_hidden()
    done = stored(page)["attempts"][-1]
    assert done["done"] and done["timeUp"] and done["ids"] == attempt["ids"]
    assert done["scores"][0] == 1 and sum(done["scores"][1:]) <= 39
    assert done["end"] - done["start"] == 45 * 60 * 1000


def test_an_attempt_started_long_ago_is_submitted_on_opening(site: Path, page: Page) -> None:
    """From file://: a start time stored in the past is the clock; past the limit,
    opening the page hands the attempt in."""
    url = (site / "exams" / "final.html").as_uri()
    attempt = start(page, url)
    attempt["start"] -= 46 * 60 * 1000
    page.evaluate(
        f"localStorage.setItem({KEY!r}, {json.dumps(json.dumps({'attempts': [attempt]}))})"
    )
    page.reload()
    expect(page.locator(".course-exam__result")).to_contain_text("时间到，已自动交卷。")
    assert stored(page)["attempts"][-1]["timeUp"]


def test_result_per_chapter_for_known_answers(server: str, page: Page) -> None:
    """Every question of chapters 1 to 5 right, every other one wrong: those
    chapters score 100%, the others 0%, each wrong question is listed to review."""
    attempt = start(page, f"{server}/exams/final.html")
    bank = questions()
    right_chapters = {"ch01", "ch02", "ch03", "ch04", "ch05"}
    for question_id in attempt["ids"]:
        answer(page, bank[question_id], right=chapter_of(page, question_id) in right_chapters)
    page.locator("form.course-exam button[type=submit]").click()
    result = page.locator(".course-exam__result")
    right = sum(CHAPTER_COUNTS[c] for c in right_chapters)
    expect(result.locator(".course-exam__score")).to_have_text(
        f"总分：{round(right / 40 * 100)}%（共 40 题）。未达到 80% 的通过线。"
        "建议按下表复习得分低的章节，再重新抽题考一次。"
    )
    rows = result.locator(".course-exam__chapters tbody tr")
    expect(rows).to_have_count(11)
    for index, (chapter, count) in enumerate(CHAPTER_COUNTS.items()):
        row = rows.nth(index)
        expect(row).to_have_attribute("data-chapter", chapter)
        cells = row.locator("td")
        expect(cells.nth(1)).to_have_text(str(count))
        expect(cells.nth(2)).to_have_text("100%" if chapter in right_chapters else "0%")
        expect(cells.first.locator("a")).to_have_attribute("href", f"../chapters/{chapter}.html")
    wrong = [q for q in attempt["ids"] if chapter_of(page, q) not in right_chapters]
    listed = result.locator(".course-exam__review li").evaluate_all(
        "items => items.map(li => li.dataset.id)"
    )
    assert listed == wrong
    expect(page.locator(".course-quiz__question.is-correct:visible")).to_have_count(right)
    # The result is kept: a reload shows the same graded attempt and its score.
    page.reload()
    expect(result.locator(".course-exam__score")).to_contain_text(f"{round(right / 40 * 100)}%")
    expect(page.locator(".course-exam__history li")).to_have_count(1)


def test_all_right_passes_from_the_keyboard(server: str, page: Page) -> None:
    page.goto(f"{server}/exams/final.html")
    page.get_by_role("button", name="开始测试").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".course-exam__item:visible")).to_have_count(40)
    bank = questions()
    for question_id in shown(page):
        answer(page, bank[question_id], right=True)
    page.locator("form.course-exam button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".course-exam__score")).to_have_text(
        "总分：100%（共 40 题）。恭喜，已通过结业测试（通过线 80%）。"
    )
    expect(page.locator(".course-exam__result")).to_be_focused()
    expect(page.locator(".course-exam__review")).to_have_count(0)


def test_result_links_to_the_sections_to_reread(site: Path, page: Page) -> None:
    """Handed in blank, every question is to review: one that names its section links
    to that section of its chapter, and each such link is an id on the chapter page."""
    attempt = start(page, (site / "exams" / "final.html").as_uri())
    page.locator("form.course-exam button[type=submit]").click()
    page.locator("form.course-exam button[type=submit]").click()
    result = page.locator(".course-exam__result")
    expect(result.locator(".course-exam__review li")).to_have_count(40)
    sections = {q.id: q.section for q in questions().values()}
    hrefs = result.locator("a[href*='.html#']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    named = [q for q in attempt["ids"] if sections[q]]
    assert named, "no drawn question names its section"
    items = result.locator(".course-exam__review li")
    for question_id in named:
        link = items.locator(f"xpath=self::*[@data-id='{question_id}']").locator("a").nth(1)
        chapter = chapter_of(page, question_id)
        href = f"../chapters/{chapter}.html#{sections[question_id]}"
        expect(link).to_have_attribute("href", href)
    for href in set(hrefs):
        chapter_page, anchor = href.split("#")
        html = (site / "exams" / chapter_page).resolve().read_text("utf-8")
        assert f'id="{anchor}"' in html, href
