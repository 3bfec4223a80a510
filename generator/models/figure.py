"""A figure drawn at build time from a small data file in ``figures/``.

Each figure type holds only what its drawing needs; numbers that the text also
states (funnel counts, matrix weights) live here once, and derived numbers
(conversion rates, weighted totals) are computed, never typed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from generator.models.common import ChapterId, Label, StrictModel

Problem = tuple[tuple[str | int, ...], str]
"""A place in the figure's data and what is wrong there."""

Attitude = Literal["积极", "中立", "消极", "尚未建立关系"]
"""The four relationship states of a key person (chapter 6); drawn by ``generator.attitudes``."""

STRENGTHS = {"◎": 9, "○": 3, "△": 1, "": 0}
"""VOC-CTQ relationship symbols and their scores; an empty cell scores 0."""


class FigureBase(StrictModel):
    """What every figure has: a title for its caption, its chapter, and alt text."""

    title: Label
    chapter: ChapterId
    alt: Label
    """Read by screen readers instead of the drawing: say what it shows, in a sentence or two."""

    def problems(self) -> list[Problem]:
        """Mistakes that involve several fields, each at the place to fix."""
        return []


class Stage(StrictModel):
    label: Label
    value: int | None = Field(default=None, ge=0)
    unit: Label | None = None


class PerEntry(StrictModel):
    """The arithmetic per top-of-funnel entry: total ÷ entries, then × rate."""

    total: int = Field(gt=0)
    total_label: Label
    rate_percent: float = Field(gt=0, le=100)
    average_label: Label
    commission_label: Label


class Funnel(FigureBase):
    """Stages that narrow: drawn as a funnel; with values, widths follow them."""

    type: Literal["funnel"]
    stages: list[Stage] = Field(min_length=2)
    per_entry: PerEntry | None = None

    def problems(self) -> list[Problem]:
        values = [stage.value for stage in self.stages]
        if any(v is None for v in values):
            if any(v is not None for v in values) or self.per_entry:
                return [(("stages",), "give every stage a value, or none and no per_entry")]
            return []
        found: list[Problem] = []
        for index in range(1, len(values)):
            if values[index] > values[index - 1]:  # type: ignore[operator]
                found.append((("stages", index, "value"), "a value may not grow down the funnel"))
        return found

    def values(self) -> list[int]:
        return [stage.value or 0 for stage in self.stages]


class Level(StrictModel):
    label: Label
    interval_days: float = Field(gt=0, le=3660)
    text: Label


class LevelGroup(StrictModel):
    title: Label
    levels: list[Level] = Field(min_length=1)


class Tick(StrictModel):
    days: float = Field(gt=0)
    label: Label


class Intervals(FigureBase):
    """Grading schemes side by side, each grade a bar as long as its contact interval."""

    type: Literal["intervals"]
    axis_label: Label
    ticks: list[Tick] = Field(min_length=2)
    groups: list[LevelGroup] = Field(min_length=1)


class Step(StrictModel):
    label: Label
    detail: Label | None = None


class Span(StrictModel):
    """Steps ``first`` to ``last`` (numbered from 1) framed together under a label."""

    first: int = Field(ge=1)
    last: int = Field(ge=1)
    label: Label


class Loop(StrictModel):
    """An arrow back from step ``source`` to step ``target`` (numbered from 1)."""

    source: int = Field(ge=1)
    target: int = Field(ge=1)
    label: Label


class Flow(FigureBase):
    """Numbered steps top to bottom, with framed spans and arrows back."""

    type: Literal["flow"]
    steps: list[Step] = Field(min_length=2)
    spans: list[Span] = Field(default_factory=list)
    loops: list[Loop] = Field(default_factory=list)

    def problems(self) -> list[Problem]:
        count = len(self.steps)
        found: list[Problem] = [
            (("spans", index), f"steps {span.first}-{span.last} are not within 1-{count}")
            for index, span in enumerate(self.spans)
            if not span.first <= span.last <= count
        ]
        found += [
            (("loops", index), f"there is no step {max(loop.source, loop.target)} (1-{count})")
            for index, loop in enumerate(self.loops)
            if max(loop.source, loop.target) > count
        ]
        return found


class CycleStage(StrictModel):
    key: Label
    label: Label
    detail: Label


class Cycle(FigureBase):
    """Stages in a closed loop, such as PDCA."""

    type: Literal["cycle"]
    centre: Label
    stages: list[CycleStage] = Field(min_length=3, max_length=8)


class Phase(StrictModel):
    label: Label
    level: float = Field(ge=0, le=100)
    """The curve's height at the end of the phase, 0-100."""
    strategy: list[Label] = Field(min_length=1, max_length=3)


class Lifecycle(FigureBase):
    """A curve over named phases, with each phase's strategy written under it."""

    type: Literal["lifecycle"]
    start_level: float = Field(ge=0, le=100)
    x_label: Label
    y_label: Label
    phases: list[Phase] = Field(min_length=2)


class Contact(StrictModel):
    name: Label
    position: Label


class KeyPerson(StrictModel):
    name: Label
    position: Label
    role: Label
    attitude: Attitude
    contact: Label | None = None
    """The ``name`` of one of ``contacts``; none when nobody knows this person yet."""


class Relations(FigureBase):
    """The key-person chart: our contacts, their key people, and each relationship."""

    type: Literal["relations"]
    ours: Label
    theirs: Label
    nobody: Label
    """Shown where a key person has no contact on our side yet."""
    legend: Label
    contacts: list[Contact] = Field(min_length=1)
    people: list[KeyPerson] = Field(min_length=1)

    def problems(self) -> list[Problem]:
        names = {contact.name for contact in self.contacts}
        return [
            (("people", index, "contact"), f"'{person.contact}' is not the name of a contact")
            for index, person in enumerate(self.people)
            if person.contact is not None and person.contact not in names
        ]


class Weighted(StrictModel):
    label: Label
    weight: int = Field(ge=1, le=9)


Symbol = Literal["◎", "○", "△", ""]


class Matrix(FigureBase):
    """A VOC-CTQ matrix: each cell (row weight + column weight) × strength, columns summed."""

    type: Literal["matrix"]
    corner: Label
    total_label: Label
    rows: list[Weighted] = Field(min_length=1)
    columns: list[Weighted] = Field(min_length=1)
    cells: list[list[Symbol]]
    """One list per row, one symbol per column: ◎ 9, ○ 3, △ 1, "" none."""

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if len(self.cells) != len(self.rows):
            found.append((("cells",), f"{len(self.cells)} rows of cells for {len(self.rows)} rows"))
        found += [
            (("cells", index), f"{len(row)} cells for {len(self.columns)} columns")
            for index, row in enumerate(self.cells)
            if len(row) != len(self.columns)
        ]
        return found

    def score(self, row: int, column: int) -> int:
        strength = STRENGTHS[self.cells[row][column]]
        return (self.rows[row].weight + self.columns[column].weight) * strength

    def totals(self) -> list[int]:
        """Each column's weighted total, the matrix's verdict."""
        return [
            sum(self.score(row, column) for row in range(len(self.rows)))
            for column in range(len(self.columns))
        ]


Figure = Funnel | Intervals | Flow | Cycle | Lifecycle | Relations | Matrix


class FigureFile(RootModel[Annotated[Figure, Field(discriminator="type")]]):
    """A figure source file: one figure, its ``type`` choosing the model."""
