"""Quizzes in a real browser: every question type scored both ways, partial credit,
fill-in matching and input methods, progress, the review page (错题本), keyboard
use, disabled storage, narrow screens and no JavaScript at all."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.models.quiz import (
    Fill,
    Judgement,
    Match,
    MultipleChoice,
    Order,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from generator.pages import environment
from generator.sources import load
from generator.validation import validate
from tests.conftest import ROOT
from tests.helpers import answer, find, new_page, plain, question_el, quizzes, retry, submit

RIGHT = {
    "single": "正确答案：",
    "multiple": "正确答案：",
    "judgement": "最好的做法：",
    "fill": "参考答案：第 1 空 ",
    "order": "正确顺序：",
    "match": "正确配对：",
}
"""How each type's right answer is introduced when the learner got it wrong."""
ZONE = "Pacific/Kiritimati"
"""UTC+14: the reader's local date is often not the UTC date, so dates must be local."""


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield new_page(browser, request)


@pytest.mark.parametrize("quiz_id", sorted(quizzes()))
def test_every_question_right_then_wrong(server: str, page: Page, quiz_id: str) -> None:
    quiz = quizzes()[quiz_id]
    total = len(quiz.questions)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    for question in quiz.questions:
        answer(page, question, right=True)
    expect(submit(page)).to_have_text(
        f"得分：100%（共 {total} 题，全对 {total} 题）。恭喜，已通过本章自测。"
    )
    expect(page.locator(".course-quiz__question.is-correct")).to_have_count(total)

    retry(page)
    expect(page.locator(".course-quiz__outcome:visible")).to_have_count(0)
    for question in quiz.questions:
        answer(page, question, right=False)
    expect(submit(page)).to_contain_text(f"得分：0%（共 {total} 题，全对 0 题）。未达到")
    expect(page.locator(".course-quiz__question.is-wrong")).to_have_count(total)
    for question in quiz.questions:
        outcome = question_el(page, question).locator(".course-quiz__outcome")
        expect(outcome).to_contain_text(plain(question.explanation))
        if isinstance(question, TrueFalse):
            truth = "正确" if question.answer else "错误"
            expect(outcome.locator(".course-quiz__verdict")).to_have_text(
                f"判断有误：这句话是{truth}的。"
            )
        else:
            expect(outcome.locator(".course-quiz__right")).to_contain_text(RIGHT[question.type])
        if isinstance(question, SingleChoice | MultipleChoice | Judgement):
            picked = page.locator(f"#q-{question.id} input:checked").get_attribute("value")
            option = question.options[question.keys.index(str(picked))]
            if option.feedback:
                expect(outcome.locator(".course-quiz__feedback")).to_contain_text(
                    plain(option.feedback)
                )


