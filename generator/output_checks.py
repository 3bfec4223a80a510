"""What a build will write, checked before anything is written.

Once the course's pages and PDF jobs are made (``course.load``), every file the
build will publish is known by path, with the source it comes from. These checks
read that plan: two outputs at one path, a hand-written page a generated one
would silently replace, two elements of one document with the same HTML id, and
links in the hand-written pages to files that will not exist. The catalog checks
each source on its own; this module checks the sources against each other
through what they make.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import build, handbook, ids, offline_app
from generator.catalog import Catalog
from generator.content_files import display_path
from generator.errors import SourceError
from generator.figures import FigureSet
from generator.links import broken_links_in
from generator.pdf import PdfJob


@dataclass(frozen=True)
class Folders:
    """Where the hand-written pages are, and the folder messages name files from."""

    docs_dir: Path
    chapters_dir: str
    includes: Path
    project: Path


def problems(
    catalog: Catalog,
    pages: list[build.Output],
    jobs: list[PdfJob],
    figure_set: FigureSet,
    folders: Folders,
) -> list[SourceError]:
    """Every problem of the planned outputs, in the order an author fixes them."""
    figure_sources = build.figure_paths(figure_set)
    outputs = [(page.path, page.origin) for page in pages]
    outputs += [(job.path, job.origin.path if job.origin else "the generator") for job in jobs]
    outputs += figure_sources.items()
    chapter_pdfs = handbook.pdf_paths(catalog, folders.chapters_dir)
    outputs += [(path, "the chapters") for path in chapter_pdfs]
    outputs += build.form_extra_paths(catalog).items()
    outputs += offline_app.paths().items()
    sources = {item.source.path for items in catalog.items.values() for item in items}
    found = list(ids.output_path_problems(outputs, sources | set(figure_sources.values())))
    documents = [(page.path, page.content) for page in pages if isinstance(page.content, str)]
    found += ids.html_id_problems(documents + [(job.path, job.html) for job in jobs], catalog)
    generated = dict(outputs)
    found += hand_written_clashes(generated.items(), folders.docs_dir, folders.project)
    found += broken_links_in(folders.docs_dir, folders.includes, set(generated), folders.project)
    return found


def hand_written_clashes(
    outputs: Iterable[tuple[str, str]], docs_dir: Path, project: Path
) -> Iterator[SourceError]:
    """A file in ``docs/`` at a path the generator writes would be silently
    replaced: for (path, origin) of each output."""
    for path, origin in outputs:
        clash = docs_dir / path
        if clash.exists() or clash.is_symlink():
            message = f"this file would be replaced by the one generated from {origin}; remove it"
            yield SourceError(display_path(clash, project), 1, message)
