"""A chapter's self-check quiz: questions scored in the browser, with feedback.

Each question type is one model here, one template in
``templates/quizzes/questions/`` and one grader in ``scripts/quiz.js``.
Rules that span several questions (unique ids, scenario references) are in
``Quiz.problems``; ids unique across all quizzes are checked by the catalog.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Literal, TypeVar

from pydantic import Field, model_validator

from generator.models.common import Content, ItemId, Location, StrictModel, Text

QuestionId = Annotated[
    ItemId, Field(description="Unique across all quizzes, e.g. ch01-complaint-share")
]
Choice = TypeVar("Choice")
BLANK = "___"
"""How a fill-in question marks a blank in its prompt."""


def short_hash(value: object) -> str:
    """Eight hex digits that change whenever ``value``'s content changes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _scrambled(keys: list[str]) -> list[str]:
    """A fixed order that is not ``keys``' own, so a printed sheet gives nothing away."""
    order = sorted(keys, key=lambda key: short_hash([key, keys]))
    if order == keys and len(keys) > 1:
        order = order[1:] + order[:1]
    return order


def _listed(keys: list[str], options: list[Choice], shuffle: bool) -> list[tuple[str, Choice]]:
    by_key = dict(zip(keys, options, strict=True))
    return [(key, by_key[key]) for key in (_scrambled(keys) if shuffle else keys)]


class Option(StrictModel):
    """One answer a learner can pick, and what to tell them if they pick it."""

    id: ItemId | None = None
    text: Text
    correct: bool = False
    feedback: Text | None = None


class ScoredOption(StrictModel):
    """A course of action in a workplace situation, worth part of the marks."""

    id: ItemId | None = None
    text: Text
    score: int = Field(ge=0, le=100)
    feedback: Text | None = None


class BaseQuestion(StrictModel):
    """What every question has: an id, a prompt, an explanation, maybe a scenario."""

    id: QuestionId
    scenario: ItemId | None = None
    shuffle: bool | None = None
    """Overrides the quiz's ``shuffle`` for this question."""
    prompt: Text
    explanation: Text

    @property
    def content_hash(self) -> str:
        """Changes when the question is edited, so a stale saved answer is not restored."""
        return short_hash(self.model_dump(mode="json", exclude={"shuffle"}))


class ChoiceQuestion(BaseQuestion):
    """Shared fields and checks of questions answered by picking options."""

    options: list[Option] = Field(min_length=2)

    @property
    def keys(self) -> list[str]:
        """Each option's key: its id, or its position when it has none."""
        return [option.id or str(index) for index, option in enumerate(self.options)]

    def listed(self, shuffle: bool) -> list[tuple[str, Option]]:
        """(key, option) in the order the page lists them; scrambled unless ``shuffle`` is off,
        because authors often write the right option first."""
        return _listed(self.keys, self.options, shuffle)

    @property
    def correct_count(self) -> int:
        return sum(option.correct for option in self.options)

    @model_validator(mode="after")
    def _unique_option_ids(self) -> ChoiceQuestion:
        _check_unique("option id", [option.id for option in self.options if option.id])
        return self


class SingleChoice(ChoiceQuestion):
    """Exactly one option is right."""

    type: Literal["single"]

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if self.correct_count != 1:
            raise ValueError(
                f"single-choice question needs exactly one correct option, "
                f"found {self.correct_count}: \u201c{self.prompt[:40]}\u201d"
            )
        return self


class MultipleChoice(ChoiceQuestion):
    """One or more options are right. Partial credit: each right pick +1, each
    wrong pick -1, floor 0, divided by the number of right options."""

    type: Literal["multiple"]
    options: list[Option] = Field(min_length=3)

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if self.correct_count == 0:
            raise ValueError(
                f"multiple-choice question has no correct option: \u201c{self.prompt[:40]}\u201d"
            )
        return self


class TrueFalse(BaseQuestion):
    """A statement the learner judges true or false."""

    type: Literal["truefalse"]
    answer: bool


class Blank(StrictModel):
    """One gap in a fill-in sentence and every answer accepted for it."""

    answers: list[Text] = Field(min_length=1)


