"""Glossary tooltips match terms inside Chinese text, once per page, never in headings."""

from __future__ import annotations

from pathlib import Path

import markdown

from generator.cjk_abbr import CjkAbbrExtension

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


def test_glossary_file_gives_every_page_its_terms(tmp_path: Path) -> None:
    """What the site uses: the file's definitions, as if appended to each page."""
    glossary = tmp_path / "abbreviations.md"
    glossary.write_text(GLOSSARY.strip() + "\n", encoding="utf-8")
    extensions = [CjkAbbrExtension(glossary_file=str(glossary))]
    for text in ("每位意向客户都要跟进。", "# 标题\n\n用 CRM 记录意向客户。"):
        assert markdown.markdown(text, extensions=extensions) == render(text)
    # An edited file is read again.
    glossary.write_text("*[意向客户]: 已表示兴趣的客户\n", encoding="utf-8")
    html = markdown.markdown(
        "每位意向客户都要跟进。", extensions=[CjkAbbrExtension(glossary_file=str(glossary))]
    )
    assert 'title="已表示兴趣的客户"' in html
