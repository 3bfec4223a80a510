"""Quiz files: each question type loads, and each rule is reported at its file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.errors import ContentError
from generator.models.quiz import Blank, Fill, Match, Order, Quiz, chinese_number
from generator.schema import SCHEMA_DIR, schemas
from generator.sources import load
from generator.validation import validate
from tests.conftest import ROOT

HEAD = """\
title: 测验
chapter: ch01
scenarios:
  - id: s-shop
    text: 一位客户走进门店。
questions:
"""
"""Six lines; the first question starts on line 7."""

SINGLE = """\
  - id: q-single
    type: single
    scenario: s-shop
    prompt: 单选题
    options:
      - text: 甲
        correct: true
      - text: 乙
    explanation: 讲解
"""


def errors_of(tmp_path: Path, text: str, name: str = "quiz.yml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        validate(Quiz, load(path, f"quizzes/{name}"))
    return [str(error) for error in caught.value.errors]


def test_every_type_loads(tmp_path: Path) -> None:
    text = HEAD + SINGLE
    text += """\
  - id: q-multiple
    type: multiple
    prompt: 多选题
    options:
      - text: 甲
        correct: true
      - text: 乙
        correct: true
      - text: 丙
    explanation: 讲解
  - id: q-tf
    type: truefalse
    prompt: 判断
    answer: false
    explanation: 讲解
  - id: q-fill
    type: fill
    prompt: PDCA 的第三步是 ___，第四步是 ___。
    blanks:
      - answers: [检查, Check]
      - answers: [处理]
    explanation: 讲解
  - id: q-order
    type: order
    prompt: 排序
    items: [一, 二, 三]
    explanation: 讲解
  - id: q-match
    type: match
    prompt: 配对
    pairs:
      - {left: H, right: 三天}
      - {left: A, right: 一周}
      - {left: B, right: 半月}
    explanation: 讲解
  - id: q-judge
    type: judgement
    scenario: s-shop
    prompt: 怎么做？
    options:
      - {text: 好, score: 100, feedback: 好在哪里}
      - {text: 可以, score: 50}
      - {text: 不好, score: 0}
    explanation: 讲解
"""
    path = tmp_path / "quiz.yml"
    path.write_text(text, encoding="utf-8")
    quiz = validate(Quiz, load(path, "quizzes/quiz.yml"))
    assert [q.type for q in quiz.questions] == [
        "single", "multiple", "truefalse", "fill", "order", "match", "judgement"
    ]  # fmt: skip
    assert list(quiz.problems()) == []
    fill = quiz.questions[3]
    assert isinstance(fill, Fill)
    assert fill.prompt_parts == ["PDCA 的第三步是 ", "，第四步是 ", "。"]
    order = quiz.questions[4]
    assert isinstance(order, Order)
    assert [key for key, _ in order.shown] != order.keys  # the sheet never shows the answer
    assert sorted(key for key, _ in order.shown) == sorted(order.keys)
    match = quiz.questions[5]
    assert isinstance(match, Match)
    assert [key for key, _ in match.choices] != match.right_keys


def test_content_hash_changes_with_the_question_only(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yml"
    path.write_text(HEAD + SINGLE, encoding="utf-8")
    before = validate(Quiz, load(path, "quizzes/quiz.yml")).questions[0].content_hash
    path.write_text(HEAD + SINGLE.replace("单选题", "改过的单选题"), encoding="utf-8")
    edited = validate(Quiz, load(path, "quizzes/quiz.yml")).questions[0].content_hash
    path.write_text(HEAD + SINGLE + SINGLE.replace("q-single", "q-new"), encoding="utf-8")
    unchanged = validate(Quiz, load(path, "quizzes/quiz.yml")).questions[0].content_hash
    assert len(before) == 8
    assert edited != before
    assert unchanged == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            SINGLE.replace("      - text: 乙\n", "      - text: 乙\n        correct: true\n"),
            "quizzes/quiz.yml:7: questions[0]: single-choice question needs exactly one "
            "correct option, found 2: “单选题”",
        ),
        (
            """\
  - id: q-multiple
    type: multiple
    prompt: 多选题
    options:
      - text: 甲
      - text: 乙
      - text: 丙
    explanation: 讲解
""",
            "quizzes/quiz.yml:7: questions[0]: multiple-choice question has no correct "
            "option: “多选题”",
        ),
        (
            """\
  - id: q-judge
    type: judgement
    prompt: 怎么做？
    options:
      - {text: 好, score: 100}
      - {text: 也好, score: 100}
      - {text: 不好, score: 0}
    explanation: 讲解
