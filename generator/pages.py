"""Render content items into Markdown pages and print HTML with Jinja templates."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator import exams
from generator.attitudes import ATTITUDES, BY_LABEL
from generator.catalog import Catalog, Item
from generator.content_types import CONTENT_TYPES, ContentType
from generator.models.quiz import QUESTION_TYPES
from generator.text import FILTERS


@cache
def environment() -> Environment:
    """One Jinja environment for every template the package ships.

    Author text reaches output only through the ``plain`` and ``markdown``
    filters of ``generator.text``; templates never mark text ``safe``. The plugin
    sets its bytecode cache to the artifact store's.
    """
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(attitudes=ATTITUDES, attitude_styles=BY_LABEL)
    env.globals.update(exam_paper=exams.paper, exam_pool=exams.pool, exam_blueprint=exams.blueprint)
    env.globals.update(exam_chapters=exams.chapters, question_types=QUESTION_TYPES)
    return env


def render_index(kind: ContentType, catalog: Catalog, name: str = "index") -> str:
    """A page of a content section: its landing page, listing all its items, or another."""
    return environment().get_template(f"{kind.folder}/{name}.md.j2").render(catalog=catalog)


def render_page(item: Item, catalog: Catalog, organisation: str = "") -> str:
    """One item's site page, as Markdown the site engine turns into HTML."""
    template = environment().get_template(f"{item.kind.folder}/page.md.j2")
    return template.render(item=item, model=item.model, catalog=catalog, organisation=organisation)


def render_trainer_page(item: Item, catalog: Catalog) -> str:
    """One item's page in the trainer area (answers, guides), kept out of search."""
    template = environment().get_template(f"{item.kind.folder}/trainer.md.j2")
    return template.render(item=item, model=item.model, catalog=catalog)


def render_trainer_index(catalog: Catalog) -> str:
    """The trainer area's landing page, linking every trainer page and document."""
    template = environment().get_template("trainer/index.md.j2")
    return template.render(catalog=catalog, kinds=CONTENT_TYPES)


def render_print_html(
    item: Item, template_name: str, catalog: Catalog, course_title: str, organisation: str = ""
) -> str:
    """One of an item's print documents, as standalone HTML for the PDF renderer."""
    template = environment().get_template(f"{item.kind.folder}/{template_name}")
    return template.render(
        item=item,
        model=item.model,
        catalog=catalog,
        course_title=course_title,
        organisation=organisation,
    )


def render_course_print_html(
    kind: ContentType, template_name: str, catalog: Catalog, course_title: str
) -> str:
    """A print document made from every item of a kind, such as all answer keys."""
    template = environment().get_template(f"{kind.folder}/{template_name}")
    return template.render(catalog=catalog, course_title=course_title)


def render_glossary(catalog: Catalog) -> str:
    """The glossary page, from the same entries that give pages their tooltips."""
    return environment().get_template("glossary/page.md.j2").render(terms=catalog.glossary)


def render_chapter_resources(chapter: str, catalog: Catalog, pdf: str | None = None) -> str:
    """Markdown to append to a chapter: its printable PDF (``pdf``, relative to the
    page) and links to its quiz, forms and cases, if any."""
    items = list(catalog.linked_to(chapter))
    if not items and not pdf:
        return ""
    template = environment().get_template("chapters/resources.md.j2")
    return template.render(items=items, pdf=pdf, title=catalog.chapters[chapter])


HOME_SUMMARY_MARKER = "<!-- course-summary -->"
"""The line of the home page that the summary of the course's material replaces."""


def render_home_summary(catalog: Catalog) -> str:
    """How many quizzes, cases and forms the course has, and which chapters have them."""
    return environment().get_template("home/summary.md.j2").render(catalog=catalog)


def render_attitude_css() -> str:
    """CSS classes for the key-person attitudes, in the key-person chart's visual code."""
    return environment().get_template("figures/attitudes.css.j2").render()
