"""A blank printable form: sections of fields, rendered to a page and an A4 PDF.

Each field type is one model here and one template in ``templates/forms/fields/``.
Every type declares the height it needs to be written in by hand
(``row_mm``): handwritten rows are at least ``HANDWRITTEN_ROW_MM`` high, so a
form that looks fine on screen is still fillable with a pen.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, get_args

from pydantic import Field, model_validator

from generator.models.common import ChapterId, Content, Label, Reference, StrictModel, Text

HANDWRITTEN_ROW_MM = 8.0
"""The smallest height of a row someone writes in by hand."""
MAX_COLUMNS = 20
MAX_ROWS = 40
MAX_OPTIONS = 12
MAX_FIELDS = 40
MAX_SECTIONS = 12
"""Limits far above what an A4 form holds (``pages`` is at most 6), so a hostile
form is refused at its line instead of being laid out cell by cell: a table has
at most 20 columns (the widest has 13) of 40 rows."""


class FieldBase(StrictModel):
    """What every field type shares: the height of one row to write in."""

    row_mm: ClassVar[float] = HANDWRITTEN_ROW_MM
    handwritten: ClassVar[bool] = True
    """Whether the field is filled in with a pen (tick boxes are not)."""


class TextField(FieldBase):
    """A labelled space to write in, one or more ruled lines high.

    Each ruled line is a one-line field of its own, so typed text sits on its
    rule in every PDF reader (readers space the lines of a multi-line field
    by the font size, not by the printed rules).
    """

    type: Literal["text"]
    label: Label
    lines: int = Field(default=1, ge=1, le=20)
    hint: Label | None = None


OTHER_OPTION = "其他"
"""An option starting with this gets a line after it to write the other answer on."""


class ChoiceField(FieldBase):
    """A label with boxes to tick, one per option.

    Single choice (the default, for exclusive options such as 很满意 / 满意 /
    一般 / 不满意) is one radio group: ticking an option clears the others.
    ``multiple: true`` makes each option a checkbox of its own.
    """

    type: Literal["choice"]
    label: Label
    options: list[Label] = Field(min_length=2, max_length=MAX_OPTIONS)
    multiple: bool = False
    row_mm: ClassVar[float] = 6.0
    handwritten: ClassVar[bool] = False
    write_in_mm: ClassVar[float] = HANDWRITTEN_ROW_MM
    """The height of the line after 其他: it is written in by hand."""

    @staticmethod
    def writes_in(option: str) -> bool:
        """Whether the option (其他, 其他渠道) has a line after it for the answer."""
        return option.startswith(OTHER_OPTION)


class TableColumn(StrictModel):
    """A column heading, with an optional share of the table's width."""

    label: Label
    width: int | None = Field(default=None, ge=3, le=90)
    """Percent of the table's width; columns without one share what is left."""


class TableField(FieldBase):
    """A grid with headed columns and blank rows; the header repeats on every page."""

    type: Literal["table"]
    label: Label | None = None
    hint: Label | None = None
    columns: list[Label | TableColumn] = Field(min_length=1, max_length=MAX_COLUMNS)
    rows: int = Field(default=5, ge=1, le=MAX_ROWS)

    @property
    def headings(self) -> list[TableColumn]:
        return [c if isinstance(c, TableColumn) else TableColumn(label=c) for c in self.columns]

    @model_validator(mode="after")
    def _widths_fit(self) -> TableField:
        widths = [c.width for c in self.headings if c.width is not None]
        if sum(widths) > 100 or (len(widths) < len(self.headings) and sum(widths) >= 100):
            raise ValueError("column widths add up to more than the table's 100%")
        return self


class SignatureField(FieldBase):
    """A line for a signature and a date."""

    type: Literal["signature"]
    label: Label
    row_mm: ClassVar[float] = 10.0


class DateField(FieldBase):
    """A date written as year, month and day (and the time of day if asked for)."""

    type: Literal["date"]
    label: Label
    time: bool = False


class NumberField(FieldBase):
    """A short box for a number, with its unit printed after it (元, 次, 人)."""

    type: Literal["number"]
    label: Label
    unit: Label | None = None


class CheckboxField(FieldBase):
    """A single tick box with its label, such as 已电话确认."""

    type: Literal["checkbox"]
    label: Label
    row_mm: ClassVar[float] = 6.0
    handwritten: ClassVar[bool] = False


class AreaField(FieldBase):
    """An empty framed box to draw or write freely in, such as a relationship diagram."""

    type: Literal["area"]
    label: Label
    height_mm: int = Field(ge=20, le=250)
    hint: Label | None = None
    legend: Literal["attitudes"] | None = None
    """A legend printed under the box: ``attitudes`` gives the line styles of
    the four key-person attitudes, as in the key-person chart figure."""
    row_mm: ClassVar[float] = 20.0


SIMPLE_FIELDS = (
    TextField
    | ChoiceField
    | TableField
    | SignatureField
    | DateField
    | NumberField
    | CheckboxField
    | AreaField
)
"""The field types a repeat block may hold: every type but the repeat itself."""

SimpleField = Annotated[SIMPLE_FIELDS, Field(discriminator="type")]


class RepeatField(FieldBase):
    """A block of fields printed ``times`` times, each copy headed ``label`` and its number."""

    type: Literal["repeat"]
    label: Label
    times: int = Field(ge=2, le=12)
    fields: list[SimpleField] = Field(min_length=1, max_length=MAX_FIELDS)


FormField = Annotated[SIMPLE_FIELDS | RepeatField, Field(discriminator="type")]

FIELD_TYPES: tuple[type[FieldBase], ...] = (*get_args(SIMPLE_FIELDS), RepeatField)
"""Every field type, for checks that must cover them all."""


class FormSection(StrictModel):
    title: Label
    new_page: bool = False
    """Start the section on a new sheet, such as the results half of a plan."""
    fields: list[FormField] = Field(min_length=1, max_length=MAX_FIELDS)


class Form(Content):
    """A form trainers print and hand out, and new hires fill in on screen."""

    code: Annotated[str, Field(pattern=r"^[A-Z]{2,4}-\d{2,3}$")] | None = None
    """The form's number in the office's filing system, printed in the footer (KH-05)."""
    version: Annotated[str, Field(pattern=r"^V\d+(\.\d+)?$")] | None = None

    @property
    def reference(self) -> str:
        """Code and version as printed on the form, such as ``KH-05 V1.0``."""
        return " ".join(part for part in (self.code, self.version) if part)

    also_taught_in: list[ChapterId] = Field(default_factory=list)
    """Further chapters that teach or use the form, besides ``chapter``."""
    purpose: Text
    instructions: list[Text] = Field(default_factory=list)
    orientation: Literal["portrait", "landscape"] = "portrait"
    pages: int = Field(default=1, ge=1, le=6)
    """How many A4 pages the PDF has; a longer PDF fails the build."""
    sections: list[FormSection] = Field(min_length=1, max_length=MAX_SECTIONS)

    def linked_chapters(self) -> tuple[str, ...]:
        return (self.chapter, *(c for c in self.also_taught_in if c != self.chapter))

    def references(self) -> list[Reference]:
        return super().references() + [
            Reference(("also_taught_in", index), "chapters", chapter)
            for index, chapter in enumerate(self.also_taught_in)
        ]

    def page_limit(self) -> int | None:
        return self.pages
