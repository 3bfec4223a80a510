"""The kinds of YAML content the course has, and where each one's files live.

Each kind is a folder of ``*.yml`` files, a model, and templates found by
convention under ``templates/<folder>/``: ``index.md.j2`` (the section's
landing page), ``page.md.j2`` (one item's page), ``link.md.j2`` (its line in
a chapter's resource list) and, when ``has_pdf`` is set, ``pdf.html.j2`` (its
print version). A new kind is one model, its templates
and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models.case import Case
from generator.models.common import Content
from generator.models.form import Form
from generator.models.quiz import Quiz


@dataclass(frozen=True)
class ContentType:
    folder: str
    model: type[Content]
    has_pdf: bool


CONTENT_TYPES: tuple[ContentType, ...] = (
    ContentType("quizzes", Quiz, has_pdf=False),
    ContentType("cases", Case, has_pdf=True),
    ContentType("forms", Form, has_pdf=True),
)
