"""Read the course glossary: the abbreviation file whose lines give every page
its term tooltips (``*[术语]: 解释``) is also the source of the glossary page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ContentError, SourceError, excerpt
from generator.sources import read_text

MAX_TERM = 40
"""Characters of a term (the longest has 10): terms are matched in every page."""
MAX_DEFINITION = 300
"""Characters of a definition (the longest has 104): it is a tooltip, not a section."""
MAX_TERMS = 1000
"""Terms in the glossary (the course has 44): each is looked for in every page."""

ENTRY = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<definition>\S.*?)\s*$")


@dataclass(frozen=True)
class Term:
    term: str
    definition: str

    @property
    def anchor(self) -> str:
        """The id of the term's row on the glossary page (its search entry links there)."""
        return "term-" + "".join(self.term.split())


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
        too_long = _too_long(term, match["definition"])
        if too_long:
            errors.append(SourceError(display, number, too_long))
            continue
        if len(terms) == MAX_TERMS:
            message = f"more than {MAX_TERMS} terms; the glossary is for the course's own terms"
            errors.append(SourceError(display, number, message))
            break
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


def _too_long(term: str, definition: str) -> str | None:
    if len(term) > MAX_TERM:
        return f"the term '{excerpt(term)}' is longer than {MAX_TERM} characters"
    if len(definition) > MAX_DEFINITION:
        return f"the definition of '{excerpt(term)}' is longer than {MAX_DEFINITION} characters"
    return None
