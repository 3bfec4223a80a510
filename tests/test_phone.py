"""The course on a phone (Chromium, 375 px, touch): every table fits or scrolls
in a focusable, named region under a visible hint, nothing else is wider than
the screen; glossary tooltips close on Esc; no invisible Tab stop; every drawn
figure's text lies inside its SVG's view box; the home page's first screen says
where to start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

PHONE = {"width": 375, "height": 800}
TOO_WIDE = """() => {
    const width = document.documentElement.clientWidth;
    const inRegion = element => {
        const box = element.closest("[data-course-scroll]");
        if (!box) return false;
        const hint = box.previousElementSibling;
        return box.tabIndex === 0 && Boolean(box.getAttribute("aria-label"))
            && hint !== null && hint.matches(".course-scroll__hint") && hint.checkVisibility();
    };
    const found = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
        if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        if (inRegion(element) || element.closest("[data-course-cards] thead")) continue;
        found.push(element.tagName + " " + (element.textContent || "").trim().slice(0, 20));
    }
    return {page: document.documentElement.scrollWidth, found: found.slice(0, 5)};
}"""

SQUEEZED = """() => [...document.querySelectorAll(".md-typeset table:not([data-course-cards]) td")]
    .filter(cell => cell.checkVisibility())
    .filter(cell => {
        const style = getComputedStyle(cell), range = document.createRange();
        range.selectNodeContents(cell);
        const lines = range.getBoundingClientRect().height / parseFloat(style.lineHeight);
        return cell.clientWidth < 8 * parseFloat(style.fontSize) && Math.round(lines) > 3;
    })
    .map(cell => cell.textContent.trim().slice(0, 20))"""
"""Cells narrower than eight characters whose text takes more than three lines."""


def pages(site: Path) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith("assets/")
    )


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_nothing_is_wider_than_a_phone_outside_a_scroll_region_or_squeezed(
    server: str,
    site: Path,
    phone: Page,
) -> None:
    """On every page: nothing wider than the screen outside a scroll region, and no
    table that fits only by wrapping a cell's text a few characters a line
    (我的进度's seven columns): such a table is shown as cards too."""
    problems = {}
    for path in pages(site):
        phone.goto(f"{server}/{path}")
        result = phone.evaluate(TOO_WIDE)
        squeezed = phone.evaluate(SQUEEZED)
        if result["found"] or result["page"] > PHONE["width"] or squeezed:
            problems[path] = {**result, "squeezed": squeezed[:3]}
    assert problems == {}
    phone.goto(f"{server}/quizzes/progress.html")
    expect(phone.locator(".course-progress table[data-course-cards]")).to_be_attached()


def test_chapter_tables_become_cards_and_form_grids_scroll(server: str, phone: Page) -> None:
    phone.goto(f"{server}/chapters/ch06.html")
    cards = phone.locator("table[data-course-cards]")
    expect(cards.first).to_be_attached()
    for table in cards.all():
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    phone.goto(f"{server}/forms/visit-plan.html")
    region = phone.locator("[data-course-scroll][tabindex='0']").first
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute(
        "aria-label", "表格：日期时间、区域及地址、客户名称 等 13 列，可左右滚动"
    )
    expect(phone.locator(".course-scroll__hint").first).to_be_visible()
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function("document.activeElement.scrollLeft > 0")


def test_a_table_that_fits_a_wide_screen_stays_a_grid(server: str, browser: Browser) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    wide = context.new_page()
    wide.goto(f"{server}/chapters/ch06.html")
    expect(wide.locator("article table").first).to_be_attached()
    assert wide.locator("table[data-course-cards]").count() == 0
    wide.set_viewport_size(PHONE)
    expect(wide.locator("table[data-course-cards]").first).to_be_attached()
    context.close()


def test_tooltip_is_body_size_and_closes_on_escape(server: str, phone: Page) -> None:
    phone.goto(f"{server}/chapters/ch01.html")
    term = phone.locator("article abbr[tabindex='0']").first
    term.focus()
    tip = phone.locator(".md-tooltip2.md-tooltip2--active")
    expect(tip).to_be_visible()
    body = phone.locator("article p").first.evaluate("p => getComputedStyle(p).fontSize")
    assert tip.locator(".md-tooltip2__inner").evaluate("e => getComputedStyle(e).fontSize") == body
    phone.keyboard.press("Escape")
    expect(phone.locator(".md-tooltip2--active")).to_have_count(0)
    assert phone.evaluate("document.activeElement.tagName") == "ABBR"


@pytest.mark.parametrize("width", [375, 1280])
def test_no_tab_stop_is_invisible(server: str, browser: Browser, width: int) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/chapters/ch03.html")
    invisible = []
    for _ in range(25):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const e = document.activeElement, box = e.getBoundingClientRect();
                return {tag: e.tagName + "." + e.className,
                        hidden: e.closest("[aria-hidden='true']") !== null,
                        empty: box.width === 0 || box.height === 0};
            }"""
        )
        if stop["hidden"] or stop["empty"]:
            invisible.append(stop["tag"])
    context.close()
    assert invisible == []


def test_tab_labels_fit_and_arrows_are_named(server: str, phone: Page) -> None:
    phone.goto(f"{server}/chapters/ch03.html")
    labels = phone.locator(".tabbed-labels > label")
    expect(labels.first).to_be_visible()
    for label in labels.all():
        assert label.evaluate("l => l.getBoundingClientRect().right <= innerWidth")
    for button in phone.locator(".tabbed-button").all():
        assert button.get_attribute("aria-label") in ("上一个标签", "下一个标签")
        size = button.evaluate("b => [b.offsetWidth, b.offsetHeight]")
        assert min(size) >= 44


def test_every_figure_keeps_its_text_inside_its_view_box(
    server: str,
    site: Path,
    phone: Page,
) -> None:
    outside = {}
    figures = 0
    for path in pages(site):
        if not path.startswith("chapters/"):
            continue
        phone.goto(f"{server}/{path}")
        for image in phone.locator("article .course-figure img").all():
            figures += 1
            source = image.evaluate("img => img.currentSrc")
            svg = phone.context.new_page()
            svg.goto(source)
            cut = svg.evaluate(
                """() => {
                    const root = document.documentElement, view = root.viewBox.baseVal;
                    return Array.from(root.querySelectorAll("text")).filter(text => {
                        const b = text.getBBox(), m = text.getCTM(), r = root.getCTM().inverse();
                        const ends = [[b.x, b.y], [b.x + b.width, b.y + b.height]];
                        const corners = ends.map(([x, y]) => {
                            const p = new DOMPoint(x, y).matrixTransform(m).matrixTransform(r);
                            return [p.x, p.y];
                        });
                        return corners.some(([x, y]) => x < view.x - 0.5 || y < view.y - 0.5
                            || x > view.x + view.width + 0.5 || y > view.y + view.height + 0.5);
                    }).map(text => text.textContent);
                }"""
            )
            svg.close()
            if cut:
                outside[source.rsplit("/", 1)[-1][:60]] = cut
    assert figures >= 5
    assert outside == {}


def test_home_first_screen_says_where_to_start(server: str, browser: Browser) -> None:
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        home = context.new_page()
        home.goto(f"{server}/index.html")
        start = home.get_by_role("link", name="从这里开始")
        expect(start).to_be_in_viewport()
        assert start.get_attribute("href") == "chapters/ch01.html"
        contents = home.locator(".course-contents")
        expect(contents).to_be_in_viewport()
        text = contents.inner_text()
        assert all(word in text for word in ("章", "自测", "案例", "表单", "术语表"))
        context.close()
