"""A blank printable form: sections of fields, rendered to a page and an A4 PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from generator.models.common import Content, Label, StrictModel, Text


class TextField(StrictModel):
    """A labelled space to write in, one or more ruled lines high."""

    type: Literal["text"]
    label: Label
    lines: int = Field(default=1, ge=1, le=20)
    hint: Label | None = None


class ChoiceField(StrictModel):
    """A label with boxes to tick."""

    type: Literal["choice"]
    label: Label
    options: list[Label] = Field(min_length=2)


class TableField(StrictModel):
    """A grid with headed columns and empty rows to fill in."""

    type: Literal["table"]
    label: Label | None = None
    columns: list[Label] = Field(min_length=1)
    rows: int = Field(default=5, ge=1, le=40)


class SignatureField(StrictModel):
    """A line for a signature and a date."""

    type: Literal["signature"]
    label: Label


FormField = Annotated[
    TextField | ChoiceField | TableField | SignatureField, Field(discriminator="type")
]


class FormSection(StrictModel):
    title: Label
    fields: list[FormField] = Field(min_length=1)


class Form(Content):
    """A form trainers print and hand out."""

    purpose: Text
    instructions: list[Text] = Field(default_factory=list)
    orientation: Literal["portrait", "landscape"] = "portrait"
    sections: list[FormSection] = Field(min_length=1)
