"""The installable course in Chromium: the service worker keeps what a learner
opened (and, on request, the whole course), so pages load, quizzes score and
search answers with the network gone; the manifest is the course's, in
Chinese; from file:// nothing of it runs. The file list is checked in Python.

"Offline" is both Playwright's offline switch and the test server shut down:
the switch alone does not reach a service worker's own requests.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generator import offline_app
from tests import helpers
from tests.helpers import Console, answer, quizzes, submit

QUIZ = "ch01"
VISITED = "chapters/ch05.html"
UNVISITED = "chapters/ch09.html"
CJK = re.compile(r"[\u4e00-\u9fff]")


class Host:
    """The built site over HTTP on one fixed port, which can go down and come back
    (the same origin, so the browser keeps its service worker and caches)."""

    def __init__(self, site: Path) -> None:
        self.handler = functools.partial(helpers.QuietHandler, directory=str(site))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._start()

    def _start(self) -> None:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def down(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def up(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self._start()


@pytest.fixture
def host(site: Path) -> Iterator[Host]:
    served = Host(site)
    yield served
    served.down()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN")
    yield context
    context.close()


def visit(page: Page, url: str) -> None:
    """Open a page and wait until the service worker controls it and has kept it."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    expect(page.locator("html")).to_have_attribute("data-course-offline", "kept", timeout=15_000)


def in_cache(page: Page, url: str) -> bool:
    """Whether any of the page origin's caches holds ``url``."""
    return bool(page.evaluate("url => caches.match(url).then(found => !!found)", url))


def wait_for_caches(page: Page, expected: list[str], seconds: float = 30) -> None:
    """Until the page's origin holds exactly these caches (``wait_for_function``
    would take the promise ``caches.keys()`` gives for a true answer)."""
    names: list[str] = []
    for _ in range(int(seconds * 10)):
        names = page.evaluate("caches.keys()")
        if names == expected:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"caches {names}, expected {expected}")


def go_offline(context: BrowserContext, host: Host) -> None:
    context.set_offline(True)
    host.down()


def test_opened_pages_read_and_score_offline(host: Host, context: BrowserContext) -> None:
    console = Console(context)
    page = context.new_page()
    visit(page, f"{host.url}/index.html")
    visit(page, f"{host.url}/{VISITED}")
    visit(page, f"{host.url}/quizzes/{QUIZ}.html")
    assert console.errors == []
    # The worker keeps no search index before the learner searches (on a weak
    # network it would cost the 350 KB the page itself waits with).
    index = f"{host.url}/search/search_index.json"
    assert not in_cache(page, index)
    visit(page, f"{host.url}/{VISITED}")
    helpers.search(page, "拜访")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    for _ in range(100):
        if in_cache(page, index):
            break
        page.wait_for_timeout(100)
    assert in_cache(page, index), "searching did not keep the index"
    go_offline(context, host)

    page.goto(f"{host.url}/{VISITED}")
    expect(page.locator("h1")).to_contain_text("第 5 章")
    styled = page.locator(".md-header").evaluate("e => getComputedStyle(e).position")
    assert styled == "sticky", "the theme's stylesheet did not load offline"
    helpers.search(page, "拜访")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)

    page.goto(f"{host.url}/quizzes/{QUIZ}.html")
    quiz = quizzes()[QUIZ]
    for question in quiz.questions:
        answer(page, question, right=True)
    expect(submit(page)).to_contain_text("得分：100%")
    assert console.errors == []

    page.goto(f"{host.url}/{UNVISITED}")
    expect(page.locator("h1")).to_have_text("现在没有网络")
    assert page.title().startswith("暂时无法打开")
    kept = page.locator("#course-kept a")
    expect(kept.first).to_be_visible()
    titles = kept.all_text_contents()
    assert any("第 5 章" in title for title in titles), titles
    assert not any("第 9 章" in title for title in titles), titles


def test_whole_course_saved_on_request(host: Host, context: BrowserContext) -> None:
    page = context.new_page()
    visit(page, f"{host.url}/offline-reading.html")
    status = page.locator("[data-course-offline-status]")
    expect(status).to_contain_text("保存整个课程还需下载约")
    page.get_by_role("button", name="保存整个课程").click()
    expect(page.locator("html")).to_have_attribute("data-course-saved", "course", timeout=60_000)
    expect(status).to_contain_text("整个课程已保存在本机")
    go_offline(context, host)

    page.goto(f"{host.url}/{UNVISITED}")
    expect(page.locator("h1")).to_contain_text("第 9 章")
    helpers.search(page, "投诉")
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15_000)


