"""What each kind of entry in the artifact store saves: the step's time in a build
with that kind emptied (cold) against the same step in a warm build.

Run: .venv/bin/python bench/cache_savings.py [--runs 2]

Needs a warm store (run ``make site`` first); the store is copied into a
temporary folder for every measurement, so the repository's own is never
changed, and built over once before it is measured.
Each build runs in a fresh process (a build starts cold in memory), in
process there, with the steps timed by wrapping the functions that use the
store. PDFs are left out: a cold build renders 77 of them (about two minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / ".cache" / "artifacts"
KINDS = {
    "course": "the loaded course",
    "handbook": "the handbook's print HTML",
    "offline-app": "the offline app's files (icons)",
    "search": "jieba's word cuts",
    "figure": "drawn figures",
    "png zip": "form thumbnails and pack",
    "jinja": "compiled templates (ours and the theme's)",
}


def timed_build(store: Path) -> dict[str, float]:
    """One in-process build over ``store``: seconds spent in each store-using step."""
    import jinja2.loaders
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import course, figures, handbook, offline_app, segments, site_pdfs

    spent = dict.fromkeys(KINDS, 0.0)

    def wrap(owner: Any, name: str, kind: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[kind] += time.perf_counter() - start

        setattr(owner, name, timed)

    wrap(course, "load_cached", "course")
    wrap(handbook, "cached_jobs", "handbook")
    wrap(offline_app, "cached_outputs", "offline-app")
    wrap(figures, "render_figures", "figure")
    wrap(site_pdfs.SitePdfs, "with_form_extras", "png zip")
    wrap(jinja2.loaders.BaseLoader, "load", "jinja")
    for method in ("__init__", "words", "save"):
        wrap(segments.SegmentCache, method, "search")
    config = load_config(str(ROOT / "mkdocs.yml"), strict=True)
    config.plugins["course"].config["cache_dir"] = str(store)
    with tempfile.TemporaryDirectory() as site:
        config["site_dir"] = site
        build(config)
    return spent


def run(cold: str) -> dict[str, float]:
    """A build in a fresh process over a copy of the store with ``cold`` emptied,
    after one unmeasured build over that copy (so entries keyed by what differs
    from the build that filled the store, such as the cover's date, are there)."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "artifacts"
        shutil.copytree(STORE, store)
        build_in_process(store)
        for kind in cold.split():
            shutil.rmtree(store / kind, ignore_errors=True)
        return build_in_process(store)


def build_in_process(store: Path) -> dict[str, float]:
    """``timed_build`` in a fresh process."""
    script = (
        "import json, pathlib; from bench.cache_savings import timed_build; "
        f"print(json.dumps(timed_build(pathlib.Path({str(store)!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    spent: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs
    if not STORE.is_dir():
        sys.exit(f"{STORE} is missing: run `make site` first")
    warm: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cold: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(runs):
        for kind, seconds in run("").items():
            warm[kind].append(seconds)
        for kind in KINDS:
            cold[kind].append(run(kind)[kind])
    print("| entries | step, cold | step, warm | saving |")
    print("|---|---|---|---|")
    for kind, what in KINDS.items():
        c, w = statistics.median(cold[kind]), statistics.median(warm[kind])
        print(f"| {what} (`{kind}`) | {c:.2f} s | {w:.2f} s | {c - w:.2f} s |")


if __name__ == "__main__":
    main()
