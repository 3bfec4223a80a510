"""What a reader sees: a Chinese interface on every page, a 404 page that works
anywhere, tooltips by tap and keyboard, wide tables on a phone and on paper,
print layouts, visible focus, and no serious accessibility problem (axe-core)."""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import markdown
import material
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.helpers import serious_violations, sheet_texts

LANGUAGES = Path(material.__file__).parent / "templates/partials/languages"
ADMONITION_TYPES = (
    "note abstract summary info todo tip hint important success check done question help "
    "faq warning caution attention failure fail missing danger error bug example quote cite"
)
TEMPLATE_STRINGS = ("Made with", "Material for MkDocs", "404 - Not found", "Permanent link")
"""English that Material's templates and Python-Markdown write without a translation."""


def english_ui_strings() -> set[str]:
    """Every label of Material's English pack, its untranslated template text and
    the default admonition titles: none of them may reach a reader."""
    pack = (LANGUAGES / "en.html").read_text(encoding="utf-8")
    labels = set(re.findall(r'^\s*"[\w.]+": "(.+)",?$', pack, re.MULTILINE))
    labels -= {"ltr", "en", "stemmer", "#"}
    labels = {label for label in labels if re.search("[A-Za-z]{3}", label)}
    titles = {name.capitalize() for name in ADMONITION_TYPES.split()}
    return labels | titles | set(TEMPLATE_STRINGS)


class UiText(HTMLParser):
    """Text nodes and reader-facing attributes of a page, outside scripts and styles."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        self.texts += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def test_english_list_is_real() -> None:
    strings = english_ui_strings()
    assert {"Skip to content", "Back to top", "Note", "Permanent link"} <= strings


def test_no_english_ui_string_on_any_page(site: Path) -> None:
    strings = english_ui_strings()
    found: dict[str, set[str]] = {}
    for html in sorted(site.rglob("*.html")):
        parser = UiText()
        parser.feed(html.read_text(encoding="utf-8"))
        hits = {text for text in parser.texts if text in strings}
        hits |= {s for s in TEMPLATE_STRINGS for text in parser.texts if s in text}
        if hits:
            found[html.relative_to(site).as_posix()] = hits
    assert found == {}


def test_admonition_without_title_gets_a_chinese_one() -> None:
    def render(source: str) -> str:
        return markdown.markdown(source, extensions=["generator.admonition_titles"])

    assert '<p class="admonition-title">注意</p>' in render("!!! note\n\n    正文")
    assert '<p class="admonition-title">提示</p>' in render("!!! tip\n\n    正文")
    assert '<p class="admonition-title">小贴士</p>' in render('!!! tip "小贴士"\n\n    正文')
    assert "admonition-title" not in render('!!! note ""\n\n    正文')


# 404 page: served for any missing address, under a sub-path, and from disk.


class NotFoundHandler(SimpleHTTPRequestHandler):
    """A static server that answers a missing path with the site's 404.html,
    as web servers are set up to; the site lives under /course/."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "course" / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def subpath_server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("webroot")
    (root / "course").symlink_to(site, target_is_directory=True)
    handler = functools.partial(NotFoundHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/course"
    httpd.shutdown()


def check_not_found_page(page: Page, home: str) -> None:
    expect(page.locator("h1")).to_have_text("页面不存在")
    link = page.get_by_role("link", name="课程首页")
    assert link.evaluate("a => a.href") == home
    link.click()
    expect(page.locator("h1").first).to_contain_text("客户管理实务")


@pytest.mark.parametrize("missing", ["chapters/ch99.html", "no-such-page.html", "404.html"])
def test_not_found_page_under_a_sub_path(subpath_server: str, page: Page, missing: str) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    response = page.goto(f"{subpath_server}/{missing}")
    assert response is not None and response.status == (200 if missing == "404.html" else 404)
    check_not_found_page(page, f"{subpath_server}/index.html")
    assert failed == []


def test_not_found_page_from_disk(site: Path, page: Page) -> None:
    page.goto((site / "404.html").as_uri())
    check_not_found_page(page, (site / "index.html").as_uri())


# Glossary tooltips


def test_tooltip_opens_on_keyboard_focus(server: str, page: Page) -> None:
    page.goto(f"{server}/chapters/ch01.html")
    term = page.locator("article abbr[tabindex='0']").first
    definition = term.get_attribute("title")
    assert definition
    term.scroll_into_view_if_needed()
    page.keyboard.press("Tab")
    for _ in range(200):
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "ABBR"
    active = page.locator(".md-tooltip2.md-tooltip2--active")
    expect(active).to_be_visible()
    expect(active).to_have_text(definition)


def test_tooltip_opens_on_tap(server: str, browser: Browser) -> None:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True
    )
    phone = context.new_page()
    phone.goto(f"{server}/chapters/ch01.html")
    term = phone.locator("article abbr[tabindex='0']").first
    definition = term.get_attribute("title")
    term.tap()
    active = phone.locator(".md-tooltip2.md-tooltip2--active")
    expect(active).to_be_visible()
    expect(active).to_have_text(definition or "")
    context.close()


# Wide tables


