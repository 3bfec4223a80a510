"""Settings of the ``course`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class CourseConfig(Config):
    """Where the content lives: YAML folders relative to ``mkdocs.yml``, the rest
    relative to ``docs_dir``."""

    content_root = opt.Type(str, default=".")
    chapters_dir = opt.Type(str, default="chapters")
    glossary = opt.Type(str, default="includes/abbreviations.md")
