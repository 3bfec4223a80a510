"""Find links in a Markdown page that point at no page, with the line they are on.

MkDocs names the page but not the line of a broken link; authors of long
chapters need the line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")


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