class Fill(BaseQuestion):
    """A sentence with blanks written ``___``, one ``blanks`` entry per blank, in order."""

    type: Literal["fill"]
    blanks: list[Blank] = Field(min_length=1)

    @property
    def prompt_parts(self) -> list[str]:
        """The prompt's text around the blanks: one more part than there are blanks."""
        return self.prompt.split(BLANK)

    @model_validator(mode="after")
    def _blanks_match_prompt(self) -> Fill:
        count = self.prompt.count(BLANK)
        if count != len(self.blanks):
            raise ValueError(
                f"fill question has {count} blank(s) ({BLANK}) in its prompt "
                f"but {len(self.blanks)} entr{'y' if len(self.blanks) == 1 else 'ies'} "
                f"under 'blanks'"
            )
        return self


class Order(BaseQuestion):
    """Items the learner puts in order; the file lists them in the right order."""

    type: Literal["order"]
    items: list[Text] = Field(min_length=3)

    @property
    def keys(self) -> list[str]:
        """Keys that do not give the right position away."""
        return [short_hash([self.id, text]) for text in self.items]

    @property
    def shown(self) -> list[tuple[str, str]]:
        """(key, text) in the order a learner first sees them: never the right one."""
        texts = dict(zip(self.keys, self.items, strict=True))
        return [(key, texts[key]) for key in _scrambled(self.keys)]

    @model_validator(mode="after")
    def _distinct_items(self) -> Order:
        _check_unique("item", self.items)
        return self


class Pair(StrictModel):
    left: Text
    right: Text


class Match(BaseQuestion):
    """Pairs the learner rebuilds by choosing, for each left item, its right item."""

    type: Literal["match"]
    pairs: list[Pair] = Field(min_length=3)

    @property
    def right_keys(self) -> list[str]:
        return [short_hash([self.id, pair.right]) for pair in self.pairs]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(key, text) of the right-hand items, in an order unrelated to the pairs."""
        texts = {key: pair.right for key, pair in zip(self.right_keys, self.pairs, strict=True)}
        return [(key, texts[key]) for key in _scrambled(self.right_keys)]

    @model_validator(mode="after")
    def _distinct_sides(self) -> Match:
        _check_unique("left item", [pair.left for pair in self.pairs])
        _check_unique("right item", [pair.right for pair in self.pairs])
        return self


class Judgement(BaseQuestion):
    """A workplace situation whose options are scored, best 100, with coaching feedback."""

    type: Literal["judgement"]
    options: list[ScoredOption] = Field(min_length=3, max_length=4)

    @property
    def keys(self) -> list[str]:
        return [option.id or str(index) for index, option in enumerate(self.options)]

    def listed(self, shuffle: bool) -> list[tuple[str, ScoredOption]]:
        return _listed(self.keys, self.options, shuffle)

    @model_validator(mode="after")
    def _one_best(self) -> Judgement:
        _check_unique("option id", [option.id for option in self.options if option.id])
        best = sum(option.score == 100 for option in self.options)
        if best != 1:
            raise ValueError(
                f"judgement question needs exactly one option with the top score 100, found {best}"
            )
        return self


def _check_unique(what: str, values: list[str]) -> None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        raise ValueError(f"{what} \u201c{repeated[0]}\u201d appears more than once")


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Fill | Order | Match | Judgement,
    Field(discriminator="type"),
]


class Scenario(StrictModel):
    """A short case stem shown once above the questions that refer to it."""

    id: ItemId
    text: Text


class Quiz(Content):
    """The self-check after a chapter."""

    intro: Text | None = None
    pass_percent: int = Field(default=80, ge=0, le=100)
    shuffle: bool = True
    """Whether options are shuffled (again on every retry); a question may override it."""
    scenarios: list[Scenario] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    def scenario(self, scenario_id: str | None) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def shuffles(self, question: BaseQuestion) -> bool:
        return self.shuffle if question.shuffle is None else question.shuffle

    @property
    def types(self) -> set[str]:
        return {question.type for question in self.questions}

    def unique_ids(self) -> list[tuple[Location, str]]:
        return [(("questions", i, "id"), q.id) for i, q in enumerate(self.questions)]

    def problems(self) -> Iterator[tuple[Location, str]]:
        seen: set[str] = set()
        for index, scenario in enumerate(self.scenarios):
            if scenario.id in seen:
                yield ("scenarios", index, "id"), f"scenario id '{scenario.id}' is used twice"
            seen.add(scenario.id)
        for index, question in enumerate(self.questions):
            if question.scenario is not None and question.scenario not in seen:
                yield (
                    ("questions", index, "scenario"),
                    f"scenario '{question.scenario}' is not defined under 'scenarios'",
                )
