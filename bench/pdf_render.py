"""Time rendering each form and case PDF, to watch for slow font handling.

Run: .venv/bin/python bench/pdf_render.py
Without libharfbuzz-subset0 WeasyPrint cannot subset fonts with HarfBuzz and a
one-page CJK form takes over ten seconds instead of about one.
"""

from __future__ import annotations

import time
from pathlib import Path

from generator.catalog import load_catalog
from generator.pages import render_print_html
from generator.pdf import PdfJob, render_pdf

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    catalog = load_catalog(ROOT, ROOT / "docs/chapters", ROOT / "docs/includes/abbreviations.md")
    for folder in ("forms", "cases"):
        for item in catalog.of(folder):
            html = render_print_html(item, "pdf.html.j2", catalog, "客户管理实务")
            start = time.perf_counter()
            pdf = render_pdf(PdfJob(f"{item.kind.folder}/{item.id}.pdf", html))
            elapsed = time.perf_counter() - start
            print(f"{item.kind.folder}/{item.id}.pdf: {elapsed:.2f} s, {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
