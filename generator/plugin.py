"""The MkDocs plugin: hands the generator's pages, PDFs and assets to the build.

Only this module knows MkDocs. Content is loaded, validated and rendered to
pages in ``on_config`` (``course.py``; read back when the sources are those
of an earlier build), before MkDocs cleans the site folder, so bad content
leaves the last build intact. PDFs are registered in ``on_files`` (so links to
them validate) and rendered in ``on_env``, after every page's HTML exists and
before MkDocs writes files: the handbook and the chapter PDFs are made from the
chapters' rendered HTML, collected in ``on_page_content``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import (
    build,
    course,
    figures,
    glyphs,
    handbook,
    offline_app,
    pdf,
    scorm,
    search,
    segments,
    site_files,
    theme_markup,
)
from generator.cache_files import key_of, write_atomic
from generator.catalog import Catalog
from generator.config import CourseConfig
from generator.content_files import display_path
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError
from generator.moodle import notice_lines
from generator.pages import HOME_SUMMARY_MARKER, render_chapter_resources, render_home_summary
from generator.text import plain

log = logging.getLogger("mkdocs.plugins.course")

ABBREVIATIONS = "generator.cjk_abbr"
"""Our abbreviation extension: every page gets the glossary's terms as tooltips."""


class CoursePlugin(BasePlugin[CourseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.pages: list[build.Output] = []
        self.jobs: list[pdf.PdfJob] = []
        self.pdf_files: dict[str, File] = {}
        self.scorm_file: File | None = None
        self.chapter_html: dict[str, str] = {}
        self.chapter_sources: dict[str, tuple[str, str]] = {}
        """Each chapter's source file (as the author knows its path) and text."""
        self.figures = figures.FigureSet()
        self.svgs: dict[str, str] = {}
        self.project = Path(".")
        self.synonyms: dict[str, str] = {}
        self.course_key = ""
        """Hash of everything the course was loaded from."""
        self.cover = handbook.Cover()
        self.settings: course.Settings | None = None
        self.warmed = False
        """Under ``serve``: whether the session's caches in memory were filled."""
        self.serving = False
        self.dirty = False
        self.segments: segments.SegmentCache | None = None
        self.background: pdf.BackgroundRenderer | None = None
        self.published: dict[str, pdf.PdfData] = {}
        """Under ``serve``: every PDF and file made from PDFs now in the site, by path."""
        self.pending: pdf.Batch | None = None
        """Under ``serve``: PDFs to render once this build is written."""
        self.app = offline_app.App("")

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Path(config.config_file_path).parent.resolve()
        try:
            self.cover = handbook.Cover(
                self.config.organisation,
                handbook.course_version(self.config.version, self.project),
                handbook.build_date(),
            )
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        glyphs.prefetch()
        docs_dir = Path(config.docs_dir)
        settings = course.Settings(
            root=(self.project / self.config.content_root).resolve(),
            docs_dir=docs_dir,
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
        try:
            cache = self._cache_folder(self.config.course_cache)
            loaded, self.course_key = course.load_cached(settings, cache)
            self.settings = settings
            self.catalog, self.pages, self.jobs = loaded.catalog, loaded.pages, loaded.jobs
            self.figures, self.synonyms = loaded.figures, loaded.synonyms
            words = search.dictionary_words(
                [term.term for term in self.catalog.glossary] + list(self.synonyms)
            )
            self.segments = segments.SegmentCache(
                self._cache_folder(self.config.search_cache),
                docs_dir / self.config.search_terms,
                words,
            )
            self.segments.install()
            self.svgs = figures.render_figures(
                self.figures, self._cache_folder(self.config.figure_cache)
            )
            for notice in notice_lines(self.catalog):
                log.info(notice)
            for finding in loaded.item_findings:
                if finding.clear:
                    log.warning("Quiz item check: %s", finding)
                else:
                    log.info("Quiz item check (advisory): %s", finding)
        except ContentError as exc:
            raise PluginError(str(exc)) from None
        self.app = offline_app.App(
            config.site_name, config.site_description or "", _theme_colour(config)
        )
        clashes = list(build.hand_written_clashes(offline_app.paths(), docs_dir, self.project))
        if clashes:
            raise PluginError(str(ContentError(clashes)))
        # The generator logs PDF progress under "generator": print it as our own.
        logging.getLogger("generator").parent = log
        config.extra_css.extend(build.STYLESHEETS)
        config.extra_javascript.extend(build.SCRIPTS)
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills.extend(p for p in build.POLYFILLS if p not in polyfills)
        if config.nav:
            config.nav = build.expand_sections(config.nav, build.section_pages(self.catalog))
        if ABBREVIATIONS in config.markdown_extensions:
            options = config.mdx_configs.setdefault(ABBREVIATIONS, {})
            options.setdefault("glossary_file", str(docs_dir / self.config.glossary))
        return config

    def _cache_folder(self, option: str) -> Path | None:
        """A cache folder option, relative to ``mkdocs.yml``; None when set empty."""
        return self.project / option if option else None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        outputs = [*self.pages, *build.figure_files(self.svgs), *build.assets()]
        # The app's icons take a while to draw: kept until the generator or settings change.
        outputs += course.remembered(
            self._cache_folder(self.config.course_cache),
            "offline-app",
            key_of(self.course_key, repr(self.app)),
            lambda: list(offline_app.outputs(self.app)),
        )
        for output in outputs:
            files.append(File.generated(config, output.path, content=output.content))
        self.chapter_html = {}
        paths = [job.path for job in self.jobs]
        paths += handbook.pdf_paths(self.catalog, self.config.chapters_dir)
        paths += build.form_extra_paths(self.catalog)
        # Placeholders until on_env renders them; registered now so links to them validate.
        self.pdf_files = {path: File.generated(config, path, content=b"") for path in paths}
        for file in self.pdf_files.values():
            files.append(file)
        self.scorm_file = File.generated(config, scorm.PACKAGE_PATH, content=b"")
        files.append(self.scorm_file)
        for file in list(files):
            patch = None
            if search.WORKER.match(file.src_uri):
                patch = lambda source: search.patch_worker(source, self.synonyms)  # noqa: E731
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
        return files

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note whether this is ``mkdocs serve``: its rebuilds do not wait for PDFs.

        Defining this hook also makes MkDocs keep this plugin between rebuilds,
        so the previous build's PDFs can be served while new ones render.
        """
        self.serving, self.dirty = command == "serve", dirty

    def on_shutdown(self) -> None:
        if self.background is not None:
            self.background.close()
        self.background, self.serving, self.published = None, False, {}
        self.warmed = False

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Render every PDF (cached ones are read back) now that the chapters' HTML exists.

        Under ``serve``, once every PDF has been made, a rebuild hands over the
        previous PDFs at once and renders the ones whose input changed in the
        background, replacing them in the served site when they are ready.
        The theme's templates are compiled once and kept, as ours are, in
        Jinja's bytecode cache (about 0.4 s a build).
        """
        assert self.catalog is not None
        # Checked here, not in on_config, so fontconfig's answer is ready by now.
        for warning in [
            *build.glyph_warnings(self.catalog),
            *figures.glyph_warnings(self.figures),
        ]:
            log.warning(str(warning))
        env.bytecode_cache = FileSystemBytecodeCache()
        # First, so that a bad file reference fails the build before PDFs are rendered.
        assert self.scorm_file is not None
        published = self._published(files)
        package = self._scorm_package(config, files, published)
        files.remove(self.scorm_file)
        files.append(File.generated(config, scorm.PACKAGE_PATH, content=package))
        catalog, chapter_html, static_jobs = self.catalog, dict(self.chapter_html), self.jobs
        cache_dir = self._cache_folder(self.config.pdf_cache)
        cache = pdf.PdfCache(cache_dir) if cache_dir else None
        site_name, chapters_dir = config.site_name, self.config.chapters_dir
        exercises = self.config.handbook_exercises
        part_chapters = self.config.handbook_part_chapters
        cover = self.cover

        course_cache = self._cache_folder(self.config.course_cache)
        key = key_of(
            self.course_key,
            site_name,
            chapters_dir,
            f"{exercises} {part_chapters}",
            repr(cover),
            *(f"{chapter}\0{html}" for chapter, html in sorted(chapter_html.items())),
        )

        sources = {
            item.source.path: item.source.text
            for kind in CONTENT_TYPES
            for item in catalog.of(kind.folder)
        }

        def all_jobs() -> list[pdf.PdfJob]:
            """The handbook's print HTML takes a while: it is kept for unchanged chapters.
            Images come from the site's files, as the pages show them."""
            handbook_jobs = course.remembered(
                course_cache,
                "handbook",
                key,
                lambda: handbook.jobs(
                    chapter_html,
                    catalog,
                    chapters_dir,
                    site_name,
                    exercises=exercises,
                    part_chapters=part_chapters,
                    cover=cover,
                ),
            )
            return pdf.with_site_images([*static_jobs, *handbook_jobs], published, sources)

        if self.serving and self.published.keys() >= self.pdf_files.keys():
            made = {path: self.published[path] for path in self.pdf_files}
            site = Path(config.site_dir)
            self.pending = pdf.Batch(
                all_jobs, cache, lambda results: self._publish(results, catalog, cache, site)
            )
            log.info("PDFs: serving the previous ones while changed ones render in the background")
        else:
            try:
                rendered = pdf.render_all(all_jobs(), cache=cache, workers=self.config.pdf_workers)
            except ContentError as exc:
                raise PluginError(str(exc)) from None
            made = _with_form_extras(rendered, catalog, cache)
        if self.serving:
            self.published = dict(made)
        for path, data in made.items():
            placeholder = self.pdf_files.pop(path)
            files.remove(placeholder)
            files.append(_generated(config, path, data, placeholder))
        for unused in self.pdf_files.values():
            files.remove(unused)
        return env

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
        assert self.catalog is not None
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

    def _publish(
        self,
        rendered: list[tuple[pdf.PdfJob, pdf.PdfData]],
        catalog: Catalog,
        cache: pdf.PdfCache | None,
        site: Path,
    ) -> None:
        """(Background thread) Put freshly rendered PDFs into the served site."""
        made = _with_form_extras(rendered, catalog, cache)
        changed = {path: data for path, data in made.items() if self.published.get(path) != data}
        for path, data in changed.items():
            write_atomic(site / path, pdf.read(data))
        self.published.update(made)
        if changed:
            log.info("PDFs up to date: replaced %s", ", ".join(sorted(changed)))

    def wait_for_pdfs(self) -> None:
        """Block until PDFs rendering in the background (under ``serve``) are in place."""
        if self.background is not None:
            self.background.wait()

    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The search index is compacted, then the service worker's file list is
        made from the written site, index included (so after the search plugin).
        The search index's word cuts are saved for the next build. Under
        ``serve``, after the session's first build, jieba and the course are
        loaded on threads meanwhile, so the first edit's rebuild need not.
        Background PDFs start only now, so they do not slow the rebuild down.
        """
        assert self.catalog is not None and self.segments is not None
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
        if self.serving and not self.warmed and self.settings is not None:
            self.segments.warm_up()
            course.warm_up(self.settings)
            self.warmed = True
        if self.pending is not None:
            if self.background is None:
                self.background = pdf.BackgroundRenderer(self.config.pdf_workers)
            self.background.submit(self.pending)
            self.pending = None

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
        markdown = figures.expand(markdown, chapter, self.figures)
        pdf_name = Path(handbook.chapter_pdf(self.config.chapters_dir, chapter)).name
        return markdown + render_chapter_resources(chapter, self.catalog, pdf_name)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Read by overrides/main.html: the quiz scripts and styles load only where needed.
        page.meta["course_assets"] = build.page_assets(html)
        chapter = self._chapter(page)
        if chapter is not None:
            try:
                # The PDFs and the SCORM package embed the figures; the site links them.
                self.chapter_html[chapter] = figures.insert(html, chapter, self.figures, self.svgs)
                html = figures.insert(html, chapter, self.figures, self.svgs, embed=False)
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


def _with_form_extras(
    rendered: list[tuple[pdf.PdfJob, pdf.PdfData]], catalog: Catalog, cache: pdf.PdfCache | None
) -> dict[str, pdf.PdfData]:
    """Rendered PDFs by path, with the form thumbnails and pack made from them."""
    made = {job.path: data for job, data in rendered}
    forms = {path: pdf.read(data) for path, data in made.items() if path.startswith("forms/")}
    return made | dict(build.form_extras(forms, catalog, cache))


def _generated(config: MkDocsConfig, path: str, data: pdf.PdfData, placeholder: File) -> File:
    """The file for a made PDF (or image, or archive): copied from the cache, or written."""
    if isinstance(data, Path):
        return File.generated(config, path, abs_src_path=str(data), inclusion=placeholder.inclusion)
    return File.generated(config, path, content=data, inclusion=placeholder.inclusion)
