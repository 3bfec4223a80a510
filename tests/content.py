"""What the source content says, read independently of the built site."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")


def chapters() -> dict[str, str]:
    """Chapter id to its Markdown text."""
    return {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "docs/chapters").glob("ch*.md"))
    }


def items(folder: str) -> dict[str, dict[str, Any]]:
    """Item id to its parsed YAML, for one content folder."""
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / folder).glob("*.yml"))
    }


def heading(markdown: str) -> str:
    match = re.search(r"^#\s+(.+)$", markdown, re.MULTILINE)
    assert match, "chapter has no title"
    return match.group(1).strip()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def glossary() -> dict[str, str]:
    """Term to definition, from the abbreviation file that feeds the tooltips."""
    text = (ROOT / "docs/includes/abbreviations.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\*\[([^\]]+)\]:\s*(.+)$", text, re.MULTILINE))
