"""Build speed against plain MkDocs: medians of repeated runs, measured side by side.

Run: .venv/bin/python bench/build_speed.py [--runs 3] [--scales 1,5,10] [--parts 1,2,3,4]

Everything runs on a copy of the course in a temporary folder (the repository's
own PDF cache is never touched). It prints one table:

1. our full build with a warm PDF cache vs plain ``mkdocs build`` of the same
   ``docs/`` (``bench/plain-mkdocs.yml``: same theme and extensions, no plugin);
2. a cold full build (empty PDF cache) with one PDF worker vs one per core;
3. a ``mkdocs serve``-style rebuild (in one process, after a first build) after
   editing one quiz and after editing one chapter, vs plain MkDocs' rebuild;
4. synthetic courses at 1x, 5x, 10x the real one (chapters, quizzes, forms,
   cases), cold and warm, with the peak memory of the whole build process tree;
   and Material's ``navigation.prune`` on and off at the largest scale.

Plain MkDocs is measured twice: over the same ``docs/`` (the chapters only), and
over the same pages (``docs/`` plus every page the plugin generates, written out
as Markdown): the second isolates what the generator itself costs, the first
also counts MkDocs' own work on the quiz, case, form and trainer pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import copy_course as copy_content  # noqa: E402

MKDOCS = Path(sys.executable).parent / "mkdocs"
PLAIN = "bench/plain-mkdocs.yml"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def copy_course(target: Path) -> Path:
    """The course as the tests copy it (no shared caches: the bench times cold
    builds too), plus the plain-MkDocs configuration it compares with."""
    copy_content(target)
    (target / PLAIN).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / PLAIN, target / PLAIN)
    return target


def _tree_memory(root: int) -> tuple[int, int]:
    """Memory of a process and all its descendants, and of the largest one, in bytes.

    Proportional set size: pages the PDF workers share with the process they
    were forked from are counted once, as the system sees them, not per process.
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    sizes = []
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            sizes.append(int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)[1]) * 1024)  # type: ignore[index]
        except (OSError, ValueError, TypeError):
            continue
    return sum(sizes), max(sizes, default=0)


