"""Figures: every source draws, every figure sits in its chapter with number,
caption and alt text, labels stay text, bad sources are named by line, the
numbers drawn equal the chapter's, and unchanged figures come from the cache."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator import drawing, figures
from generator.artifacts import Store
from generator.attitudes import ATTITUDES
from generator.errors import ContentError
from generator.models.figure import Flow, Funnel, Matrix, Relations
from generator.pages import environment, render_attitude_css
from tests.conftest import ROOT, run_build
from tests.helpers import chapters

SVG = "{http://www.w3.org/2000/svg}"
FIGURE_IDS = sorted(p.stem for p in (ROOT / "figures").glob("*.yml"))
NOT_DRAWN = {"type", "chapter", "title", "alt"}
"""Source keys whose text is not drawn (the title is the caption, alt is for the img)."""


@cache
def figure_set() -> figures.FigureSet:
    chapter_ids = {stem: stem for stem in chapters()}
    return figures.load_figures(ROOT / "figures", ROOT / "docs" / "chapters", chapter_ids, ROOT)


@cache
def drawn() -> dict[str, str]:
    return figures.render_figures(figure_set(), None)


def svg_texts(svg: str) -> list[str]:
    """The text of each text element of an SVG, in document order."""
    root = ET.fromstring(svg.encode())
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def svg_text(svg: str) -> str:
    """All text of an SVG joined, so that labels broken over lines read whole."""
    return "".join(svg_texts(svg))


def drawn_strings(data: Any, key: str = "") -> list[str]:
    """Every label in a figure's source that the drawing must show."""
    if key in NOT_DRAWN:
        return []
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in drawn_strings(v, k)]
    if isinstance(data, list):
        return [s for v in data for s in drawn_strings(v, key)]
    if isinstance(data, str) and data and key not in {"contact"}:
        return [data]
    return []


def test_there_are_at_least_eight_figures_in_six_chapters() -> None:
    placed = [p for p, _ in figure_set().numbered()]
    assert len(placed) >= 8
    assert {p.chapter for p in placed} >= {"ch02", "ch03", "ch06", "ch07", "ch08", "ch11"}


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_figure_draws_with_its_labels_as_text(figure_id: str) -> None:
    svg = drawn()[figure_id]
    text = svg_text(svg)
    item = figure_set().items[figure_id]
    for label in drawn_strings(item.source.data):
        assert label.replace(" ", "") in text.replace(" ", ""), label
    assert len(svg_texts(svg)) >= 4 and "Noto Sans CJK SC" in svg
    assert "'PingFang SC'" in svg, "fallback fonts for readers without Noto"
    links = [
        value
        for element in ET.fromstring(svg.encode()).iter()
        for name, value in element.attrib.items()
        if name.endswith("href")
    ]
    assert all(link.startswith("#") for link in links), "nothing loaded from elsewhere"


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_numbers_in_alt_text_are_drawn(figure_id: str) -> None:
    """Alt text may state numbers only if the drawing shows the same ones."""
    alt = figure_set().items[figure_id].model.alt
    shown = {n for text in svg_texts(drawn()[figure_id]) for n in re.findall(r"\d[\d,]*", text)}
    for number in re.findall(r"\d[\d,]*", alt):
        assert number in shown, f"{figure_id}: alt says {number}, the figure does not"


def test_every_figure_is_in_its_chapter_page(site: Path) -> None:
    for placement, item in figure_set().numbered():
        html = (site / "chapters" / f"{placement.chapter}.html").read_text(encoding="utf-8")
        match = re.search(
            rf'<figure class="course-figure" id="figure-{placement.number}">(.*?)</figure>',
            html,
            re.DOTALL,
        )
        assert match, f"{item.id} missing from {placement.chapter}"
        body = match.group(1)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", body)
        assert caption and caption.group(1) == f"图 {placement.number} {item.model.title}"
        alt = re.search(r'alt="([^"]*)"', body)
        assert alt and alt.group(1) == item.model.alt
        src = re.search(r'<img src="([^"]+)"', body)
        assert src and src.group(1) == f"../figures/{item.id}.svg", "the page links the file"
        assert (site / "figures" / f"{item.id}.svg").is_file()
        rest = html.replace(match.group(0), "")
        assert f"图 {placement.number}" in rest, "the text refers to the figure by number"


