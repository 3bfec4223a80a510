"""Read YAML source files and remember the line of every key and list item.

Validation errors name a path inside the data (``questions[2].options``); the
line map turns that path back into the line an author should look at.

Content files are written by many hands, so the loader refuses what authors
never need and attackers like: control characters, anchors and aliases (an
alias bomb expands exponentially), and deep nesting. Each file is parsed once,
with libyaml when it is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, SourceError, excerpt

Location = tuple[str | int, ...]

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 24
"""Deeper than any content file needs; stops pathological nesting early."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
"""Characters YAML forbids, or that no author types on purpose (tab, CR, LF allowed)."""
MAX_DIGITS = 30
"""Longest integer a content file may write: Python refuses to convert one of over
4,300 digits, and none of the course's numbers needs more than a few."""
INT_TAG = "tag:yaml.org,2002:int"


@dataclass
class Source:
    """A parsed YAML file: its data, its display path and where each part starts."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, location: Location) -> int:
        """The line of the deepest known part of ``location``.

        Parts the map does not know (such as a union's tag that validators add)
        are skipped, so the answer is always a real place in the file.
        """
        known: Location = ()
        for part in location:
            if (*known, part) in self.lines:
                known = (*known, part)
        return self.lines.get(known, 1)

    def error(self, location: Location, message: str) -> SourceError:
        return SourceError(self.path, self.line_of(location), message)


def read_text(path: Path, display: str) -> str:
    """A content file's text; ContentError naming the line of any undecodable byte."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([SourceError(display, 1, f"cannot be read ({exc.strerror})")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise ContentError([SourceError(display, line, message)]) from None


def load(path: Path, display: str) -> Source:
    """Parse ``path``; raise ContentError naming ``display`` and the line on bad YAML."""
    text = read_text(path, display)
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        message = f"control character U+{ord(bad.group()):04X} is not allowed"
        raise ContentError([SourceError(display, line, message)])
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContentError([SourceError(display, 1, "the file is empty")])
        source = Source(display, None, {(): node.start_mark.line + 1}, text)
        _map_lines(node, source)
        source.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([SourceError(display, line, f"invalid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        message = f"invalid YAML: {excerpt(str(exc))}"
        raise ContentError([SourceError(display, 1, message)]) from None
    finally:
        loader.dispose()
    return source


def _map_lines(root: yaml.Node, source: Source) -> None:
    """Record the line of every mapping key and sequence item, iteratively.

    A node met twice is an alias (``*name``); aliases are refused before any
    expansion, so neither a bomb nor a recursive alias can cost time or memory.
    """
    seen: set[int] = set()
    errors: list[SourceError] = []
    stack: list[tuple[yaml.Node, Location]] = [(root, ())]
    while stack:
        node, location = stack.pop()
        line = source.lines.get(location, node.start_mark.line + 1)
        if id(node) in seen:
            message = "anchors and aliases (&name, *name) are not allowed in content files"
            raise ContentError([SourceError(source.path, line, message)])
        seen.add(id(node))
        if len(location) > MAX_DEPTH:
            message = f"nested more than {MAX_DEPTH} levels deep"
            raise ContentError([SourceError(source.path, line, message)])
        children: list[tuple[yaml.Node, Location]] = []
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in keys:
                    errors.append(
                        SourceError(source.path, key_line, f"duplicate key '{excerpt(key)}'")
                    )
                keys.add(key)
                source.lines[(*location, key)] = key_line
                children.append((value_node, (*location, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                source.lines[(*location, index)] = item.start_mark.line + 1
                children.append((item, (*location, index)))
        elif node.tag == INT_TAG and len(node.value) > MAX_DIGITS:
            message = f"a number of {len(node.value)} characters; numbers have {MAX_DIGITS} at most"
            errors.append(SourceError(source.path, line, message))
        stack.extend(reversed(children))
    if errors:
        raise ContentError(errors)
