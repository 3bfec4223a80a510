"""The kinds of YAML content the course has, and where each one's files live.

Each kind is a folder of ``*.yml`` files, a model, and templates found by
convention under ``templates/<folder>/``: ``index.md.j2`` (the section's
landing page), ``page.md.j2`` (one item's page), ``link.html.j2`` (its line in
a chapter's resource list), optionally ``trainer.md.j2`` (its page in the
trainer area) and one template per print document. A new kind is one model,
its templates and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models.case import Case
from generator.models.common import Titled
from generator.models.exam import Exam
from generator.models.form import Form
from generator.models.quiz import Quiz

PAPER_VERSIONS = ("a", "b")
"""An exam's paper versions for trainers, 试卷 A and 试卷 B (``exams/paper-a.html.j2``)."""
EXERCISES = ("exercises.css",)
"""The print look of quiz questions without answers: the handbook's and the exam papers'."""
EXAM_PRINT = (*EXERCISES, "exam-print.css")
"""Exam papers and keys: the questions as the handbook prints them, and the answer sheet."""

TRAINER_DIR = "trainer"
"""The trainer area: answer keys, guides and packs, out of the learner nav and search."""


@dataclass(frozen=True)
class Document:
    """A PDF made for every item of a kind from one print template."""

    template: str
    suffix: str = ""
    trainer: bool = False
    """Published under ``trainer/`` rather than beside the learner page."""
    stylesheets: tuple[str, ...] = ()
    """Packaged print stylesheets applied after the common ones (``pdf.STYLESHEETS``)."""

    def path(self, folder: str, item_id: str) -> str:
        prefix = f"{TRAINER_DIR}/" if self.trainer else ""
        return f"{prefix}{folder}/{item_id}{self.suffix}.pdf"


@dataclass(frozen=True)
class ContentType:
    folder: str
    model: type[Titled]
    documents: tuple[Document, ...] = ()
    trainer_page: bool = False
    """Whether each item also has a page in the trainer area (``trainer.md.j2``)."""
    section_pages: tuple[str, ...] = ()
    """More pages of the section, after its landing page in the nav (``<name>.md.j2``)."""
    course_documents: tuple[Document, ...] = ()
    """PDFs made once from all items of the kind, published as ``course<suffix>.pdf``."""


CONTENT_TYPES: tuple[ContentType, ...] = (
    ContentType(
        "quizzes",
        Quiz,
        documents=(Document("answers.html.j2", "-answers", trainer=True),),
        section_pages=("progress", "mistakes", "review"),
        course_documents=(Document("course-answers.html.j2", "-answers", trainer=True),),
    ),
    ContentType(
        "cases",
        Case,
        documents=(
            Document("pdf.html.j2"),
            Document("cards.html.j2", "-role-cards", trainer=True),
            Document("observer.html.j2", "-observer", trainer=True),
            Document("guide.html.j2", "-guide", trainer=True),
        ),
        trainer_page=True,
    ),
    ContentType("forms", Form, documents=(Document("pdf.html.j2"),)),
    ContentType(
        "exams",
        Exam,
        documents=tuple(
            Document(f"{part}-{version}.html.j2", suffix, trainer=True, stylesheets=EXAM_PRINT)
            for version in PAPER_VERSIONS
            for part, suffix in (("paper", f"-{version}"), ("key", f"-{version}-key"))
        ),
        trainer_page=True,
    ),
)
