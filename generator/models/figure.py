"""A figure drawn at build time from a small data file in ``figures/``.

Each figure type holds only what its drawing needs; numbers that the text also
states (funnel counts, matrix weights) live here once, and derived numbers
(conversion rates, weighted totals) are computed, never typed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, RootModel

from generator.errors import excerpt
from generator.models.common import ChapterId, Label, StrictModel

Problem = tuple[tuple[str | int, ...], str]
"""A place in the figure's data and what is wrong there."""

Attitude = Literal["积极", "中立", "消极", "尚未建立关系"]
"""The four relationship states of a key person (chapter 6); drawn by ``generator.attitudes``."""

STRENGTHS = {"◎": 9, "○": 3, "△": 1, "": 0}
"""VOC-CTQ relationship symbols and their scores; an empty cell scores 0."""

MAX_ITEMS = 30
"""Most entries in any list of a figure (steps, stages, people, rows, ...): a drawing
that must stay readable at phone width never needs more, and layout time grows
faster than the number of boxes."""
MAX_LABEL = 40
"""Most characters in a text drawn inside a figure."""
MAX_CAPTION = 80
"""Most characters in a figure's title (its caption)."""
MAX_ALT = 300
"""Most characters in a figure's alt text: a sentence or two."""
MAX_AMOUNT = 10**12
"""Largest count or sum a funnel may state."""
MAX_DAYS = 3660
"""Longest interval, in days, an intervals figure may draw (ten years)."""


def at_most(limit: int, what: str) -> AfterValidator:
    """A text's length limit, with a message that says what the limit is for."""

    def check(value: str) -> str:
        if len(value) > limit:
            message = f"\u201c{excerpt(value)}\u201d has {len(value)} characters; {what}"
            raise ValueError(f"{message} {limit} at most")
        return value

    return AfterValidator(check)


DrawnLabel = Annotated[Label, at_most(MAX_LABEL, "a text drawn in a figure has")]
"""A label drawn in the figure: plain text, short enough to fit in a box."""


def items(least: int = 1, most: int = MAX_ITEMS) -> Any:
    """The bounds of a list in a figure's data."""
    return Field(min_length=least, max_length=most)


def number(ge: float | None = None, gt: float | None = None, le: float | None = None) -> Any:
    """A finite number within bounds (``.inf`` and ``.nan`` are YAML floats too)."""
    return Field(allow_inf_nan=False, ge=ge, gt=gt, le=le)


class FigureBase(StrictModel):
    """What every figure has: a title for its caption, its chapter, and alt text."""

    title: Annotated[Label, at_most(MAX_CAPTION, "a caption has")]
    chapter: ChapterId
    alt: Annotated[Label, at_most(MAX_ALT, "alt text has")]
    """Read by screen readers instead of the drawing: say what it shows, in a sentence or two."""

    def problems(self) -> list[Problem]:
        """Mistakes that involve several fields, each at the place to fix."""
        return []


class Stage(StrictModel):
    label: DrawnLabel
    value: int | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    unit: DrawnLabel | None = None


class PerEntry(StrictModel):
    """The arithmetic per top-of-funnel entry: total ÷ entries, then × rate."""

    total: int = Field(gt=0, le=MAX_AMOUNT)
    total_label: DrawnLabel
    rate_percent: float = number(gt=0, le=100)
    average_label: DrawnLabel
    commission_label: DrawnLabel


class Funnel(FigureBase):
    """Stages that narrow: drawn as a funnel; with values, widths follow them."""

    type: Literal["funnel"]
    stages: list[Stage] = items(2)
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
            if values[index - 1] == 0:
                message = "only the last stage may be 0: the next stage's rate is a share of it"
                found.append((("stages", index - 1, "value"), message))
        return found

    def values(self) -> list[int]:
        return [stage.value or 0 for stage in self.stages]


