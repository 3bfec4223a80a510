"""Figures in Chromium on a phone-sized screen: drawn, within the page width,
with labels large enough to read, and nothing fetched from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from tests.helpers import remote_requests

PHONE = {"width": 375, "height": 800}
SMALLEST_LABEL_PX = 7.5
"""The smallest label size on a 375 px screen: small print, but legible; tap to zoom."""


def test_figures_fit_a_phone_and_stay_legible(server: str, page: Page, site: Path) -> None:
    page.set_viewport_size(PHONE)
    chapters = sorted({path.stem for path in (site / "chapters").glob("ch*.html")})
    seen = 0
    for chapter in chapters:
        page.goto(f"{server}/chapters/{chapter}.html")
        page.wait_for_load_state("networkidle")
        figures = page.locator("figure.course-figure")
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            natural, shown, right = figure.locator("img").evaluate(
                "img => [img.naturalWidth, img.getBoundingClientRect().width,"
                " img.getBoundingClientRect().right]"
            )
            assert natural > 0, f"{chapter} figure {index + 1} did not load"
            assert right <= PHONE["width"], f"{chapter} figure {index + 1} is wider than the screen"
            src = figure.locator("img").get_attribute("src") or ""
            svg = (site / "chapters" / src).resolve().read_text(encoding="utf-8")
            sizes = [float(s) for s in re.findall(r'font-size(?:="|: )([\d.]+)', svg)]
            points = float(re.search(r'width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
            smallest = min(sizes) * shown / points
            assert smallest >= SMALLEST_LABEL_PX, f"{chapter} figure {index + 1}: {smallest:.1f}px"
            caption = figure.locator("figcaption")
            assert caption.is_visible() and caption.inner_text().startswith("图 ")
            seen += 1
    assert seen >= 8
    assert remote_requests(page) == []
