"""A summative exam: a blueprint of questions drawn from the chapters' quizzes.

An exam holds no questions of its own. Each of its ``draws`` names a pool (the
questions of a chapter, of a type, with a tag, or listed by id, or any of these
combined) and how many to draw from it; question ids stay the keys, so an
edited quiz question is the same question in the exam. The browser draws anew
on every attempt (``scripts/exam.js``); trainers' paper versions are drawn with
fixed seeds (``generator/exams.py``). The rules that need the quizzes (unknown
ids and tags, a pool too small) are in ``Exam.catalog_problems``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from generator.models.common import (
    ChapterId,
    ItemId,
    Location,
    Reference,
    StrictModel,
    Text,
    Titled,
)
from generator.models.quiz import QUESTION_TYPES, Question, QuestionId, Quiz

if TYPE_CHECKING:
    from generator.catalog import Catalog

if TYPE_CHECKING:
    QuestionType = str
else:
    QuestionType = Literal[tuple(QUESTION_TYPES)]
"""The ``type`` of every question model in ``models/quiz.py``, from its registry
(a ``Literal``, so the schema lists them)."""
MAX_COUNT = 500
"""The most questions one draw may ask for: a page holds every question of its pool."""


class Draw(StrictModel):
    """How many questions to draw from one pool, and which questions form the pool.

    The pool is every quiz question that matches all the keys given: ``chapter``,
    ``type``, ``tag`` and, if listed, ``questions`` (ids). Without ``count`` a
    list of ``questions`` is drawn whole.
    """

    chapter: ChapterId | None = None
    type: QuestionType | None = None
    tag: ItemId | None = None
    questions: list[QuestionId] | None = Field(default=None, min_length=1, max_length=MAX_COUNT)
    count: int | None = Field(default=None, ge=1, le=MAX_COUNT)

    @model_validator(mode="after")
    def _has_pool(self) -> Draw:
        if not (self.chapter or self.type or self.tag or self.questions):
            raise ValueError("a draw needs at least one of chapter, type, tag or questions")
        if self.count is None and self.questions is None:
            raise ValueError("a draw needs a count (only a list of questions may leave it out)")
        return self

    @property
    def number(self) -> int:
        """How many questions this draw adds to an attempt."""
        return self.count if self.count is not None else len(self.questions or ())

    def matches(self, pooled: Pooled) -> bool:
        question = pooled.question
        return (
            (self.chapter is None or pooled.chapter == self.chapter)
            and (self.type is None or question.type == self.type)
            and (self.tag is None or self.tag in question.tags)
            and (self.questions is None or question.id in self.questions)
        )

    @property
    def described(self) -> str:
        """The pool in words, for messages: ``chapter ch01, type order``."""
        keys = [("chapter", self.chapter), ("type", self.type), ("tag", self.tag)]
        parts = [f"{name} {value}" for name, value in keys if value]
        if self.questions:
            parts.append(f"{len(self.questions)} listed questions")
        return ", ".join(parts)


@dataclass(frozen=True)
class Pooled:
    """A quiz question an exam can draw, with the quiz and chapter it comes from."""

    quiz: str
    chapter: str
    question: Question
    model: Quiz


def bank(catalog: Catalog) -> list[Pooled]:
    """Every question of every quiz, in course order (quiz file, then question)."""
    return [
        Pooled(item.id, item.model.chapter, question, item.model)
        for item in catalog.of("quizzes")
        if isinstance(item.model, Quiz)
        for question in item.model.questions
    ]


class Exam(Titled):
    """A final test drawn from the quizzes, with a pass mark and maybe a time limit."""

    intro: Text | None = None
    pass_percent: int = Field(default=80, ge=0, le=100)
    time_limit_minutes: int | None = Field(default=None, ge=1, le=600)
    draws: list[Draw] = Field(min_length=1, max_length=200)

    @property
    def total(self) -> int:
        """How many questions one attempt has."""
        return sum(draw.number for draw in self.draws)

    def references(self) -> list[Reference]:
        return [
            Reference(("draws", index, "chapter"), "chapters", draw.chapter)
            for index, draw in enumerate(self.draws)
            if draw.chapter
        ]

    def problems(self) -> Iterator[tuple[Location, str]]:
        for index, draw in enumerate(self.draws):
            seen: set[str] = set()
            for position, question_id in enumerate(draw.questions or ()):
                if question_id in seen:
                    yield (
                        ("draws", index, "questions", position),
                        f"question '{question_id}' is listed twice",
                    )
                seen.add(question_id)

    def pools(self, catalog: Catalog) -> list[list[Pooled]]:
        """Each draw's pool, in course order."""
        questions = bank(catalog)
        return [[pooled for pooled in questions if draw.matches(pooled)] for draw in self.draws]

    def catalog_problems(self, catalog: Catalog) -> Iterator[tuple[Location, str]]:
        questions = bank(catalog)
        known = {pooled.question.id for pooled in questions}
        tags = {tag for pooled in questions for tag in pooled.question.tags}
        pools = self.pools(catalog)
        for index, draw in enumerate(self.draws):
            where: Location = ("draws", index)
            unknown = False
            for position, question_id in enumerate(draw.questions or ()):
                if question_id not in known:
                    unknown = True
                    yield (*where, "questions", position), f"'{question_id}' is no quiz question"
            if draw.tag and draw.tag not in tags:
                unknown = True
                yield (*where, "tag"), f"no quiz question has the tag '{draw.tag}'"
            if unknown or (draw.chapter and draw.chapter not in catalog.chapters):
                continue
            pool = {pooled.question.id for pooled in pools[index]}
            # Earlier draws may take questions of this pool first: count the worst case.
            taken = sum(
                min(earlier.number, len(pool & {p.question.id for p in pools[before]}))
                for before, earlier in enumerate(self.draws[:index])
            )
            if draw.number > len(pool) - taken:
                shared = f", {taken} of them possibly drawn by earlier draws" if taken else ""
                yield (
                    (*where, "count") if draw.count is not None else where,
                    f"this draw asks for {draw.number} questions but its pool "
                    f"({draw.described}) holds {len(pool)}{shared}",
                )
