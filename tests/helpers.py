"""Helpers the test modules share, so no test module imports another: reading the
course's sources, driving Chromium through Playwright (the fixtures themselves are
in conftest.py) and answering quizzes in it, reading PDFs, checking course text."""

from __future__ import annotations

import re
import time
import unicodedata
from functools import cache
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from generator import course
from generator.catalog import Catalog, Item
from generator.content_types import CONTENT_TYPES
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
from tests.conftest import ROOT, load_problems, run_build

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


HAN = re.compile(r"[\u4e00-\u9fff]")


def chapters() -> dict[str, str]:
    """Chapter id to its Markdown text."""
    return {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "docs/chapters").glob("ch*.md"))
    }


def items(folder: str) -> dict[str, dict[str, Any]]:
    """Item id to its parsed YAML, for one content folder."""
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / folder).glob("*.yml"))
    }


def heading(markdown: str) -> str:
    match = re.search(r"^#\s+(.+)$", markdown, re.MULTILINE)
    assert match, "chapter has no title"
    return match.group(1).strip()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def glossary() -> dict[str, str]:
    """Term to definition, from the abbreviation file that feeds the tooltips."""
    text = (ROOT / "docs/includes/abbreviations.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\*\[([^\]]+)\]:\s*(.+)$", text, re.MULTILINE))


# The style sheet's rules for course text (checked by test_style.py, also on cases and quizzes).
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

LATIN_START = "A-Za-z0-9¥$"

LATIN_END = "A-Za-z0-9%‰°+"

HALF_WIDTH = ',;:?!()"'

GAP = "\ufffc"

RULES = (
    (
        re.compile(f"[{HAN_CHARS}][{LATIN_START}]|[{LATIN_END}][{HAN_CHARS}]"),
        "put one half-width space between Chinese and Latin letters or digits",
    ),
    (
        re.compile(
            f"[{HAN_CHARS}][ \u3000]{{2,}}[{LATIN_START}]|[{LATIN_END}][ \u3000]{{2,}}[{HAN_CHARS}]"
        ),
        "use exactly one half-width space between Chinese and Latin letters or digits",
    ),
    (
        re.compile(f"[{HAN_CHARS}]\u3000[{LATIN_START}]|[{LATIN_END}]\u3000[{HAN_CHARS}]"),
        "use a half-width space, not a full-width one, between Chinese and Latin",
    ),
    (
        re.compile(
            f"[{HAN_CHARS}][{re.escape(HALF_WIDTH)}.]|[{re.escape(HALF_WIDTH)}][{HAN_CHARS}]"
        ),
        "use full-width punctuation (，；：？！（）“”。) next to Chinese",
    ),
)

FENCE = re.compile(r"^\s*(```|~~~)")

SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")

ABBREVIATION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>.*)$")

ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+[\w-]+(\s+[\w-]+)*\s*(\"(?P<title>.*)\")?\s*$")

TAB = re.compile(r"^\s*===\+?\s+\"(?P<title>.*)\"\s*$")

LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s+\S+.*$")

MARKUP = (
    (re.compile(r"<!--.*?-->"), GAP),  # HTML comments
    (re.compile(r"(`+).+?\1"), GAP),  # code spans
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"https?://\S+"), GAP),  # bare URLs
    (re.compile(r"<[^>]*>"), ""),  # HTML tags with their attributes
    (re.compile(r"\{\s*[:#.][^}]*\}"), ""),  # attribute lists such as {#id}
    (re.compile(r"^\s*#{1,6}\s+"), ""),  # heading markers
    (re.compile(r"^\s*(>\s*)+"), ""),  # block quotes
    (re.compile(r"^\s*([-+*]|\d+\.)\s+"), ""),  # list markers
    (re.compile(r"\*+"), ""),  # emphasis
    (re.compile(r"\\(.)"), r"\1"),  # backslash escapes
    (re.compile(r"\|"), GAP),  # table cell borders
)


def visible_text(line: str) -> str:
    """The part of one Markdown line that a reader sees as text."""
    if SEPARATOR_ROW.match(line) or LINK_DEFINITION.match(line):
        return ""
    if match := ABBREVIATION.match(line):
        line = f"{match['term']}{GAP}{match['definition']}"
    elif match := ADMONITION.match(line) or TAB.match(line):
        line = match["title"] or ""
    for pattern, replacement in MARKUP:
        line = pattern.sub(replacement, line)
    return line


