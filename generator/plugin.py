"""The MkDocs plugin: hands the generator's pages, PDFs and assets to the build.

Only this module knows MkDocs. Content is loaded, validated and rendered to
pages in ``on_config`` (``course.py``; read back from the artifact store when
the sources are those of an earlier build, kept in memory by the
``ServeSession`` under ``serve``), before MkDocs cleans the site folder, so bad content
leaves the last build intact. PDFs are registered in ``on_files`` (so links to
them validate) and rendered in ``on_env``, after every page's HTML exists and
before MkDocs writes files: the handbook and the chapter PDFs are made from the
chapters' rendered HTML, collected in ``on_page_content``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import (
    artifacts,
    build,
    course,
    figures,
    glyphs,
    handbook,
    offline_app,
    pages,
    pdf,
    scorm,
    search,
    segments,
    site_files,
    theme_markup,
)
from generator.catalog import Catalog
from generator.config import CourseConfig
from generator.content_files import display_path
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError
from generator.moodle import notice_lines
from generator.pages import HOME_SUMMARY_MARKER, render_chapter_resources, render_home_summary
from generator.serve_session import ServeSession
from generator.site_pdfs import HandbookOptions, SitePdfs
from generator.text import plain

log = logging.getLogger("mkdocs.plugins.course")

ABBREVIATIONS = "generator.cjk_abbr"
"""Our abbreviation extension: every page gets the glossary's terms as tooltips."""