def test_wide_tables_fit_a_phone(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{server}/chapters/ch03.html")
    tables = phone.locator("table[data-course-wide]")
    expect(tables.first).to_be_attached()
    assert any(table.locator("thead th").count() == 11 for table in tables.all())
    for table in tables.all():
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
        last = table.locator("thead th").last.inner_text()
        assert table.locator(f"td[data-label='{last}']").count() > 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_wide_tables_print_whole(server: str, page: Page) -> None:
    page.goto(f"{server}/chapters/ch03.html")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 width less margins, in px
    for table in page.locator("table[data-course-wide]").all():
        assert table.evaluate("t => t.getBoundingClientRect().right <= innerWidth")
        last = table.locator("thead th").last
        assert last.evaluate("th => th.getBoundingClientRect().right <= innerWidth")


# Print layouts


def pdf_pages(page: Page) -> list[str]:
    """The page printed to A4 by Chromium, as the text of each sheet."""
    return sheet_texts(PdfReader(io.BytesIO(page.pdf(format="A4"))))


def printed(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return pdf_pages(page)


def test_form_page_prints_as_the_form_sheets(server: str, page: Page) -> None:
    sheets = printed(page, f"{server}/forms/visit-plan.html")
    assert len(sheets) == 2, "the plan and its results, one sheet each (new_page)"
    text = "".join(sheets)
    assert "客户拜访计划表" in text and "计划概要" in text and "拜访结果" in sheets[1]
    assert "下载打印版" not in text and "填写说明" not in text


def test_quiz_prints_as_a_worksheet(server: str, page: Page) -> None:
    page.goto(f"{server}/quizzes/ch01.html")
    prompt = page.locator(".course-quiz__prompt").first.inner_text()
    page.locator(".course-quiz input[type='radio']").first.check()
    page.get_by_role("button", name="检查本题").first.click()
    outcome = page.locator(".course-quiz__outcome").first
    expect(outcome).to_be_visible()
    verdict = outcome.inner_text().strip().splitlines()[0]
    text = "".join(pdf_pages(page))
    assert prompt[:8] in text
    assert verdict not in text
    page.emulate_media(media="print")
    for button in page.locator(".course-quiz button").all():
        expect(button).to_be_hidden()


def test_case_page_prints_without_buttons(server: str, page: Page) -> None:
    text = "".join(printed(page, f"{server}/cases/complaint-24h.html"))
    assert "背景" in text and "下载培训师用" not in text


# Focus and accessibility

FOCUS_PAGES = ["quizzes/ch01.html", "index.html", "forms/visit-plan.html"]


def focus_visible(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                const ring = e => {
                    const s = getComputedStyle(e);
                    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
                };
                return ring(el) || (el.closest("label") && ring(el.closest("label")));
            }"""
        )
    )


@pytest.mark.parametrize("path", FOCUS_PAGES)
def test_every_control_shows_keyboard_focus(server: str, page: Page, path: str) -> None:
    page.goto(f"{server}/{path}")
    unseen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        if not page.evaluate("document.activeElement && document.activeElement !== document.body"):
            continue
        if not focus_visible(page):
            unseen.append(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
    assert unseen == []


def test_quiz_answers_show_keyboard_focus(server: str, page: Page) -> None:
    page.goto(f"{server}/quizzes/ch01.html")
    first = page.locator(".course-quiz input[type='radio']").first
    name = first.get_attribute("name")
    first.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == name
    assert focus_visible(page)


AXE_PAGES = [
    "index.html",
    "chapters/ch03.html",
    "glossary.html",
    "quizzes/index.html",
    "quizzes/ch01.html",
    "quizzes/mistakes.html",
    "quizzes/review.html",
    "quizzes/progress.html",
    "exams/index.html",
    "exams/final.html",
    "forms/index.html",
    "forms/visit-plan.html",
    "cases/index.html",
    "cases/complaint-24h.html",
    "trainer/index.html",
    "trainer/cases/complaint-24h.html",
    "trainer/exams/final.html",
    "offline.html",
    "offline-reading.html",
    "404.html",
]
"""One page of every kind the site publishes."""
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "has_touch": True, "is_mobile": True},
}


def test_axe_pages_are_one_of_every_kind(site: Path) -> None:
    """Every kind of page is in AXE_PAGES: a new kind must be added there."""
    kinds = {re.sub(r"/[^/]+\.html$", "/*", p) for p in AXE_PAGES}
    published = {
        re.sub(r"/[^/]+\.html$", "/*", path.relative_to(site).as_posix())
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith("sco/")
    }
    assert published <= kinds | set(AXE_PAGES), published - kinds


@pytest.fixture(scope="module")
def axe_tabs(browser: Browser) -> Iterator[dict[str, Page]]:
    """A tab at each width that goes from page to page (a new tab costs Chromium
    three times what a page load in one does), each in a context of its own."""
    contexts = {
        width: browser.new_context(locale="zh-CN", **options) for width, options in WIDTHS.items()
    }  # type: ignore[arg-type]
    yield {width: context.new_page() for width, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_serious_accessibility_violation(
    server: str, axe_tabs: dict[str, Page], path: str, width: str
) -> None:
    page = axe_tabs[width]
    if page.url.startswith(server):  # each page as a first visit shows it
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    page.goto(f"{server}/{path}")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
