"""Settings of the ``course`` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class CourseConfig(Config):
    """Where the YAML content folders live, relative to ``mkdocs.yml``."""

    content_root = opt.Type(str, default=".")
    chapters_dir = opt.Type(str, default="chapters")
