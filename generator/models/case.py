"""A role-play case trainers run in class.

A case has two audiences. Learners see the background, the objectives and
every role's public brief. Everything that would spoil the play (each role's
confidential brief, the model resolution, the rubric's notes) and everything
that is only the trainer's business (run sheet, checklist, debrief,
variations) is kept for the trainer area and the printed packs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from generator.models.common import ChapterId, Content, ItemId, Label, Reference, StrictModel, Text

Difficulty = Literal["basic", "intermediate", "advanced"]
"""How much the case asks of new hires; the templates give each its Chinese name."""


class Role(StrictModel):
    """A part in the role play: what everyone knows, and what only its player knows."""

    name: Label
    public: Text
    """The brief every learner may read, on the site and on every card."""
    confidential: Text | None = None
    """Only this role's player reads it, on this role's card; never on the learner page."""
    goals: list[Text] = Field(min_length=1)
    """What the player tries to achieve, printed on this role's card."""


class Step(StrictModel):
    """One block of the session on the trainer's run sheet."""

    minutes: int = Field(ge=1, le=120)
    activity: Label
    notes: Text | None = None


class Criterion(StrictModel):
    """One row of the scoring rubric, described at each of the three levels.

    Every case uses the same three-level scale, so observers learn it once and
    scores can be compared across cases.
    """

    name: Label
    needs_work: Text
    meets: Text
    excellent: Text
    notes: Text | None = None
    """Trainer-only guidance (what to listen for); never printed for observers."""


class Variations(StrictModel):
    """Other ways to run the same case."""

    harder: Text
    smaller_group: Text


class Case(Content):
    """A role-play case and everything a trainer needs to run it."""

    chapters: list[ChapterId] = Field(default_factory=list)
    """Further chapters it practises, besides the primary ``chapter``."""
    difficulty: Difficulty
    duration_minutes: int = Field(ge=5, le=240)
    background: Text
    objectives: list[Text] = Field(min_length=1)
    roles: list[Role] = Field(min_length=2)
    group_size: int = Field(ge=2, le=12)
    """People in one group; every role needs at least one of them."""
    forms: list[ItemId] = Field(default_factory=list)
    run_sheet: list[Step] = Field(min_length=2)
    model_resolution: Text
    observer_checklist: list[Text] = Field(min_length=1)
    rubric: list[Criterion] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)
    variations: Variations

    @field_validator("chapters")
    @classmethod
    def _other_chapters(cls, chapters: list[str], info: ValidationInfo) -> list[str]:
        primary = info.data.get("chapter")
        repeated = sorted({c for c in chapters if c == primary or chapters.count(c) > 1})
        if repeated:
            raise ValueError(
                f"lists {', '.join(repeated)} twice: name each chapter once, "
                f"the primary one only under 'chapter'"
            )
        return chapters

    @field_validator("group_size")
    @classmethod
    def _a_player_per_role(cls, size: int, info: ValidationInfo) -> int:
        roles = info.data.get("roles")
        if roles is not None and size < len(roles):
            raise ValueError(f"{size} people cannot play {len(roles)} roles")
        return size

    @field_validator("run_sheet")
    @classmethod
    def _adds_up(cls, steps: list[Step], info: ValidationInfo) -> list[Step]:
        duration = info.data.get("duration_minutes")
        total = sum(step.minutes for step in steps)
        if duration is not None and total != duration:
            raise ValueError(
                f"the steps add up to {total} minutes, but duration_minutes is {duration}"
            )
        return steps

    @property
    def all_chapters(self) -> list[str]:
        """The primary chapter first, then the others it practises."""
        return [self.chapter, *self.chapters]

    def linked_chapters(self) -> tuple[str, ...]:
        return tuple(self.all_chapters)

    def references(self) -> list[Reference]:
        return (
            super().references()
            + [Reference(("chapters", i), "chapters", c) for i, c in enumerate(self.chapters)]
            + [Reference(("forms", i), "forms", form) for i, form in enumerate(self.forms)]
        )