""",
            "quizzes/quiz.yml:7: questions[0]: judgement question needs exactly one option "
            "with the top score 100, found 2",
        ),
        (
            """\
  - id: q-judge
    type: judgement
    prompt: 怎么做？
    options:
      - {text: 好, score: 90}
      - {text: 不好, score: 0}
      - {text: 更不好, score: 0}
    explanation: 讲解
""",
            "quizzes/quiz.yml:7: questions[0]: judgement question needs exactly one option "
            "with the top score 100, found 0",
        ),
        (
            """\
  - id: q-order
    type: order
    prompt: 排序
    items: [一, 二]
    explanation: 讲解
""",
            "quizzes/quiz.yml:10: questions[0].items: List should have at least 3 items "
            "after validation, not 2",
        ),
        (
            """\
  - id: q-match
    type: match
    prompt: 配对
    pairs:
      - {left: H, right: 三天}
      - {left: A, right: 一周}
    explanation: 讲解
""",
            "quizzes/quiz.yml:10: questions[0].pairs: List should have at least 3 items "
            "after validation, not 2",
        ),
        (
            """\
  - id: q-match
    type: match
    prompt: 配对
    pairs:
      - {left: H, right: 三天}
      - {left: A, right: 一周}
      - {left: B, right: 三天}
    explanation: 讲解
""",
            "quizzes/quiz.yml:7: questions[0]: right item “三天” appears more than once",
        ),
        (
            """\
  - id: q-fill
    type: fill
    prompt: 第三步是 ___，第四步是 ___。
    blanks:
      - answers: [检查]
    explanation: 讲解
""",
            "quizzes/quiz.yml:7: questions[0]: fill question has 2 blank(s) (___) in its "
            "prompt but 1 entry under 'blanks'",
        ),
        (
            """\
  - id: q-fill
    type: fill
    prompt: 第三步是 ___。
    blanks:
      - answers: []
    explanation: 讲解
""",
            "quizzes/quiz.yml:11: questions[0].blanks[0].answers: List should have at least "
            "1 item after validation, not 0",
        ),
        (
            """\
  - id: q-fill
    type: fill
    prompt: 共 ___ 人。
    blanks:
      - {answers: [三十], number: 30}
    explanation: 讲解
""",
            "quizzes/quiz.yml:11: questions[0].blanks[0]: a blank needs exactly one of answers, "
            "number or percent, found answers and number",
        ),
        (
            """\
  - id: q-fill
    type: fill
    prompt: 占 ___。
    blanks:
      - {percent: 80, units: [成]}
    explanation: 讲解
""",
            "quizzes/quiz.yml:11: questions[0].blanks[0]: units and money go with number only",
        ),
        (
            """\
  - id: q-fill
    type: fill
    prompt: 共 ___ 人。
    blanks:
      - {number: 三十}
    explanation: 讲解
