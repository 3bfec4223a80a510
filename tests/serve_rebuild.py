"""(Run by test_pdf_cache.py in a copy of the course.) Two ``mkdocs serve``-style
builds in one process around a quiz edit, with PDF rendering held back by a gate,
to see what the second build serves before and after its PDFs are rendered.

Prints JSON: the bytes' hashes of the watched PDFs after each step.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator import pdf

WATCHED = ("trainer/quizzes/ch01-answers.pdf", "forms/visit-plan.pdf", "handbook.pdf")
gate = threading.Event()
render_all = pdf.render_all


def gated_render_all(*args, **kwargs):  # type: ignore[no-untyped-def]
    if not gate.wait(timeout=300):
        raise TimeoutError("the gate was never opened")
    return render_all(*args, **kwargs)


def serve_build() -> object:
    config = load_config(site_dir="site", strict=True)
    config.plugins.on_startup(command="serve", dirty=False)
    done = threading.Thread(target=build, args=(config,), kwargs={"serve_url": "http://x/"})
    done.start()
    done.join(timeout=240)
    if done.is_alive():
        print(json.dumps({"error": "the rebuild waited for its PDFs"}))
        sys.exit(3)
    return config.plugins["course"]


def snapshot() -> dict[str, str]:
    site = Path("site")
    return {path: hashlib.sha256((site / path).read_bytes()).hexdigest() for path in WATCHED}


def main() -> None:
    """Worker processes re-import this file: nothing runs at import."""
    logging.basicConfig(level=logging.INFO)
    gate.set()
    serve_build()
    first = snapshot()
    gate.clear()
    quiz = Path("quizzes/ch01.yml")
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("prompt: ", "prompt: 新版", 1), "utf-8"
    )
    plugin = serve_build()
    served = snapshot()
    gate.set()
    plugin.wait_for_pdfs()  # type: ignore[attr-defined]
    after = snapshot()
    plugin.on_shutdown()  # type: ignore[attr-defined]
    print(json.dumps({"first": first, "served": served, "after": after}))


if __name__ == "__main__":
    pdf.render_all = gated_render_all
    main()
