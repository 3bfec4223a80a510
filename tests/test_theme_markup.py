"""The theme's markup as ``theme_markup`` reads it: checked against what the pinned
Markdown extensions and Material release write, so an update that changes a class
fails here rather than printing a permalink or one tab of many. And no other module
but the plugin names the theme's classes."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import material
import pytest

from generator import htmltree, theme_markup
from tests.conftest import ROOT

THEME = Path(material.__file__).parent / "templates"

TABS = """# 第 1 章

=== "电话"

    先问好。

=== "上门"

    先约时间。
"""


def _site_html(text: str) -> ET.Element:
    """``text`` as the site's Markdown turns it into HTML (toc and tabs as in mkdocs.yml)."""
    html = markdown.markdown(
        text,
        extensions=["toc", "pymdownx.superfences", "pymdownx.tabbed"],
        extension_configs={
            "toc": {"permalink": True, "permalink_title": "本节链接"},
            "pymdownx.tabbed": {"alternate_style": True},
        },
    )
    return htmltree.parse(html)


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def test_tab_sets_give_each_label_with_its_panel() -> None:
    sets = list(theme_markup.tab_sets(_site_html(TABS)))
    assert len(sets) == 1
    _, labels, panels = sets[0]
    assert [_text(label) for label in labels] == ["电话", "上门"]
    assert [_text(panel) for panel in panels] == ["先问好。", "先约时间。"]


def test_tab_sets_may_be_rebuilt_one_by_one() -> None:
    """The handbook replaces a set's children before the next set is read."""
    page = _site_html(TABS + "\n" + TABS.replace("# 第 1 章", "## 又一组"))
    seen = []
    for tabs, labels, panels in theme_markup.tab_sets(page):
        seen.append([_text(label) for label in labels])
        tabs[:] = panels
    assert seen == [["电话", "上门"], ["电话", "上门"]]


def test_the_permalink_is_the_headings_only_theme_part() -> None:
    heading = _site_html(TABS).find("h1")
    assert heading is not None
    links = [child for child in heading if theme_markup.is_permalink(child)]
    assert [link.get("title") for link in links] == ["本节链接"]
    assert not theme_markup.is_permalink(heading)


def test_the_theme_stylesheets_are_those_of_the_pinned_release() -> None:
    sheets = [p.relative_to(THEME).as_posix() for p in THEME.glob("assets/stylesheets/*.css")]
    found = sorted(sheet for sheet in sheets if theme_markup.STYLESHEETS.fullmatch(sheet))
    assert [Path(sheet).name.split(".")[0] for sheet in found] == ["main", "palette"]


@pytest.mark.parametrize(("primary", "colour"), [("indigo", "#4051b5"), ("red", "#ef5552")])
def test_the_palette_colour_comes_from_the_themes_stylesheet(primary: str, colour: str) -> None:
    assert theme_markup.palette_colour([str(THEME)], primary) == colour


def test_a_palette_colour_not_found_is_the_themes_default(tmp_path: Path) -> None:
    assert theme_markup.palette_colour([str(tmp_path)], "indigo") == theme_markup.DEFAULT_COLOUR
    assert theme_markup.palette_colour([str(THEME)], "no-such") == theme_markup.DEFAULT_COLOUR


def _link_in_text() -> tuple[ET.Element, ET.Element]:
    root = htmltree.parse(
        '<p>先读<a class="md-button" id="go" hidden href="../quizzes/ch01.html" '
        'target="_blank"><b>自测</b>题</a>再做。</p>'
    )
    paragraph = root[0]
    return paragraph, paragraph[0]


def test_a_link_in_a_running_page_becomes_a_span_its_scripts_still_find() -> None:
    paragraph, link = _link_in_text()
    paragraph[0] = theme_markup.as_span(link)
    assert htmltree.serialise(paragraph) == (
        '<p>先读<span class="md-button" id="go" hidden=""><b>自测</b>题</span>再做。</p>'
    )


def test_a_link_on_paper_becomes_the_text_around_it() -> None:
    paragraph, link = _link_in_text()
    theme_markup.unwrap(paragraph, link)
    assert htmltree.serialise(paragraph) == "<p>先读<b>自测</b>题再做。</p>"


@pytest.mark.parametrize(
    ("href", "site"),
    [
        ("../quizzes/ch01.html", True),
        ("ch02.html#x", True),
        ("#x", False),
        ("https://example.com/", False),
        ("//example.com/a", False),
        ("mailto:a@b.c", False),
    ],
)
def test_site_links_are_links_to_pages_of_this_site(href: str, site: bool) -> None:
    assert theme_markup.is_site_link(href) is site


THEME_NAMES = (
    theme_markup.PERMALINK,
    theme_markup.TAB_SET,
    theme_markup.TAB_LABELS,
    theme_markup.TAB_PANELS,
    "md-",
    "assets/stylesheets",
)


def test_no_other_module_but_the_plugin_names_the_themes_markup() -> None:
    """Strings in the generator's code (docstrings aside) that name the theme's classes
    or stylesheets: only ``plugin.py`` and ``theme_markup.py`` may hold them."""
    found = []
    for path in sorted((ROOT / "generator").glob("*.py")):
        if path.name in {"plugin.py", "theme_markup.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        found += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and any(name in node.value for name in THEME_NAMES)
        ]
    assert found == []
