"""Errors that point at a place in a source file, so authors can fix them fast."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXCERPT_LENGTH = 40
"""How much of an offending text a message quotes: enough to find it, never a whole file."""


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of ``text`` on one line, shortened with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


@dataclass(frozen=True)
class SourceError:
    """One problem in one source file, as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Every problem found in the content; raised once, after all files are read."""

    def __init__(self, errors: Iterable[SourceError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line, e.message))
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.errors)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the course content:"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)
