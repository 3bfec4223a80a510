"""Printed quizzes: the handbook's and chapter PDFs' exercises list options, order
items and match partners in a stable shuffled order that never gives the answer
by position, and the answer keys use the same order and letters, so a trainer
can mark a printed sheet. Checked on the print HTML the PDFs are made from."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from generator import course, handbook
from generator.models.quiz import (
    Fill,
    Judgement,
    Match,
    MultipleChoice,
    Order,
    Question,
    Quiz,
    SingleChoice,
)
from generator.text import markdown_inline
from tests.conftest import ROOT
from tests.conftest import course_settings as settings

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@cache
def loaded() -> course.Course:
    return course.load(settings(ROOT))


def quizzes() -> list[Quiz]:
    return [item.model for item in loaded().catalog.of("quizzes")]  # type: ignore[misc]


def questions() -> list[tuple[Quiz, Question]]:
    return [(quiz, question) for quiz in quizzes() for question in quiz.questions]


@cache
def chapter_sheets() -> dict[str, str]:
    """Each chapter PDF's print HTML (with its exercises), by chapter id."""
    catalog = loaded().catalog
    jobs = handbook.jobs(
        {cid: "<p>正文</p>" for cid in catalog.chapters}, catalog, "chapters", "课程"
    )
    return {job.path.split("/")[-1][:-4]: job.html for job in jobs if job.path != "handbook.pdf"}


def answer_key(quiz: Quiz) -> str:
    return next(
        job.html for job in loaded().jobs if job.path.endswith(f"/{quiz.chapter}-answers.pdf")
    )


def blocks(html: str, opening: str) -> list[str]:
    """The HTML of each element opened by ``opening`` (exercises, key sections), in order."""
    parts = html.split(opening)[1:]
    return [part.split("</section>")[0] for part in parts]


def lettered(block: str) -> dict[str, str]:
    """Letter to the option's HTML, from ``<li>A. …</li>`` items (key marks dropped)."""
    found: dict[str, str] = {}
    for letter, text in re.findall(r"<li[^>]*>([A-Z])\.\s*(?:[✔✘] )?(.*?)(?:<div|</li>)", block):
        found.setdefault(letter, re.sub(r"^（\d+）|^\d+ 分：", "", text).strip())
    return found


def key_of(question: SingleChoice | MultipleChoice | Judgement) -> list[int]:
    if isinstance(question, Judgement):
        return [i for i, option in enumerate(question.options) if option.score == 100]
    return [i for i, option in enumerate(question.options) if option.correct]


def printed_positions(quiz: Quiz, question: SingleChoice | Judgement) -> int:
    listed = question.listed(quiz.shuffles(question))
    key = question.options[key_of(question)[0]]
    return next(n for n, (_, option) in enumerate(listed) if option is key)


def test_the_key_is_printed_anywhere_but_first_and_in_varying_places() -> None:
    positions = Counter(
        printed_positions(quiz, q)
        for quiz, q in questions()
        if isinstance(q, SingleChoice | Judgement)
    )
    total = sum(positions.values())
    assert total >= 20
    assert positions[0] == 0
    assert len(positions) >= 3
    assert max(positions.values()) / total < 0.5, positions


def test_no_printed_order_gives_the_answer_by_position() -> None:
    for quiz, question in questions():
        if isinstance(question, MultipleChoice):
            right = [option.correct for _, option in question.listed(quiz.shuffles(question))]
            assert right != sorted(right, reverse=True) or all(right), question.id
        elif isinstance(question, Order):
            assert [key for key, _ in question.shown] != question.keys, question.id
            assert sorted(question.sequence) == list(range(len(question.items)))
        elif isinstance(question, Match):
            assert question.partners != list(range(len(question.pairs))), question.id


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_the_order_is_the_same_on_every_run_and_differs_between_questions() -> None:
    script = (
        "from tests.test_quiz_print import questions\n"
        "print([[k for k, _ in q.listed(True)] for _, q in questions() if hasattr(q, 'listed')])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    four = [
        [key for key, _ in q.listed(True)]
        for _, q in questions()
        if isinstance(q, SingleChoice | Judgement) and len(q.options) == 4 and q.options[0].id
    ]
    assert len({tuple(order) for order in four}) >= 4


