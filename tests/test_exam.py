"""Exams: the blueprint is checked against the quizzes' banks at file:line, the
shipped 结业测试 draws 40 questions from all 11 chapters, and the trainers' papers
(试卷 A/B) are the same on every build, differ from each other, and each key
answers its own sheet."""

from __future__ import annotations

import re
import subprocess
import typing
from pathlib import Path

import pytest
from lxml import html as lxml_html

from generator import course, exams
from generator.catalog import Catalog
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError
from generator.models.exam import Exam, QuestionType
from generator.models.quiz import Question
from generator.pages import render_print_html
from tests.conftest import ROOT, course_settings, run_build

HEAD = """\
title: 考试
pass_percent: 80
draws:
"""
"""Three lines; the first draw is on line 4."""


def flat(text: str) -> str:
    """Text without Markdown markers or spaces, to compare source and print."""
    return re.sub(r"[\s*`]", "", text)


def load_fails(project: Path, exam: str) -> list[str]:
    (project / "exams" / "bad.yml").write_text(exam, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        course.load(course_settings(project))
    return [str(error) for error in caught.value.errors]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return course.load(course_settings(ROOT)).catalog


def test_question_types_are_the_quiz_types() -> None:
    members = typing.get_args(typing.get_args(Question)[0])
    quiz_types = {typing.get_args(m.model_fields["type"].annotation)[0] for m in members}
    assert set(typing.get_args(QuestionType)) == quiz_types


def test_draw_errors_at_their_lines(project: Path) -> None:
    errors = load_fails(
        project,
        HEAD
        + """\
  - {type: essay, count: 1}
  - {count: 3}
  - chapter: ch02
  - {chapter: ch03, count: 0}
""",
    )
    text = "\n".join(errors)
    assert re.search(r"exams/bad\.yml:4: draws\[0\]\.type: Input should be 'single'", text)
    assert re.search(r"exams/bad\.yml:5: .*needs at least one of chapter, type, tag", text)
    assert re.search(r"exams/bad\.yml:6: .*needs a count", text)
    assert re.search(r"exams/bad\.yml:7: draws\[3\]\.count: .*greater than or equal to 1", text)
    assert len(errors) == 4, errors


def test_pool_errors_at_their_lines(project: Path) -> None:
    """Rules that need the quizzes' banks, checked once every file has loaded."""
    errors = load_fails(
        project,
        HEAD
        + """\
  - {chapter: ch01, count: 99}
  - {chapter: ch42, count: 1}
  - {tag: no-such-tag, count: 1}
  - questions:
      - ch02-why-prospecting-first
      - ch01-no-such-question
      - ch02-why-prospecting-first
""",
    )
    text = "\n".join(errors)
    assert re.search(
        r"exams/bad\.yml:4: this draw asks for 99 questions but its pool \(chapter ch01\) "
        r"holds 12$",
        text,
        re.MULTILINE,
    )
    assert "exams/bad.yml:5: 'ch42' names no file in chapters/" in text
    assert "exams/bad.yml:6: no quiz question has the tag 'no-such-tag'" in text
    assert "exams/bad.yml:9: 'ch01-no-such-question' is no quiz question" in text
    assert "exams/bad.yml:10: question 'ch02-why-prospecting-first' is listed twice" in text
    assert len(errors) == 5, errors


def test_overlapping_draws_count_the_worst_case(project: Path) -> None:
    # ch06 has 12 questions; a draw of 10 single-choice questions course-wide may
    # take its 2 single-choice ones first, so 12 from ch06 cannot be sure.
    errors = load_fails(
        project, HEAD + "  - {type: single, count: 10}\n  - {chapter: ch06, count: 12}\n"
    )
    assert any(
        "exams/bad.yml:5: " in e and "holds 12, 2 of them possibly drawn by earlier draws" in e
        for e in errors
    ), errors


def test_tags_and_listed_questions_form_pools(project: Path) -> None:
    quiz = project / "quizzes" / "ch01.yml"
    text = quiz.read_text(encoding="utf-8")
    first = re.search(r"^  - id: (\S+)$(?=\n    type:)", text, re.MULTILINE)
    assert first
    quiz.write_text(
        text.replace(first.group(0), first.group(0) + "\n    tags: [service]", 1), encoding="utf-8"
    )
    (project / "exams" / "tagged.yml").write_text(
        HEAD + "  - {tag: service, count: 1}\n  - {questions: [ch02-why-prospecting-first]}\n",
        encoding="utf-8",
    )
    loaded = course.load(course_settings(project)).catalog
    item = loaded.find("exams", "tagged")
    assert item and isinstance(item.model, Exam)
    pools = [[p.question.id for p in pool] for pool in item.model.pools(loaded)]
    assert pools == [[first.group(1)], ["ch02-why-prospecting-first"]]
    assert item.model.total == 2


def test_tags_do_not_change_a_question_s_content_hash(catalog: Catalog) -> None:
    question = exams.bank(catalog)[0].question
    tagged = question.model_copy(update={"tags": ["service"]})
    assert tagged.content_hash == question.content_hash


def test_final_exam_draws_forty_from_every_chapter(catalog: Catalog) -> None:
    item = catalog.find("exams", "final")
    assert item and isinstance(item.model, Exam)
    exam = item.model
    assert (exam.title, exam.total, exam.pass_percent, exam.time_limit_minutes) == (
        "结业测试",
        40,
        80,
        45,
    )
    counts = {draw.chapter: draw.number for draw in exam.draws}
    assert set(counts) == set(catalog.chapters)
    banks = {ch: sum(p.chapter == ch for p in exams.bank(catalog)) for ch in catalog.chapters}
    # Proportional: each chapter's share of 40 is its bank's share, rounded either way.
    for chapter, count in counts.items():
        share = 40 * banks[chapter] / sum(banks.values())
        assert abs(count - share) < 1, (chapter, count, share)
    for version in ("a", "b"):
        paper = exams.paper(item, catalog, version)
        drawn = [p.chapter for p in paper.entries]
        assert {ch: drawn.count(ch) for ch in counts} == counts
        assert len({p.question.id for p in paper.entries}) == 40


def test_exam_kind_is_registered_with_its_trainer_documents() -> None:
    kind = next(k for k in CONTENT_TYPES if k.folder == "exams")
    paths = [document.path("exams", "final") for document in kind.documents]
    assert paths == [
        "trainer/exams/final-a.pdf",
        "trainer/exams/final-a-key.pdf",
        "trainer/exams/final-b.pdf",
        "trainer/exams/final-b-key.pdf",
    ]
    assert kind.trainer_page


def classed(name: str) -> str:
    """An XPath test for an element with the class ``name``."""
    return f"contains(concat(' ', @class, ' '), ' {name} ')"


def words(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.parametrize("version", ["a", "b"])
def test_each_key_answers_its_own_sheet(catalog: Catalog, version: str) -> None:
    """Question by question, the key shows the sheet's prompt, and the letters it
    gives name on the sheet the options that are right."""
    item = catalog.find("exams", "final")
    assert item
    paper = exams.paper(item, catalog, version)
    sheet, key = (
        lxml_html.fromstring(render_print_html(item, f"{part}-{version}.html.j2", catalog, "课程"))
        for part in ("paper", "key")
    )
    printed = sheet.xpath(f"//ol[{classed('exam-paper')}]/li")
    answers = key.xpath(f"//section[{classed('key-question')}]")
    rows = sheet.xpath(f"//table[{classed('exam-sheet__table')}]/tbody/tr")
    assert len(printed) == len(answers) == len(rows) == 40
    for number, (question, asked, answered, row) in enumerate(
        zip(paper.questions, printed, answers, rows, strict=True), start=1
    ):
        assert words(answered.xpath("h3")[0]) == f"第 {number} 题 {question.id}"
        assert words(row.xpath("td")[0]) == str(number)
        prompt = words(asked.xpath(f".//*[{classed('exercise__prompt')}]")[0])
        assert flat(re.split(r"___|\n", question.prompt)[0])[:8] in flat(prompt), question.id
        lettered = (
            re.match(r"([A-Z])\.(.*)", flat(li.text_content()))
            for li in asked.xpath(f".//ul[{classed('exercise__options')}]/li")
        )
        options = {match.group(1): match.group(2) for match in lettered if match}
        line = flat(answered.xpath(f".//*[{classed('key-answer')}]")[0].text_content())
        if question.type in ("single", "multiple"):
            letters = line.removeprefix("答案：")
            right = sorted(flat(o.text) for o in question.options if o.correct)
            assert sorted(options[letter] for letter in letters) == right, question.id
        elif question.type == "judgement":
            best = next(o.text for o in question.options if o.score == 100)
            assert options[line.removeprefix("最好的做法：")] == flat(best), question.id
        elif question.type == "order":
            letters = line.removeprefix("正确顺序：").split("→")
            assert [options[letter] for letter in letters] == [flat(t) for t in question.items]


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_papers_are_reproducible_and_differ(site: Path, tmp_path: Path) -> None:
    """Two builds print byte-identical text for each version; A and B differ."""
    again = tmp_path / "again"
    result = run_build(ROOT, again)
    assert result.returncode == 0, result.stderr
    texts = {}
    for name in ("final-a", "final-a-key", "final-b", "final-b-key"):
        first = pdf_text(site / "trainer" / "exams" / f"{name}.pdf")
        assert first == pdf_text(again / "trainer" / "exams" / f"{name}.pdf"), name
        texts[name] = first
    assert "答题卡（试卷 A）" in texts["final-a"] and "答题卡（试卷 B）" in texts["final-b"]
    assert texts["final-a"] != texts["final-b"]
    assert texts["final-a-key"] != texts["final-b-key"]
    ids_a = re.findall(r"第 \d+ 题 (\S+)", texts["final-a-key"])
    ids_b = re.findall(r"第 \d+ 题 (\S+)", texts["final-b-key"])
    assert len(ids_a) == len(ids_b) == 40 and ids_a != ids_b


def test_trainer_page_lists_the_papers_out_of_nav_and_search(site: Path) -> None:
    index = (site / "trainer" / "index.html").read_text(encoding="utf-8")
    for name in ("final-a.pdf", "final-a-key.pdf", "final-b.pdf", "final-b-key.pdf"):
        assert f'href="exams/{name}"' in index
    assert 'href="exams/final.html"' in index
    page = (site / "trainer" / "exams" / "final.html").read_text(encoding="utf-8")
    assert "试卷 A" in page and "试卷 B" in page
    search = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "trainer/exams" not in search
    assert "exams/final.html" not in search
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "trainer/exams" not in home
    assert 'href="exams/index.html"' in home


def test_a_question_s_section_must_be_a_heading_of_its_chapter(project: Path) -> None:
    """``section`` is checked against the ids MkDocs' toc gives the chapter's headings."""
    quiz = project / "quizzes" / "ch01.yml"
    text = quiz.read_text(encoding="utf-8")
    assert '  section: "12"' in text
    quiz.write_text(text.replace('  section: "12"', '  section: "nowhere"', 1), encoding="utf-8")
    line = quiz.read_text(encoding="utf-8").splitlines().index('    section: "nowhere"') + 1
    with pytest.raises(ContentError) as caught:
        course.load(course_settings(project))
    errors = [str(error) for error in caught.value.errors]
    assert len(errors) == 1, errors
    assert re.match(rf"quizzes/ch01\.yml:{line}: .*'nowhere' is no section of ch01", errors[0])


def test_sections_are_the_chapter_pages_heading_ids(catalog: Catalog, site: Path) -> None:
    """Every section a question names is an id on its built chapter page."""
    named = {
        (item.model.chapter, q.section)  # type: ignore[attr-defined]
        for item in catalog.of("quizzes")
        for q in item.model.questions  # type: ignore[attr-defined]
        if q.section
    }
    assert len(named) >= 5
    for chapter, section in named:
        page = lxml_html.fromstring((site / "chapters" / f"{chapter}.html").read_text("utf-8"))
        assert page.xpath(f"//*[@id='{section}']"), (chapter, section)


def test_papers_list_a_shared_question_s_options_in_their_own_order(catalog: Catalog) -> None:
    """A question on both 试卷 A and 试卷 B is lettered differently on each (orders seeded
    with the version, reproducibly), and no order gives its answer away by position."""
    item = catalog.find("exams", "final")
    assert item is not None
    a, b = (exams.paper(item, catalog, version) for version in "ab")
    on_b = {q.id: q for q in b.questions}
    again = exams.paper(item, catalog, "a")
    on_again = {q.id: q for q in again.questions}

    def order(paper: exams.Paper, question: Question) -> list[str]:
        if question.type == "order":
            return [key for key, _ in question.shown]  # type: ignore[union-attr]
        if question.type == "match":
            return [key for key, _ in question.choices]  # type: ignore[union-attr]
        listed = question.listed(paper.shuffles(question))  # type: ignore[union-attr]
        return [key for key, _ in listed]

    listed = [q for q in a.questions if q.id in on_b and q.type not in ("truefalse", "fill")]
    assert listed, "the two papers share no question with options"
    for question in listed:
        other = on_b[question.id]
        assert order(a, question) != order(b, other), question.id
        assert order(a, question) == order(again, on_again[question.id])
        for paper, shown in ((a, question), (b, other)):
            if shown.type == "single" and paper.shuffles(shown):
                first = shown.listed(True)[0][1]  # type: ignore[union-attr]
                assert not first.correct, (paper.version, shown.id)
            if shown.type == "order":
                assert order(paper, shown) != shown.keys, (paper.version, shown.id)  # type: ignore[union-attr]
