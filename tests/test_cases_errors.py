"""Bad case files are reported as file:line with a message that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.errors import ContentError
from tests.conftest import run_build

VALID = """\
title: 测试案例
chapter: ch08
chapters: [ch01]
difficulty: basic
duration_minutes: 20
background: 一位客户打来电话。
objectives:
  - 练习倾听。
roles:
  - name: 客服
    public: 你接电话。
    confidential: 你知道仓库缺货。
    goals:
      - 问清需要。
  - name: 客户
    public: 你打电话。
    goals:
      - 说清问题。
group_size: 2
run_sheet:
  - minutes: 5
    activity: 读卡
  - minutes: 15
    activity: 扮演
model_resolution: 客服先道歉再提问。
observer_checklist:
  - 先道歉
rubric:
  - name: 倾听
    needs_work: 打断客户。
    meets: 听完。
    excellent: 听完并复述。
debrief:
  - 哪句话最有效？
variations:
  harder: 客户更生气。
  smaller_group: 两人轮换。
"""


def problems(project: Path, text: str) -> list[str]:
    """Every message the catalog reports for ``text`` saved as cases/test-case.yml."""
    (project / "cases" / "test-case.yml").write_text(text, encoding="utf-8")
    docs = project / "docs"
    with pytest.raises(ContentError) as caught:
        load_catalog(project, docs / "chapters", docs / "includes" / "abbreviations.md")
    return [str(error) for error in caught.value.errors]


def line_of(text: str, snippet: str) -> int:
    return text.splitlines().index(snippet) + 1


def at(text: str, snippet: str) -> str:
    """The ``file:line: `` prefix of an error on the line that is exactly ``snippet``."""
    return f"cases/test-case.yml:{line_of(text, snippet)}: "


def test_valid_case_loads(project: Path) -> None:
    (project / "cases" / "test-case.yml").write_text(VALID, encoding="utf-8")
    docs = project / "docs"
    catalog = load_catalog(project, docs / "chapters", docs / "includes" / "abbreviations.md")
    case = catalog.find("cases", "test-case")
    assert case is not None
    assert "test-case" in [item.id for item in catalog.linked_to("ch01")]
    assert "test-case" in [item.id for item in catalog.linked_to("ch08")]
    assert "test-case" not in [item.id for item in catalog.linked_to("ch02")]


def test_run_sheet_that_does_not_add_up(project: Path) -> None:
    text = VALID.replace("  - minutes: 15\n", "  - minutes: 12\n")
    assert problems(project, text) == [
        at(text, "run_sheet:") + "run_sheet: "
        "the steps add up to 17 minutes, but duration_minutes is 20"
    ]


def test_unknown_key_in_a_role(project: Path) -> None:
    text = VALID.replace("    confidential: 你知道", "    secret: 你知道")
    assert problems(project, text) == [
        at(text, "    secret: 你知道仓库缺货。") + "roles[0]: unknown key 'secret'"
    ]


def test_role_without_goals(project: Path) -> None:
    text = VALID.replace("    goals:\n      - 说清问题。\n", "")
    assert problems(project, text) == [
        at(text, "  - name: 客户") + "roles[1]: missing required key 'goals'"
    ]


def test_group_too_small_for_the_roles(project: Path) -> None:
    text = VALID.replace("group_size: 2", "group_size: 3").replace(
        "roles:\n", "roles:\n  - name: 观察员\n    public: 你记录。\n    goals: [记录]\n"
    )
    assert problems(project, text.replace("group_size: 3", "group_size: 2")) == [
        at(text, "group_size: 3") + "group_size: 2 people cannot play 3 roles"
    ]


def test_rubric_level_missing(project: Path) -> None:
    text = VALID.replace("    excellent: 听完并复述。\n", "")
    assert problems(project, text) == [
        at(text, "  - name: 倾听") + "rubric[0]: missing required key 'excellent'"
    ]


def test_unknown_difficulty(project: Path) -> None:
    text = VALID.replace("difficulty: basic", "difficulty: 简单")
    assert problems(project, text) == [
        at(text, "difficulty: 简单") + "difficulty: "
        "Input should be 'basic', 'intermediate' or 'advanced'"
    ]


def test_primary_chapter_listed_again(project: Path) -> None:
    text = VALID.replace("chapters: [ch01]", "chapters: [ch01, ch08]")
    assert problems(project, text) == [
        at(text, "chapters: [ch01, ch08]") + "chapters: lists ch08 twice: "
        "name each chapter once, the primary one only under 'chapter'"
    ]


def test_unknown_chapter_and_form(project: Path) -> None:
    text = VALID.replace("chapters: [ch01]", "chapters: [ch99]").replace(
        "group_size: 2\n", "group_size: 2\nforms:\n  - no-such-form\n"
    )
    assert problems(project, text) == [
        at(text, "chapters: [ch99]") + "'ch99' names no file in chapters/",
        at(text, "  - no-such-form") + "'no-such-form' names no file in forms/",
    ]


def test_a_bad_case_stops_the_build(project: Path) -> None:
    text = VALID.replace("duration_minutes: 20", "duration_minutes: 25")
    (project / "cases" / "test-case.yml").write_text(text, encoding="utf-8")
    result = run_build(project, project / "site")
    assert result.returncode != 0
    assert (
        at(text, "run_sheet:") + "run_sheet: "
        "the steps add up to 20 minutes, but duration_minutes is 25"
    ) in result.stdout + result.stderr
