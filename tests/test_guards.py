"""Site-wide guards that every feature keeps true: each built page loads in the
real browser with no console error, no dialog and no request to another host;
every internal link and PDF link resolves; every PDF passes ``qpdf --check``
and embeds all its fonts. Content built from the hostile corpus stays inert."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser

from tests.conftest import copy_course, run_build
from tests.helpers import load_all_cleanly

INERT = Path(__file__).parent / "hostile" / "inert"


class References(HTMLParser):
    """Every href and src of a page, and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def internal_targets(page: Path, site: Path) -> Iterator[tuple[str, Path, str]]:
    """(url, file, fragment) for each link of ``page`` that stays inside the site."""
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "mailto:")):
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        yield url, target, parts.fragment


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    ids: dict[Path, set[str]] = {}
    for page in html_pages(site):
        if page.name == "404.html":
            continue
        for url, target, fragment in internal_targets(page, site):
            if not target.is_file() or not target.is_relative_to(site):
                broken.append(f"{page.relative_to(site)}: {url}")
            elif fragment and target.suffix == ".html":
                if target not in ids:
                    parser = References()
                    parser.feed(target.read_text(encoding="utf-8"))
                    ids[target] = parser.ids
                if unquote(fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(site)}: {url} (no such anchor)")
    assert broken == []


def test_every_pdf_is_sound_and_embeds_its_fonts(site: Path) -> None:
    pdfs = sorted(site.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, f"{pdf.relative_to(site)}: {check.stdout}{check.stderr}"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
        rows = fonts.stdout.splitlines()[2:]
        assert rows, f"{pdf.relative_to(site)} has no fonts"
        for row in rows:
            assert row.split()[-5] == "yes", f"{pdf.relative_to(site)}: not embedded: {row}"
            assert "CJK" in row or "Noto" in row or "DejaVu" in row, row


def test_every_page_loads_without_errors_or_remote_requests(
    site: Path,
    server: str,
    browser: Browser,
) -> None:
    urls = [f"{server}/{path.relative_to(site).as_posix()}" for path in html_pages(site)]
    failures = {url: found for url, found in load_all_cleanly(browser, urls).items() if found}
    assert failures == {}


def test_the_page_check_reports_each_kind_of_problem(browser: Browser, tmp_path: Path) -> None:
    """The check the two tests above rely on, on pages that break each rule,
    loaded side by side with a clean one; four tabs take the eight pages, so a
    clean page loaded in a tab after a page with a console error is checked too."""
    pages = {
        "clean": "<p>好</p>",
        "handler": '<p onclick="x()">点</p>',
        "link": '<a href="javascript:void(0)">链</a>',
        "console": "<script>console.error('坏了')</script>",
        "error": "<script>throw new Error('抛出')</script>",
        "dialog": "<script>alert('弹窗')</script>",
        "remote": '<img src="https://tracker.example/x.png" alt="">',
        "clean after": "<p>好</p>",
    }
    urls = {}
    for name, body in pages.items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_text(f"<!doctype html><meta charset=utf-8><body>{body}</body>", "utf-8")
        urls[name] = path.as_uri()
    found = load_all_cleanly(browser, list(urls.values()), at_once=4)
    kinds = {name: [p.split(":")[0] for p in found[url]] for name, url in urls.items()}
    assert kinds["clean"] == kinds["clean after"] == []
    for name in ("handler", "console", "error", "dialog", "remote"):
        assert name in kinds[name], (name, found[urls[name]])
    assert kinds["link"] == ["handler"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course plus the hostile-but-valid corpus: Markdown fields full of attacks."""
    project = copy_course(tmp_path_factory.mktemp("hostile"))
    for path in INERT.glob("*.yml"):
        folder, _, _ = path.stem.partition("-")
        shutil.copy(path, project / folder / "hostile.yml")
    glossary = project / "docs/includes/abbreviations.md"
    extra = (INERT / "abbreviations-extra.md").read_text(encoding="utf-8")
    glossary.write_text(glossary.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_hostile_content_is_inert_in_the_browser(hostile_site: Path, browser: Browser) -> None:
    pages = [
        "quizzes/hostile.html",
        "cases/hostile.html",
        "forms/hostile.html",
        "glossary.html",
        "chapters/ch01.html",
        "quizzes/index.html",
        "cases/index.html",
        "forms/index.html",
    ]
    for relative in pages:
        assert (hostile_site / relative).is_file(), relative
    urls = [(hostile_site / relative).as_uri() for relative in pages]
    # One tab, page after page: loaded side by side, these file:// pages missed
    # networkidle within 30 s in 3 of 5 runs (cause not found; see CHANGELOG).
    found = load_all_cleanly(browser, urls, at_once=1)
    assert {url: problems for url, problems in found.items() if problems} == {}
    html = (hostile_site / "quizzes/hostile.html").read_text(encoding="utf-8")
    assert "tracker.example" not in html
    assert "<script>alert" not in html
