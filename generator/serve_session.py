"""What only ``mkdocs serve`` keeps between rebuilds, in one object.

A ``ServeSession`` lives from ``on_startup`` to ``on_shutdown`` and holds:

- the course, kept in memory while its sources are unchanged. Its first load
  in a session is a real one, never read back from the artifact store, so the
  memoised author Markdown and the compiled templates are warm when the first
  edit makes the next rebuild load it again (0.3 s instead of 1 s);
- the PDFs now in the served site: a rebuild hands them over at once and the
  ``BackgroundRenderer`` renders the changed ones once the pages are written,
  replacing them in the served folder when ready.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from generator import artifacts, course, pdf, segments
from generator.site_pdfs import SitePdfs

log = logging.getLogger(__name__)


class ServeSession:
    def __init__(self) -> None:
        self._course: tuple[str, course.Course] | None = None
        self.published: dict[str, pdf.PdfData] = {}
        """Every PDF and file made from PDFs now in the served site, by path."""
        self._pending: pdf.Batch | None = None
        self._background: pdf.BackgroundRenderer | None = None
        self._jieba_loading = False

    def course(
        self, settings: course.Settings, store: artifacts.Store
    ) -> tuple[course.Course, str]:
        """The course and its input key: the one in memory while the sources are
        unchanged, else loaded (and kept in ``store`` for the next build)."""
        key = course.input_key(settings)
        if self._course is None or self._course[0] != key:
            loaded = course.load(settings)
            store.remember("course", key, loaded)
            self._course = key, loaded
        return self._course[1], key

    def pdfs(self, pdfs: SitePdfs, paths: Collection[str], site: Path) -> dict[str, pdf.PdfData]:
        """The build's PDFs by path: the previous ones when the last build published
        every one of ``paths`` (the changed ones render after the build), else
        rendered now."""
        if self.published.keys() >= set(paths):
            made = {path: self.published[path] for path in paths}
            for data in made.values():
                if isinstance(data, Path):
                    pdfs.store.mark_used(data)
            self._pending = pdf.Batch(
                pdfs.jobs, pdfs.cache, lambda results: self._publish(pdfs, results, site)
            )
            log.info("PDFs: serving the previous ones while changed ones render in the background")
        else:
            made = pdfs.render()
        self.published = dict(made)
        return made

    def after_build(self, words: segments.SegmentCache, workers: int) -> None:
        """Once the site is written: start the PDFs held back, and (once) load
        jieba's dictionary, which the first edit's rebuild would otherwise wait for."""
        if not self._jieba_loading:
            words.warm_up()
            self._jieba_loading = True
        if self._pending is not None:
            if self._background is None:
                self._background = pdf.BackgroundRenderer(workers)
            self._background.submit(self._pending)
            self._pending = None

    def _publish(
        self, pdfs: SitePdfs, rendered: list[tuple[pdf.PdfJob, pdf.PdfData]], site: Path
    ) -> None:
        """(Background thread) Put freshly rendered PDFs into the served site."""
        made = pdfs.with_form_extras(rendered)
        changed = {path: data for path, data in made.items() if self.published.get(path) != data}
        for path, data in changed.items():
            artifacts.write_atomic(site / path, pdf.read(data))
        self.published.update(made)
        if changed:
            log.info("PDFs up to date: replaced %s", ", ".join(sorted(changed)))

    def wait(self) -> None:
        """Block until PDFs rendering in the background are in place."""
        if self._background is not None:
            self._background.wait()

    def close(self) -> None:
        if self._background is not None:
            self._background.close()
        self._background = None
