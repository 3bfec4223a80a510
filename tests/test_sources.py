"""Loading YAML keeps line numbers, and validation errors point at the right line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import ContentError
from generator.models.quiz import Quiz
from generator.sources import load
from generator.validation import validate

QUIZ = """\
title: 测验
chapter: ch01
questions:
  - type: single
    prompt: 第一题
    options:
      - text: 甲
        correct: true
      - text: 乙
    explanation: 讲解
    id: q-one
  - type: truefalse
    prompt: 第二题
    answer: true
    explanation: 讲解
    id: q-two
"""


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "quiz.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        validate(Quiz, load(path, "quizzes/quiz.yml"))
    return [str(error) for error in caught.value.errors]


def test_valid_quiz_loads_with_typed_questions(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yml"
    path.write_text(QUIZ, encoding="utf-8")
    quiz = validate(Quiz, load(path, "quizzes/quiz.yml"))
    assert [q.type for q in quiz.questions] == ["single", "truefalse"]
    assert quiz.pass_percent == 80


def test_line_map_records_keys_and_items(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yml"
    path.write_text(QUIZ, encoding="utf-8")
    source = load(path, "quizzes/quiz.yml")
    assert source.line_of(("questions", 0, "options", 1)) == 9
    assert source.line_of(("questions", 1, "answer")) == 14
    assert source.line_of(("questions", 1, "truefalse", "answer")) == 14


def test_unknown_key_is_an_error_on_its_line(tmp_path: Path) -> None:
    text = QUIZ.replace("    answer: true", "    anwser: true")
    errors = errors_of(tmp_path, text)
    assert "quizzes/quiz.yml:14: questions[1]: unknown key 'anwser'" in errors
    assert "quizzes/quiz.yml:12: questions[1]: missing required key 'answer'" in errors


def test_rule_violation_names_the_question_and_quotes_it(tmp_path: Path) -> None:
    text = QUIZ.replace("      - text: 乙\n", "      - text: 乙\n        correct: true\n")
    (error,) = errors_of(tmp_path, text)
    assert error.startswith("quizzes/quiz.yml:4: questions[0]: ")
    assert "exactly one correct option, found 2" in error
    assert "“第一题”" in error


def test_wrong_type_names_its_line(tmp_path: Path) -> None:
    (error,) = errors_of(tmp_path, QUIZ.replace("answer: true", "answer: 也许"))
    assert error.startswith("quizzes/quiz.yml:14: questions[1].answer: ")


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    (error,) = errors_of(tmp_path, QUIZ.replace("    prompt: 第二题", "    prompt: [第二题"))
    assert error.startswith("quizzes/quiz.yml:")
    assert "invalid YAML" in error
    line = int(error.split(":")[1])
    assert 13 <= line <= 15


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    (error,) = errors_of(
        tmp_path, QUIZ.replace("chapter: ch01\n", "chapter: ch01\ntitle: 又一个\n")
    )
    assert error == "quizzes/quiz.yml:3: duplicate key 'title'"


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "") == ["quizzes/quiz.yml:1: the file is empty"]


YAML_PIECES = [
    "a:",
    " b",
    ": ",
    "- ",
    "&x ",
    "*x",
    "[",
    "]",
    "{",
    "}",
    "\n",
    "  ",
    "\t",
    "'",
    '"',
    "!!python/object:os.system",
    "!!binary",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "? ",
    "|",
    ">",
    "#",
    "\x0b",
    "\x00",
    "\ufeff",
    "客户",
    "<<: *x",
    "~",
    "1e999",
    "0x",
    "\\u0000",
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join),
    )
)
def test_loader_raises_only_content_errors(tmp_path: Path, text: str) -> None:
    """Whatever the bytes, loading either succeeds or names file:line; nothing else escapes."""
    path = tmp_path / "fuzz.yml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        source = load(path, "quizzes/fuzz.yml")
    except ContentError as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.path == "quizzes/fuzz.yml"
            assert error.line >= 1
            assert len(error.message) < 200
        return
    try:
        validate(Quiz, source)
    except ContentError as exc:
        assert all(error.line >= 1 for error in exc.errors)