def test_figure_numbers_follow_the_order_in_the_chapter() -> None:
    for placements in figure_set().placements.values():
        lines = [p.line for p in placements]
        assert lines == sorted(lines)
        chapter = placements[0].chapter if placements else ""
        numbers = [f"{int(chapter[2:])}-{i}" for i in range(1, len(placements) + 1)]
        assert [p.number for p in placements] == numbers


def pdf_text(path: Path) -> str:
    """A PDF's text without spaces, as pypdf extracts it."""
    reader = PdfReader(path)
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_every_figure_is_in_its_chapter_pdf_and_the_handbook(site: Path) -> None:
    handbook = pdf_text(site / "handbook.pdf")
    for placement, item in figure_set().numbered():
        caption = f"图{placement.number}{item.model.title}".replace(" ", "")
        chapter = pdf_text(site / "chapters" / f"{placement.chapter}.pdf")
        assert caption in chapter, f"{item.id} missing from {placement.chapter}.pdf"
        assert caption in handbook, f"{item.id} missing from the handbook"
    matrix = pdf_text(site / "chapters" / "ch11.pdf")
    for expected in ("持续改进", "181", "综合评价", "一次修复率"):
        assert expected in matrix


# Numbers drawn equal the chapter's


def _row_after(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(header))
    return [cell.strip() for cell in lines[index + 2].strip().strip("|").split("|")]


def test_sowing_and_harvest_numbers_equal_chapter_2() -> None:
    text = chapters()["ch02"]
    row = _row_after(text, "| 拨出电话（个） |")
    counts, total = [int(v) for v in row[:-1]], int(row[-1].lstrip("¥").replace(",", ""))
    funnel = figure_set().items["sowing-harvest"].model
    assert isinstance(funnel, Funnel) and funnel.per_entry
    assert funnel.values() == counts == [100, 50, 13, 13, 5]
    assert funnel.per_entry.total == total
    drawn_text = svg_text(drawn()["sowing-harvest"])
    for stage in funnel.stages:
        assert f"{stage.value} {stage.unit}" in drawn_text
    average, commission = drawing.per_entry_lines(funnel)[1:]
    assert "200,000 ÷ 100 = ¥2,000" in text and average.endswith("200,000 ÷ 100 = ¥2,000")
    assert "2,000 × 5% = ¥100" in text and commission.endswith("2,000 × 5% = ¥100")
    assert average in drawn_text and commission in drawn_text
    for part, whole in zip(counts[1:], counts, strict=False):
        drawn_rate = drawing.rate(part, whole)
        assert drawn_rate in drawn_text
        sign = "≈" if "≈" in drawn_rate else "="
        stated = f"{part} ÷ {whole} {sign} {drawn_rate.split('≈')[-1].removeprefix('↓ ')}"
        assert stated in text or part == whole, stated


def test_voc_ctq_matrix_equals_chapter_11() -> None:
    text = chapters()["ch11"]
    lines = [line for line in text.splitlines() if line.strip().startswith("| ")]
    header = next(line for line in lines if "VOC（重要度）" in line)
    start = lines.index(header)
    columns = [c.strip() for c in header.strip().strip("|").split("|")][1:]
    body = lines[start + 2 : start + 2 + 4]
    totals_row = lines[start + 6]
    matrix = figure_set().items["voc-ctq-matrix"].model
    assert isinstance(matrix, Matrix)
    assert columns == [f"{c.label}（{c.weight}）" for c in matrix.columns]
    for r, line in enumerate(body):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert cells[0] == f"{matrix.rows[r].label}（{matrix.rows[r].weight}）"
        for c, cell in enumerate(cells[1:]):
            symbol = matrix.cells[r][c]
            score = matrix.score(r, c)
            assert cell.endswith(f"= {score}") if symbol else cell.endswith(" 0")
            assert cell.startswith(symbol or "—")
    stated = [int(t) for t in re.findall(r"= (\d+)\*\*", totals_row)]
    assert stated == matrix.totals() == [90, 181, 63]
    drawn_text = svg_text(drawn()["voc-ctq-matrix"])
    for r in range(len(matrix.rows)):
        for c in range(len(matrix.columns)):
            if matrix.cells[r][c]:
                assert f"{matrix.cells[r][c]} {matrix.score(r, c)}" in drawn_text
    assert [t for t in svg_texts(drawn()["voc-ctq-matrix"]) if t.isdigit()] == [
        str(total) for total in matrix.totals()
    ]


