"""A role-play case trainers run in class, with briefs, checklist and debrief."""

from __future__ import annotations

from pydantic import Field

from generator.models.common import Content, ItemId, Label, Reference, StrictModel, Text


class Role(StrictModel):
    """A part in the role play: what everyone knows, and what only its player knows."""

    name: Label
    public: Text
    confidential: Text | None = None


class Case(Content):
    """A role-play case and everything a trainer needs to run it."""

    duration_minutes: int = Field(ge=5, le=240)
    background: Text
    objectives: list[Text] = Field(min_length=1)
    roles: list[Role] = Field(min_length=2)
    observer_checklist: list[Text] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)
    forms: list[ItemId] = Field(default_factory=list)

    def references(self) -> list[Reference]:
        return super().references() + [
            Reference(("forms", index), "forms", form) for index, form in enumerate(self.forms)
        ]
