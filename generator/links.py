"""Find references in Markdown pages that lead nowhere or out of bounds, with
their line: links to pages that do not exist, and snippet includes
(``--8<-- "file"``) of anything but a file in the includes folder.

MkDocs names the page but not the line of a broken link, and a missing snippet
ends its build with a traceback; authors of long chapters need the line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from generator.content_files import display_path
from generator.errors import ContentError, SourceError
from generator.sources import read_text

LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
SNIPPET = re.compile(r"^\s*;?-+8<-+\s*(?:[\"'](?P<name>[^\"']+)[\"'])?\s*$")


def broken_links(markdown: str, page: str, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, target) of every relative ``.md`` link in ``markdown`` whose page is unknown.

    ``page`` is the page's path inside the docs folder; ``known`` every page path.
    """
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        for match in LINK.finditer(line):
            target = match.group(1).split("#", 1)[0]
            if not target.endswith(".md") or "://" in target or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
            if resolved not in known:
                yield number, match.group(1)


def broken_links_in(
    docs_dir: Path, includes: Path, generated: set[str], project: Path
) -> Iterator[SourceError]:
    """Every broken link or snippet of every Markdown page in ``docs_dir``, before
    anything is built. ``generated`` holds the paths of the pages the generator adds."""
    pages = sorted(docs_dir.rglob("*.md"))
    known = {path.relative_to(docs_dir).as_posix() for path in pages} | generated
    for path in pages:
        display = display_path(path, project)
        try:
            text = read_text(path, display)
        except ContentError as exc:
            yield from exc.errors
            continue
        page = path.relative_to(docs_dir).as_posix()
        for line, target in broken_links(text, page, known):
            yield SourceError(display, line, f"link to '{target}' points to no page")
        for line, name in bad_snippets(text, includes):
            message = f"snippet '{name}' is not a file in {display_path(includes, project)}/"
            yield SourceError(display, line, message)


def bad_snippets(markdown: str, includes: Path) -> Iterator[tuple[int, str]]:
    """(line, name) of every snippet include that is not a file inside ``includes``."""
    in_block = False
    root = includes.resolve()
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = SNIPPET.match(line)
        name = match["name"] if match else (line.strip() if in_block else None)
        if match and not match["name"]:
            in_block = not in_block
            continue
        if not name or name.startswith(";"):
            continue
        target = (includes / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            yield number, name
