"""First paint and first search result on a weak network, in Chromium.

Serves a built site over local HTTP and throttles the page with the DevTools
protocol (400 ms latency, 400 kbit/s each way, cache disabled), then reports,
for a cold load of each page, the first contentful paint and the bytes fetched
(for the chapter including a search), and for a chapter whose search is opened
as soon as the page has loaded, the time to the first result; each with
service workers blocked and allowed (the course's worker installs on the first
visit; the DevTools throttle covers the page's requests, not the worker's own).
Run on two builds to compare them::

    .venv/bin/python bench/weak_network.py site/ [other-site/ ...]
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Literal

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.helpers import CHROMIUM, QuietHandler

LATENCY_MS = 400
KBIT_S = 400
PAGES = {
    "home": "index.html",
    "chapter": "chapters/ch07.html",
    "quiz": "quizzes/ch07.html",
}
QUERY = "回访"


@contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def throttled(page: Page) -> list[int]:
    """Throttle ``page``; the returned list collects the bytes of each response."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    rate = KBIT_S * 1000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": rate,
            "uploadThroughput": rate,
        },
    )
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(int(event["encodedDataLength"])))
    return sizes


def first_paint(page: Page) -> float:
    """Seconds from navigation start to the first contentful paint."""
    page.wait_for_function(
        "() => performance.getEntriesByName('first-contentful-paint', 'paint').length",
        polling=200,
        timeout=120_000,
    )
    value = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    return float(value) / 1000


def first_search(page: Page) -> float:
    """Seconds from the first focus of the search box (once the page's scripts
    have loaded) to the first result shown."""
    page.wait_for_load_state("load", timeout=120_000)
    box = page.locator("input.md-search__input")
    started = time.perf_counter()
    page.locator("label.md-search__icon[for='__search'], .md-search__input").first.click()
    box.fill(QUERY)
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=180_000)
    return time.perf_counter() - started


def measure(site: Path, service_workers: Literal["allow", "block"]) -> dict[str, str]:
    rows: dict[str, str] = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in PAGES.items():
            context = browser.new_context(service_workers=service_workers)
            page = context.new_page()
            sizes = throttled(page)
            rows[name] = ""
            started = time.perf_counter()
            page.goto(f"{base}/{path}", wait_until="commit", timeout=120_000)
            paint = first_paint(page)
            if name == "chapter":
                # A reader who searches as soon as the page is usable.
                took = first_search(page)
                since = time.perf_counter() - started
                rows["search"] = (
                    f"first result {took:5.1f} s after opening search, "
                    f"{since:5.1f} s after navigation"
                )
            page.wait_for_load_state("networkidle", timeout=180_000)
            loaded = sum(sizes) / 1000
            rows[name] = f"first paint {paint:5.1f} s, {loaded:6.0f} KB loaded"
            context.close()
        browser.close()
    return rows


def main(sites: list[Path]) -> None:
    print(f"Throttled: {LATENCY_MS} ms latency, {KBIT_S} kbit/s, no cache")
    for site in sites:
        for mode in ("block", "allow"):
            print(f"{site} (service workers: {mode})")
            for name, row in measure(site, mode).items():
                print(f"  {name:8} {row}")


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]] or [Path("site")])