def test_key_person_chart_equals_chapter_6_case() -> None:
    text = chapters()["ch06"]
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| 关键人物 | 与我方的关系"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    chart = figure_set().items["key-person-chart"].model
    assert isinstance(chart, Relations)
    contacts = {c.name: c.position for c in chart.contacts}
    drawn_rows = [
        [
            f"{p.name}（{p.position}）",
            f"{p.contact}（{contacts[p.contact]}）" if p.contact else "暂无",
            p.role,
            p.attitude,
        ]
        for p in chart.people
    ]
    assert drawn_rows == rows


# Bad sources


def _figure_errors(project: Path) -> list[str]:
    chapter_ids = {p.stem: p.stem for p in (project / "docs/chapters").glob("ch*.md")}
    with pytest.raises(ContentError) as caught:
        figures.load_figures(project / "figures", project / "docs/chapters", chapter_ids, project)
    return [str(error) for error in caught.value.errors]


def test_bad_figure_sources_are_named_by_file_and_line(project: Path) -> None:
    flow = project / "figures" / "complaint-process.yml"
    text = flow.read_text(encoding="utf-8")
    text = text.replace("    detail: 听完、致歉\n", "    detail: 听完、致歉\n    colour: red\n")
    flow.write_text(text, encoding="utf-8")
    steps = project / "figures" / "revisit-steps.yml"
    with steps.open("a", encoding="utf-8") as out:
        out.write("spans:\n  - first: 1\n    last: 12\n    label: 全部\n")
    (project / "figures" / "broken.yml").write_text(
        "type: pie\ntitle: 饼图\nchapter: ch02\nalt: 一张饼图。\n", encoding="utf-8"
    )
    matrix = project / "figures" / "voc-ctq-matrix.yml"
    matrix.write_text(
        matrix.read_text(encoding="utf-8").replace('  - [○, "", ○]\n', '  - [○, ""]\n'),
        encoding="utf-8",
    )
    errors = _figure_errors(project)
    lines = flow.read_text(encoding="utf-8").splitlines()
    colour_line = lines.index("    colour: red") + 1
    span_line = steps.read_text(encoding="utf-8").splitlines().index("  - first: 1") + 1
    matrix_line = matrix.read_text(encoding="utf-8").splitlines().index('  - [○, ""]') + 1
    assert f"figures/revisit-steps.yml:{span_line}: steps 1-12 are not within 1-9" in errors
    assert f"figures/complaint-process.yml:{colour_line}: steps[0]: unknown key 'colour'" in errors
    assert f"figures/voc-ctq-matrix.yml:{matrix_line}: 2 cells for 3 columns" in errors
    assert any(e.startswith("figures/broken.yml:1: ") and "pie" in e for e in errors)
    assert not any("ch08.md" in e for e in errors), "an invalid figure is not also 'missing'"


def test_bad_figure_lines_in_chapters_are_named_by_line(project: Path) -> None:
    chapter = project / "docs/chapters/ch03.md"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    funnel = next(i for i, line in enumerate(lines) if "sales-funnel.svg" in line)
    lines[funnel] = "![销售漏斗](../figures/sales-funel.svg)"
    lines.insert(5, "![](../figures/pdca-cycle.svg)")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mention = project / "docs/chapters/ch07.md"
    mention.write_text(
        mention.read_text(encoding="utf-8").replace("图 7-1 是这九步的流程。\n", ""),
        encoding="utf-8",
    )
    errors = _figure_errors(project)
    expected = [
        (f"docs/chapters/ch03.md:{funnel + 2}: '../figures/sales-funel.svg' is no figure", ""),
        ("docs/chapters/ch03.md:6: figure 'pdca-cycle' belongs to ch11", ""),
        ("figures/sales-funnel.yml:", "not placed in ch03"),
        ("docs/chapters/ch07.md:", "never refers to 图 7-1"),
    ]
    for start, part in expected:
        assert any(e.startswith(start) and part in e for e in errors), (start, errors)


