"""The quiz item check: each rule fires on a small quiz that has the cue (and only
then), at its file and line, with the real course passing and the build logging
clear findings as warnings (``--strict`` fails) and shares as info."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.config import load_config

from generator import item_check
from generator.catalog import Item, load_catalog
from generator.config import ItemCheckConfig
from generator.content_types import CONTENT_TYPES
from generator.item_check import Finding, Thresholds, check
from generator.models.quiz import Quiz
from generator.sources import load
from generator.validation import validate
from tests.conftest import ROOT, copy_course

QUIZ_KIND = next(kind for kind in CONTENT_TYPES if kind.folder == "quizzes")
HEAD = "title: 测验\nchapter: ch01\nquestions:\n"
"""Three lines; the first question starts on line 4."""


def single(qid: str, key: str, others: list[str]) -> str:
    options = f"      - {{text: {key}, correct: true}}\n"
    options += "".join(f"      - {{text: {text}}}\n" for text in others)
    head = f"  - id: {qid}\n    type: single\n    prompt: 题\n    options:\n"
    return f"{head}{options}    explanation: 讲\n"


def truefalse(qid: str, answer: bool) -> str:
    return (
        f"  - id: {qid}\n    type: truefalse\n    prompt: 判断\n"
        f"    answer: {str(answer).lower()}\n    explanation: 讲\n"
    )


def multiple(qid: str, options: list[tuple[str, bool]]) -> str:
    listed = "".join(
        f"      - {{text: {text}, correct: {str(right).lower()}}}\n" for text, right in options
    )
    head = f"  - id: {qid}\n    type: multiple\n    prompt: 多选\n    options:\n"
    return f"{head}{listed}    explanation: 讲\n"


def judgement(qid: str, scores: list[int]) -> str:
    listed = "".join(f"      - {{text: 做法{n}, score: {s}}}\n" for n, s in enumerate(scores))
    head = f"  - id: {qid}\n    type: judgement\n    prompt: 怎么做\n    options:\n"
    return f"{head}{listed}    explanation: 讲\n"


def quiz(tmp_path: Path, questions: str, name: str = "ch01") -> Item:
    path = tmp_path / f"{name}.yml"
    path.write_text(HEAD + questions, encoding="utf-8")
    source = load(path, f"quizzes/{name}.yml")
    return Item(QUIZ_KIND, name, validate(Quiz, source), source)


def found(items: list[Item], thresholds: Thresholds | None = None) -> list[tuple[str, bool]]:
    return [(str(f), f.clear) for f in check(items, thresholds or Thresholds())]


BALANCED = (
    single("ch01-a", "短", ["长一些的", "更长一些的"])
    + judgement("ch01-j", [100, 40, 0])
    + single("ch01-b", "较长的答案", ["短", "中等"])
    + multiple("ch01-m", [("甲", False), ("乙", True), ("丙", False), ("丁", True)])
    + truefalse("ch01-t1", True)
    + truefalse("ch01-t2", False)
)
NEXT = 4 + BALANCED.count("\n")
"""The line of the first question added after ``BALANCED``; its options start 4 lines on."""


def test_a_quiz_without_cues_passes(tmp_path: Path) -> None:
    assert found([quiz(tmp_path, BALANCED)]) == []


def test_key_longest_per_quiz_and_course_wide(tmp_path: Path) -> None:
    longest = single("ch01-l1", "最长的那个答案", ["短", "中等"]) + single(
        "ch01-l2", "也是最长的答案", ["短", "中"]
    )
    findings = found(
        [quiz(tmp_path, longest + truefalse("ch01-t", True) + truefalse("ch01-f", False))]
    )
    assert findings == [
        (
            "quizzes/ch01.yml:3: course-wide: the key is strictly the longest option in 2 of 2 "
            "(100%) single-choice and judgement questions, more than 33% (most in this file)",
            False,
        ),
        (
            "quizzes/ch01.yml:3: the key is strictly the longest option in 2 of 2 (100%) "
            "single-choice and judgement questions, more than 50%: ch01-l1, ch01-l2",
            False,
        ),
    ]
    # Spaces around digits do not make a key longer; a tie is not "strictly longest".
    tied = single("ch01-s", "第 3 次", ["第三次", "第二次"])
    assert found([quiz(tmp_path, tied + BALANCED)]) == []
    relaxed = Thresholds(key_longest_course=1, key_longest_quiz=1)
    assert found([quiz(tmp_path, longest)], relaxed) == []


def test_true_false_share_per_quiz_from_four_statements_and_course_wide(tmp_path: Path) -> None:
    # Three statements: too few for the per-quiz rule, but 1 of 3 true course-wide.
    three = truefalse("ch01-f0", False)
    assert found([quiz(tmp_path, BALANCED + three)]) == [
        (
            "quizzes/ch01.yml:3: course-wide: 1 of 3 (33%) true/false statements are true, "
            "outside 40%-60% (most of the majority in this file)",
            False,
        )
    ]
    many = "".join(truefalse(f"ch01-f{n}", False) for n in range(4))
    other = quiz(tmp_path, "".join(truefalse(f"ch02-t{n}", True) for n in range(5)), "ch02")
    messages = [m for m, _ in found([quiz(tmp_path, BALANCED + many), other])]
    assert messages == [  # 6 of 11 true course-wide: inside the band
        "quizzes/ch01.yml:3: 1 of 6 (17%) true/false statements are true, outside 25%-75%",
        "quizzes/ch02.yml:3: 5 of 5 (100%) true/false statements are true, outside 25%-75%",
    ]


def test_multiple_choice_with_every_right_option_first(tmp_path: Path) -> None:
    right_first = multiple("ch01-rf", [("甲", True), ("乙", True), ("丙", False)])
    assert found([quiz(tmp_path, BALANCED + right_first)]) == [
        (
            f"quizzes/ch01.yml:{NEXT + 3}: ch01-rf: every right option is listed before the "
            "wrong ones; mix them in the file",
            True,
        )
    ]
    every_option_right = multiple("ch01-all", [("甲", True), ("乙", True), ("丙", True)])
    two_wrong = multiple("ch01-m2", [("甲", False), ("乙", True), ("丙", False), ("丁", True)])
    assert found([quiz(tmp_path, BALANCED + every_option_right + two_wrong)]) == []


def test_every_multiple_choice_with_the_same_number_of_wrong_options(tmp_path: Path) -> None:
    again = multiple("ch01-m2", [("戊", False), ("己", True), ("庚", True), ("辛", False)])
    assert found([quiz(tmp_path, BALANCED + again)]) == [
        (
            "quizzes/ch01.yml:3: course-wide: all 2 multiple-choice questions have exactly 2 "
            "wrong option(s); vary how many options are wrong",
            False,
        )
    ]
    one_wrong = multiple("ch01-m3", [("戊", True), ("己", False), ("庚", True)])
    assert found([quiz(tmp_path, BALANCED + one_wrong)]) == []


def test_duplicate_and_near_duplicate_options(tmp_path: Path) -> None:
    """A number, a letter or a negation makes two options a deliberate pair."""
    same = single("ch01-d", "先向客户道歉", ["先向客户 道歉。", "立刻报价"])
    near = single(
        "ch01-n",
        "按规定在当天下班前填写意向客户管理卡",
        ["按规定在当天下班前填写意向客户管理卡片", "立刻报价"],
    )
    grades = single("ch01-g", "A-", ["A", "A+"])
    pairs = single(
        "ch01-p",
        "接到投诉后在 24 小时内给客户回电说明处理进度",
        [
            "接到投诉后在 48 小时内给客户回电说明处理进度",
            "接到投诉后不在 24 小时内给客户回电说明处理进度",
        ],
    )
    findings = found([quiz(tmp_path, BALANCED + same + near + grades + pairs)])
    assert findings == [
        (
            f"quizzes/ch01.yml:{NEXT + 5}: ch01-d: “先向客户 道歉。” says the same as "
            "“先向客户道歉”",
            True,
        ),
        (
            f"quizzes/ch01.yml:{NEXT + 13}: ch01-n: “按规定在当天下班前填写意向客户管理卡片” "
            "is nearly the same as “按规定在当天下班前填写意向客户管理卡”",
            False,
        ),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "以上都对",
        "以上 都不对",
        "以上都是",
        "都对",
        "都不对",
        "上述说法均正确",
        "两者都对",
        "都是对的",
        "None of the above",
    ],
)
def test_catch_all_options(tmp_path: Path, text: str) -> None:
    question = multiple("ch01-c", [("乙", False), ("甲", True), (text, False), ("丙", False)])
    assert found([quiz(tmp_path, BALANCED + question)]) == [
        (f"quizzes/ch01.yml:{NEXT + 6}: ch01-c: “{text}” is a catch-all option; "
         "write a real course of action or fact", True)
    ]  # fmt: skip


def test_catch_all_is_not_every_option_mentioning_all(tmp_path: Path) -> None:
    question = single("ch01-x", "三项都记", ["只记客户姓名", "都不用记"])
    assert [m for m, _ in found([quiz(tmp_path, BALANCED + question)])] == []


def test_judgement_without_a_middle_score(tmp_path: Path) -> None:
    assert found([quiz(tmp_path, BALANCED + judgement("ch01-j2", [100, 0, 0]))]) == [
        (
            f"quizzes/ch01.yml:{NEXT + 3}: ch01-j2: no option scores between 1 and 99; a judgement "
            "question needs a partly right course of action",
            True,
        )
    ]


def test_settings_are_checked_and_become_thresholds() -> None:
    config = ItemCheckConfig()
    config.load_dict({"key_longest_course": 0.25, "true_share_quiz": [0.2, 0.8]})
    errors, _ = config.validate()
    assert errors == []
    assert config.thresholds() == Thresholds(key_longest_course=0.25, true_share_quiz=(0.2, 0.8))
    for bad in ({"key_longest_quiz": 2}, {"true_share_course": [0.7, 0.3]}, {"similar": 1}):
        config = ItemCheckConfig()
        config.load_dict(bad)
        errors, warnings = config.validate()
        assert errors or warnings, bad


def findings_of(project: Path) -> list[Finding]:
    docs = project / "docs"
    catalog = load_catalog(project, docs / "chapters", docs / "includes/abbreviations.md", project)
    return item_check.check(catalog.of("quizzes"), Thresholds())


def test_the_real_course_passes() -> None:
    assert [str(finding) for finding in findings_of(ROOT)] == []


def test_the_build_logs_clear_findings_as_warnings_and_shares_as_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = copy_course(tmp_path)
    extra = BALANCED.replace("ch01-", "ch01-extra-") + judgement("ch01-extra-flat", [100, 0, 0])
    extra += single(
        "ch01-extra-near", "立刻报价", ["当天填写意向客户管理卡", "当天填写意向客户管理卡片"]
    )
    path = project / "quizzes" / "ch01.yml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.course"):
        config.plugins["course"].on_config(config)
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if "item check" in r.getMessage()]
    flat = next(level for level, message in logged if "ch01-extra-flat" in message)
    assert flat == logging.WARNING
    expected = [
        (logging.WARNING, f"Quiz item check: {f}")
        if f.clear
        else (logging.INFO, f"Quiz item check (advisory): {f}")
        for f in findings_of(project)
    ]
    near = next(level for level, message in logged if "ch01-extra-near" in message)
    assert near == logging.INFO
    assert logged == expected
