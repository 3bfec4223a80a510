"""Where a chapter places a figure: a duplicate names the earlier placement of the
same figure, a figure line inside a code fence is text for numbering and expanding
alike, and lines are counted as Markdown counts them. And how a figure is drawn:
one table entry per figure type.

Each test writes a small chapter beside two of the course's figure sources, so it
runs without copying the course."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal, get_args

import pytest

from generator import drawing, figures
from generator.errors import ContentError
from generator.models.figure import Figure, FigureBase
from tests.conftest import ROOT
from tests.helpers import chapters

CHAPTER = "docs/chapters/ch03.md"
INTERVALS = "![客户等级越高，联系越勤](../figures/contact-intervals.svg)"
FUNNEL = "![销售漏斗里的四类客户](../figures/sales-funnel.svg)"
TEXT = ["# 第 3 章", "", "见图 3-1。", "", INTERVALS, "", "见图 3-2。", "", FUNNEL, ""]
"""A chapter placing ch03's two figures, each one referred to."""


def _project(tmp_path: Path, lines: list[str], end: str = "\n") -> Path:
    for name in ("contact-intervals", "sales-funnel"):
        (tmp_path / "figures").mkdir(exist_ok=True)
        shutil.copy(ROOT / "figures" / f"{name}.yml", tmp_path / "figures" / f"{name}.yml")
    chapter = tmp_path / CHAPTER
    chapter.parent.mkdir(parents=True)
    chapter.write_bytes(end.join(lines).encode("utf-8"))
    return tmp_path


def _load(project: Path) -> figures.FigureSet:
    chapters = project / "docs/chapters"
    return figures.load_figures(project / "figures", chapters, {"ch03": "第 3 章"}, project)


def _errors(project: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        _load(project)
    return [str(error) for error in caught.value.errors]


def _placed(project: Path) -> list[tuple[str, str, int]]:
    return [(p.figure, p.number, p.line) for p in _load(project).placements["ch03"]]


def test_a_duplicate_names_the_earlier_placement_of_the_same_figure(tmp_path: Path) -> None:
    """The chapter's first figure is another one: the error must not point there."""
    project = _project(tmp_path, [*TEXT, "", FUNNEL, ""])
    first, again = TEXT.index(FUNNEL) + 1, len(TEXT) + 2
    assert _errors(project) == [
        f"{CHAPTER}:{again}: figure 'sales-funnel' is already placed at {CHAPTER}:{first}"
    ]


FENCES = {
    "backticks": ["```markdown", "{line}", "```"],
    "tildes": ["~~~", "{line}", "~~~"],
    "indented in an admonition": ['!!! note "写法"', "", "    ```", "    {line}", "    ```"],
    "a tilde line inside backticks": ["```", "~~~", "{line}", "~~~", "```"],
    "a shorter fence inside a longer one": ["````markdown", "```", "{line}", "```", "````"],
    "a closing fence with text is no closing fence": ["```", "``` x", "{line}", "```"],
}


@pytest.mark.parametrize("fence", FENCES.values(), ids=list(FENCES))
def test_a_figure_line_in_a_fence_is_text_for_numbering(tmp_path: Path, fence: list[str]) -> None:
    shown = [line.format(line=FUNNEL) for line in fence]
    project = _project(tmp_path, [*TEXT, *shown, ""])
    assert _placed(project) == [
        ("contact-intervals", "3-1", TEXT.index(INTERVALS) + 1),
        ("sales-funnel", "3-2", TEXT.index(FUNNEL) + 1),
    ]


@pytest.mark.parametrize("fence", FENCES.values(), ids=list(FENCES))
def test_expand_leaves_a_figure_line_in_a_fence_as_written(
    tmp_path: Path, fence: list[str]
) -> None:
    shown = [line.format(line=FUNNEL) for line in fence]
    project = _project(tmp_path, [*TEXT, *shown, ""])
    markdown = (project / CHAPTER).read_text(encoding="utf-8")
    expanded = figures.expand(markdown, "ch03", _load(project))
    assert expanded.split("\n")[len(TEXT) :] == [*shown, ""]
    assert FUNNEL not in expanded.split("\n")[: len(TEXT)], "the placed line is replaced"


def test_figure_lines_after_a_fence_that_shows_a_fence_count(tmp_path: Path) -> None:
    """After a fence that shows a fence, figure lines count again."""
    shown = ["````", "```", FUNNEL, "```", "````", ""]
    project = _project(tmp_path, [*TEXT[:4], *shown, *TEXT[4:]])
    assert [figure for figure, _, _ in _placed(project)] == ["contact-intervals", "sales-funnel"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_lines_are_counted_as_markdown_counts_them(tmp_path: Path, separator: str) -> None:
    """A Unicode line separator is no line break for Markdown or an editor: the line
    of a bad figure is the one the author sees."""
    lines = [f"一句话{separator}又一句话。", *TEXT, "![](../figures/no-such.svg)", ""]
    errors = _errors(_project(tmp_path, lines))
    assert len(errors) == 1
    assert errors[0].startswith(f"{CHAPTER}:{len(TEXT) + 2}: '../figures/no-such.svg' is no figure")


@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_expand_keeps_the_chapters_line_breaks(tmp_path: Path, end: str) -> None:
    project = _project(tmp_path, TEXT, end)
    markdown = (project / CHAPTER).read_bytes().decode("utf-8")
    expanded = figures.expand(markdown, "ch03", _load(project))
    assert expanded.count(end) == markdown.count(end)
    assert FUNNEL not in expanded and INTERVALS not in expanded


# How each figure type is drawn


def test_every_figure_type_has_one_drawing() -> None:
    assert set(drawing.DRAWINGS) == set(get_args(Figure))


def test_the_cache_key_names_the_renderer_of_the_table() -> None:
    found = figures.load_figures(
        ROOT / "figures", ROOT / "docs/chapters", {c: c for c in chapters()}, ROOT
    )
    for item in found.items.values():
        renderer = drawing.renderer_version(item.model).split()[0]
        kind = drawing.DRAWINGS[type(item.model)]
        assert renderer == ("graphviz" if isinstance(kind, drawing.Graph) else "matplotlib")
    assert {type(item.model) for item in found.items.values()} == set(drawing.DRAWINGS)


class _Pie(FigureBase):
    type: Literal["pie"]


def test_a_figure_type_without_a_drawing_is_a_drawing_error() -> None:
    pie = _Pie(type="pie", title="饼图", chapter="ch02", alt="一张饼图。")
    with pytest.raises(drawing.DrawingError, match="no drawing for figure type pie"):
        drawing.draw(pie, figures._render_dot)  # type: ignore[arg-type]
