"""A chapter's self-check quiz: questions scored in the browser, with feedback."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from generator.models.common import Content, StrictModel, Text


class Option(StrictModel):
    """One answer a learner can pick, and what to tell them if they pick it."""

    text: Text
    correct: bool = False
    feedback: Text | None = None


class ChoiceQuestion(StrictModel):
    """Shared fields of questions answered by picking options."""

    prompt: Text
    options: list[Option] = Field(min_length=2)
    explanation: Text

    @property
    def correct_count(self) -> int:
        return sum(option.correct for option in self.options)


class SingleChoice(ChoiceQuestion):
    """Exactly one option is right."""

    type: Literal["single"]

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if self.correct_count != 1:
            raise ValueError(
                f"single-choice question needs exactly one correct option, "
                f"found {self.correct_count}: \u201c{self.prompt}\u201d"
            )
        return self


class MultipleChoice(ChoiceQuestion):
    """One or more options are right; the learner must pick all of them and no other."""

    type: Literal["multiple"]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if self.correct_count == 0:
            raise ValueError(
                f"multiple-choice question has no correct option: \u201c{self.prompt}\u201d"
            )
        return self


class TrueFalse(StrictModel):
    """A statement the learner judges true or false."""

    type: Literal["truefalse"]
    prompt: Text
    answer: bool
    explanation: Text


Question = Annotated[SingleChoice | MultipleChoice | TrueFalse, Field(discriminator="type")]


class Quiz(Content):
    """The self-check after a chapter."""

    intro: Text | None = None
    pass_percent: int = Field(default=80, ge=0, le=100)
    questions: list[Question] = Field(min_length=1)