class Level(StrictModel):
    label: DrawnLabel
    interval_days: float = number(ge=1, le=MAX_DAYS)
    text: DrawnLabel


class LevelGroup(StrictModel):
    title: DrawnLabel
    levels: list[Level] = items()


class Tick(StrictModel):
    days: float = number(ge=1, le=MAX_DAYS)
    label: DrawnLabel


class Intervals(FigureBase):
    """Grading schemes side by side, each grade a bar as long as its contact interval."""

    type: Literal["intervals"]
    axis_label: DrawnLabel
    ticks: list[Tick] = items(2)
    groups: list[LevelGroup] = items()


class Step(StrictModel):
    label: DrawnLabel
    detail: DrawnLabel | None = None


class Span(StrictModel):
    """Steps ``first`` to ``last`` (numbered from 1) framed together under a label."""

    first: int = Field(ge=1, le=MAX_ITEMS)
    last: int = Field(ge=1, le=MAX_ITEMS)
    label: DrawnLabel


class Loop(StrictModel):
    """An arrow back from step ``source`` to step ``target`` (numbered from 1)."""

    source: int = Field(ge=1, le=MAX_ITEMS)
    target: int = Field(ge=1, le=MAX_ITEMS)
    label: DrawnLabel


class Flow(FigureBase):
    """Numbered steps top to bottom, with framed spans and arrows back."""

    type: Literal["flow"]
    steps: list[Step] = items(2)
    spans: list[Span] = Field(default_factory=list, max_length=MAX_ITEMS)
    loops: list[Loop] = Field(default_factory=list, max_length=MAX_ITEMS)

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
    key: DrawnLabel
    label: DrawnLabel
    detail: DrawnLabel


class Cycle(FigureBase):
    """Stages in a closed loop, such as PDCA."""

    type: Literal["cycle"]
    centre: DrawnLabel
    stages: list[CycleStage] = items(3, 8)


class Phase(StrictModel):
    label: DrawnLabel
    level: float = number(ge=0, le=100)
    """The curve's height at the end of the phase, 0-100."""
    strategy: list[DrawnLabel] = items(1, 3)


class Lifecycle(FigureBase):
    """A curve over named phases, with each phase's strategy written under it."""

    type: Literal["lifecycle"]
    start_level: float = number(ge=0, le=100)
    x_label: DrawnLabel
    y_label: DrawnLabel
    phases: list[Phase] = items(2)


class Contact(StrictModel):
    name: DrawnLabel
    position: DrawnLabel


class KeyPerson(StrictModel):
    name: DrawnLabel
    position: DrawnLabel
    role: DrawnLabel
    attitude: Attitude
    contact: DrawnLabel | None = None
    """The ``name`` of one of ``contacts``; none when nobody knows this person yet."""


class Relations(FigureBase):
    """The key-person chart: our contacts, their key people, and each relationship."""

    type: Literal["relations"]
    ours: DrawnLabel
    theirs: DrawnLabel
    nobody: DrawnLabel
    """Shown where a key person has no contact on our side yet."""
    legend: DrawnLabel
    contacts: list[Contact] = items()
    people: list[KeyPerson] = items()

    def problems(self) -> list[Problem]:
        names = {contact.name for contact in self.contacts}
        return [
            (("people", index, "contact"), f"'{person.contact}' is not the name of a contact")
            for index, person in enumerate(self.people)
            if person.contact is not None and person.contact not in names
        ]


class Weighted(StrictModel):
    label: DrawnLabel
    weight: int = Field(ge=1, le=9)


Symbol = Literal["◎", "○", "△", ""]


class Matrix(FigureBase):
    """A VOC-CTQ matrix: each cell (row weight + column weight) × strength, columns summed."""

    type: Literal["matrix"]
    corner: DrawnLabel
    total_label: DrawnLabel
    rows: list[Weighted] = items()
    columns: list[Weighted] = items()
    cells: list[Annotated[list[Symbol], items(0)]] = items(0)
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
