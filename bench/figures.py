"""Time drawing every figure: cold (empty cache, fresh process, so the
matplotlib import counts) and again from the cache, each in its own process.

Run: .venv/bin/python bench/figures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_RUN = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from generator import artifacts, figures
from generator.catalog import load_catalog
root = Path(sys.argv[1])
catalog = load_catalog(root, root / "docs/chapters", root / "docs/includes/abbreviations.md")
loaded = time.perf_counter()
found = figures.load_figures(root / "figures", root / "docs/chapters", catalog.chapters, root)
svgs = figures.render_figures(found, artifacts.Store(Path(sys.argv[2])))
done = time.perf_counter()
print(f"{len(svgs)} figures: {done - loaded:.2f} s (catalog and imports {loaded - start:.2f} s)")
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold (empty cache)", "cached"):
            result = subprocess.run(
                [sys.executable, "-c", ONE_RUN, str(ROOT), cache],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            print(f"{label}: {result.stdout.strip()}")


if __name__ == "__main__":
    main()
