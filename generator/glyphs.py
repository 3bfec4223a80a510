"""Warn about characters no installed font can print.

WeasyPrint draws a character that no font has as an empty box, without a
word. Names with CJK Extension B characters or emoji are common, so every
character of a printed item's source is checked against the union of the
installed fonts' character sets (from fontconfig) before PDFs are made.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from generator.errors import SourceError, excerpt


@dataclass(frozen=True)
class Coverage:
    """Code point ranges some installed font covers, merged and sorted."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __contains__(self, code: int) -> bool:
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]


_ASKING = threading.Lock()


def prefetch() -> None:
    """Start asking fontconfig on a thread: its answer takes a process and is
    ready by the time the first check needs it."""
    threading.Thread(target=printable, name="fontconfig", daemon=True).start()


def printable() -> Coverage | None:
    """Every code point some installed font covers; None when fontconfig is absent."""
    with _ASKING:
        return _coverage()


@cache
def _coverage() -> Coverage | None:
    """Kept as merged ranges: the fonts cover well over 100,000 code points."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    listing = subprocess.run(
        [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=False
    ).stdout
    spans = []
    for span in listing.split():
        first, _, last = span.partition("-")
        spans.append((int(first, 16), int(last or first, 16)))
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted(spans):
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return Coverage(tuple(starts), tuple(ends))


def missing_glyphs(sources: Iterable[tuple[str, str]]) -> Iterator[SourceError]:
    """One warning per character no font covers, per ``(text, path)`` source file.

    The characters of all files are checked together: the course uses a few
    thousand distinct ones, and only files holding a missing one are read again.
    """
    covered = printable()
    if covered is None:
        return
    files = list(sources)
    characters: set[str] = set().union(*(text for text, _ in files))
    missing = {char for char in characters if ord(char) not in covered and not char.isspace()}
    if not missing:
        return
    for text, path in files:
        if missing.isdisjoint(text):
            continue
        reported: set[str] = set()
        for number, line in enumerate(text.splitlines(), start=1):
            for char in line:
                if char in reported or char not in missing:
                    continue
                reported.add(char)
                message = (
                    f"'{char}' (U+{ord(char):04X}) in \u201c{excerpt(line.strip())}\u201d "
                    "is in no installed font and would print as an empty box"
                )
                yield SourceError(path, number, message)
