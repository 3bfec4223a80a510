"""Draw one figure model as SVG: Graphviz for flows and relations, matplotlib
for funnels, bars and curves.

Labels stay text in the SVG (Graphviz writes text; matplotlib is told to with
``svg.fonttype: none``), so they can be searched, tested and read at any zoom.
The text is laid out with Noto Sans CJK SC; ``with_font_stack`` then names
fallbacks for readers whose system lacks it. Output is deterministic (fixed
ids, no dates), so a figure renders byte-identically on every machine with the
same library versions. matplotlib is imported only when a figure is drawn.

How each figure type is drawn is one entry of ``DRAWINGS`` (a Graphviz template
and its context, or a matplotlib function), looked up by the model's type: a new
figure type is a model in ``models/figure.py`` and an entry there.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import resource
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup

from generator.attitudes import ATTITUDES, BY_LABEL
from generator.models.figure import (
    Cycle,
    Figure,
    FigureBase,
    Flow,
    Funnel,
    Intervals,
    Lifecycle,
    Matrix,
    Relations,
)

FONT = "Noto Sans CJK SC"
FONT_STACK = (
    f"'{FONT}', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', "
    "'Microsoft YaHei', sans-serif"
)
"""What the SVG asks the viewer for: the font it was laid out with, then the
usual Chinese system fonts of phones and PCs."""

INK = "#1a237e"
ACCENT = "#3f51b5"
PALE = "#e8eaf6"
MUTED = "#555555"
ALERT = "#c62828"
SHADES = ("#303f9f", "#3f51b5", "#5c6bc0", "#7986cb", "#9fa8da", "#c5cae9")
"""Indigo from dark to light, matching the site's primary colour."""

WIDTH_IN = 4.8
"""Figure width in inches: at 375 px a phone shows it at about 0.75 scale, so
10-11 pt labels stay readable."""


class DrawingError(Exception):
    """The renderer failed; the message says why."""


@dataclass(frozen=True)
class Graph:
    """A figure type Graphviz draws: its template in ``templates/figures/``, and what
    the template is given besides the figure."""

    template: str
    context: Callable[[Any], dict[str, Any]]

    def version(self) -> str:
        return f"graphviz {_graphviz_version()}"

    def svg(self, figure: Figure, dot_template: Callable[[str, dict[str, Any]], str]) -> str:
        return _graphviz(dot_template(self.template, {"figure": figure, **self.context(figure)}))


@dataclass(frozen=True)
class Chart:
    """A figure type matplotlib draws: the function that makes its matplotlib figure."""

    plot: Callable[[Any], Any]

    def version(self) -> str:
        return f"matplotlib {_matplotlib_version()}"

    def svg(self, figure: Figure, dot_template: Callable[[str, dict[str, Any]], str]) -> str:
        return _plot(lambda: self.plot(figure))


def _drawing_of(figure: Figure) -> Graph | Chart:
    """How ``figure``'s type is drawn (``DRAWINGS``, at the end of this module)."""
    found = DRAWINGS.get(type(figure))
    if found is None:
        raise DrawingError(f"no drawing for figure type {figure.type}")
    return found


def renderer_version(figure: Figure) -> str:
    """The library that draws ``figure`` and its version, part of the cache key."""
    return _drawing_of(figure).version()


@cache
def _matplotlib_version() -> str:
    return version("matplotlib")


def draw(figure: Figure, dot_template: Callable[[str, dict[str, Any]], str]) -> str:
    """``figure`` as SVG text. ``dot_template`` renders a Graphviz template by name."""
    return well_formed(with_font_stack(_drawing_of(figure).svg(figure, dot_template)))


def well_formed(svg: str) -> str:
    """``svg`` once it parses as XML with an ``<svg>`` root; DrawingError if not, so a
    drawing that a browser or PDF renderer would refuse fails the build instead."""
    try:
        root = ElementTree.fromstring(svg.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise DrawingError(f"the drawing is not well-formed SVG ({exc})") from None
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise DrawingError(f"the drawing is not SVG (its root element is {root.tag[:40]})")
    return svg


def with_font_stack(svg: str) -> str:
    """Name fallback fonts wherever the SVG names the layout font."""
    svg = svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_STACK}"')
    return re.sub(rf"font-family: '{FONT}'[^;\"]*", f"font-family: {FONT_STACK}", svg)


# Graphviz


@cache
def _graphviz_version() -> str:
    try:
        result = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DrawingError(f"Graphviz is not installed (Debian package graphviz): {exc}") from None
    return result.stderr.strip()


GRAPHVIZ_SECONDS = 20
"""How long one Graphviz run may take; the course's figures take well under a second."""
GRAPHVIZ_MEMORY = 1 << 30
"""Address space one Graphviz run may use (bytes)."""


