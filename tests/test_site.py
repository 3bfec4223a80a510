"""The built site has every page, in Chinese, and loads nothing from other hosts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import HAN, chapters, heading, items, read

URL_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}


class ResourceLinks(HTMLParser):
    """Collect the URLs a page loads (not the ones it merely links to)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = URL_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def test_home_page_is_chinese(site: Path) -> None:
    html = read(site / "index.html")
    assert '<html lang="zh"' in html
    assert "<title>客户管理实务</title>" in html


@pytest.mark.parametrize("chapter", sorted(chapters()))
def test_each_chapter_has_its_page_with_its_text(site: Path, chapter: str) -> None:
    html = read(site / "chapters" / f"{chapter}.html")
    assert heading(chapters()[chapter]) in html
    assert len(HAN.findall(html)) > 1000


def test_chapter_links_to_its_quiz(site: Path) -> None:
    for quiz_id, quiz in items("quizzes").items():
        html = read(site / "chapters" / f"{quiz['chapter']}.html")
        assert "本章练习与资料" in html
        assert f'href="../quizzes/{quiz_id}.html"' in html


def test_quiz_page_has_every_question(site: Path) -> None:
    for quiz_id, quiz in items("quizzes").items():
        html = read(site / "quizzes" / f"{quiz_id}.html")
        assert html.count('class="course-quiz__question"') == len(quiz["questions"])
        for question in quiz["questions"]:
            assert question["prompt"].split("**")[0].split("___")[0] in html


def test_form_and_case_pages_link_their_pdfs(site: Path) -> None:
    for folder in ("forms", "cases"):
        found = items(folder)
        assert found, f"no {folder} in the course"
        for item_id, item in found.items():
            html = read(site / folder / f"{item_id}.html")
            assert item["title"] in html
            assert f'href="{item_id}.pdf"' in html
            assert (site / folder / f"{item_id}.pdf").stat().st_size > 10_000


def nav(html: str) -> str:
    """The primary navigation of a page (with navigation.prune: its own section's items)."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    return html[start : html.index('<div class="md-sidebar md-sidebar--secondary"', start)]


def test_sections_list_their_items_in_the_nav(site: Path) -> None:
    home = nav(read(site / "index.html"))
    assert 'href="glossary.html"' in home
    chapter_nav = nav(read(site / "chapters" / f"{min(chapters())}.html"))
    for chapter in chapters():
        assert f'href="{chapter}.html"' in chapter_nav
    for folder in ("quizzes", "forms", "cases"):
        section = nav(read(site / folder / "index.html"))
        for item_id in items(folder):
            assert f'href="{item_id}.html"' in section
            # Pruned: other sections' items are not in every page's navigation.
            assert f'href="{folder}/{item_id}.html"' not in home


def test_source_yaml_is_not_published(site: Path) -> None:
    published = [p.name for p in site.rglob("*") if p.suffix in {".yml", ".yaml", ".txt"}]
    assert published == []
    assert not (site / "includes").exists()


def test_pages_load_nothing_from_other_hosts(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        parser = ResourceLinks()
        parser.feed(read(page))
        remote = [url for url in parser.urls if re.match(r"^(https?:)?//", url)]
        assert remote == [], f"{page.relative_to(site)} loads {remote}"


def test_stylesheets_import_nothing_remote(site: Path) -> None:
    for sheet in site.rglob("*.css"):
        assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", read(sheet)), sheet


def test_search_index_is_inlined_for_file_urls(site: Path) -> None:
    assert read(site / "search" / "search_index.js").startswith("var __index = ")
