"""Draw an exam's questions: the trainers' paper versions, and what the exam page draws from.

A paper is drawn with a fixed seed made of the exam id and the version letter,
by Python's seeded generator (``random.Random`` with a string seed is the same
on every run and machine of one Python release), so a rebuild prints the same
试卷 A and a different 试卷 B. The browser draws with a fresh seed per attempt
from the same pools, given to it as JSON (``blueprint``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from generator.catalog import Catalog, Item
from generator.models.exam import Exam, Pooled, bank
from generator.models.quiz import BaseQuestion, Scenario


def _exam(item: Item) -> Exam:
    if not isinstance(item.model, Exam):
        raise TypeError(f"{item.source.path} is not an exam")
    return item.model


def draw(exam: Exam, pools: list[list[Pooled]], chooser: random.Random) -> list[Pooled]:
    """One attempt's questions: each draw's number from its pool, skipping questions
    an earlier draw took, then shuffled, with the questions of one scenario together."""
    taken: set[str] = set()
    picked: list[Pooled] = []
    for rule, pool in zip(exam.draws, pools, strict=True):
        candidates = [pooled for pooled in pool if pooled.question.id not in taken]
        chosen = chooser.sample(candidates, rule.number)
        picked.extend(chosen)
        taken.update(pooled.question.id for pooled in chosen)
    chooser.shuffle(picked)
    return grouped(picked)


def grouped(picked: list[Pooled]) -> list[Pooled]:
    """``picked`` with each scenario's questions moved up behind its first one, so a
    case stem is printed (and read) once."""
    result: list[Pooled] = []
    for pooled in picked:
        scenario = pooled.question.scenario
        if scenario is None:
            result.append(pooled)
            continue
        same = [i for i, other in enumerate(result) if _stem(other) == (pooled.quiz, scenario)]
        result.insert(same[-1] + 1 if same else len(result), pooled)
    return result


def _stem(pooled: Pooled) -> tuple[str, str] | None:
    scenario = pooled.question.scenario
    return (pooled.quiz, scenario) if scenario else None


@dataclass(frozen=True)
class Paper:
    """One printed version of an exam. It answers what the quiz print templates ask
    of a quiz (``questions``, ``scenario``, ``shuffles``), so they print it."""

    exam: Exam
    version: str
    """The version letter as printed: A, B."""
    entries: list[Pooled]

    @property
    def questions(self) -> list[BaseQuestion]:
        return [pooled.question for pooled in self.entries]

    def entry(self, question: BaseQuestion) -> Pooled:
        return next(pooled for pooled in self.entries if pooled.question is question)

    def scenario(self, scenario_id: str | None) -> Scenario | None:
        if scenario_id is None:
            return None
        owners = (pooled.model for pooled in self.entries if pooled.question.scenario)
        return next((found for model in owners if (found := model.scenario(scenario_id))), None)

    def shuffles(self, question: BaseQuestion) -> bool:
        return self.entry(question).model.shuffles(question)

    def new_stem(self, index: int) -> bool:
        """Whether the question at ``index`` is the first of its scenario's run."""
        stem = _stem(self.entries[index])
        return stem is not None and (index == 0 or _stem(self.entries[index - 1]) != stem)


def seed(exam_id: str, version: str) -> str:
    return f"exam:{exam_id}:{version.upper()}"


def paper(item: Item, catalog: Catalog, version: str) -> Paper:
    """Version ``version`` (a, b) of an exam, the same on every build. Its questions
    list their options (order items, match partners) in an order seeded with the
    version, so a question on both papers is lettered differently on each."""
    exam = _exam(item)
    chooser = random.Random(seed(item.id, version))
    entries = [
        replace(pooled, question=pooled.question.printed_as(seed(item.id, version)))
        for pooled in draw(exam, exam.pools(catalog), chooser)
    ]
    return Paper(exam, version.upper(), entries)


def pool(item: Item, catalog: Catalog) -> list[Pooled]:
    """Every question any draw of the exam may take, in course order: the exam page
    holds them all, hidden until an attempt draws them."""
    found: dict[str, Pooled] = {}
    for each in _exam(item).pools(catalog):
        for pooled in each:
            found.setdefault(pooled.question.id, pooled)
    order = {pooled.question.id: index for index, pooled in enumerate(bank(catalog))}
    return sorted(found.values(), key=lambda pooled: order[pooled.question.id])


def chapters(item: Item, catalog: Catalog) -> dict[str, str]:
    """The chapters the exam draws from, by id, with their titles, in course order."""
    drawn_from = {pooled.chapter for each in _exam(item).pools(catalog) for pooled in each}
    return {chapter: title for chapter, title in catalog.chapters.items() if chapter in drawn_from}


def blueprint(item: Item, catalog: Catalog) -> dict[str, Any]:
    """What ``scripts/exam.js`` draws by: each draw's number and pool (question ids),
    the pass mark, the time limit and each chapter's title, in course order. The
    links to the chapters are in the page's HTML (``chapters``), where a SCORM
    package turns them into text like every other link to the site."""
    exam = _exam(item)
    pools = exam.pools(catalog)
    return {
        "id": item.id,
        "passPercent": exam.pass_percent,
        "minutes": exam.time_limit_minutes,
        "draws": [
            {"count": rule.number, "pool": [pooled.question.id for pooled in each]}
            for rule, each in zip(exam.draws, pools, strict=True)
        ],
        "chapters": {id: {"title": title} for id, title in chapters(item, catalog).items()},
    }
