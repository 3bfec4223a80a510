"""Python-Markdown's abbreviations, made to work inside Chinese text.

The stock extension wraps each term in ``\\b``; Chinese characters count as word
characters, so a term such as 意向客户 inside a sentence never matches. Here only
ASCII letters and digits act as word characters around a term, and each term is
marked on its first use in a page's body text only (never in headings, which
also feed the table of contents), so tooltips help without cluttering. Marked
terms take keyboard focus, which opens Material's tooltip (``content.tooltips``)
from the keyboard and, on a phone, with a tap.

``glossary_file`` gives every page the definitions of a file of
``*[term]: definition`` lines, read once, as if the file were appended to each
page: appended, its 44 lines are parsed again as Markdown blocks on every page
(about 5 ms a page).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor


class CjkAbbrTreeprocessor(AbbrTreeprocessor):
    def run(self, root: etree.Element) -> None:
        if not self.abbrs:
            return
        terms = sorted(self.abbrs, key=len, reverse=True)
        alternatives = "|".join(re.escape(term) for term in terms)
        self.RE = re.compile(f"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])")
        self.iter_element(root)
        _keep_first_use(root)


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _keep_first_use(root: etree.Element) -> None:
    """Unwrap every ``<abbr>`` in a heading or whose term was already marked."""
    parents = {child: parent for parent in root.iter() for child in parent}
    seen: set[str] = set()
    for abbr in list(root.iter("abbr")):
        term = abbr.text or ""
        if term not in seen and not _in_heading(abbr, parents):
            seen.add(term)
            # Focusable, so the tooltip also opens by keyboard and by a tap.
            abbr.set("tabindex", "0")
            continue
        _unwrap(abbr, parents[abbr])


def _in_heading(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> bool:
    while element in parents:
        element = parents[element]
        if element.tag in HEADINGS:
            return True
    return False


def _unwrap(abbr: etree.Element, parent: etree.Element) -> None:
    """Put the term back as plain text where the ``<abbr>`` stood."""
    text = (abbr.text or "") + (abbr.tail or "")
    index = list(parent).index(abbr)
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(abbr)


class CjkAbbrExtension(AbbrExtension):
    abbrs: dict[str, str]

    def __init__(self, **kwargs: Any) -> None:
        self.glossary_file: str = kwargs.pop("glossary_file", "")
        """A file of ``*[term]: definition`` lines that every page gets."""
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        if self.glossary_file:
            stat = os.stat(self.glossary_file)
            self.load_glossary(_definitions(self.glossary_file, stat.st_mtime_ns, stat.st_size))
        super().extendMarkdown(md)
        md.treeprocessors.register(CjkAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


@lru_cache(maxsize=4)
def _definitions(path: str, mtime_ns: int, size: int) -> dict[str, str]:
    """The file's definitions, as Python-Markdown's own abbreviation syntax reads them.

    MkDocs makes a Markdown converter per page; the file is read once per version.
    """
    extension = CjkAbbrExtension()
    Markdown(extensions=[extension]).convert(Path(path).read_text(encoding="utf-8"))
    return dict(extension.abbrs)


def makeExtension(**kwargs: Any) -> CjkAbbrExtension:
    return CjkAbbrExtension(**kwargs)
