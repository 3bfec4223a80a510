"""Read YAML source files and remember the line of every key and list item.

Validation errors name a path inside the data (``questions[2].options``); the
line map turns that path back into the line an author should look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, SourceError

Location = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed YAML file: its data, its display path and where each part starts."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

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


def load(path: Path, display: str) -> Source:
    """Parse ``path``; raise ContentError naming ``display`` and the line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([SourceError(display, 1, f"not UTF-8 text ({exc.reason})")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([SourceError(display, line, f"invalid YAML: {exc.problem}")]) from None
    if node is None:
        raise ContentError([SourceError(display, 1, "the file is empty")])
    source = Source(display, None, {(): node.start_mark.line + 1})
    duplicates: list[SourceError] = []
    _map_lines(node, (), source.lines, duplicates, display)
    if duplicates:
        raise ContentError(duplicates)
    try:
        source.data = yaml.SafeLoader(text).get_single_data()
    except yaml.YAMLError as exc:
        raise ContentError([SourceError(display, 1, f"invalid YAML: {exc}")]) from None
    return source


def _map_lines(
    node: yaml.Node,
    location: Location,
    lines: dict[Location, int],
    duplicates: list[SourceError],
    display: str,
) -> None:
    """Record the line of every mapping key and sequence item below ``node``."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                duplicates.append(SourceError(display, line, f"duplicate key '{key}'"))
            seen.add(key)
            lines[(*location, key)] = line
            _map_lines(value_node, (*location, key), lines, duplicates, display)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*location, index)] = item.start_mark.line + 1
            _map_lines(item, (*location, index), lines, duplicates, display)
