"""Building blocks shared by every content model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from generator.errors import excerpt
from generator.text import label_problem

if TYPE_CHECKING:
    from generator.catalog import Catalog

MAX_LABEL_LENGTH = 200
"""The longest title, name or label (the longest in the course, a figure's alt
text, has 108): it is
laid out in headings, navigation, bookmarks and table headers, where an
unbreakable run costs WeasyPrint time out of proportion to its length."""
MAX_TEXT_LENGTH = 3000
"""The longest piece of author Markdown (the longest in the course has 340)."""
MAX_ID_LENGTH = 64
"""The longest file name or id: ids become URLs, file names and HTML ids."""

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_LENGTH)
]
"""Non-empty author Markdown; rendered only through ``generator.text``'s sanitiser."""


def _plain_label(value: str) -> str:
    problem = label_problem(value)
    if problem:
        raise ValueError(f"\u201c{excerpt(value)}\u201d {problem}")
    return value


Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_LENGTH),
    AfterValidator(_plain_label),
]
"""A title, name or label: one line of plain text, never Markdown or HTML, so
that it is safe in page titles, headings, navigation and PDF bookmarks."""

ChapterId = Annotated[str, StringConstraints(pattern=r"^ch\d{2,3}$")]
"""A chapter's file name without ``.md``, such as ``ch01`` (``ch100`` and on for
courses of more than 99 chapters)."""

ItemId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=MAX_ID_LENGTH)
]
"""A content file's name without ``.yml``, such as ``visit-plan``."""


Location = tuple[str | int, ...]
"""A place inside a content file, such as ``("questions", 2, "id")``."""


@dataclass(frozen=True)
class Reference:
    """A link from one item to another that must exist: a chapter or another item."""

    location: Location
    folder: str
    id: str


class StrictModel(BaseModel):
    """Forbid unknown keys so a typo such as ``anwser`` is an error, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Titled(StrictModel):
    """A top-level content item: it has a title; it may span chapters (an exam)."""

    title: Label

    def linked_chapters(self) -> tuple[str, ...]:
        """The chapters whose pages list this item under their resources."""
        return ()

    def references(self) -> list[Reference]:
        """Everything this item links to; the catalog checks each one exists."""
        return []

    def unique_ids(self) -> list[tuple[Location, str]]:
        """Ids that must be unique across every item of this kind (the catalog checks)."""
        return []

    def problems(self) -> Iterator[tuple[Location, str]]:
        """Rules that span several parts of the item, each with where it is broken."""
        return iter(())

    def catalog_problems(self, catalog: Catalog) -> Iterator[tuple[Location, str]]:
        """Rules that need the other items (an exam's draws need the quizzes' questions).

        Only asked when every file loaded, so a broken file never causes a second error.
        """
        return iter(())

    def page_limit(self) -> int | None:
        """The most pages this item's PDFs may have, if it declares a number."""
        return None


class Content(Titled):
    """A content item that belongs to one chapter."""

    chapter: ChapterId

    def linked_chapters(self) -> tuple[str, ...]:
        return (self.chapter,)

    def references(self) -> list[Reference]:
        return [Reference(("chapter",), "chapters", self.chapter)]
