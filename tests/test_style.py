"""The course text follows the style sheet in the README's authoring guide.

Rule: exactly one half-width space between Chinese characters and Latin letters
or digits (第 5 次, 约 30%, PDCA 循环), and full-width punctuation next to
Chinese characters. Only the text a reader sees is checked: code spans, link
URLs, HTML tags and their attributes, Markdown markers and table separator rows
are left out. No space is needed next to full-width punctuation (（A）, 30%。).
Forms and terms are called by one name everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import assert_follows_style, chapters, glossary, violations

# A Latin run starts with a letter, a digit or a currency sign and ends with a
# letter, a digit or a sign written against a number (30%, A+).
# Stands in for what is not checked, so it neither causes nor hides a violation.


def course_pages() -> dict[str, str]:
    """Every Markdown page of the course text, by its path from the project root."""
    pages = sorted((ROOT / "docs").rglob("*.md"))
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in pages}


def test_course_text_follows_the_style_sheet() -> None:
    pages = course_pages()
    assert "docs/index.md" in pages and "docs/includes/abbreviations.md" in pages
    assert sum(name.startswith("docs/chapters/") for name in pages) == len(chapters())
    assert_follows_style(pages)


# The checker itself: it must catch each kind of slip and leave markup alone.


@pytest.mark.parametrize(
    "bad",
    [
        "第5次开发",
        "只有约30%的抱怨",
        "PDCA循环",
        "用好A卡",
        "成为A+客户",
        "平均赚到了¥100",
        "第 5  次",
        "第\u30005 次",
        "客户说,再看看",
        "(见第 3 章)",
        "他说:“好”",
    ],
)
def test_checker_catches_a_slip(bad: str) -> None:
    assert violations(bad), bad


def test_checker_accepts_text_written_to_the_rule() -> None:
    good = (
        "第 5 次拜访时，约 30% 的客户会用 PDCA 循环和 ABC 分析法；"
        "A 卡（意向客户管理卡）上写 H、A、B 三级，A+ 客户占 25.37%。"
    )
    assert violations(good) == []


@pytest.mark.parametrize(
    "markup",
    [
        "运行`make test`命令",
        "见[第 3 章](ch03.md#letter-schemes)的对照表",
        '<span class="course-progress" data-quiz-id="ch01">未作答</span>',
        "| --- | --- |",
        '!!! tip "小贴士"',
        '=== "外部客户"',
        "## 3.7 字母分级对照 {#letter-schemes}",
        "<!-- course-summary -->",
        "*[CRM]: 客户关系管理",
        "```\n代码块里的A卡不检查\n```",
    ],
)
def test_checker_ignores_markup(markup: str) -> None:
    assert violations(markup) == [], markup


def test_a_violation_fails_the_check_with_file_and_line() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_follows_style({"docs/chapters/bad.md": "# 标题\n\n第5次跟进\n"})
    assert "docs/chapters/bad.md:3: put one half-width space" in str(failure.value)
    assert "«第5次跟进»" in str(failure.value)


# One name for one thing.

RETIRED_NAMES = {
    "关键人物关系表": "关键人物关系图",
    "投诉处理报告表": "客户投诉处理单",
    "每日拜访计划表": "客户拜访计划表",
    "四五六拜访法": "四五六工作法",
}
QUOTED = re.compile(r"“[^”]*”")


def test_forms_and_terms_have_one_name() -> None:
    """A retired name may only appear in quotation marks, as a name others use."""
    problems = []
    for name, markdown in course_pages().items():
        for number, line in enumerate(markdown.splitlines(), start=1):
            unquoted = QUOTED.sub("", line)
            problems += [
                f"{name}:{number}: write {new}, not {old}"
                for old, new in RETIRED_NAMES.items()
                if old in unquoted
            ]
    assert not problems, "\n".join(problems)


def test_every_glossary_term_is_used_in_the_chapters() -> None:
    """A glossary entry spelled unlike the text never gets its tooltip."""
    text = "\n".join(chapters().values())
    unused = [term for term in glossary() if term not in text]
    assert unused == []


def test_letter_scheme_table_is_linked_from_chapters_that_use_letters(site: Path) -> None:
    assert 'id="letter-schemes"' in (site / "chapters" / "ch03.html").read_text(encoding="utf-8")
    for chapter in ("ch04", "ch07"):
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert 'href="ch03.html#letter-schemes"' in html, chapter
