"""The home page promises only what the course has: its counts come from the catalog."""

from __future__ import annotations

import re
from pathlib import Path

from generator.catalog import Catalog
from generator.pages import HOME_SUMMARY_MARKER, render_home_summary
from tests.conftest import ROOT
from tests.helpers import chapters, items, read

FOLDERS = ("quizzes", "cases", "forms")


def summary_section(site: Path) -> str:
    """The home page's 练习与资料 section, from its heading to the next one."""
    html = read(site / "index.html")
    start = html.index("练习与资料<a")
    return html[start : html.index("<h2", start)]


def test_home_page_counts_equal_the_yaml_files(site: Path) -> None:
    section = summary_section(site)
    for folder in FOLDERS:
        files = list((ROOT / folder).glob("*.yml")) + list((ROOT / folder).glob("*.yaml"))
        counts = re.findall(rf'data-count-of="{folder}">(\d+)<', section)
        assert counts == [str(len(files))], folder


def test_home_page_lists_exactly_the_chapters_with_material(site: Path) -> None:
    section = summary_section(site)
    with_material = set()
    for folder in FOLDERS:
        for item_id, item in items(folder).items():
            assert f'href="{folder}/{item_id}.html"' in section
            with_material.update(
                [item["chapter"], *item.get("chapters", []), *item.get("also_taught_in", [])]
            )
    for chapter in chapters():
        listed = f'href="chapters/{chapter}.html"' in section
        assert listed == (chapter in with_material), chapter


def test_home_page_makes_no_promise_per_chapter(site: Path) -> None:
    html = read(site / "index.html")
    assert HOME_SUMMARY_MARKER not in html
    for promise in ("每章一套", "每章末尾", "10 分钟自测", "另加 10 分钟"):
        assert promise not in html, promise
    assert "给培训师" in html


def test_summary_of_an_empty_course_says_none() -> None:
    catalog = Catalog(ROOT, chapters={"ch01": "第 1 章 示例"}, items={})
    summary = render_home_summary(catalog)
    for folder in FOLDERS:
        assert f'data-count-of="{folder}">0<' in summary
    assert "chapters/ch01.html" not in summary
    assert "<table>" not in summary