def test_answer_keys_use_the_printed_letters() -> None:
    for quiz in quizzes():
        sheet = blocks(chapter_sheets()[quiz.chapter], '<li class="exercise">')
        key = blocks(answer_key(quiz), '<section class="key-question">')
        assert len(sheet) == len(key) == len(quiz.questions)
        for question, printed, answers in zip(quiz.questions, sheet, key, strict=True):
            if isinstance(question, SingleChoice | MultipleChoice | Judgement):
                listed = question.listed(quiz.shuffles(question))
                expected = {
                    LETTERS[n]: str(markdown_inline(option.text))
                    for n, (_, option) in enumerate(listed)
                }
                assert lettered(printed) == expected, question.id
                assert lettered(answers) == expected, question.id
                right = [question.options[i] for i in key_of(question)]
                letters = "".join(
                    LETTERS[n] for n, (_, option) in enumerate(listed) if option in right
                )
                label = "最好的做法：" if isinstance(question, Judgement) else "答案："
                assert f"{label}{letters}</p>" in answers, question.id
            elif isinstance(question, Order):
                shown = {
                    LETTERS[n]: str(markdown_inline(t)) for n, (_, t) in enumerate(question.shown)
                }
                assert lettered(printed) == shown == lettered(answers), question.id
                right = " → ".join(
                    next(
                        letter
                        for letter, text in shown.items()
                        if text == str(markdown_inline(item))
                    )
                    for item in question.items
                )
                assert f"正确顺序：{right}</p>" in answers, question.id
            elif isinstance(question, Match):
                for number, pair in enumerate(question.pairs):
                    letter = re.search(
                        rf"<td>([A-Z])\. {re.escape(str(markdown_inline(pair.right)))}</td>",
                        printed,
                    )
                    assert letter, (question.id, pair.right)
                    assert f"{number + 1}. {markdown_inline(pair.left)}（{letter[1]}）" in answers


def test_fill_prompts_print_as_on_the_site() -> None:
    """One path for blanks: the text between them is rendered part by part everywhere,
    so ``¥___ … ¥___`` is never read as emphasis (it was, in the answer keys)."""
    pages = {page.path: page.content for page in loaded().pages}
    fills = [(quiz, q) for quiz, q in questions() if isinstance(q, Fill)]
    assert any("¥" + "___" in q.prompt and q.prompt.count("¥") >= 2 for _, q in fills)
    for quiz, question in fills:
        site = str(pages[f"quizzes/{quiz.chapter}.md"])
        sheet = chapter_sheets()[quiz.chapter]
        key = answer_key(quiz)
        section = key.split(f"{question.id}</span></h3>")[1].split("</section>")[0]
        for part in question.prompt_parts:
            rendered = str(markdown_inline(part))
            for where, html in (("site", site), ("sheet", sheet), ("key", section)):
                assert rendered in html, (question.id, where, rendered)
        prompt = section.split("<ol")[0]
        assert prompt.count("<u>") == len(question.blanks), question.id
        assert "<em>" not in prompt and "<strong>" not in prompt, question.id


def test_answer_keys_show_numbers_with_their_units() -> None:
    shown = {
        blank.shown: blank
        for _, q in questions()
        if isinstance(q, Fill)
        for blank in q.blanks
        if blank.answers is None
    }
    assert shown, "the course has number blanks"
    keys = "".join(answer_key(quiz) for quiz in quizzes())
    for text, blank in shown.items():
        expected = (
            text
            if not blank.units or blank.money
            else f"{text}（单位可写：{'、'.join(blank.units)}）"
        )
        assert f"<li>{expected}</li>" in keys, expected


def test_site_quiz_pages_list_options_in_the_print_order() -> None:
    """Before its script shuffles them (or without JavaScript), a page shows the sheet's order."""
    pages = {page.path: str(page.content) for page in loaded().pages}
    for quiz, question in questions():
        if isinstance(question, SingleChoice | Judgement):
            page = pages[f"quizzes/{quiz.chapter}.md"]
            section = page.split(f'id="q-{question.id}"')[1].split("</fieldset>")[0]
            values = re.findall(r'<input type="radio" name="[^"]+" value="([^"]+)"', section)
            assert values == [key for key, _ in question.listed(quiz.shuffles(question))]


def test_print_order_is_one_function() -> None:
    """Templates never list options, items or partners in the file's order themselves."""
    templates = ROOT / "generator" / "templates"
    paths = [
        *templates.glob("handbook/**/*.j2"),
        *templates.glob("quizzes/print/*.j2"),
        templates / "quizzes/parts.html.j2",
        templates / "quizzes/answer-key.html.j2",
        templates / "exams/paper.html.j2",
    ]
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        assert "in question.options" not in text.replace("question.options if", ""), path
        assert "in question.items" not in text, path