def test_the_build_stops_on_a_bad_figure(project: Path) -> None:
    source = project / "figures" / "pdca-cycle.yml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("  - key: D\n", "  - key: D\n    size: 3\n"),
        encoding="utf-8",
    )
    line = source.read_text(encoding="utf-8").splitlines().index("    size: 3") + 1
    result = run_build(project, project / "site")
    assert result.returncode != 0
    assert f"figures/pdca-cycle.yml:{line}: stages[1]: unknown key 'size'" in result.stderr


# Cache


def test_unchanged_figures_come_from_the_cache(tmp_path: Path, monkeypatch: Any) -> None:
    subset = figures.FigureSet(
        items={k: v for k, v in figure_set().items.items() if k in {"pdca-cycle", "sales-funnel"}}
    )
    first = figures.render_figures(subset, Store(tmp_path))
    assert len(list(tmp_path.glob("figure/*.svg"))) == 2

    def no_drawing(*args: object) -> str:
        raise AssertionError("a cached figure was drawn again")

    monkeypatch.setattr(drawing, "draw", no_drawing)
    assert figures.render_figures(subset, Store(tmp_path)) == first
    item = subset.items["sales-funnel"]
    assert isinstance(item.model, Funnel)
    changed = item.model.model_copy(update={"title": "另一个标题"})
    assert figures.cache_key(changed) != figures.cache_key(item.model)


# One visual code for the four attitudes


def test_attitude_code_is_shared_by_chart_legend_and_css() -> None:
    svg = drawn()["key-person-chart"]
    css = render_attitude_css()
    template = environment().from_string(
        '{% from "figures/attitudes.html.j2" import attitude_legend %}{{ attitude_legend() }}'
    )
    legend = template.render()
    for style in ATTITUDES:
        assert style.colour in svg and f"{style.symbol}{style.label}" in svg_text(svg)
        assert f".course-attitude--{style.key} {{\n  color: {style.colour};" in css
        assert f"border-bottom-style: {style.line};" in css
        assert (
            f'course-attitude--{style.key}"><span class="course-attitude__line"></span>' in legend
        )
    assert len({(s.colour, s.line, s.symbol) for s in ATTITUDES}) == len(ATTITUDES)
    assert len({s.line for s in ATTITUDES}) == len(ATTITUDES), "line styles alone tell them apart"


def test_site_serves_the_attitude_classes(site: Path) -> None:
    css = (site / "assets/course/attitudes.css").read_text(encoding="utf-8")
    assert css == render_attitude_css()
    page = (site / "chapters/ch06.html").read_text(encoding="utf-8")
    assert "assets/course/attitudes.css" in page


def test_graphviz_is_required_and_named(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    drawing._graphviz_version.cache_clear()
    try:
        with pytest.raises(drawing.DrawingError, match="Debian package graphviz"):
            drawing.renderer_version(figure_set().items["pdca-cycle"].model)
    finally:
        drawing._graphviz_version.cache_clear()


def test_labels_are_drawn_literally() -> None:
    """Dollar signs are not TeX for matplotlib, ampersands not markup for Graphviz."""
    funnel = figure_set().items["sales-funnel"].model
    flow = figure_set().items["revisit-steps"].model
    assert isinstance(funnel, Funnel) and isinstance(flow, Flow)
    odd = "$x$ & <b>"
    stages = [funnel.stages[0].model_copy(update={"label": odd}), *funnel.stages[1:]]
    steps = [flow.steps[0].model_copy(update={"label": odd}), *flow.steps[1:]]
    changed = (
        funnel.model_copy(update={"stages": stages}),
        flow.model_copy(update={"steps": steps}),
    )
    for figure in changed:
        texts = svg_texts(drawing.draw(figure, figures._render_dot))
        assert any(odd in text for text in texts)
