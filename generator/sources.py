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
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no author types on purpose and XML 1.0 cannot hold (or holds only as
a line break, like NEL): C0 controls but tab, CR and LF; DEL; C1 controls; lone
surrogates; U+FFFE and U+FFFF. Refused in raw text and, in YAML, after escapes
such as ``"\\x01"`` are decoded."""
MAX_FILE_BYTES = 512 * 1024
"""The largest source file (YAML, Markdown, side file) read: 20 times the largest
chapter, so a runaway file fails at once instead of slowing every step down."""
MAX_NUMBER_LENGTH = 30
"""The most characters a YAML number may have. Python refuses to convert
integers of over 4,300 digits; no content needs more than a few."""


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
    """A source file's text; ContentError naming the line of any undecodable byte or
    control character, or the file when it is too large.

    Every text file the build reads (content, chapters, glossary, search files)
    comes through here, so none can put a character into an output that makes
    it malformed.
    """
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ContentError([SourceError(display, 1, f"cannot be read ({exc.strerror})")]) from None
    if len(raw) > MAX_FILE_BYTES:
        message = f"is larger than {MAX_FILE_BYTES // 1024} KiB; split it up"
        raise ContentError([SourceError(display, 1, message)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise ContentError([SourceError(display, line, message)]) from None
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ContentError([SourceError(display, line, control_message(bad.group()))])
    return text


def control_message(character: str) -> str:
    return f"control character U+{ord(character):04X} is not allowed"


def load(path: Path, display: str) -> Source:
    """Parse ``path``; raise ContentError naming ``display`` and the line on bad YAML."""
    text = read_text(path, display)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContentError([SourceError(display, 1, "the file is empty")])
        source = Source(display, None, {(): node.start_mark.line + 1}, text)
        _map_lines(node, source)
        source.data = loader.construct_document(node)
        _refuse_decoded_controls(source)
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
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")):
            if len(node.value) > MAX_NUMBER_LENGTH:
                message = f"a number of more than {MAX_NUMBER_LENGTH} characters is not allowed"
                errors.append(SourceError(source.path, node.start_mark.line + 1, message))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                source.lines[(*location, index)] = item.start_mark.line + 1
                children.append((item, (*location, index)))
        stack.extend(reversed(children))
    if errors:
        raise ContentError(errors)


def _refuse_decoded_controls(source: Source) -> None:
    """Control characters written as YAML escapes (``"\\x07"``, ``"\\u0085"``) in
    any key or string, found after decoding, by the line of their key or item."""
    errors: list[SourceError] = []
    stack: list[tuple[Any, Location]] = [(source.data, ())]
    while stack:
        value, location = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                stack += [(str(key), (*location, str(key))), (child, (*location, str(key)))]
        elif isinstance(value, list):
            stack += [(child, (*location, index)) for index, child in enumerate(value)]
        elif isinstance(value, str) and (bad := CONTROL.search(value)):
            errors.append(source.error(location, control_message(bad.group())))
    if errors:
        raise ContentError(errors)
