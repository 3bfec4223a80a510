"""Every PDF of one build: its jobs (the course's and the handbook's), rendered or
read from the artifact store, and the form thumbnails and pack made from them.

The plugin makes one ``SitePdfs`` a build, once every chapter's HTML exists; a
build renders it at once, ``mkdocs serve`` may hand it to its ``ServeSession``
to render in the background.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator import artifacts, build, handbook, pdf, site_files
from generator.catalog import Catalog
from generator.content_types import CONTENT_TYPES


@dataclass(frozen=True)
class HandbookOptions:
    """What the handbook's and chapter PDFs are laid out with, besides the chapters."""

    chapters_dir: str
    course_title: str
    exercises: bool
    part_chapters: int
    cover: handbook.Cover


@dataclass(frozen=True)
class SitePdfs:
    catalog: Catalog
    course_jobs: list[pdf.PdfJob]
    """The jobs made with the course (forms, cases, answer keys...)."""
    chapter_html: Mapping[str, str]
    """Each chapter's HTML as the site renders it, figures embedded."""
    course_key: str
    options: HandbookOptions
    published: site_files.Published
    """The site's other files, where print HTML takes its images from."""
    store: artifacts.Store
    workers: int = 0

    @property
    def cache(self) -> pdf.PdfCache | None:
        return pdf.PdfCache(self.store) if self.store.folder else None

    def jobs(self) -> list[pdf.PdfJob]:
        """Every job, the handbook's included, with the site's images inlined."""
        options = self.options
        handbook_jobs = handbook.cached_jobs(
            self.store,
            self.course_key,
            self.chapter_html,
            self.catalog,
            options.chapters_dir,
            options.course_title,
            exercises=options.exercises,
            part_chapters=options.part_chapters,
            cover=options.cover,
        )
        sources = {
            item.source.path: item.source.text
            for kind in CONTENT_TYPES
            for item in self.catalog.of(kind.folder)
        }
        return pdf.with_site_images([*self.course_jobs, *handbook_jobs], self.published, sources)

    def render(self) -> dict[str, pdf.PdfData]:
        """Every PDF and file made from PDFs, by path; ContentError if one breaks a rule."""
        return self.with_form_extras(
            pdf.render_all(self.jobs(), cache=self.cache, workers=self.workers)
        )

    def with_form_extras(
        self, rendered: list[tuple[pdf.PdfJob, pdf.PdfData]]
    ) -> dict[str, pdf.PdfData]:
        """Rendered PDFs by path, with the form thumbnails and pack made from them."""
        made = {job.path: data for job, data in rendered}
        forms = {path: pdf.read(data) for path, data in made.items() if path.startswith("forms/")}
        return made | dict(build.form_extras(forms, self.catalog, self.cache))
