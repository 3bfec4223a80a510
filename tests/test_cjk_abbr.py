"""Glossary tooltips match terms inside Chinese text, once per page, never in headings."""

from __future__ import annotations

import markdown

GLOSSARY = "\n\n*[意向客户]: 有购买意向的客户\n*[CRM]: 客户关系管理\n"


def render(text: str) -> str:
    return markdown.markdown(text + GLOSSARY, extensions=["generator.cjk_abbr"])


def test_term_inside_a_chinese_sentence_is_marked_once() -> None:
    html = render("每位意向客户都要跟进。\n\n第二段的意向客户不再标注。")
    assert html.count('<abbr tabindex="0" title="有购买意向的客户">意向客户</abbr>') == 1
    assert "第二段的意向客户不再标注" in html


def test_acronym_needs_ascii_boundaries_only() -> None:
    html = render("用CRM系统，但 CRMS 和 xCRM 不是这个词。")
    assert html.count("<abbr") == 1
    assert '用<abbr tabindex="0" title="客户关系管理">CRM</abbr>系统' in html


def test_headings_are_left_plain_and_body_still_marked() -> None:
    html = render("# 意向客户与 CRM\n\n跟进意向客户，用好 CRM。")
    assert "<h1>意向客户与 CRM</h1>" in html
    assert '跟进<abbr tabindex="0" title="有购买意向的客户">意向客户</abbr>' in html
    assert '<abbr tabindex="0" title="客户关系管理">CRM</abbr>' in html


def test_first_use_may_be_nested_in_emphasis() -> None:
    html = render("**意向客户**是重点，意向客户要跟进。")
    assert '<strong><abbr tabindex="0" title="有购买意向的客户">意向客户</abbr></strong>' in html
    assert "</strong>是重点，意向客户要跟进" in html