def _graphviz(dot: str) -> str:
    """Lay out and draw ``dot`` in a ``dot`` process of bounded time and memory, so a
    figure that makes Graphviz work without end fails on its own, with a reason."""
    _graphviz_version()
    with subprocess.Popen(
        ["dot", "-Tsvg"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        # Set before the graph is written: dot waits for its input until then.
        with contextlib.suppress(ProcessLookupError):
            limit = (GRAPHVIZ_MEMORY, GRAPHVIZ_MEMORY)
            resource.prlimit(process.pid, resource.RLIMIT_AS, limit)
        try:
            out, err = process.communicate(dot, timeout=GRAPHVIZ_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise DrawingError(
                f"Graphviz took longer than {GRAPHVIZ_SECONDS} s to draw this figure; "
                "make it smaller (fewer steps, shorter labels)"
            ) from None
    if process.returncode != 0:
        reason = err.strip()[:200] or f"exit status {process.returncode}"
        if process.returncode < 0 or "memory" in err.lower():
            reason += f" (at most {GRAPHVIZ_MEMORY >> 20} MiB of memory)"
        raise DrawingError(f"Graphviz failed: {reason}")
    return re.sub(r"<!--.*?-->\n?", "", out, flags=re.DOTALL)


def dot_text(value: object) -> object:
    """A value for a Graphviz label: backslashes doubled, so that ``\\N``, ``\\G``,
    ``\\E``, ``\\T``, ``\\H``, ``\\L`` and ``\\l``, ``\\n``, ``\\r`` stay the text
    written instead of becoming the node's, graph's or edge's name or a line break
    (Graphviz reads these escapes in HTML-like labels too, after entities, so HTML
    escaping alone does not stop them). Markup, the output of the templates' own
    macros, was made from values already passed through here."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.replace("\\", "\\\\")
    return value


def halves(text: str, longest: int = 5) -> list[str]:
    """A long Chinese heading in two lines, never starting a line with closing
    punctuation or ending one with an opening bracket."""
    if len(text) <= longest:
        return [text]
    cut = (len(text) + 1) // 2
    if text[cut] in NO_LINE_START:
        cut += 1
    elif text[cut - 1] in NO_LINE_END:
        cut -= 1
    return [text[:cut], text[cut:]]


NO_LINE_START = "、，。；：？！）》」』”"
NO_LINE_END = "（《「『“("


def _flow_context(flow: Flow) -> dict[str, Any]:
    return {"spans": _span_of_steps(flow)}


def _cycle_context(cycle: Cycle) -> dict[str, Any]:
    positions = _ring(cycle)
    return {"positions": positions, "details": _ring_details(cycle, positions)}


def _relations_context(relations: Relations) -> dict[str, Any]:
    return {"styles": BY_LABEL, "attitudes": ATTITUDES}


def _matrix_context(matrix: Matrix) -> dict[str, Any]:
    return {"totals": matrix.totals(), "halves": halves}


def _span_of_steps(flow: Flow) -> dict[int, int]:
    """Step number to the index of the first span that frames it."""
    found: dict[int, int] = {}
    for index, span in enumerate(flow.spans):
        for step in range(span.first, span.last + 1):
            found.setdefault(step, index)
    return found


def _ring(cycle: Cycle) -> list[tuple[float, float]]:
    """Positions (inches) on a circle, first stage at the top, going clockwise."""
    count = len(cycle.stages)
    radius = 1.35
    return [
        (
            round(radius * math.cos(math.pi / 2 - 2 * math.pi * i / count), 3),
            round(radius * math.sin(math.pi / 2 - 2 * math.pi * i / count), 3),
        )
        for i in range(count)
    ]


RING_NODE_IN = 0.5
"""Radius of a stage's circle in cycle.dot.j2 (width=1.0, fixedsize)."""
DETAIL_PT = 11
"""Font size of a stage's detail in cycle.dot.j2."""


def _ring_details(
    cycle: Cycle, positions: list[tuple[float, float]]
) -> list[tuple[float, float, list[str]]]:
    """Where each stage's detail goes (inches) and its lines: outside the ring,
    on the ray from the centre through the stage, just clear of the stage's
    circle. The arrows run between neighbouring stages, inside that ray's
    outer end, so they never cross a detail, whatever the number of stages."""
    found = []
    for (x, y), stage in zip(positions, cycle.stages, strict=True):
        lines = halves(stage.detail, longest=6)
        width = max(len(line) for line in lines) * DETAIL_PT / 72
        height = len(lines) * DETAIL_PT * 1.3 / 72
        length = math.hypot(x, y) or 1.0
        ux, uy = x / length, y / length
        reach = RING_NODE_IN + 0.1 + abs(ux) * width / 2 + abs(uy) * height / 2
        found.append((round(x + ux * reach, 3), round(y + uy * reach, 3), lines))
    return found


# matplotlib


def _plot(make: Callable[[], Any]) -> str:
    """The SVG of the matplotlib figure ``make`` returns, made in the course's style."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    style: dict[str, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "course-figure",
        "text.parse_math": False,
        "font.family": [FONT],
        "font.size": 10.5,
        "axes.edgecolor": "#9e9e9e",
        "axes.labelcolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }
    with plt.rc_context(style):  # type: ignore[arg-type]
        fig = make()
        out = io.StringIO()
        # A tight box grows the canvas to hold every label (an axis title
        # near the edge was cut off by the fixed margins).
        fig.savefig(
            out,
            format="svg",
            metadata={"Date": None},
            facecolor="white",
            bbox_inches="tight",
            pad_inches=0.08,
        )
        plt.close(fig)
    return out.getvalue()


def _funnel(funnel: Funnel) -> Any:
    """With values: bars as wide as them (``_funnel_values``); else stacked trapezoids,
    each narrower than the one above, label inside."""
    if funnel.per_entry:
        return _funnel_values(funnel)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon

    count = len(funnel.stages)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.5 * count + 0.2))
    top, bottom, gap = 1.0, 0.34, 0.06
    for index, stage in enumerate(funnel.stages):
        upper = top - (top - bottom) * index / count
        lower = top - (top - bottom) * (index + 1) / count
        y0, y1 = count - index - 1 + gap / 2, count - index - gap / 2
        shade = SHADES[min(index, len(SHADES) - 1)] if count <= len(SHADES) else ACCENT
        corners = [(-upper, y1), (upper, y1), (lower, y0), (-lower, y0)]
        ax.add_patch(Polygon(corners, closed=True, facecolor=shade, edgecolor="white"))
        colour = "white" if index < 4 else INK
        ax.text(0, (y0 + y1) / 2, stage.label, ha="center", va="center", color=colour, size=11)
    ax.set_xlim(-1.02, 1.02)
    ax.set_ylim(0, count)
    ax.axis("off")
    fig.subplots_adjust(0.01, 0.01, 0.99, 0.99)
    return fig


def _funnel_values(funnel: Funnel) -> Any:
    """Bars as wide as their values, each step's conversion rate, then the per-entry sums."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon, Rectangle

    per_entry = funnel.per_entry
    assert per_entry is not None
    values = funnel.values()
    count = len(values)
    notes = 3
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.62 * count + 0.3 * notes + 0.2))
    left, span, centre = 0.3, 0.56, 0.58
    row = 1.0
    for index, stage in enumerate(funnel.stages):
        width = max(span * values[index] / values[0], 0.02)
        y = (count - index - 1) * row + notes * 0.5
        ax.add_patch(Rectangle((centre - width / 2, y + 0.2), width, 0.5, facecolor=SHADES[1]))
        ax.text(left - 0.02, y + 0.45, stage.label, ha="right", va="center", color=INK, size=11)
        amount = f"{values[index]:,} {stage.unit or ''}".strip()
        inside = width > 0.16
        ax.text(
            centre if inside else centre + width / 2 + 0.015,
            y + 0.45,
            amount,
            ha="center" if inside else "left",
            va="center",
            color="white" if inside else INK,
            size=11,
            weight="bold",
        )
        if index + 1 < count:
            below = max(span * values[index + 1] / values[0], 0.02)
            ax.add_patch(
                Polygon(
                    [
                        (centre - width / 2, y + 0.2),
                        (centre + width / 2, y + 0.2),
                        (centre + below / 2, y - row + 0.7),
                        (centre - below / 2, y - row + 0.7),
                    ],
                    facecolor=PALE,
                )
            )
            ax.text(
                0.995,
                y + 0.05,
                rate(values[index + 1], values[index]),
                ha="right",
                va="center",
                color=MUTED,
                size=10,
            )
    for line, text in enumerate(per_entry_lines(funnel)):
        ax.text(0.0, (notes - 1 - line) * 0.5 + 0.2, text, ha="left", va="center", color=INK)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, count * row + notes * 0.5)
    ax.axis("off")
    fig.subplots_adjust(0.02, 0.01, 0.98, 0.99)
    return fig


