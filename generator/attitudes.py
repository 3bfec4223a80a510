"""The visual code of the four key-person attitudes, defined once.

The key-person chart (a figure), its legend and the printable form 关键人物关系图
all draw an attitude the same way: a colour, a line style and a symbol, so the
code still reads in black-and-white print and for colour-blind readers. The
figure's Graphviz template and the CSS classes (templates/figures/attitudes.css.j2)
are both rendered from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models.figure import Attitude


@dataclass(frozen=True)
class AttitudeStyle:
    label: Attitude
    key: str
    """CSS class suffix: ``course-attitude--<key>``."""
    colour: str
    line: str
    """CSS border style (solid, dashed, double, dotted); the chart draws the same."""
    symbol: str


ATTITUDES: tuple[AttitudeStyle, ...] = (
    AttitudeStyle("积极", "positive", "#2e7d32", "solid", "＋"),
    AttitudeStyle("中立", "neutral", "#1565c0", "dashed", "○"),
    AttitudeStyle("消极", "negative", "#c62828", "double", "－"),
    AttitudeStyle("尚未建立关系", "none", "#757575", "dotted", "？"),
)
"""In the order the chapter lists them."""

BY_LABEL = {style.label: style for style in ATTITUDES}
