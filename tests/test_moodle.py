"""Moodle XML question banks: parsed back and checked against the YAML quizzes,
question by question, answer by answer; partial credit as Moodle computes it."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.models.quiz import Judgement, MultipleChoice, Question, Quiz
from generator.moodle import MOODLE_FRACTIONS, moodle_fraction, notices
from generator.text import markdown, markdown_inline
from tests.helpers import quizzes

MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "judgement": "multichoice",
    "truefalse": "truefalse",
    "match": "matching",
    "order": "ordering",
}
CLOZE = re.compile(r"\{1:SHORTANSWER:(.*?)(?<!\\)\}")


def bank(site: Path, name: str) -> ET.Element:
    return ET.parse(site / "trainer" / "lms" / "moodle" / f"{name}.xml").getroot()


def text(element: ET.Element | None, path: str) -> str:
    assert element is not None
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


def html(value: str | None) -> str:
    return str(markdown(value))


def question_html(quiz: Quiz, question: Question) -> str:
    scenario = quiz.scenario(question.scenario)
    stem = ""
    if scenario:
        label = '<div class="course-quiz__scenario"><p><strong>情景</strong></p>'
        stem = f"{label}{html(scenario.text)}</div>"
    return stem + html(question.prompt)


def site_score(question: MultipleChoice | Judgement, picked: set[int]) -> float:
    """The site's own rule (quiz.js), for comparison with Moodle's."""
    if isinstance(question, Judgement):
        return question.options[next(iter(picked))].score / 100
    points = sum(1 if question.options[i].correct else -1 for i in picked)
    return max(0, points) / question.correct_count


def moodle_score(fractions: list[float], picked: set[int]) -> float:
    """Moodle's multichoice grading: the picked fractions added, kept within 0 and 1."""
    return min(1.0, max(0.0, sum(fractions[i] for i in picked) / 100))


def check_question(quiz: Quiz, question: Question, element: ET.Element) -> None:
    assert text(element, "name/text") == question.id
    assert text(element, "idnumber") == question.id
    assert text(element, "generalfeedback/text") == html(question.explanation)
    kind = element.get("type")
    if question.type == "fill":
        assert kind == ("shortanswer" if len(question.blanks) == 1 else "cloze")
    else:
        assert kind == MOODLE_TYPES[question.type]
    answers = element.findall("answer")
    if kind != "cloze":
        assert text(element, "questiontext/text") == question_html(quiz, question)
    if question.type in ("single", "multiple", "judgement"):
        assert isinstance(question, MultipleChoice | Judgement) or question.type == "single"
        assert text(element, "single") == ("false" if question.type == "multiple" else "true")
        assert len(answers) == len(question.options)  # type: ignore[union-attr]
        fractions = [float(a.get("fraction", "nan")) for a in answers]
        for answer, option, fraction in zip(answers, question.options, fractions, strict=True):  # type: ignore[union-attr]
            assert text(answer, "text") == str(markdown_inline(option.text))
            assert text(answer, "feedback/text") == html(option.feedback)
            assert any(abs(abs(fraction) - allowed) < 1e-9 for allowed in MOODLE_FRACTIONS)
        if question.type != "single":
            options = range(len(fractions))
            choices = (
                [{i} for i in options]
                if question.type == "judgement"
                else [set(c) for n in options for c in itertools.combinations(options, n + 1)]
            )
            for picked in choices:
                expected = site_score(question, picked)  # type: ignore[arg-type]
                assert moodle_score(fractions, picked) == pytest.approx(expected, abs=1e-4)
        else:
            assert fractions == [100.0 if o.correct else 0.0 for o in question.options]  # type: ignore[union-attr]
    elif question.type == "truefalse":
        graded = {text(a, "text"): float(a.get("fraction", "nan")) for a in answers}
        assert graded == {"true": 100.0 * question.answer, "false": 100.0 * (not question.answer)}
    elif question.type == "fill" and kind == "shortanswer":
        assert [text(a, "text") for a in answers] == [
            a.replace("*", "\\*") for a in question.blanks[0].accepted
        ]
        assert {a.get("fraction") for a in answers} == {"100"}
        assert text(element, "usecase") == "0"
    elif question.type == "fill":
        codes = CLOZE.findall(text(element, "questiontext/text"))
        assert [re.split(r"(?<!\\)~", code) for code in codes] == [
            [f"={answer}" for answer in blank.accepted] for blank in question.blanks
        ]
        for part in question.prompt_parts:
            assert str(markdown_inline(part)) in text(element, "questiontext/text")
    elif question.type == "match":
        pairs = [
            (text(sub, "text"), text(sub, "answer/text")) for sub in element.findall("subquestion")
        ]
        assert pairs == [(str(markdown_inline(p.left)), p.right) for p in question.pairs]
    elif question.type == "order":
        assert [text(a, "text") for a in answers] == [
            str(markdown_inline(i)) for i in question.items
        ]
        assert [a.get("fraction") for a in answers] == [
            str(n + 1) for n in range(len(question.items))
        ]
        assert text(element, "gradingtype") == "ALL_OR_NOTHING"
        assert text(element, "selecttype") == "ALL"