def test_partial_credit_for_multiple_and_judgement(server: str, page: Page) -> None:
    quiz_id, multiple = find(
        MultipleChoice,
        lambda q: q.correct_count >= 2 and q.correct_count < len(q.options),
    )
    assert isinstance(multiple, MultipleChoice)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    expect(page.locator(".course-quiz__rules")).to_contain_text("每选错一项扣 1 分")
    el = question_el(page, multiple)
    keyed = list(zip(multiple.keys, multiple.options, strict=True))
    right = [k for k, o in keyed if o.correct]
    wrong = next(k for k, o in keyed if not o.correct)
    for key in [*right, wrong]:
        el.locator(f"input[value='{key}']").check()
    el.get_by_role("button", name="检查本题").click()
    percent = round((len(right) - 1) / len(right) * 100)
    expect(el.locator(".course-quiz__verdict")).to_have_text(f"部分正确：本题得 {percent}%。")
    expect(el).to_have_class(re.compile("is-partial"))

    quiz_id, judgement = find(Judgement, lambda q: any(0 < o.score < 100 for o in q.options))
    assert isinstance(judgement, Judgement)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, judgement)
    key, option = next(
        (k, o) for k, o in zip(judgement.keys, judgement.options, strict=True) if 0 < o.score < 100
    )
    el.locator(f"input[value='{key}']").check()
    el.get_by_role("button", name="检查本题").click()
    expect(el.locator(".course-quiz__verdict")).to_have_text(f"部分正确：本题得 {option.score}%。")
    expect(el.locator(".course-quiz__right")).to_contain_text("最好的做法：")
    if option.feedback:
        expect(el.locator(".course-quiz__feedback")).to_contain_text(plain(option.feedback))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_fill_matches_any_width_and_case_and_ignores_composing_enter(
    server: str,
    page: Page,
) -> None:
    quiz_id, fill = find(
        Fill, lambda q: any(re.search("[A-Za-z]", a) for b in q.blanks for a in b.answers or [])
    )
    assert isinstance(fill, Fill)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, fill)
    blanks = el.locator(".course-quiz__blank")
    for index, blank in enumerate(fill.blanks):
        latin = next((a for a in blank.accepted if re.search("[A-Za-z]", a)), blank.shown)
        mixed = " ".join(c.lower() if i % 2 else c.upper() for i, c in enumerate(latin))
        blanks.nth(index).fill(full_width(mixed) if index == 0 else mixed)
    last = blanks.nth(len(fill.blanks) - 1)
    last.focus()
    # An input method is still composing: its Enter picks a word, it must not check or submit.
    last.evaluate(
        "input => input.dispatchEvent(new KeyboardEvent('keydown', "
        "{key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"
    )
    expect(el.locator(".course-quiz__outcome")).to_be_hidden()
    expect(page.locator(".course-quiz__result")).to_have_text("")
    last.press("Enter")
    expect(el.locator(".course-quiz__verdict")).to_have_text("回答正确。")
    expect(page.locator(".course-quiz__result")).to_contain_text("回答正确")


