"""Find the content files of a folder, refusing what would be silently dropped,
shadowed, or read from outside the project.

An author who saves ``ch02.YML``, leaves ``ch01.yaml`` beside ``ch01.yml`` or
links a file from elsewhere gets an error naming the files, never a site that
quietly lacks (or leaks) something.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from generator.errors import SourceError

SUFFIX = ".yml"
YAML_SUFFIXES = {".yml", ".yaml"}
RESERVED_STEMS = {"index": "the section's landing page"}


def display_path(path: Path, project: Path) -> str:
    """``path`` as authors see it: relative to the project folder, with '/'."""
    return Path(os.path.relpath(path, project)).as_posix()


def link_problem(path: Path, project: Path) -> str | None:
    """Why ``path`` may not be read as content: a broken link or one leading outside."""
    if not path.is_symlink():
        return None
    if not path.exists():
        return f"is a broken link (to {os.readlink(path)})"
    if not path.resolve().is_relative_to(project.resolve()):
        return "is a link to a file outside the project; copy the file in instead"
    return None


def content_sources(folder: Path, project: Path) -> tuple[list[Path], list[SourceError]]:
    """The ``*.yml`` files of ``folder`` in name order, and the problems of the others."""
    if not folder.is_dir():
        return [], []
    paths: list[Path] = []
    errors: list[SourceError] = []
    entries = sorted(folder.iterdir())
    stems = {entry.stem: entry for entry in entries if entry.name.endswith(SUFFIX)}
    for entry in entries:
        if entry.name.startswith(".") or entry.suffix.lower() not in YAML_SUFFIXES:
            continue
        display = display_path(entry, project)
        problem = _problem(entry, stems, project)
        if problem:
            errors.append(SourceError(display, 1, problem))
        else:
            paths.append(entry)
    return paths, errors


def _problem(entry: Path, stems: dict[str, Path], project: Path) -> str | None:
    if entry.suffix != SUFFIX:
        twin = stems.get(entry.stem)
        also = f"; {twin.name} already exists, so one of them would be lost" if twin else ""
        return f"content files end in '{SUFFIX}': rename it to {entry.stem}{SUFFIX}{also}"
    if entry.stem in RESERVED_STEMS:
        return f"'{entry.stem}' is reserved for {RESERVED_STEMS[entry.stem]}; choose another name"
    link = link_problem(entry, project)
    if link:
        return link
    if entry.is_dir():
        return "is a folder, not a content file"
    if not entry.is_file():
        return "is not a regular file"
    return None


def outside_links(folder: Path, project: Path) -> Iterator[SourceError]:
    """Every link below ``folder`` that is broken or leads out of the project."""
    for directory, subfolders, names in os.walk(folder):
        for name in sorted(subfolders + names):
            path = Path(directory) / name
            problem = link_problem(path, project)
            if problem:
                yield SourceError(display_path(path, project), 1, problem)
