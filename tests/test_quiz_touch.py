"""Quizzes by finger, mouse and on paper, in a real browser: order questions dragged
by touch and by mouse and sorted by tap-to-place, 44 px touch targets (the retry
dialog's too), Enter that never submits, an untouched order question that stays
unanswered, the last attempt back after a reload, a retry that asks and forgets,
match marks per pair, AA contrast, and a quiz page printed as a worksheet."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from generator.models.quiz import Fill, Match, MultipleChoice, Order, Quiz
from tests.helpers import (
    answer,
    find,
    new_page,
    plain,
    question_el,
    quizzes,
    retry,
    serious_violations,
    submit,
)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield new_page(browser, request)


PHONE = {"viewport": {"width": 375, "height": 740}, "has_touch": True, "is_mobile": True}
TOUCH_MIN = 44
"""CSS pixels: WCAG 2.5.5's target size, on screens whose pointer is coarse."""
KEYS = "list => [...list.querySelectorAll(':scope > li')].map(li => li.dataset.key)"


def order_quiz() -> tuple[str, Quiz, Order]:
    """A quiz with an order question, a match question and a fill-in blank."""
    for quiz_id, quiz in quizzes().items():
        types = {type(q) for q in quiz.questions}
        order = next((q for q in quiz.questions if isinstance(q, Order)), None)
        if order and len(order.items) >= 4 and {Match, Fill} <= types:
            return quiz_id, quiz, order
    raise AssertionError("no quiz with order, match and fill questions")


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Page:
    return new_page(browser, request, **PHONE)


def keys(el: Locator) -> list[str]:
    return el.locator(".course-quiz__order").evaluate(KEYS)  # type: ignore[no-any-return]


