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


RESULTS_SCRIPT = Path(__file__).with_name("search_results.js").read_text(encoding="utf-8")


def result_lists(page: Page, queries: list[str]) -> dict[str, list[str]]:
    """The pages the search lists for each query, in order, as site paths: the
    queries typed one after another in the page itself (``search_results.js``),
    so a query costs the search's own time, not a round trip per step."""
    page.locator("input.md-search__input").click()
    found = page.evaluate(RESULTS_SCRIPT, {"queries": queries, "placeholders": list(PLACEHOLDERS)})
    base = page.url.rsplit("/", 1)[0] + "/"
    return {
        query: [href.split("#")[0].split("?")[0].removeprefix(base) for href in hrefs]
        for query, hrefs in found.items()
    }


def result_pages(page: Page, query: str) -> list[str]:
    """The pages the search lists for ``query``, in order, as site paths."""
    return result_lists(page, [query])[query]


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
    expected = dict(pairs())
    listed = result_lists(page, list(expected))
    return {
        query: listed[query].index(target) + 1 if target in listed[query] else None
        for query, target in expected.items()
    }


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