def rate(part: int, whole: int) -> str:
    """A conversion rate as the chapter writes it: ``26%``, or ``≈38.5%`` when rounded."""
    exact = 100 * part / whole
    rounded = round(exact, 1)
    text = f"{rounded:g}%"
    return f"↓ {text}" if rounded == exact else f"↓ ≈{text}"


def per_entry_lines(funnel: Funnel) -> list[str]:
    """The per-entry arithmetic, every number computed from the funnel's data."""
    per_entry = funnel.per_entry
    assert per_entry is not None
    entries = funnel.values()[0]
    average = per_entry.total / entries
    commission = average * per_entry.rate_percent / 100
    return [
        f"{per_entry.total_label}：¥{per_entry.total:,}",
        f"{per_entry.average_label} = {per_entry.total:,} ÷ {entries} = ¥{_amount(average)}",
        f"{per_entry.commission_label} = {_amount(average)} × {per_entry.rate_percent:g}%"
        f" = ¥{_amount(commission)}",
    ]


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"


def _intervals(figure: Intervals) -> Any:
    """One panel per grading scheme, one bar per grade, on a shared log scale of days."""
    import matplotlib.pyplot as plt

    heights = [len(group.levels) + 1.2 for group in figure.groups]
    fig, axes = plt.subplots(
        len(figure.groups),
        1,
        figsize=(WIDTH_IN, 0.32 * sum(heights) + 0.5),
        sharex=True,
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    low = 0.6
    high = max(tick.days for tick in figure.ticks) * 1.6
    for ax, group in zip(axes[:, 0], figure.groups, strict=True):
        labels = [level.label for level in group.levels]
        positions = list(range(len(labels)))[::-1]
        for y, level in zip(positions, group.levels, strict=True):
            share = math.log(level.interval_days / low) / math.log(high / low)
            colour = SHADES[min(int(share * len(SHADES)), len(SHADES) - 1)]
            ax.barh(y, level.interval_days - low, left=low, height=0.62, color=colour)
            if share > 0.75:
                ax.text(
                    level.interval_days / 1.1,
                    y,
                    level.text,
                    va="center",
                    ha="right",
                    color=INK,
                    size=10,
                )
            else:
                ax.text(level.interval_days * 1.1, y, level.text, va="center", color=INK, size=10)
        ax.set_yticks(positions, labels, size=11, color=INK)
        ax.set_title(group.title, loc="left", size=11, color=INK, weight="bold")
        ax.set_xscale("log")
        ax.set_xlim(low, high * 3.2)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
    bottom = axes[-1, 0]
    bottom.set_xticks([tick.days for tick in figure.ticks], [tick.label for tick in figure.ticks])
    bottom.minorticks_off()
    bottom.set_xlabel(figure.axis_label, size=10)
    fig.subplots_adjust(left=0.14, right=0.98, top=0.93, bottom=0.1, hspace=0.45)
    return fig


def _lifecycle(figure: Lifecycle) -> Any:
    """A smooth curve through each phase's end level, phases divided and labelled."""
    import matplotlib.pyplot as plt
    import numpy as np

    levels = [figure.start_level, *(phase.level for phase in figure.phases)]
    xs: list[float] = []
    ys: list[float] = []
    for index in range(len(figure.phases)):
        t = np.linspace(0, 1, 40)
        ease = (1 - np.cos(np.pi * t)) / 2
        xs.extend(index + t)
        ys.extend(levels[index] + (levels[index + 1] - levels[index]) * ease)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.0))
    ax.fill_between(xs, ys, color=PALE)
    ax.plot(xs, ys, color=ACCENT, linewidth=2.2)
    for index, phase in enumerate(figure.phases):
        if index:
            ax.axvline(index, color="#9e9e9e", linewidth=0.8, linestyle=(0, (4, 3)))
        ax.text(
            index + 0.5,
            112,
            phase.label,
            ha="center",
            va="center",
            size=11,
            color=INK,
            weight="bold",
        )
        for line, text in enumerate(phase.strategy):
            ax.text(
                index + 0.5, -14 - 11 * line, text, ha="center", va="center", size=9.5, color=MUTED
            )
    ax.set_xlim(0, len(figure.phases))
    ax.set_ylim(0, 122)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel(figure.y_label, size=10)
    ax.annotate(
        f"{figure.x_label} →",
        xy=(1, 0),
        xycoords="axes fraction",
        xytext=(-3, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        size=10,
        color=MUTED,
    )
    ax.spines[["top", "right"]].set_visible(False)
    lines = max(len(phase.strategy) for phase in figure.phases)
    fig.subplots_adjust(left=0.07, right=0.99, top=0.98, bottom=0.1 + 0.06 * lines)
    return fig


# One entry per figure type: a new type is its model and a line here.

DRAWINGS: dict[type[FigureBase], Graph | Chart] = {
    Flow: Graph("flow.dot.j2", _flow_context),
    Cycle: Graph("cycle.dot.j2", _cycle_context),
    Relations: Graph("relations.dot.j2", _relations_context),
    Matrix: Graph("matrix.dot.j2", _matrix_context),
    Funnel: Chart(_funnel),
    Intervals: Chart(_intervals),
    Lifecycle: Chart(_lifecycle),
}
"""How each figure model is drawn, looked up by the model's type."""