def test_progress_survives_a_reload(server: str, page: Page) -> None:
    quiz_id, quiz = next(iter(quizzes().items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    for question in quiz.questions:
        answer(page, question, right=True)
    submit(page)
    page.reload()
    first = quiz.questions[0]
    assert isinstance(first, SingleChoice)
    right = first.keys[[o.correct for o in first.options].index(True)]
    expect(question_el(page, first).locator(f"input[value='{right}']")).to_be_checked()
    retry(page)
    for question in quiz.questions:
        answer(page, question, right=False)
    submit(page)

    page.goto(f"{server}/quizzes/progress.html")
    row = page.locator(f"tr[data-quiz='{quiz_id}']")
    today = datetime.now(ZoneInfo(ZONE)).strftime("%Y-%m-%d")
    expect(row.locator("[data-field=best]")).to_have_text("100%")
    expect(row.locator("[data-field=attempts]")).to_have_text("2")
    expect(row.locator("[data-field=date]")).to_have_text(today)
    expect(row.locator("[data-field=wrong]")).to_have_text(f"{len(quiz.questions)} 题")
    expect(row.locator("[data-field=status]")).to_have_text("已通过")
    count = len(quizzes())
    expect(page.locator(".course-progress__overall")).to_have_text(
        f"课程完成度：{round(100 / count)}%（已通过 1 / {count} 套自测，已作答 1 套）。"
    )


def test_review_page_retries_only_the_wrong_questions(server: str, page: Page) -> None:
    quiz_id, quiz = list(quizzes().items())[1]
    missed = quiz.questions[2:4]
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    for question in quiz.questions:
        answer(page, question, right=question not in missed)
    submit(page)

    page.goto(f"{server}/quizzes/mistakes.html")
    expect(page.locator(".course-review__summary")).to_have_text("共有 2 道题待重做。")
    expect(page.locator(".course-quiz__question:visible")).to_have_count(2)
    expect(page.locator(".course-quiz__group:visible")).to_have_count(1)
    for question in missed:
        expect(question_el(page, question)).to_be_visible()
        expect(question_el(page, question).locator("input:checked")).to_have_count(0)
    answer(page, missed[0], right=True)
    answer(page, missed[1], right=False)
    expect(submit(page)).to_contain_text("得分：")

    page.reload()
    expect(page.locator(".course-review__summary")).to_have_text("共有 1 道题待重做。")
    expect(page.locator(".course-quiz__question:visible")).to_have_count(1)
    expect(question_el(page, missed[1])).to_be_visible()
    page.goto(f"{server}/quizzes/progress.html")
    row = page.locator(f"tr[data-quiz='{quiz_id}']")
    expect(row.locator("[data-field=wrong]")).to_have_text("1 题")
    # Every question has a result: the redo counts as an attempt (the rule 我的进度 states).
    expect(row.locator("[data-field=attempts]")).to_have_text("2")


def test_edited_question_does_not_restore_a_stale_answer(server: str, page: Page) -> None:
    quiz_id, quiz = next(iter(quizzes().items()))
    first, second = quiz.questions[0], quiz.questions[1]
    assert isinstance(first, SingleChoice)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    record = {
        "attempts": 1,
        "best": 10,
        "q": {
            # answered before the question was edited: another hash
            first.id: {"h": "00000000", "a": [first.keys[0]], "s": 0},
            second.id: {"h": second.content_hash, "a": ["x"], "s": 0},
        },
    }
    page.evaluate(
        "([key, value]) => { localStorage.setItem(key, value);"
        " localStorage.setItem('course-quiz:v2:ch02', '{not json'); }",
        [f"course-quiz:v2:{quiz_id}", json.dumps(record)],
    )
    page.reload()
    expect(question_el(page, first).locator("input:checked")).to_have_count(0)
    page.goto(f"{server}/quizzes/mistakes.html")
    expect(page.locator(".course-quiz__question:visible")).to_have_count(1)
    expect(question_el(page, second)).to_be_visible()
    page.goto(f"{server}/quizzes/ch02.html")  # its stored record is corrupt: ignored
    expect(page.locator(".course-quiz__actions")).to_be_visible()


def tab_to(page: Page, selector: str) -> None:
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_focus_ring(page: Page) -> None:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert style[0] != "none" and style[1] >= 2, style


def test_keyboard_alone(server: str, page: Page) -> None:
    quiz_id, order = find(Order)
    quiz = quizzes()[quiz_id]
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    first = next(q for q in quiz.questions if isinstance(q, SingleChoice))
    tab_to(page, f"#q-{first.id} input")
    assert_focus_ring(page)
    page.keyboard.press("Space")
    tab_to(page, f"#q-{first.id} .course-quiz__check-one")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(question_el(page, first).locator(".course-quiz__verdict")).to_be_visible()

    assert isinstance(order, Order)
    el = question_el(page, order)
    before = el.locator("li").evaluate_all("items => items.map(li => li.dataset.key)")
    tab_to(page, f"#q-{order.id} li:nth-child(2) button[data-move='-1']")
    page.keyboard.press("Enter")
    after = el.locator("li").evaluate_all("items => items.map(li => li.dataset.key)")
    assert after == [before[1], before[0], *before[2:]]
    assert page.evaluate("document.activeElement.dataset.move") == "-1"  # focus stays put
    expect(page.locator(".course-quiz__result")).to_contain_text("现在是第 1 项")

    match_quiz, match = find(Match)
    assert isinstance(match, Match)
    page.goto(f"{server}/quizzes/{match_quiz}.html")
    tab_to(page, f"#q-{match.id} select")
    assert_focus_ring(page)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") != ""
    tab_to(page, "form.course-quiz button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".course-quiz__result")).to_contain_text("道题没有作答")
    assert page.evaluate("document.activeElement.matches('input, select, button')")


@pytest.mark.parametrize(
    "script",
    [
        "Object.defineProperty(window, 'localStorage', { get() {"
        " throw new DOMException('denied', 'SecurityError'); } });",
        "Storage.prototype.setItem = function () {"
        " throw new DOMException('full', 'QuotaExceededError'); };",
    ],
    ids=["disabled", "full"],
)
def test_quizzes_score_without_storage(
    server: str,
    browser: Browser,
    request: pytest.FixtureRequest,
    script: str,
) -> None:
    page = new_page(browser, request, only="quiz.js")
    page.context.add_init_script(script)
    quiz_id, quiz = next(iter(quizzes().items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    notice = page.locator(".course-quiz__storage")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("进度不会被保存")
    for question in quiz.questions:
        answer(page, question, right=True)
    expect(submit(page)).to_contain_text("得分：100%")
    page.goto(f"{server}/quizzes/progress.html")
    expect(page.locator(".course-quiz__storage")).to_be_visible()
    page.goto(f"{server}/quizzes/mistakes.html")
    expect(page.locator(".course-review__summary")).to_contain_text("错题本是空的")
    page.goto(f"{server}/quizzes/review.html")
    expect(page.locator(".course-review__summary")).to_contain_text("今天没有到期")


def test_unanswered_questions_are_named(server: str, page: Page) -> None:
    quiz_id, quiz = next(iter(quizzes().items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    expect(submit(page)).to_have_text(
        f"还有 {len(quiz.questions)} 道题没有作答，请全部完成后再提交。"
    )


def test_fits_a_phone_screen(
    server: str,
    browser: Browser,
    request: pytest.FixtureRequest,
) -> None:
    page = new_page(browser, request, viewport={"width": 375, "height": 740})
    for name in ["progress", "mistakes", "review", *quizzes()]:
        page.goto(f"{server}/quizzes/{name}.html")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (name, width)
        if name in ("progress", "mistakes", "review"):
            continue
        wide = page.locator("form.course-quiz").evaluate(
            "form => [...form.querySelectorAll('input, select, button')]"
            ".filter(e => e.getBoundingClientRect().right > 375).length"
        )
        assert wide == 0, name


def test_without_javascript_the_quiz_is_a_worksheet(
    server: str,
    browser: Browser,
    request: pytest.FixtureRequest,
) -> None:
    page = new_page(browser, request, java_script_enabled=False)
    quiz_id, quiz = next(iter(quizzes().items()))
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    expect(page.locator(".course-quiz__notice").first).to_contain_text("需要浏览器启用 JavaScript")
    expect(page.locator(".course-quiz__question")).to_have_count(len(quiz.questions))
    expect(page.locator(".course-quiz__actions")).to_be_hidden()
    expect(page.locator(".course-quiz__check").first).to_be_hidden()
    expect(page.locator(".course-quiz__storage")).to_be_hidden()
    order_quiz, _ = find(Order)
    page.goto(f"{server}/quizzes/{order_quiz}.html")
    expect(page.locator(".course-quiz__order li").first).to_be_visible()
    expect(page.locator(".course-quiz__grip:visible, .course-quiz__moves:visible")).to_have_count(0)


def test_retry_reshuffles_options_unless_told_not_to(server: str, page: Page) -> None:
    quiz_id, single = find(SingleChoice, lambda q: len(q.options) >= 4)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, single)
    keys = "el => [...el.querySelectorAll('input')].map(input => input.value)"
    orders = set()
    for _ in range(8):
        retry(page)
        orders.add(tuple(el.evaluate(keys)))
    assert len(orders) > 1
    el.evaluate("el => { el.dataset.shuffle = '0'; }")  # as rendered for `shuffle: false`
    fixed = el.evaluate(keys)
    for _ in range(3):
        retry(page)
        assert el.evaluate(keys) == fixed


NUMBER_QUIZ = """\
title: 数字填空
chapter: ch01
questions:
  - id: t-loyalty
    type: fill
    prompt: 忠诚度百分比 = ___ %。
    blanks: [{percent: 45}]
    explanation: 讲解
  - id: t-staff
    type: fill
    prompt: 还有 ___ 名员工没有使用本网号码。
    blanks: [{number: 100, units: [名, 人, 位]}]
    explanation: 讲解
  - id: t-share
    type: fill
    prompt: 拜访完成率是 ___。
    blanks: [{percent: 80}]
    explanation: 讲解
  - id: t-money
    type: fill
    prompt: 平均每个电话带来的销售额为 ___。
    blanks: [{number: 1500, money: true}]
    explanation: 讲解
  - id: t-words
    type: fill
    prompt: PDCA 的 C 代表 ___。
    blanks: [{answers: [检查, Check]}]
    explanation: 讲解
"""
TYPED = {
    "t-loyalty": {"45": True, "45%": True, "45.0": True, "４５": True, "4.5": False, "450": False,
                  "-45": False, "4,5": False},
    "t-staff": {"100名": True, "100人": True, "100 位": True, "一百": True, "１００名": True,
                "100个": False, "10": False, "1000": False},
    "t-share": {"80%": True, "80 %": True, "八成": True, "百分之八十": True, "80": True,
                "８０％": True, "8%": False, "0.8": False, "七成": False},
    "t-money": {"¥1,500": True, "￥1500": True, "1500.00": True, "1,500 元": True,
                "￥１，５００": True, "一千五百元": True, "150": False, "15,00": False,
                "1500块": False, "¥15,000": False},
    "t-words": {"检查": True, "ＣＨＥＣＫ": True, "check。": True, "4.5": False},
}  # fmt: skip
"""What a learner types in each blank, and whether it is right."""


def test_number_blanks_accept_what_people_type_and_only_that(
    browser: Browser, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path = tmp_path / "numbers.yml"
    path.write_text(NUMBER_QUIZ, encoding="utf-8")
    quiz = validate(Quiz, load(path, "quizzes/numbers.yml"))
    questions = environment().get_template("quizzes/questions.html.j2")
    body = questions.render(item={"id": "numbers"}, model=quiz)
    script = (ROOT / "generator" / "scripts" / "quiz.js").read_text(encoding="utf-8")
    html = (
        '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body>'
        f'<form class="course-quiz" data-quiz="numbers" data-pass-percent="80">{body}'
        '<p class="course-quiz__result"></p></form>'
        f"<script>{script}</script></body></html>"
    )
    page = new_page(browser, request)
    page.route(
        "http://quiz.test/**", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    page.goto("http://quiz.test/numbers.html")
    cases = {q.id: dict(TYPED[q.id]) for q in quiz.questions}
    for question in quiz.questions:
        assert isinstance(question, Fill)
        # Every written form the Moodle export lists is right on the site too.
        cases[question.id].update(dict.fromkeys(question.blanks[0].accepted, True))
    for question in quiz.questions:
        el = question_el(page, question)
        for typed, right in cases[question.id].items():
            el.locator(".course-quiz__blank").fill(typed)
            el.get_by_role("button", name="检查本题").click()
            verdict = "回答正确。" if right else "回答错误。"
            expect(el.locator(".course-quiz__verdict"), f"{question.id}: {typed}").to_have_text(
                verdict
            )
    staff = question_el(page, quiz.questions[1])
    staff.locator(".course-quiz__blank").fill("10")
    staff.get_by_role("button", name="检查本题").click()
    expect(staff.locator(".course-quiz__right")).to_have_text(
        "参考答案：第 1 空 100（单位可写：名、人、位）"
    )
    money = question_el(page, quiz.questions[3])
    money.locator(".course-quiz__blank").fill("150")
    money.get_by_role("button", name="检查本题").click()
    expect(money.locator(".course-quiz__right")).to_have_text("参考答案：第 1 空 ¥1,500")
