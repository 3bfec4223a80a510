"""Validate parsed sources against the typed models and report errors by line."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.errors import ContentError, SourceError
from generator.sources import Source

Model = TypeVar("Model", bound=BaseModel)


def validate(model: type[Model], source: Source) -> Model:
    """Build ``model`` from ``source`` or raise every problem found in it at once."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        raise ContentError(_to_source_error(source, err) for err in exc.errors()) from None


def _to_source_error(source: Source, error: ErrorDetails) -> SourceError:
    location = tuple(error["loc"])
    where = _describe(location, source)
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown key '{location[-1]}'"
        where = _describe(location[:-1], source)
    elif kind == "missing":
        message = f"missing required key '{location[-1]}'"
        where = _describe(location[:-1], source)
    elif kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        key = str(ctx.get("discriminator", "type")).strip("'")
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        message = f"unknown {key} '{ctx.get('tag')}' (expected one of: {expected})"
        location = (*location, key)
    else:
        message = error["msg"].removeprefix("Value error, ")
    prefix = f"{where}: " if where else ""
    return source.error(location, prefix + message)


def _describe(location: tuple[str | int, ...], source: Source) -> str:
    """``questions[2].options`` for the parts of ``location`` that exist in the file."""
    text = ""
    known: tuple[str | int, ...] = ()
    for part in location:
        if (*known, part) not in source.lines:
            continue
        known = (*known, part)
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