def run(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, peak memory of the process tree, and output of one command.

    The peak of the largest single process is printed as it goes."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = largest = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, largest
        while not done.is_set():
            total, biggest = _tree_memory(process.pid)
            peak, largest = max(peak, total), max(largest, biggest)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{output[-3000:]}")
    print(
        f"    peak {peak / 2**20:.0f} MiB, largest process {largest / 2**20:.0f} MiB",
        file=sys.stderr,
    )
    return elapsed, peak, output


def build(course: Path, config: str = "mkdocs.yml") -> tuple[float, int]:
    elapsed, peak, _ = run(
        [str(MKDOCS), "build", "--strict", "-q", "-f", config, "-d", str(course / "out")], course
    )
    return elapsed, peak


def with_plugin_option(course: Path, name: str, option: str) -> str:
    """A copy of the course's mkdocs.yml with one option of the course plugin set."""
    text = (course / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - course\n", f"  - course:\n      {option}\n", 1)
    (course / name).write_text(text, encoding="utf-8")
    return name


def without_prune(course: Path) -> str:
    config = yaml.safe_load((course / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["features"].remove("navigation.prune")
    (course / "no-prune.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return "no-prune.yml"


def clear_cache(course: Path) -> None:
    shutil.rmtree(course / ".cache", ignore_errors=True)


def medians(runs: int, *measures: Callable[[], tuple[float, int]]) -> list[tuple[float, int]]:
    """Run the measures interleaved ``runs`` times; median time and peak memory of each."""
    samples: list[list[tuple[float, int]]] = [[] for _ in measures]
    for _ in range(runs):
        for index, measure in enumerate(measures):
            samples[index].append(measure())
    return [
        (statistics.median(t for t, _ in s), int(statistics.median(m for _, m in s)))
        for s in samples
    ]


def serve_loop(config: str, path: str, runs: int) -> None:
    """(Subprocess mode) Build once, then edit ``path`` and rebuild ``runs`` times in
    this process, as ``mkdocs serve`` does; print the rebuild times as JSON, and
    the times until PDFs rendering in the background were in place."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    def once() -> tuple[float, float]:
        config_object = load_config(config_file=config, site_dir="out-serve", strict=True)
        config_object.plugins.on_startup(command="serve", dirty=False)
        start = time.perf_counter()
        mkdocs_build(config_object, serve_url="http://127.0.0.1:8000/")
        built = time.perf_counter() - start
        course = config_object.plugins.get("course")
        if course is not None:
            course.wait_for_pdfs()
        return built, time.perf_counter() - start

    once()
    source = Path(path)
    original = source.read_text(encoding="utf-8")
    times = []
    for count in range(runs):
        source.write_text(edit(path, original, count), encoding="utf-8")
        times.append(once())
    source.write_text(original, encoding="utf-8")
    print(json.dumps(times))


def edit(path: str, text: str, count: int) -> str:
    """A real change to a chapter or quiz: a new sentence, or a reworded quiz prompt."""
    if path.endswith(".md"):
        return text.replace("\n## ", f"\n补充说明第 {count + 1} 条。\n\n## ", 1)
    return text.replace("prompt: ", f"prompt: （第 {count + 1} 版）", 1)


def rebuild(course: Path, config: str, path: str, runs: int) -> tuple[tuple[float, int], float]:
    """Median rebuild time and peak memory, and median time until PDFs were fresh."""
    _, peak, output = run(
        [sys.executable, __file__, "--serve-loop", config, path, str(runs)], course
    )
    times = json.loads(output.strip().splitlines()[-1])
    return (statistics.median(t for t, _ in times), peak), statistics.median(f for _, f in times)


def synthesize(course: Path, factor: int) -> None:
    """Grow a course copy ``factor`` times in every kind: chapters, quizzes, forms, cases."""
    chapters = sorted((course / "docs/chapters").glob("ch*.md"))
    count = len(chapters)
    if factor * count > 999:
        raise SystemExit(f"{factor}× needs {factor * count} chapters; chapter ids allow 999")
    config = yaml.safe_load((course / "mkdocs.yml").read_text(encoding="utf-8"))
    nav_chapters = next(entry for entry in config["nav"] if "课程章节" in entry)["课程章节"]
    for copy in range(1, factor):
        renamed = {}
        for index, chapter in enumerate(chapters, start=1):
            number = copy * count + index
            new_id = f"ch{number:02d}"
            renamed[chapter.stem] = new_id
            text = chapter.read_text(encoding="utf-8")
            text = re.sub(r"^# 第\d+章", f"# 第{number}章", text, count=1, flags=re.MULTILINE)
            text = re.sub(r"\.\./figures/([a-z0-9-]+)\.svg", rf"../figures/\1-{copy}.svg", text)
            text = text.replace(f"图 {index}-", f"图 {number}-")  # figure numbers
            (course / "docs/chapters" / f"{new_id}.md").write_text(text, encoding="utf-8")
            nav_chapters.append(f"chapters/{new_id}.md")
        forms = {path.stem: f"{path.stem}-{copy}" for path in (course / "forms").glob("*.yml")}
        for folder in ("quizzes", "forms", "cases", "figures"):
            for path in sorted((course / folder).glob("*.yml")):
                if re.search(r"-\d+$", path.stem):
                    continue
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                data["chapter"] = renamed[data["chapter"]]
                if folder != "figures":  # a figure's title is its alt text in the chapter
                    data["title"] = f"{data['title']}（{copy + 1}）"
                if folder == "cases" and "forms" in data:
                    data["forms"] = [forms.get(form, form) for form in data["forms"]]
                for question in data.get("questions", []) if folder == "quizzes" else []:
                    question["id"] = f"{question['id']}-x{copy}"  # unique across quizzes
                target = course / folder / f"{path.stem}-{copy}.yml"
                target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (course / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def same_pages(course: Path) -> str:
    """A plain config over ``docs/`` plus every page the plugin generates, as files."""
    from generator import build as generator_build
    from generator.catalog import load_catalog

    docs = course / "docs-same-pages"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(course / "docs", docs)
    catalog = load_catalog(
        course, course / "docs/chapters", course / "docs/includes/abbreviations.md", course
    )
    for output in [*generator_build.pages(catalog), *generator_build.assets()]:
        target = docs / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(output.content, bytes):
            target.write_bytes(output.content)
        else:
            target.write_text(output.content, encoding="utf-8")
    config = yaml.safe_load((course / PLAIN).read_text(encoding="utf-8"))
    config["docs_dir"] = "../docs-same-pages"
    nav = yaml.safe_load((course / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    config["nav"] = generator_build.expand_sections(nav, generator_build.section_pages(catalog))
    config["extra_css"] = list(generator_build.STYLESHEETS)
    config["extra_javascript"] = list(generator_build.SCRIPTS)
    name = "bench/plain-same-pages.yml"
    (course / name).write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return name


def html_bytes(course: Path) -> int:
    return sum(p.stat().st_size for p in (course / "out").rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--scales", default="1,5,10", help="synthetic course sizes")
    parser.add_argument("--parts", default="1,2,3,4", help="which measurements to run")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    parts = {int(p) for p in args.parts.split(",")}
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, ours: tuple[float, int], base: tuple[float, int] | None = None) -> None:
        ratio = f"{ours[0] / base[0]:.2f}×" if base else ""
        baseline = f"{base[0]:.2f} s" if base else ""
        rows.append((name, f"{ours[0]:.2f} s, {ours[1] / 2**20:.0f} MiB", baseline, ratio))
        print(f"  {name}: {rows[-1][1]} {baseline} {ratio}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="course-bench-") as temporary:
        course = copy_course(Path(temporary) / "course")
        workers = os.cpu_count() or 1
        one = with_plugin_option(course, "one-worker.yml", "pdf_workers: 1")

        if 1 in parts:
            print("1. warm full build vs plain MkDocs", file=sys.stderr)
            build(course)
            same = same_pages(course)
            warm, plain, plain_same = medians(
                args.runs,
                lambda: build(course),
                lambda: build(course, PLAIN),
                lambda: build(course, same),
            )
            row("full build, warm PDF cache (vs plain mkdocs build of docs/)", warm, plain)
            row(
                "full build, warm PDF cache (vs plain mkdocs build of the same pages)",
                warm,
                plain_same,
            )

        if 2 in parts:
            print("2. cold full build, 1 worker vs one per core", file=sys.stderr)

            def cold(config: str) -> Callable[[], tuple[float, int]]:
                return lambda: (clear_cache(course), build(course, config))[1]

            serial, parallel = medians(args.runs, cold(one), cold("mkdocs.yml"))
            row("cold full build, 1 PDF worker", serial)
            row(f"cold full build, {workers} PDF workers (vs 1 worker)", parallel, serial)

        if 3 in parts:
            print("3. serve-style rebuilds", file=sys.stderr)
            build(course)
            same = same_pages(course)
            chapter_md = "docs/chapters/ch05.md"
            plain_rebuild, _ = rebuild(course, PLAIN, chapter_md, args.runs)
            plain_same, _ = rebuild(
                course, same, chapter_md.replace("docs/", "docs-same-pages/"), args.runs
            )
            quiz, quiz_pdfs = rebuild(course, "mkdocs.yml", "quizzes/ch01.yml", args.runs)
            chapter, chapter_pdfs = rebuild(course, "mkdocs.yml", chapter_md, args.runs)
            row("plain MkDocs rebuild after editing a chapter, docs/ only", plain_rebuild)
            row("plain MkDocs rebuild after editing a chapter, same pages", plain_same)
            row("rebuild after editing a quiz (vs plain rebuild of docs/)", quiz, plain_rebuild)
            row(
                "rebuild after editing a quiz (vs plain rebuild of the same pages)",
                quiz,
                plain_same,
            )
            row("rebuild after editing a chapter (vs plain, same pages)", chapter, plain_same)
            row(
                "after a quiz edit, until its PDFs are re-rendered (background)",
                (quiz_pdfs, quiz[1]),
            )
            row(
                "after a chapter edit, until its PDFs are re-rendered (background)",
                (chapter_pdfs, chapter[1]),
            )

        if 4 not in parts:
            scales = []
        base_cold = base_warm = None
        for factor in scales:
            grown = copy_course(Path(temporary) / f"x{factor}")
            synthesize(grown, factor)
            cold_run, warm_run = medians(
                1 if factor > 1 else args.runs,
                lambda grown=grown: (clear_cache(grown), build(grown))[1],
                lambda grown=grown: build(grown),
            )
            base_cold, base_warm = base_cold or cold_run, base_warm or warm_run
            row(f"{factor}× course, cold build (vs 1×)", cold_run, base_cold)
            row(f"{factor}× course, warm build (vs 1×)", warm_run, base_warm)
        if scales:
            largest = Path(temporary) / f"x{scales[-1]}"
            pruned = html_bytes(largest)
            unpruned_run = build(largest, without_prune(largest))
            row(f"{scales[-1]}× course, warm build without navigation.prune", unpruned_run)
            rows.append(
                (
                    f"{scales[-1]}× course, HTML with / without navigation.prune",
                    f"{pruned / 2**20:.1f} MiB",
                    f"{html_bytes(largest) / 2**20:.1f} MiB",
                    f"{pruned / html_bytes(largest):.2f}×",
                )
            )

    print(f"\nMedians of {args.runs} runs ({workers} cores); time, and peak memory of the")
    print("build (proportional set size of the whole process tree):\n")
    print("| measurement | ours | baseline | ratio |")
    print("|---|---|---|---|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-loop":
        serve_loop(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