def violations(markdown: str) -> list[tuple[int, str, str]]:
    """(line number, message, excerpt) for every break of the rule in ``markdown``."""
    found = []
    in_code = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        text = visible_text(line)
        for pattern, message in RULES:
            for match in pattern.finditer(text):
                start, end = max(match.start() - 8, 0), match.end() + 8
                found.append((number, message, text[start:end].replace(GAP, " ").strip()))
    return found


def report(files: dict[str, str]) -> list[str]:
    """One ``file:line: message: «excerpt»`` line per violation."""
    return [
        f"{name}:{number}: {message}: «{excerpt}»"
        for name, markdown in files.items()
        for number, message, excerpt in violations(markdown)
    ]


def assert_follows_style(files: dict[str, str]) -> None:
    problems = report(files)
    assert not problems, "Style sheet violations:\n" + "\n".join(problems)


# Reading PDFs: fonts and text.
def fonts(reader: PdfReader) -> dict[str, DictionaryObject]:
    """Every font used on any page, by its PostScript name."""
    found: dict[str, DictionaryObject] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object() if font_dict else {}).values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def is_embedded(font: DictionaryObject) -> bool:
    descendants = font.get("/DescendantFonts")
    target = descendants.get_object()[0].get_object() if descendants else font
    descriptor = target["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Forms as their YAML describes them.
FORMS = items("forms")

MM = 72 / 25.4


def column_label(column: str | dict[str, Any]) -> str:
    return column if isinstance(column, str) else column["label"]


def labels(form: dict[str, Any]) -> list[str]:
    """Every piece of text the YAML asks the form to print."""
    found = [form["title"]]

    def walk(fields: list[dict[str, Any]]) -> None:
        for field in fields:
            found.extend(field[key] for key in ("label", "unit", "hint") if field.get(key))
            found.extend(field.get("options", []))
            found.extend(column_label(c) for c in field.get("columns", []))
            walk(field.get("fields", []))

    for section in form["sections"]:
        found.append(section["title"])
        walk(section["fields"])
    return found


# Sheets Chromium printed.
RADICALS = str.maketrans(
    {
        "戶": "户",
        "\u2ec4": "西",
        "\u2ec5": "见",
        "\u2ec6": "角",
        "\u2ec9": "贝",
        "\u2ecb": "车",
        "\u2ed3": "长",
        "\u2ed4": "门",
        "\u2ed8": "青",
        "\u2ed9": "韦",
        "\u2eda": "页",
        "\u2edb": "风",
        "\u2edc": "飞",
        "\u2edd": "食",
        "\u2ee2": "马",
        "\u2ee3": "骨",
        "\u2ee5": "鱼",
        "\u2ee6": "鸟",
        "\u2ee8": "麦",
        "\u2ee9": "黄",
        "\u2eec": "齐",
        "\u2eee": "齿",
        "\u2ef0": "龙",
    }
)
"""Radical forms the CJK font's text map gives for simplified characters, which
NFKC leaves alone (and 户, whose Kangxi radical NFKC makes 戶)."""


def sheet_texts(pdf: PdfReader) -> list[str]:
    """The text of each sheet of a PDF Chromium printed. The CJK font maps some
    characters to Kangxi radicals; NFKC and RADICALS turn them back."""
    return [
        unicodedata.normalize("NFKC", sheet.extract_text()).translate(RADICALS)
        for sheet in pdf.pages
    ]


# The npm packages of the LMS tests.
LMS_CACHE = ROOT / ".cache" / "lms"


def lms_file(relative: str) -> Path:
    """A file of the npm packages ``make test`` unpacks into .cache/lms."""
    path = LMS_CACHE / relative
    assert path.exists(), f"{path} is missing: run `make test` (or `make .cache/lms/.ready`)"
    return path


# A page loaded with every problem it shows recorded.
HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(element =>
    [...element.attributes].filter(a => a.name.startsWith('on')
      || /^\\s*javascript:/i.test(a.value)).map(a => element.tagName + ' ' + a.name))"""
"""Every inline event handler or ``javascript:`` URL left in the page."""


def load_all_cleanly(browser: Browser, urls: list[str], at_once: int = 6) -> dict[str, list[str]]:
    """Load each URL; for each, every console error, page error, dialog, inline
    handler and remote request. ``at_once`` tabs, each in a context of its own,
    take the URLs in turn side by side (the waits for the network to go quiet
    overlap); a tab goes on to its next URL, as a reader does, since opening a
    tab costs Chromium about three times what loading a page in one does."""
    lanes = [_Lane(browser) for _ in range(min(at_once, len(urls)))]
    found: dict[str, list[str]] = {}
    for start in range(0, len(urls), len(lanes)):
        batch = list(zip(lanes, urls[start : start + len(lanes)], strict=False))
        for lane, url in batch:
            lane.open(url)
        for lane, url in batch:
            found[url] = lane.problems()
    for lane in lanes:
        lane.context.close()
    return found


class _Lane:
    """A tab that records what each page it loads shows, page by page."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(locale="zh-CN")
        self.page: Page = self.context.new_page()
        self.found: list[str] = []
        self.page.on("request", lambda request: self.page.requested.append(request.url))  # type: ignore[attr-defined]
        self.page.on(
            "console",
            lambda m: self.found.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.found.append(f"error: {error}"))
        self.page.on(
            "dialog",
            lambda dialog: (self.found.append(f"dialog: {dialog.message}"), dialog.dismiss()),
        )

    def open(self, url: str) -> None:
        self.found = []
        self.page.requested = []  # type: ignore[attr-defined]
        self.page.goto(url, wait_until="commit")

    def problems(self) -> list[str]:
        self.page.wait_for_load_state("networkidle")
        found = self.found
        found += [f"handler: {handler}" for handler in self.page.evaluate(HANDLERS)]
        found += [f"remote: {remote}" for remote in remote_requests(self.page)]
        return found


def load_cleanly(browser: Browser, url: str) -> list[str]:
    """Load ``url``; return every console error, page error, dialog and remote request."""
    return load_all_cleanly(browser, [url])[url]


# PDF links and bookmarks; a catalog of given questions.
def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Every bookmark as (level, title, page number from 1), in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: list[Any], level: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, level + 1)
            else:
                found.append((level, entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline, 1)
    return found


def links(reader: PdfReader) -> list[tuple[int, tuple[int, ...], str, int | None]]:
    """Every link as (page index, rectangle, target, page index an internal one leads to)."""
    pages = {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            rect = tuple(round(float(value)) for value in link["/Rect"])
            if "/Dest" in link:
                found.append((number, rect, str(link["/Dest"]), pages.get(str(link["/Dest"]))))
            else:
                found.append((number, rect, str(link["/A"]["/URI"]), None))
    return found


def fake_catalog(questions: list[Any]) -> Catalog:
    quizzes = next(kind for kind in CONTENT_TYPES if kind.folder == "quizzes")
    model = SimpleNamespace(
        title="练习", chapter="ch01", questions=questions, linked_chapters=lambda: ("ch01",)
    )
    item = Item(quizzes, "ch01", model, SimpleNamespace())  # type: ignore[arg-type]
    return Catalog(Path("."), chapters={"ch01": "第1章 测试"}, items={"quizzes": [item]})


# Builds that must fail.
def build_fails(project: Path, before_writing: bool = True) -> str:
    """The problems a build of ``project`` reports: read in process when
    ``course.load`` finds them; otherwise (MkDocs' own checks, figures, PDFs) a
    build over a previous site, after checking how it failed."""
    reported = load_problems(project)
    if reported is not None:
        return reported
    return cli_build_fails(project, before_writing)


def cli_build_fails(project: Path, before_writing: bool = True) -> str:
    """Run ``mkdocs build`` over a previous site; return its output after checking
    it failed as the README promises: non-zero, no traceback and (for problems
    found ``before_writing``) the previous site untouched."""
    site = project / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("previous build", encoding="utf-8")
    result = run_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    if before_writing:
        assert (site / "index.html").read_text(encoding="utf-8") == "previous build"
    return output


def load_fails(project: Path, settings: course.Settings | None = None, within: float = 10.0) -> str:
    """The problems ``course.load`` reports, in process, after checking it reported
    them (as a ContentError, which the plugin prints without a traceback) within
    ``within`` seconds of this process's CPU time: the work the load did, which
    the other test processes sharing the machine do not stretch."""
    start = time.process_time()
    reported = load_problems(project, settings)
    assert reported is not None, "the course loaded"
    assert time.process_time() - start < within
    return reported


# Accessibility.


def serious_violations(page: Page, rules: list[str] | None = None) -> list[object]:
    """axe's serious and critical findings (of ``rules`` only, when given) on the
    page as it has settled: CSS transitions (a button's hover colour) finish
    first, so axe never samples a colour half-way through one."""
    page.wait_for_function(
        "() => document.getAnimations()"
        ".every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )
    options: dict[str, object] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    results = Axe().run(page, options=options)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