def centre(box: dict[str, float] | None) -> tuple[float, float]:
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def touch_drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A finger put down at ``start``, moved in steps to ``end`` and lifted (raw CDP
    touch events: Chromium turns them into touch pointer events, as on a phone)."""
    cdp = page.context.new_cdp_session(page)
    (x0, y0), (x1, y1) = start, end
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    for step in range(1, 13):
        point = {"x": x0 + (x1 - x0) * step / 12, "y": y0 + (y1 - y0) * step / 12}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def below(item: Locator) -> tuple[float, float]:
    """A point in the lower quarter of an item: past its middle, so a dragged item goes after it."""
    box = item.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8


def test_touch_drag_moves_an_item_and_answers_the_question(server: str, phone: Page) -> None:
    quiz_id, _, order = order_quiz()
    phone.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(phone, order)
    before = keys(el)
    items = el.locator(".course-quiz__order > li")
    grip = items.nth(0).locator(".course-quiz__grip")
    grip.scroll_into_view_if_needed()
    assert grip.evaluate("g => getComputedStyle(g).touchAction") == "none"
    touch_drag(phone, centre(grip.bounding_box()), below(items.nth(2)))
    assert keys(el) == [before[1], before[2], before[0], *before[3:]]
    expect(phone.locator(".course-quiz__result")).to_contain_text("现在是第 3 项")
    expect(el.locator("li.is-dragging, li[style*=transform]")).to_have_count(0)
    expect(el.locator("li.is-picked")).to_have_count(0)  # a drag picks nothing up
    el.get_by_role("button", name="检查本题").click()
    expect(el.locator(".course-quiz__verdict")).to_be_visible()


def test_mouse_drag_then_a_click_still_works(
    server: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    page = new_page(browser, request, viewport={"width": 1280, "height": 900})
    quiz_id, _, order = order_quiz()
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, order)
    before = keys(el)
    items = el.locator(".course-quiz__order > li")
    el.locator(".course-quiz__order").scroll_into_view_if_needed()  # start and end in view
    grip = items.nth(3).locator(".course-quiz__grip")
    x, y = centre(grip.bounding_box())
    page.mouse.move(x, y)
    page.mouse.down()
    target = items.nth(0).bounding_box()
    assert target is not None
    page.mouse.move(x, target["y"] + target["height"] * 0.2, steps=12)
    page.mouse.up()
    assert keys(el) == [before[3], *before[:3], *before[4:]]
    expect(el.locator("li.is-picked")).to_have_count(0)  # the drag's own click is not a tap
    # The next click is an ordinary one: it picks an item up, a second puts it down.
    items.nth(2).locator(".course-quiz__item").click()
    expect(items.nth(2)).to_have_class(re.compile("is-picked"))
    expect(items.nth(2).locator(".course-quiz__grip")).to_have_attribute("aria-pressed", "true")
    items.nth(2).locator(".course-quiz__item").click()
    expect(el.locator("li.is-picked")).to_have_count(0)
    assert keys(el) == [before[3], *before[:3], *before[4:]]


def test_tap_to_place_sorts_in_two_taps_per_item_and_never_swaps_back(
    server: str, phone: Page
) -> None:
    quiz_id, _, order = order_quiz()
    phone.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(phone, order)
    items = el.locator(".course-quiz__order > li")
    # Tapping one item twice puts it down where it was, however often it is done.
    before = keys(el)
    for _ in range(3):
        items.nth(1).locator(".course-quiz__item").tap()
        expect(items.nth(1)).to_have_class(re.compile("is-picked"))
        items.nth(1).locator(".course-quiz__item").tap()
        expect(el.locator("li.is-picked")).to_have_count(0)
    assert keys(el) == before
    el.get_by_role("button", name="检查本题").click()
    expect(el).to_have_class(re.compile("is-unanswered"))  # nothing moved yet

    taps = 0
    for position, key in enumerate(order.keys):
        if keys(el)[position] == key:
            continue
        el.locator(f"li[data-key='{key}'] .course-quiz__item").tap()
        items.nth(position).locator(".course-quiz__item").tap()
        taps += 2
        assert keys(el)[position] == key
        expect(el.locator("li.is-picked")).to_have_count(0)
    assert keys(el) == order.keys
    assert 0 < taps <= 2 * (len(order.keys) - 1)
    el.get_by_role("button", name="检查本题").click()
    expect(el.locator(".course-quiz__verdict")).to_have_text("回答正确。")


def small_targets(page: Page) -> list[str]:
    """Visible quiz controls smaller than 44 x 44 px; a radio button or check box
    counts with its label, which is what a finger hits."""
    return page.evaluate(
        """min => [...document.querySelectorAll(
                'form.course-quiz input, form.course-quiz select, form.course-quiz button')]
            .filter(e => e.getClientRects().length)
            .map(e => [e, e.closest('label') || e])
            .filter(([e, t]) => {
                const box = t.getBoundingClientRect();
                return box.width < min || box.height < min;
            })
            .map(([e, t]) => e.outerHTML.slice(0, 80) + ' ' +
                Math.round(t.getBoundingClientRect().width) + 'x' +
                Math.round(t.getBoundingClientRect().height))""",
        TOUCH_MIN,
    )


def test_every_quiz_control_is_44_px_on_a_touch_screen(server: str, phone: Page) -> None:
    quiz_id, quiz, order = order_quiz()
    phone.goto(f"{server}/quizzes/{quiz_id}.html")
    assert phone.evaluate("matchMedia('(pointer: coarse)').matches")
    count = phone.locator("form.course-quiz button:visible").count()
    # 检查本题 for each question, grip, 上移 and 下移 for each item, submit and retry
    assert count == len(quiz.questions) + 3 * len(order.items) + 2
    assert small_targets(phone) == []
    for question in quiz.questions:  # the outcome adds nothing too small either
        answer(phone, question, right=False)
    submit(phone)
    assert small_targets(phone) == []

    phone.get_by_role("button", name="重新作答").click()
    dialog = phone.get_by_role("dialog", name="要重新作答吗？")
    expect(dialog).to_be_visible()
    buttons = dialog.get_by_role("button").all()
    assert len(buttons) == 2
    for button in buttons:
        box = button.bounding_box()
        assert box is not None
        assert box["width"] >= TOUCH_MIN and box["height"] >= TOUCH_MIN, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box


def test_enter_on_a_radio_a_check_box_or_a_select_does_not_submit(server: str, page: Page) -> None:
    quiz_id, _, _ = order_quiz()
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    controls = [
        page.locator(f"form.course-quiz {kind}").first
        for kind in ("input[type=radio]", "input[type=checkbox]", "select")
    ]
    assert all(control.count() for control in controls)
    for control in controls:
        control.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".course-quiz__result")).to_have_text("")
        expect(page.locator(".course-quiz__question.is-unanswered")).to_have_count(0)
        expect(page.locator(".course-quiz__outcome:visible")).to_have_count(0)
    # The submit button still submits by keyboard.
    page.locator("form.course-quiz button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".course-quiz__result")).to_contain_text("道题没有作答")


def test_an_empty_submit_leaves_the_order_question_unanswered(server: str, page: Page) -> None:
    quiz_id, quiz, order = order_quiz()
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    expect(submit(page)).to_have_text(
        f"还有 {len(quiz.questions)} 道题没有作答，请全部完成后再提交。"
    )
    el = question_el(page, order)
    expect(el).to_have_class(re.compile("is-unanswered"))
    expect(el.locator(".course-quiz__outcome")).to_be_hidden()
    expect(page.get_by_text("正确顺序")).to_have_count(0)
    el.get_by_role("button", name="检查本题").click()
    expect(page.locator(".course-quiz__result")).to_contain_text("还没有作答")
    expect(el.locator(".course-quiz__outcome")).to_be_hidden()


def submitted(server: str, page: Page, right: Callable[[int], bool]) -> tuple[str, Quiz, Order]:
    """The order quiz opened, answered (question n right when ``right(n)``) and submitted."""
    quiz_id, quiz, order = order_quiz()
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    for number, question in enumerate(quiz.questions):
        answer(page, question, right=right(number))
    submit(page)
    return quiz_id, quiz, order


def verdicts(page: Page, quiz: Quiz) -> list[str]:
    return [
        question_el(page, q).locator(".course-quiz__verdict").inner_text() for q in quiz.questions
    ]


def test_a_reload_shows_the_last_score_and_every_verdict(server: str, page: Page) -> None:
    _, quiz, _ = submitted(server, page, lambda number: number % 3 != 0)
    score = page.locator(".course-quiz__result").inner_text()
    assert score.startswith("得分：")
    shown = verdicts(page, quiz)
    marks = page.locator(".course-quiz__mark").all_inner_texts()
    assert marks

    page.reload()
    expect(page.locator(".course-quiz__result")).to_have_text(f"上次提交的{score}")
    assert verdicts(page, quiz) == shown
    assert page.locator(".course-quiz__mark").all_inner_texts() == marks
    for question in quiz.questions:
        outcome = question_el(page, question).locator(".course-quiz__outcome")
        expect(outcome).to_be_visible()
        expect(outcome.locator(".course-quiz__explanation")).to_be_visible()


def test_retry_asks_first_then_forgets_the_attempt(server: str, page: Page) -> None:
    quiz_id, quiz, _ = submitted(server, page, lambda _: True)
    checked = page.locator("form.course-quiz input:checked").count()
    assert checked

    retry_button = page.get_by_role("button", name="重新作答", exact=True)
    retry_button.click()
    dialog = page.get_by_role("dialog", name="要重新作答吗？")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("要重新作答吗？")
    assert page.evaluate("document.querySelector('dialog').matches(':modal')")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(retry_button).to_be_focused()
    expect(page.locator("form.course-quiz input:checked")).to_have_count(checked)
    expect(page.locator(".course-quiz__question.is-correct")).to_have_count(len(quiz.questions))

    retry_button.click()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("form.course-quiz input:checked")).to_have_count(checked)

    retry(page)
    expect(dialog).to_be_hidden()
    expect(page.locator("form.course-quiz input:checked")).to_have_count(0)
    expect(page.locator(".course-quiz__outcome:visible")).to_have_count(0)
    page.reload()
    expect(page.locator("form.course-quiz input:checked")).to_have_count(0)
    expect(page.locator(".course-quiz__outcome:visible")).to_have_count(0)
    expect(page.locator(".course-quiz__result")).to_have_text("")
    assert page.locator(".course-quiz__blank").evaluate_all("bs => bs.every(b => !b.value)")
    page.goto(f"{server}/quizzes/progress.html")  # the history stays
    row = page.locator(f"tr[data-quiz='{quiz_id}']")
    expect(row.locator("[data-field=attempts]")).to_have_text("1")
    expect(row.locator("[data-field=best]")).to_have_text("100%")


def test_match_feedback_marks_each_pair(server: str, page: Page) -> None:
    quiz_id, match = find(Match, lambda q: len(q.pairs) >= 3)
    assert isinstance(match, Match)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, match)
    right = match.right_keys
    picks = [right[0], right[2], right[1], *right[3:]]  # the 2nd and 3rd swapped
    for index, key in enumerate(picks):
        el.locator("select").nth(index).select_option(key)
    el.get_by_role("button", name="检查本题").click()
    marks = el.locator(".course-quiz__pair .course-quiz__mark")
    expect(marks).to_have_count(len(match.pairs))
    choices = dict(match.choices)
    for index in range(len(match.pairs)):
        mark = marks.nth(index)
        select = el.locator("select").nth(index)
        if index in (1, 2):
            expect(mark).to_have_text(f"✗ 配错了，应为：{choices[right[index]]}")
            expect(select).to_have_attribute("aria-invalid", "true")
        else:
            expect(mark).to_have_text("✓ 配对正确")
    el.locator("select").nth(0).select_option("")
    el.get_by_role("button", name="检查本题").click()
    expect(marks).to_have_count(len(match.pairs))  # marked afresh, not added to
    expect(marks.nth(0)).to_have_text(f"✗ 没有选，应为：{choices[right[0]]}")


def test_verdicts_and_hovered_buttons_meet_aa_contrast(server: str, page: Page) -> None:
    quiz_id, multiple = find(
        MultipleChoice, lambda q: q.correct_count >= 2 and q.correct_count < len(q.options)
    )
    assert isinstance(multiple, MultipleChoice)
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    el = question_el(page, multiple)
    keyed = list(zip(multiple.keys, multiple.options, strict=True))
    el.locator(f"input[value='{next(k for k, o in keyed if o.correct)}']").check()
    el.get_by_role("button", name="检查本题").click()
    expect(el).to_have_class(re.compile("is-partial"))
    assert serious_violations(page, ["color-contrast"]) == []
    for button in ("form.course-quiz button[type=submit]", "form.course-quiz .course-quiz__retry"):
        page.locator(button).hover()
        # the dark primary under white text, once Material's colour transition is over
        expect(page.locator(button)).to_have_css("background-color", "rgb(48, 63, 161)")
        expect(page.locator(button)).to_have_css("color", "rgb(255, 255, 255)")
        assert serious_violations(page, ["color-contrast"]) == []


RADICAL = re.compile("[\u2e80-\u2fdf]")
"""Chromium's PDFs give some ideographs back as the Kangxi radical drawn the same
(自 as ⾃, 户 as ⼾): in the printed text such a radical stands for any character."""


def squeeze(text: str) -> str:
    """Text as compared with a PDF's: NFKC (full-width punctuation), without spaces
    or Markdown markers."""
    return re.sub(r"\s+|\*\*|`", "", unicodedata.normalize("NFKC", text))


def printed_text(page: Page) -> str:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return squeeze(RADICAL.sub("\0", "".join(p.extract_text() for p in reader.pages)))


def printed(expected: str, text: str) -> bool:
    """Whether ``expected`` is in the printed ``text``, a radical there matching anything."""
    pattern = "".join(f"(?:{re.escape(c)}|\0)" for c in squeeze(expected))
    return re.search(pattern, text) is not None


def test_a_quiz_page_prints_as_a_worksheet(server: str, page: Page) -> None:
    _, quiz, order = submitted(server, page, lambda _: False)
    page.emulate_media(media="print")
    for hidden in (
        "select",
        "button",
        ".course-quiz__outcome",
        ".course-quiz__result",
        ".course-quiz__mark",
        "input[type=radio]",
        "input[type=checkbox]",
    ):
        expect(page.locator(f"form.course-quiz {hidden}:visible")).to_have_count(0)
    widths = page.locator(".course-quiz__blank").evaluate_all(
        "bs => bs.map(b => b.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 30 * 96 / 25.4, widths  # 30 mm at 96 px per inch
    assert page.locator(".course-quiz__blank").evaluate_all(
        "bs => bs.every(b => getComputedStyle(b).color === 'rgba(0, 0, 0, 0)')"
    )  # what was typed does not print
    boxes = page.locator(".course-quiz__order > li").evaluate_all(
        "items => items.map(li => getComputedStyle(li, '::before'))"
        ".map(s => [parseFloat(s.width), parseFloat(s.height), s.borderTopStyle])"
    )
    assert all(w >= 30 and h >= 20 and style == "solid" for w, h, style in boxes), boxes
    option = page.locator(".course-quiz__option").first.evaluate(
        "o => getComputedStyle(o, '::before').content"
    )
    assert option.startswith('"□')

    text = printed_text(page)
    assert len(text) > 500
    for shown_on_screen in (
        "请选择",
        "上移",
        "下移",
        "得分：",
        "回答错误",
        "正确顺序",
        "正确配对",
        "✗",
    ):
        assert squeeze(shown_on_screen) not in text, shown_on_screen
    for question in quiz.questions:
        assert squeeze(plain(question.explanation)) not in text, question.id
        if isinstance(question, Match):
            for letter, (_, choice) in zip("ABCDEFGHIJ", question.choices, strict=False):
                assert printed(f"{letter}. {choice}", text), choice
        elif isinstance(question, MultipleChoice):
            for option in question.options:
                assert printed(option.text, text), option.text
    for item in order.items:
        assert printed(item, text), item
    assert printed("写出它的顺序号", text) and printed("写出对应一项的字母", text)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_no_serious_accessibility_violation_in_any_quiz_state(
    server: str, browser: Browser, request: pytest.FixtureRequest, screen: str
) -> None:
    options = PHONE if screen == "phone" else {"viewport": {"width": 1280, "height": 900}}
    page = new_page(browser, request, **options)
    quiz_id, _, order = order_quiz()
    page.goto(f"{server}/quizzes/{quiz_id}.html")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    question_el(page, order).locator(".course-quiz__item").nth(1).click()  # picked up
    submit(page)  # every question marked unanswered
    page.locator("form.course-quiz select").first.select_option(index=1)
    page.locator(".course-quiz__pair").first.locator("xpath=ancestor::fieldset").get_by_role(
        "button", name="检查本题"
    ).click()
    expect(page.locator(".course-quiz__mark").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="重新作答", exact=True).click()
    expect(page.get_by_role("dialog", name="要重新作答吗？")).to_be_visible()
    assert serious_violations(page) == []