""",
            "quizzes/quiz.yml:11: questions[0].blanks[0].number: Input should be a valid number, "
            "unable to parse string as a number",
        ),
        (
            SINGLE.replace("      - text: 甲", "      - id: a\n        text: 甲").replace(
                "      - text: 乙", "      - id: a\n        text: 乙"
            ),
            "quizzes/quiz.yml:7: questions[0]: option id “a” appears more than once",
        ),
        (
            SINGLE.replace("id: q-single", "id: Q Single"),
            "quizzes/quiz.yml:7: questions[0].id: String should match pattern "
            "'^[a-z0-9][a-z0-9-]*$'",
        ),
    ],
)
def test_rule_is_reported_at_its_line(tmp_path: Path, body: str, expected: str) -> None:
    assert errors_of(tmp_path, HEAD + body) == [expected]


def test_question_without_id_is_an_error(tmp_path: Path) -> None:
    body = SINGLE.replace("  - id: q-single\n    type: single\n", "  - type: single\n")
    assert errors_of(tmp_path, HEAD + body) == [
        "quizzes/quiz.yml:7: questions[0]: missing required key 'id'"
    ]


def catalog_errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    chapters = tmp_path / "docs" / "chapters"
    chapters.mkdir(parents=True)
    (chapters / "ch01.md").write_text("# 第1章 测试\n", encoding="utf-8")
    glossary = tmp_path / "docs" / "includes" / "abbreviations.md"
    glossary.parent.mkdir()
    glossary.write_text("*[CRM]: 客户关系管理\n", encoding="utf-8")
    (tmp_path / "quizzes").mkdir()
    for name, text in files.items():
        (tmp_path / "quizzes" / name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_catalog(tmp_path, chapters, glossary)
    return [str(error) for error in caught.value.errors]


def test_scenario_reference_must_exist(tmp_path: Path) -> None:
    text = HEAD + SINGLE.replace("scenario: s-shop", "scenario: s-missing")
    assert catalog_errors(tmp_path, {"ch01.yml": text}) == [
        "quizzes/ch01.yml:9: scenario 's-missing' is not defined under 'scenarios'"
    ]


def test_question_ids_are_unique_within_and_across_quizzes(tmp_path: Path) -> None:
    first = HEAD + SINGLE + SINGLE
    second = HEAD + SINGLE.replace("q-single", "q-other") + SINGLE
    assert catalog_errors(tmp_path, {"ch01.yml": first, "ch02.yml": second}) == [
        "quizzes/ch01.yml:16: id 'q-single' is already used at quizzes/ch01.yml:7",
        "quizzes/ch02.yml:16: id 'q-single' is already used at quizzes/ch01.yml:7",
    ]


def test_scenario_ids_are_unique(tmp_path: Path) -> None:
    text = HEAD.replace(
        "questions:\n", "  - id: s-shop\n    text: 又一个情景。\nquestions:\n"
    ) + SINGLE.replace("q-single", "q-x")
    assert catalog_errors(tmp_path, {"ch01.yml": text}) == [
        "quizzes/ch01.yml:6: scenario id 's-shop' is used twice"
    ]


def test_committed_schemas_match_the_models() -> None:
    """Run ``python -m generator.schema`` after changing a model."""
    for name, text in schemas().items():
        committed = ROOT / SCHEMA_DIR / name
        assert committed.is_file(), f"{committed} is missing"
        assert committed.read_text(encoding="utf-8") == text, f"{name} is stale"
    quiz = json.loads(schemas()["quiz.schema.json"])
    kinds = quiz["properties"]["questions"]["items"]["discriminator"]["mapping"]
    assert set(kinds) == {"single", "multiple", "truefalse", "fill", "order", "match", "judgement"}


def test_quiz_files_name_their_schema() -> None:
    for path in sorted((ROOT / "quizzes").glob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/quiz.schema.json", path.name


def test_number_blanks_show_and_export_their_written_forms() -> None:
    """What the answer key prints and the Moodle export lists; the site grades by value
    (tests/test_quiz_browser.py types these and more)."""
    staff = Blank(number=100, units=["名", "人"])
    assert staff.shown == "100"
    assert staff.accepted == [
        "100",
        "一百",
        "100名",
        "100 名",
        "一百名",
        "100人",
        "100 人",
        "一百人",
    ]
    assert staff.rule == {
        "number": 100, "units": ["名", "人"], "percent": False, "money": False, "shown": "100"
    }  # fmt: skip
    share = Blank(percent=80)
    assert share.shown == "80%"
    assert share.accepted == ["80", "80%", "80 %", "百分之八十", "八成"]
    assert share.rule == {
        "number": 80, "units": ["%"], "percent": True, "money": False, "shown": "80%"
    }  # fmt: skip
    money = Blank(number=1500, money=True)
    assert money.shown == "¥1,500"
    assert {"¥1,500", "￥1500", "1500.00", "1,500 元", "一千五百元"} <= set(money.accepted)
    assert money.rule is not None and money.rule["units"] == ["元"]
    point = Blank(number=4.5)
    assert (point.shown, point.accepted) == ("4.5", ["4.5"])
    assert Blank(number=-3).accepted == ["-3"]
    words = Blank(answers=["检查", "Check"])
    assert (words.shown, words.accepted, words.rule) == ("检查", ["检查", "Check"], None)


def test_chinese_numerals_for_whole_numbers() -> None:
    written = {n: chinese_number(n) for n in (1, 10, 12, 21, 100, 105, 110, 1005, 1500, 4600)}
    assert written == {
        1: "一", 10: "十", 12: "十二", 21: "二十一", 100: "一百", 105: "一百零五",
        110: "一百一十", 1005: "一千零五", 1500: "一千五百", 4600: "四千六百",
    }  # fmt: skip
    assert chinese_number(4.5) is None
    assert chinese_number(10000) is None


def test_the_course_writes_numeric_answers_as_numbers() -> None:
    """A blank whose accepted answers are all numbers grades by value instead."""
    for path in sorted((ROOT / "quizzes").glob("*.yml")):
        quiz = validate(Quiz, load(path, path.name))
        for question in quiz.questions:
            for blank in getattr(question, "blanks", []):
                numeric = [a for a in blank.answers or [] if re.fullmatch(r"[\d.,%]+", a)]
                assert not numeric, (question.id, blank.answers)
