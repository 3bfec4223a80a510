"""Read the course glossary: the abbreviation file whose lines give every page
its term tooltips (``*[术语]: 解释``) is also the source of the glossary page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ContentError, SourceError, excerpt
from generator.sources import read_text

ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>\S.*?)\s*$")


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


def load_glossary(path: Path, display: str) -> list[Term]:
    """Every term in file order; raise ContentError for lines that are not entries."""
    if not path.is_file():
        raise ContentError([SourceError(display, 1, "glossary file not found")])
    terms: list[Term] = []
    errors: list[SourceError] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(read_text(path, display).splitlines(), start=1):
        if not line.strip():
            continue
        match = ENTRY.match(line)
        if not match:
            errors.append(
                SourceError(display, number, f"not a '*[term]: definition' line: {excerpt(line)}")
            )
            continue
        term = match["term"].strip()
        if term in seen:
            errors.append(
                SourceError(display, number, f"'{term}' is already defined on line {seen[term]}")
            )
            continue
        seen[term] = number
        terms.append(Term(term, match["definition"]))
    if errors:
        raise ContentError(errors)
    return terms
