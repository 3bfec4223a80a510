"""Warn about characters no installed font can print.

WeasyPrint draws a character that no font has as an empty box, without a
word. Names with CJK Extension B characters or emoji are common, so every
character of a printed item's source is checked against the union of the
installed fonts' character sets (from fontconfig) before PDFs are made.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from functools import cache

from generator.errors import SourceError, excerpt


@cache
def printable() -> frozenset[int] | None:
    """Every code point some installed font covers; None when fontconfig is absent."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    listing = subprocess.run(
        [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=False
    ).stdout
    covered: set[int] = set()
    for span in listing.split():
        first, _, last = span.partition("-")
        covered.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(covered)


def missing_glyphs(text: str, path: str) -> Iterator[SourceError]:
    """One warning per character of ``text`` (a source file) no font covers."""
    covered = printable()
    if covered is None:
        return
    reported: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            if char in reported or ord(char) in covered or char.isspace():
                continue
            reported.add(char)
            message = (
                f"'{char}' (U+{ord(char):04X}) in \u201c{excerpt(line.strip())}\u201d "
                "is in no installed font and would print as an empty box"
            )
            yield SourceError(path, number, message)