@pytest.mark.parametrize("quiz_id", sorted(quizzes()))
def test_quiz_bank_matches_its_yaml(site: Path, quiz_id: str) -> None:
    quiz = quizzes()[quiz_id]
    root = bank(site, quiz_id)
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    chapter = (site / "chapters" / f"{quiz.chapter}.html").read_text(encoding="utf-8")
    path = text(category, "category/text")
    assert path.startswith("$course$/客户管理实务/第 ")
    assert path.split("/")[-1] in chapter
    assert [q.get("type") for q in questions].count("category") == 0
    assert len(questions) == len(quiz.questions)
    for question, element in zip(quiz.questions, questions, strict=True):
        check_question(quiz, question, element)


def test_course_bank_holds_every_quiz_under_its_chapter(site: Path) -> None:
    elements = bank(site, "course").findall("question")
    expected: list[str] = []
    for quiz in quizzes().values():
        expected += ["category"] + [q.id for q in quiz.questions]
    found = ["category" if e.get("type") == "category" else text(e, "name/text") for e in elements]
    assert sorted(found) == sorted(expected)
    assert found.count("category") == len(quizzes())
    categories = [text(e, "category/text") for e in elements if e.get("type") == "category"]
    assert len(set(categories)) == len(categories)


def test_trainer_area_links_every_bank(site: Path) -> None:
    page = (site / "trainer" / "index.html").read_text(encoding="utf-8")
    for name in ["course", *quizzes()]:
        assert f'href="lms/moodle/{name}.xml"' in page
        assert (site / "trainer" / "lms" / "moodle" / f"{name}.xml").is_file()


def judgement(scores: list[int]) -> Judgement:
    return Judgement.model_validate(
        {
            "id": "x-judgement",
            "type": "judgement",
            "prompt": "怎么做？",
            "explanation": "讲解。",
            "options": [{"text": f"做法 {s}", "score": s} for s in scores],
        },
    )


def test_rounding_to_moodle_grades_is_named() -> None:
    assert moodle_fraction(35) == 33.33333
    assert moodle_fraction(-100 / 3) == -33.33333
    assert moodle_fraction(64) == 66.66667
    quiz = Quiz.model_validate(
        {"title": "测验", "chapter": "ch01", "questions": [judgement([100, 35, 0]).model_dump()]}
    )
    found = list(notices(quiz))
    assert len(found) == 1
    assert found[0].question == "x-judgement"
    assert "option 2 is worth 35% on the site and 33.33333% in Moodle" in found[0].message
    exact = Quiz.model_validate(
        {"title": "测验", "chapter": "ch01", "questions": [judgement([100, 50, 0]).model_dump()]}
    )
    assert list(notices(exact)) == []


def test_number_blanks_are_named_as_graded_differently() -> None:
    def fill(qid: str, blank: dict[str, object]) -> dict[str, object]:
        prompt = "共 ___ 人。"
        return {
            "id": qid,
            "type": "fill",
            "prompt": prompt,
            "explanation": "讲解。",
            "blanks": [blank],
        }

    quiz = Quiz.model_validate(
        {
            "title": "测验",
            "chapter": "ch01",
            "questions": [fill("x-words", {"answers": ["三十"]}), fill("x-number", {"number": 30})],
        }
    )
    by_value = [n.question for n in notices(quiz) if "by value" in n.message]
    assert by_value == ["x-number"]
