"""Question types are declared once: each model in ``QUESTION_TYPES`` names what the
outputs need (label, scoring rule, SCORM and Moodle types), every type has its site
template, print template and grader, and no template or script picks a type by name."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from generator import course, exams
from generator.catalog import Catalog
from generator.models.quiz import QUESTION_TYPES, SCORING_RULES, BaseQuestion, Quiz
from generator.pages import environment, render_page, render_print_html
from tests.conftest import ROOT, course_settings

GENERATOR = ROOT / "generator"
SCRIPTS = GENERATOR / "scripts"
TYPE_TEST = re.compile(
    r"(?:question|dataset|\bq)\.type\s*(?:===?|!==?)"
    r"|question\.type\s+(?:not\s+)?in\b|in\s+model\.types"
)
"""A template or script choosing by a question's type name instead of the table."""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return course.load(course_settings(ROOT)).catalog


@pytest.fixture(scope="module")
def samples(catalog: Catalog) -> dict[str, BaseQuestion]:
    """One question of each type from the course (which uses every type)."""
    found: dict[str, BaseQuestion] = {}
    for item in catalog.of("quizzes"):
        assert isinstance(item.model, Quiz)
        for question in item.model.questions:
            found.setdefault(question.type, question)
    assert set(found) == set(QUESTION_TYPES)
    return found


def block(text: str, start: str) -> str:
    """The lines of a script's object literal from ``start`` to its closing ``};``."""
    return text[text.index(start) : text.index("\n  };", text.index(start))]


def test_every_type_has_its_templates_grader_and_declarations(
    samples: dict[str, BaseQuestion],
) -> None:
    env = environment()
    graders = block((SCRIPTS / "quiz.js").read_text("utf-8"), "var graders = {")
    formats = block((SCRIPTS / "scorm.js").read_text("utf-8"), "var FORMATS = {")
    assert set(re.findall(r"^    (\w+): ", graders, re.MULTILINE)) == set(QUESTION_TYPES)
    interactions = set(re.findall(r'^    "([a-z-]+)": ', formats, re.MULTILINE))
    for name, question in samples.items():
        model = QUESTION_TYPES[name]
        assert model.label and model.interaction in interactions, name
        assert model.scoring is None or model.scoring in SCORING_RULES, name
        env.get_template(question.site_template)
        env.get_template(question.moodle_template)
        printed = env.get_template(question.print_template).module
        for part in ("exercise", "sheet", "key"):
            assert callable(getattr(printed, part, None)), (name, part)


def test_templates_and_scripts_do_not_choose_by_type_name() -> None:
    paths = [*(GENERATOR / "templates").rglob("*.j2"), *SCRIPTS.glob("*.js")]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in paths
        for match in TYPE_TEST.finditer(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_quiz_pages_show_the_registry_labels_and_scoring_rules(catalog: Catalog) -> None:
    for item in catalog.of("quizzes"):
        quiz = item.model
        assert isinstance(quiz, Quiz)
        page = lxml_html.fromstring(render_page(item, catalog).split("---", 2)[2])
        legends = [legend.text_content() for legend in page.iter("legend")]
        assert len(legends) == len(quiz.questions)
        for number, (legend, question) in enumerate(zip(legends, quiz.questions, strict=True)):
            assert legend.startswith(f"第 {number + 1} 题 · {question.label}"), legend
        rules = [li.text_content() for li in page.find_class("course-quiz__rules")[0]]
        used = {question.scoring for question in quiz.questions}
        assert rules == [rule for rule in SCORING_RULES if rule in used]


def test_types_sharing_a_rule_state_it_once(catalog: Catalog) -> None:
    item = catalog.of("quizzes")[0]
    assert isinstance(item.model, Quiz)
    questions = [
        question
        for other in catalog.of("quizzes")
        for question in other.model.questions  # type: ignore[attr-defined]
        if question.type in ("fill", "match")
    ]
    shared = dataclasses.replace(
        item, model=item.model.model_copy(update={"questions": questions, "scenarios": []})
    )
    page = lxml_html.fromstring(render_page(shared, catalog).split("---", 2)[2])
    rules = [li.text_content() for li in page.find_class("course-quiz__rules")[0]]
    assert rules == [QUESTION_TYPES["fill"].scoring]
    assert QUESTION_TYPES["match"].scoring == QUESTION_TYPES["fill"].scoring


def test_answer_sheet_labels_come_from_the_registry(catalog: Catalog) -> None:
    item = catalog.of("exams")[0]
    sheet = lxml_html.fromstring(render_print_html(item, "paper-a.html.j2", catalog, "课程"))
    rows = sheet.find_class("exam-sheet__table")[0].iter("tr")
    labels = [row[1].text_content() for row in rows]
    paper = exams.paper(item, catalog, "a")
    assert labels == ["题型", *(question.label for question in paper.questions)]


def test_sco_pages_carry_each_types_interaction() -> None:
    page = (
        environment()
        .get_template("scorm/sco.html.j2")
        .render(title="t", articles=[], stylesheets=[], scripts=[])
    )
    body = lxml_html.fromstring(page).find("body")
    assert body is not None
    pairs = dict(pair.split(":") for pair in body.get("data-interactions", "").split())
    assert pairs == {name: model.interaction for name, model in QUESTION_TYPES.items()}


def test_readme_lists_the_places_a_new_type_touches() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Adding a question type", 1)[1].split("\n#", 1)[0]
    for place in (
        "generator/models/quiz.py",
        "generator/templates/quizzes/questions/",
        "generator/templates/quizzes/print/",
        "generator/scripts/quiz.js",
    ):
        assert place in section, place
    assert Path(GENERATOR / "templates" / "quizzes" / "print").is_dir()
