"""The course speaks for itself: nothing a learner reads discusses its sources.

A new hire should read what to do, not that "the original material" had a typo
or left a gap. Checked on the text the site is made from, without a full build:
every Markdown page under ``docs/`` and every page and print document the
course generator makes (quiz, case, form and glossary pages, case handouts,
forms), leaving out the trainer area. The handbook and chapter PDFs are
printed from these same chapter and quiz texts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator import course
from generator.content_types import TRAINER_DIR
from tests.conftest import ROOT, course_settings

SOURCE_WORDS = ("原资料", "旧资料")
"""Words that only ever introduce remarks about the course's own sources."""


@pytest.fixture(scope="module")
def learner_texts() -> dict[str, str]:
    """Every text a learner reads, by where it is published or written."""
    texts = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "docs").rglob("*.md"))
    }
    loaded = course.load(course_settings(ROOT))
    for page in loaded.pages:
        if isinstance(page.content, str) and not page.path.startswith(f"{TRAINER_DIR}/"):
            texts[page.path] = page.content
    for job in loaded.jobs:
        if not job.path.startswith(f"{TRAINER_DIR}/"):
            texts[job.path] = "\n".join((job.html, *job.parts))
    return texts


def mentions(text: str, word: str) -> Iterator[str]:
    """Each place ``word`` occurs, with a little of the text around it."""
    start = text.find(word)
    while start >= 0:
        yield text[max(0, start - 20) : start + len(word) + 20].replace("\n", " ")
        start = text.find(word, start + 1)


def test_learner_texts_cover_chapters_quizzes_cases_and_print(
    learner_texts: dict[str, str],
) -> None:
    paths = set(learner_texts)
    assert "docs/chapters/ch03.md" in paths
    assert any(path.startswith("quizzes/") for path in paths)
    assert any(path.startswith("cases/") for path in paths)
    assert any(path.endswith(".pdf") for path in paths)
    assert not any(path.startswith(f"{TRAINER_DIR}/") for path in paths)
    # Text that only a quiz and a case hold reaches the checked pages.
    assert any("客户追踪半月志" in text for path, text in learner_texts.items() if "quiz" in path)
    assert any("孙先生" in text for path, text in learner_texts.items() if "case" in path)


@pytest.mark.parametrize("word", SOURCE_WORDS)
def test_no_learner_text_talks_about_its_sources(learner_texts: dict[str, str], word: str) -> None:
    found = [
        f"{path}: «{excerpt}»"
        for path, text in learner_texts.items()
        for excerpt in mentions(text, word)
    ]
    assert not found, f"{word} in what learners read:\n" + "\n".join(found)
