"""The MkDocs plugin: hands the generator's pages, PDFs and assets to the build.

Only this module knows MkDocs. Content is loaded and validated in ``on_config``,
before MkDocs cleans the site folder, so bad content leaves the last build intact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import build
from generator.catalog import Catalog, load_catalog
from generator.config import CourseConfig
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError
from generator.pages import render_chapter_resources


class CoursePlugin(BasePlugin[CourseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None

    @property
    def content_root(self) -> Path:
        assert self.catalog is not None
        return self.catalog.root

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = (Path(config.config_file_path).parent / self.config.content_root).resolve()
        docs_dir = Path(config.docs_dir)
        try:
            self.catalog = load_catalog(
                root, docs_dir / self.config.chapters_dir, docs_dir / self.config.glossary
            )
        except ContentError as exc:
            raise PluginError(str(exc)) from None
        config.extra_css.extend(build.STYLESHEETS)
        config.extra_javascript.extend(build.SCRIPTS)
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills.extend(p for p in build.POLYFILLS if p not in polyfills)
        if config.nav:
            config.nav = _expand_sections(config.nav, build.section_pages(self.catalog))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.catalog is not None
        try:
            for output in build.outputs(self.catalog, config.site_name):
                files.append(File.generated(config, output.path, content=output.content))
        except ContentError as exc:
            raise PluginError(str(exc)) from None
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.catalog is not None
        path = Path(page.file.src_uri)
        if (
            path.parent.as_posix() == self.config.chapters_dir
            and path.stem in self.catalog.chapters
        ):
            return markdown + render_chapter_resources(path.stem, self.catalog)
        return markdown

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        for kind in CONTENT_TYPES:
            folder = self.content_root / kind.folder
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _expand_sections(nav: Any, sections: dict[str, list[str]]) -> Any:
    """Replace a section's landing page in the nav with the page and all its items."""
    if isinstance(nav, list):
        return [_expand_sections(entry, sections) for entry in nav]
    if isinstance(nav, dict):
        return {
            title: sections[value]
            if isinstance(value, str) and value in sections
            else _expand_sections(value, sections)
            for title, value in nav.items()
        }
    return nav