class CoursePlugin(BasePlugin[CourseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.loaded: course.Course | None = None
        self.course_key = ""
        """Hash of everything the course was loaded from."""
        self.store = artifacts.Store(None)
        self.pdf_files: dict[str, File] = {}
        self.scorm_file: File | None = None
        self.chapter_html: dict[str, str] = {}
        self.chapter_sources: dict[str, tuple[str, str]] = {}
        """Each chapter's source file (as the author knows its path) and text."""
        self.svgs: dict[str, str] = {}
        self.project = Path(".")
        self.cover = handbook.Cover()
        self.segments: segments.SegmentCache | None = None
        self.app = offline_app.App("")
        self.session: ServeSession | None = None
        """Under ``serve``: what the session keeps between rebuilds."""
        self.dirty = False

    @property
    def catalog(self) -> Catalog:
        assert self.loaded is not None
        return self.loaded.catalog

    @property
    def figure_set(self) -> figures.FigureSet:
        assert self.loaded is not None
        return self.loaded.figures

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Path(config.config_file_path).parent.resolve()
        self._open_store()
        glyphs.prefetch()
        self.cover = self._cover()
        try:
            self._load(self._settings(config))
        except ContentError as exc:
            raise PluginError(str(exc)) from None
        self.app = offline_app.App(
            config.site_name, config.site_description or "", _theme_colour(config)
        )
        # The generator logs PDF progress under "generator": print it as our own.
        logging.getLogger("generator").parent = log
        self._extend_config(config)
        return config

    def _open_store(self) -> None:
        """The artifact store of ``cache_dir``; our templates' bytecode is kept there too."""
        folder = self.project / self.config.cache_dir if self.config.cache_dir else None
        if self.store.folder != folder:
            self.store = artifacts.Store(folder)
        pages.environment().bytecode_cache = self.store.bytecode_cache()

    def _cover(self) -> handbook.Cover:
        try:
            return handbook.Cover(
                self.config.organisation,
                handbook.course_version(self.config.version, self.project),
                handbook.build_date(),
            )
        except ValueError as exc:
            raise PluginError(str(exc)) from None

    def _settings(self, config: MkDocsConfig) -> course.Settings:
        return course.Settings(
            root=(self.project / self.config.content_root).resolve(),
            docs_dir=Path(config.docs_dir),
            chapters_dir=self.config.chapters_dir,
            glossary=self.config.glossary,
            search_synonyms=self.config.search_synonyms,
            search_terms=self.config.search_terms,
            project=self.project,
            site_name=config.site_name,
            organisation=self.config.organisation,
            config_file=Path(config.config_file_path).name,
            item_check=self.config.item_check.thresholds(),
        )

    def _load(self, settings: course.Settings) -> None:
        """The course (kept in memory under ``serve``), its figures and word cuts."""
        if self.session is not None:
            loaded, self.course_key = self.session.course(settings, self.store)
        else:
            loaded, self.course_key = course.load_cached(settings, self.store)
        self.loaded = loaded
        words = search.dictionary_words(
            [term.term for term in loaded.catalog.glossary] + list(loaded.synonyms)
        )
        self.segments = segments.SegmentCache(
            self.store, settings.docs_dir / settings.search_terms, words
        )
        self.segments.install()
        self.svgs = figures.render_figures(loaded.figures, self.store)
        for notice in notice_lines(loaded.catalog):
            log.info(notice)
        for finding in loaded.item_findings:
            if finding.clear:
                log.warning("Quiz item check: %s", finding)
            else:
                log.info("Quiz item check (advisory): %s", finding)

    def _extend_config(self, config: MkDocsConfig) -> None:
        """Our styles, scripts, polyfills, section pages and the glossary's tooltips."""
        config.extra_css.extend(build.STYLESHEETS)
        config.extra_javascript.extend(build.SCRIPTS)
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills.extend(p for p in build.POLYFILLS if p not in polyfills)
        if config.nav:
            config.nav = build.expand_sections(config.nav, build.section_pages(self.catalog))
        if ABBREVIATIONS in config.markdown_extensions:
            options = config.mdx_configs.setdefault(ABBREVIATIONS, {})
            options.setdefault("glossary_file", str(Path(config.docs_dir) / self.config.glossary))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.loaded is not None
        outputs = [*self.loaded.pages, *build.figure_files(self.svgs), *build.assets()]
        outputs += offline_app.cached_outputs(self.app, self.course_key, self.store)
        for output in outputs:
            files.append(File.generated(config, output.path, content=output.content))
        self.chapter_html = {}
        # Placeholders until on_env renders them; registered now so links to them validate.
        self.pdf_files = {path: File.generated(config, path, content=b"") for path in self._pdfs()}
        self.scorm_file = File.generated(config, scorm.PACKAGE_PATH, content=b"")
        for file in [*self.pdf_files.values(), self.scorm_file]:
            files.append(file)
        self._patch_search(files, config)
        return files

    def _pdfs(self) -> Iterable[str]:
        """Every PDF (and file made from PDFs) the site will publish."""
        assert self.loaded is not None
        yield from (job.path for job in self.loaded.jobs)
        yield from handbook.pdf_paths(self.catalog, self.config.chapters_dir)
        yield from build.form_extra_paths(self.catalog)

    def _patch_search(self, files: Files, config: MkDocsConfig) -> None:
        """Material's search worker and page bundle, patched (``search.py``)."""
        assert self.loaded is not None
        synonyms = self.loaded.synonyms
        for file in list(files):
            patch = None
            if search.WORKER.match(file.src_uri):
                patch = lambda source: search.patch_worker(source, synonyms)  # noqa: E731
            elif search.BUNDLE.match(file.src_uri):
                patch = search.patch_bundle
            if patch is None:
                continue
            files.remove(file)
            try:
                content = patch(Path(file.abs_src_path or "").read_text(encoding="utf-8"))
            except search.WorkerChanged as exc:
                raise PluginError(str(exc)) from None
            files.append(File.generated(config, file.src_uri, content=content))

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Start a ``ServeSession`` under ``mkdocs serve`` (or keep the running one):
        its rebuilds do not wait for PDFs.

        Defining this hook also makes MkDocs keep this plugin between rebuilds.
        """
        if command != "serve":
            self.session = None
        elif self.session is None:
            self.session = ServeSession()
        self.dirty = dirty

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()
        self.session = None

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """The SCORM package and every PDF, now that the chapters' HTML exists.

        The theme's templates are compiled once and kept, as ours are, in the
        artifact store's Jinja bytecode cache.
        """
        self._warn_glyphs()
        env.bytecode_cache = self.store.bytecode_cache()
        published = self._published(files)
        # First, so that a bad file reference fails the build before PDFs are rendered.
        self._replace(
            files, config, {scorm.PACKAGE_PATH: self._scorm_package(config, files, published)}
        )
        made = self._render_pdfs(config, published)
        self._replace(files, config, made)
        for unused in self.pdf_files.values():
            files.remove(unused)
        return env

    def _warn_glyphs(self) -> None:
        """Checked here, not in on_config, so fontconfig's answer is ready by now."""
        assert self.loaded is not None
        for warning in [
            *build.glyph_warnings(self.catalog),
            *figures.glyph_warnings(self.loaded.figures),
        ]:
            log.warning(str(warning))

    def _render_pdfs(
        self, config: MkDocsConfig, published: site_files.Published
    ) -> dict[str, pdf.PdfData]:
        """Every PDF, rendered (cached ones are read back), or the previous ones under serve."""
        assert self.loaded is not None
        options = HandbookOptions(
            self.config.chapters_dir,
            config.site_name,
            self.config.handbook_exercises,
            self.config.handbook_part_chapters,
            self.cover,
        )
        pdfs = SitePdfs(
            self.catalog,
            self.loaded.jobs,
            dict(self.chapter_html),
            self.course_key,
            options,
            published,
            self.store,
            self.config.pdf_workers,
        )
        try:
            if self.session is not None:
                return self.session.pdfs(pdfs, list(self.pdf_files), Path(config.site_dir))
            return pdfs.render()
        except ContentError as exc:
            raise PluginError(str(exc)) from None

    def _replace(self, files: Files, config: MkDocsConfig, made: dict[str, pdf.PdfData]) -> None:
        """Swap each placeholder for the file made for it."""
        placeholders = {**self.pdf_files, scorm.PACKAGE_PATH: self.scorm_file}
        for path, data in made.items():
            placeholder = placeholders[path]
            assert placeholder is not None
            self.pdf_files.pop(path, None)
            files.remove(placeholder)
            files.append(_generated(config, path, data, placeholder))

    def _published(self, files: Files) -> site_files.Published:
        """Every file the site publishes, the one source of the files exports hold."""
        return {
            f.dest_uri: site_files.SiteFile(
                lambda f=f: f.content_bytes,  # type: ignore[misc]
                Path(f.abs_src_path) if f.abs_src_path else None,
                Path(f.src_dir) if f.src_dir else None,
            )
            for f in files
            if f.inclusion.is_included()
            and f.dest_uri not in self.pdf_files
            and f is not self.scorm_file
        }

    def _scorm_package(
        self, config: MkDocsConfig, files: Files, published: site_files.Published
    ) -> bytes:
        """The SCORM package, cut from the pages' HTML and the files the site publishes."""
        contents = {f.dest_uri: f.page.content or "" for f in files.documentation_pages() if f.page}
        pages = scorm.quiz_pages(self.catalog, contents)
        for chapter, (path, text) in self.chapter_sources.items():
            html = self.chapter_html[chapter]
            pages[f"{self.config.chapters_dir}/{chapter}.html"] = scorm.PageSource(html, path, text)
        theme = sorted(p for p in published if theme_markup.STYLESHEETS.fullmatch(p))
        stylesheets = [*theme, *(str(css) for css in config.extra_css), *build.QUIZ_STYLESHEETS]
        try:
            package = scorm.collect(
                pages, published, self.catalog, self.config.chapters_dir, stylesheets
            )
            return scorm.write_package(package, config.site_name)
        except ContentError as exc:
            raise PluginError(str(exc)) from None

    def wait_for_pdfs(self) -> None:
        """Block until PDFs rendering in the background (under ``serve``) are in place."""
        if self.session is not None:
            self.session.wait()

    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The search index is compacted, then the service worker's file list is
        made from the written site, index included (so after the search plugin).
        The search index's word cuts are saved and the artifact store pruned.
        Under ``serve``, PDFs held back start rendering only now, so they do not
        slow the rebuild down.
        """
        assert self.segments is not None
        # Before the offline plugin (priority -100) inlines the index into a script,
        # and before the service worker's file list hashes it.
        index = Path(config.site_dir) / search.INDEX
        if index.is_file():
            compact = search.compact_index(
                index.read_text(encoding="utf-8"), self._glossary_entries(), self.segments.words
            )
            index.write_text(compact, "utf-8")
        # After the glossary's entries are cut, so their words are saved too.
        self.segments.save(keep_unused=self.dirty)
        offline_app.finish(Path(config.site_dir))
        self.store.finish()
        if self.session is not None:
            self.session.after_build(self.segments, self.config.pdf_workers)

    def _glossary_entries(self) -> list[search.Entry]:
        """One search entry per glossary term, linked to its row of the glossary page."""
        assert self.catalog is not None
        page = Path(build.GLOSSARY_PAGE).with_suffix(".html").as_posix()
        return [
            search.Entry(f"{page}#{term.anchor}", term.term, str(plain(term.definition)))
            for term in self.catalog.glossary
        ]

    def _chapter(self, page: Page) -> str | None:
        """The chapter id of a chapter page, else None."""
        assert self.catalog is not None
        path = Path(page.file.src_uri)
        if (
            path.parent.as_posix() == self.config.chapters_dir
            and path.stem in self.catalog.chapters
        ):
            return path.stem
        return None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.catalog is not None
        chapter = self._chapter(page)
        boost = search.OTHER_BOOST
        if chapter is not None:
            boost = search.CHAPTER_BOOST
        elif page.file.src_uri == build.GLOSSARY_PAGE:
            boost = search.GLOSSARY_BOOST
        page.meta.setdefault("search", {}).setdefault("boost", boost)
        if page.is_homepage:
            return markdown.replace(HOME_SUMMARY_MARKER, render_home_summary(self.catalog))
        if chapter is None:
            return markdown
        source = Path(page.file.abs_src_path or "")
        self.chapter_sources[chapter] = (display_path(source, self.project), markdown)
        markdown = figures.expand(markdown, chapter, self.figure_set)
        pdf_name = Path(handbook.chapter_pdf(self.config.chapters_dir, chapter)).name
        return markdown + render_chapter_resources(chapter, self.catalog, pdf_name)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Read by overrides/main.html: the quiz scripts and styles load only where needed.
        page.meta["course_assets"] = build.page_assets(html)
        chapter = self._chapter(page)
        if chapter is not None:
            try:
                # The PDFs and the SCORM package embed the figures; the site links them.
                self.chapter_html[chapter] = figures.insert(
                    html, chapter, self.figure_set, self.svgs
                )
                html = figures.insert(html, chapter, self.figure_set, self.svgs, embed=False)
            except ContentError as exc:
                raise PluginError(str(exc)) from None
        return html

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        assert self.catalog is not None
        for name in [kind.folder for kind in CONTENT_TYPES] + [figures.FOLDER]:
            folder = self.catalog.root / name
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _theme_colour(config: MkDocsConfig) -> str:
    """The header colour of the theme's first palette, from Material's palette styles."""
    palette = config.theme.get("palette") or {}
    first = palette[0] if isinstance(palette, list) and palette else palette
    primary = first.get("primary", "indigo") if isinstance(first, dict) else "indigo"
    return theme_markup.palette_colour(config.theme.dirs, primary)


def _generated(config: MkDocsConfig, path: str, data: pdf.PdfData, placeholder: File) -> File:
    """The file for a made PDF (or image, or archive): copied from the cache, or written."""
    if isinstance(data, Path):
        return File.generated(config, path, abs_src_path=str(data), inclusion=placeholder.inclusion)
    return File.generated(config, path, content=data, inclusion=placeholder.inclusion)