def test_a_new_build_replaces_the_old_cache(
    site: Path, tmp_path: Path, context: BrowserContext
) -> None:
    """A changed build: the new worker takes over the kept pages (a page whose hash
    changed is fetched again) and the old cache is deleted."""
    served = tmp_path / "site"
    served.mkdir()
    for name in ["index.html", "offline.html", "manifest.webmanifest", "search", "assets"]:
        source = site / name
        target = served / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.write_bytes(source.read_bytes())
    (served / "chapters").mkdir()
    chapter = site / VISITED
    (served / VISITED).write_bytes(chapter.read_bytes())
    offline_app.finish(served)
    old = json.loads((served / offline_app.FILE_LIST).read_text(encoding="utf-8"))["version"]
    host = Host(served)
    try:
        page = context.new_page()
        visit(page, f"{host.url}/{VISITED}")
        changed = re.sub(r"(<h1[^>]*>[^<]*)", r"\1（新版）", chapter.read_text(encoding="utf-8"))
        (served / VISITED).write_text(changed, encoding="utf-8")
        new = offline_app.finish(served).version
        assert new != old
        # HTTP dates have whole seconds: a build written within the same second
        # as the last would answer the worker's update check with 304 Not Modified.
        later = time.time() + 2
        for name in (offline_app.SERVICE_WORKER, offline_app.FILE_LIST):
            os.utime(served / name, (later, later))
        page.evaluate("navigator.serviceWorker.ready.then(r => r.update())")
        wait_for_caches(page, [f"course-{new}"])
        go_offline(context, host)
        page.goto(f"{host.url}/{VISITED}")
        expect(page.locator("h1")).to_contain_text("客户拜访（新版）")
    finally:
        host.down()


def test_manifest_is_the_courses_in_chinese(
    site: Path, host: Host, context: BrowserContext
) -> None:
    page = context.new_page()
    visit(page, f"{host.url}/{VISITED}")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == f"{host.url}/manifest.webmanifest"
    manifest = json.loads((site / offline_app.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["name"] == manifest["short_name"] == "客户管理实务"
    assert CJK.search(manifest["description"])
    assert manifest["lang"] == "zh-CN"
    assert manifest["display"] == "standalone"
    assert (site / manifest["start_url"]).is_file()
    header = page.locator(".md-header").evaluate("e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(manifest["theme_color"][i : i + 2], 16) for i in (1, 3, 5))
    assert header == f"rgb({red}, {green}, {blue})"
    sizes = set()
    for icon in manifest["icons"]:
        image = Image.open(BytesIO((site / icon["src"]).read_bytes()))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(image.width)
    assert {192, 512} <= sizes
    offline_page = (site / offline_app.OFFLINE_PAGE).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in offline_page and "现在没有网络" in offline_page


def test_install_button_only_when_the_browser_offers_it(
    host: Host, context: BrowserContext
) -> None:
    page = context.new_page()
    visit(page, f"{host.url}/offline-reading.html")
    button = page.locator(".md-header").get_by_role("button", name="安装到桌面")
    on_page = page.locator("article").get_by_role("button", name="安装到桌面")
    expect(button).to_have_count(0)
    expect(on_page).to_be_hidden()
    page.evaluate(
        """() => {
          const offer = new Event("beforeinstallprompt", { cancelable: true });
          offer.prompt = () => { window.__prompted = true; return Promise.resolve(); };
          offer.userChoice = Promise.resolve({ outcome: "accepted" });
          window.dispatchEvent(offer);
        }"""
    )
    expect(button).to_be_visible()
    expect(on_page).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 36
    button.click()
    assert page.evaluate("window.__prompted") is True
    expect(button).to_be_hidden()
    expect(on_page).to_be_hidden()


def test_nothing_of_it_from_disk(site: Path, context: BrowserContext) -> None:
    console = Console(context)
    page = context.new_page()
    for path in ["index.html", VISITED, f"quizzes/{QUIZ}.html", "offline-reading.html"]:
        page.goto((site / path).as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert page.locator("link[rel=manifest]").count() == 0
        registrations = page.evaluate(
            "navigator.serviceWorker ? navigator.serviceWorker.getRegistrations()"
            ".then(r => r.length, () => 0) : 0"
        )
        assert registrations == 0
    expect(page.locator("[data-course-offline-status]")).to_contain_text("从本机文件打开")
    expect(page.get_by_role("button", name="保存整个课程")).to_be_hidden()
    assert console.errors == []


def test_file_list_covers_the_learners_course(site: Path) -> None:
    listing = json.loads((site / offline_app.FILE_LIST).read_text(encoding="utf-8"))
    worker = (site / offline_app.SERVICE_WORKER).read_text(encoding="utf-8")
    assert f'"version": "{listing["version"]}"' in worker
    course = set(listing["course"])
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    learner = {p for p in pages if not p.startswith("trainer/") and p != "404.html"}
    assert learner <= course
    assert not any(path.startswith("trainer/") for path in course)
    assert not any(path.endswith(".pdf") for path in listing["files"])
    assert {"search/search_index.json", "assets/course/quiz.js"} <= course
    assert set(listing["core"]) <= course
    for path in listing["course"]:
        assert path in listing["files"] and (site / path).is_file(), path
    assert listing["titles"][VISITED].startswith("第 5 章")


def test_version_follows_content(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<title>首页</title><link rel="stylesheet" href="a.css"><img src="b.png">'
    )
    (tmp_path / "a.css").write_text("body { background: url(c.png) }")
    for name in ["b.png", "c.png", "unused.png", "x.pdf"]:
        (tmp_path / name).write_bytes(name.encode())
    first = offline_app.file_list(tmp_path)
    assert first.course == ["a.css", "b.png", "c.png", "index.html"]
    assert "x.pdf" not in first.files and "unused.png" in first.files
    assert first.titles == {"index.html": "首页"}
    (tmp_path / "c.png").write_bytes(b"changed")
    second = offline_app.file_list(tmp_path)
    assert second.version != first.version
    assert second.files["c.png"] != first.files["c.png"]
    assert second.files["b.png"] == first.files["b.png"]
