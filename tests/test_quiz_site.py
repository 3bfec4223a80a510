"""The built quiz pages, answer keys and search index; and the quiz content's rules."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.helpers import chapters, items, read, violations

TYPES = {"single", "multiple", "truefalse", "fill", "order", "match", "judgement"}
MARKUP = re.compile(r"\*\*|`")


def plain(text: str) -> str:
    return MARKUP.sub("", text).strip()


def secrets(quiz: dict[str, Any]) -> list[str]:
    """Explanations and option feedback: text a search must never show."""
    found = []
    for question in quiz["questions"]:
        found.append(plain(question["explanation"]))
        found += [plain(o["feedback"]) for o in question.get("options", []) if o.get("feedback")]
    return found


def probe(text: str) -> str:
    """A run of the text long enough to be unmistakable, free of Markdown."""
    return text.split("\n")[0][:18]


def test_search_index_holds_no_answers_or_feedback(site: Path) -> None:
    indexes = [read(site / "search" / "search_index.json")]
    inlined = site / "search" / "search_index.js"
    if inlined.exists():
        indexes.append(inlined.read_text(encoding="utf-8"))
    for index in indexes:
        decoded = json.loads(index[index.index("{") : index.rindex("}") + 1])
        # the quiz section's entries: chapters may well state what an explanation says
        docs = [doc for doc in decoded["docs"] if doc["location"].startswith("quizzes/")]
        text = " ".join(doc["text"] + doc["title"] for doc in docs)
        text = text.replace("\u200b", "")  # the Chinese tokenizer's word breaks
        assert "quizzes/ch01.html" in {doc["location"] for doc in docs}
        for quiz in items("quizzes").values():
            for secret in secrets(quiz):
                assert probe(secret) not in text, secret
            # a quiz page is found by its title and summary, not by its questions
            # (the chapter that teaches a topic ranks above a quiz asking about it)
            assert plain(quiz["title"]) in text
            assert plain(quiz["questions"][0]["prompt"]).split("___")[0][:10] not in text


def test_quiz_pages_show_no_answer_text_before_scripting(site: Path) -> None:
    for quiz_id, quiz in items("quizzes").items():
        html = read(site / "quizzes" / f"{quiz_id}.html")
        for secret in secrets(quiz):
            assert probe(secret) not in html, secret
        assert "<noscript>" in html


def test_progress_mistakes_and_review_pages_are_in_the_quiz_nav(site: Path) -> None:
    html = read(site / "quizzes" / "ch01.html")
    nav = html[html.index('class="md-nav md-nav--primary"') :]
    links = [
        nav.index(f'href="{name}.html"')
        for name in ("index", "progress", "mistakes", "review", "ch02")
    ]
    assert links == sorted(links)
    progress = read(site / "quizzes" / "progress.html")
    for chapter in chapters():
        assert f'href="../chapters/{chapter}.html"' in progress
    assert progress.count("<tr data-quiz=") == len(items("quizzes"))
    index = json.loads(read(site / "search" / "search_index.json"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "quizzes/mistakes.html" not in locations  # every question, hidden: not for search
    assert "quizzes/review.html" not in locations
    review = read(site / "quizzes" / "review.html")
    questions = sum(len(quiz["questions"]) for quiz in items("quizzes").values())
    assert review.count('class="course-quiz__question"') == questions
    assert 'data-review="due"' in review


def test_answer_keys_for_trainers(site: Path) -> None:
    quizzes = items("quizzes")
    trainer = read(site / "trainer" / "index.html")
    course = PdfReader(site / "trainer" / "quizzes" / "course-answers.pdf")
    course_text = "".join(page.extract_text() for page in course.pages).replace("\n", "")
    assert 'href="quizzes/course-answers.pdf"' in trainer
    for quiz_id, quiz in quizzes.items():
        path = site / "trainer" / "quizzes" / f"{quiz_id}-answers.pdf"
        assert f'href="quizzes/{quiz_id}-answers.pdf"' in trainer
        text = "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")
        for question in quiz["questions"]:
            assert question["id"] in text
            assert question["id"] in course_text
        last = quiz["questions"][-1]
        assert probe(plain(last["explanation"]))[:8] in text


def test_every_quiz_follows_the_content_rules() -> None:
    for quiz_id, quiz in items("quizzes").items():
        questions = quiz["questions"]
        assert quiz["chapter"] == quiz_id
        number = int(quiz_id[2:])
        assert quiz["title"].startswith(f"第 {number} 章自测："), quiz["title"]
        assert 8 <= len(questions) <= 15, quiz_id
        assert len({q["type"] for q in questions}) >= 3, quiz_id
        situational = [q for q in questions if q.get("scenario") or q["type"] == "judgement"]
        assert len(situational) * 3 >= len(questions), quiz_id
        assert all(q["id"].startswith(f"{quiz_id}-") for q in questions), quiz_id


def test_every_chapter_has_a_quiz() -> None:
    assert sorted(quiz["chapter"] for quiz in items("quizzes").values()) == sorted(chapters())


def test_course_uses_every_question_type() -> None:
    used = {q["type"] for quiz in items("quizzes").values() for q in quiz["questions"]}
    assert used == TYPES


def texts(value: object, where: str) -> list[tuple[str, str]]:
    """(place, text) of every string a learner reads; accepted fill-in answers are input."""
    if isinstance(value, dict):
        return [
            found
            for key, inner in value.items()
            if key != "answers"
            for found in texts(inner, f"{where}.{key}")
        ]
    if isinstance(value, list):
        return [found for i, inner in enumerate(value) for found in texts(inner, f"{where}[{i}]")]
    return [(where, value)] if isinstance(value, str) else []


def test_quiz_text_follows_the_style_sheet() -> None:
    problems = [
        f"quizzes/{quiz_id}.yml {where}: {message}: «{excerpt}»"
        for quiz_id, quiz in items("quizzes").items()
        for where, text in texts(quiz, "")
        for _, message, excerpt in violations(text)
    ]
    assert problems == []
