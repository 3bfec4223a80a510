"""Search quality: what a reader types and the page that should come first.

The pairs live in ``search-quality.tsv``; ``ranks`` runs them through the
site's real search in a browser. Run as a script to print the hit rates of a
built site: ``.venv/bin/python -m tests.search_quality site/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.helpers import CHROMIUM

PAIRS_FILE = Path(__file__).with_name("search-quality.tsv")
PLACEHOLDERS = ("键入以开始搜索", "正在初始化搜索引擎", "")


def pairs() -> list[tuple[str, str]]:
    """(query, expected page) from the pairs file."""
    rows = []
    for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected = line.split("\t")
            rows.append((query, expected))
    return rows


def result_pages(page: Page, query: str) -> list[str]:
    """The pages the search lists for ``query``, in order, as site paths.

    The box is emptied first so the results read afterwards belong to this
    query; a key release then hands the text to Material's search.
    """
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    box.click()
    box.fill("")
    box.press("End")
    page.wait_for_function("() => !document.querySelector('.md-search-result__list li')")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "placeholders => !placeholders.includes("
        "document.querySelector('.md-search-result__meta').textContent.trim())",
        arg=list(PLACEHOLDERS),
        timeout=15_000,
    )
    assert meta.text_content()
    # The count comes first; the list items follow it (Material renders them as
    # they come into view): wait for the first unless nothing was found.
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta').textContent.includes('没有')"
        " || document.querySelector('.md-search-result__list li') !== null",
        timeout=15_000,
    )
    hrefs = page.locator(".md-search-result__item").evaluate_all(
        "items => items.map(item => item.querySelector('a.md-search-result__link').href)"
    )
    base = page.url.rsplit("/", 1)[0] + "/"
    return [href.split("#")[0].split("?")[0].removeprefix(base) for href in hrefs]


def result_count(page: Page) -> int:
    """How many pages the result list says it found (it renders only the first ten)."""
    text = page.locator(".md-search-result__meta").inner_text()
    if "没有" in text:
        return 0
    if "找到 1 个" in text:
        return 1
    return int(text.split(" ", 1)[0])


def ranks(page: Page, start: str) -> dict[str, int | None]:
    """The 1-based position of each pair's expected page (None: not listed)."""
    page.goto(start)
    found: dict[str, int | None] = {}
    for query, expected in pairs():
        listed = result_pages(page, query)
        found[query] = listed.index(expected) + 1 if expected in listed else None
    return found


def hit_rates(found: dict[str, int | None]) -> tuple[float, float]:
    """Share of pairs whose page comes first, and within the first three."""
    total = len(found)
    top1 = sum(1 for rank in found.values() if rank == 1)
    top3 = sum(1 for rank in found.values() if rank is not None and rank <= 3)
    return top1 / total, top3 / total


def main(site: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        found = ranks(page, (site.resolve() / "index.html").as_uri())
        browser.close()
    for query, rank in found.items():
        print(f"{rank or '-'}\t{query}")
    top1, top3 = hit_rates(found)
    print(f"top-1 {top1:.0%}  top-3 {top3:.0%}  ({len(found)} queries)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
