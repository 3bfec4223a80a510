"""The course as a build sees it before pages are rendered: loaded, checked, and
turned into generated pages and PDF jobs, or read back from the last build.

Loading reads every YAML file into models, checks cross-references and links,
and renders 51 pages and 77 print documents: about 0.6 s. Most builds (a
warm ``make site``, a test run) start from the same sources as the last one,
so the result is kept in the artifact store under a hash of everything it is
made from: every file under the content folders and ``docs/``, the generator
package itself, the libraries that shape it and the settings. Only a load
without problems is kept, so a cached course is a valid one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

from generator import artifacts, build, figures, item_check, output_checks, search
from generator.catalog import Catalog, load_catalog
from generator.content_types import CONTENT_TYPES
from generator.errors import ContentError, SourceError, excerpt
from generator.models.common import MAX_LABEL_LENGTH
from generator.pdf import PdfJob
from generator.sources import CONTROL, control_message
from generator.text import label_problem

LIBRARIES = ("pydantic", "pydantic-core", "pyyaml", "jinja2", "markupsafe", "markdown", "nh3")
"""Libraries whose version can change what loading makes."""


@dataclass(frozen=True)
class Settings:
    """Where the sources are and what the course is called."""

    root: Path
    """The folder holding the YAML content folders."""
    docs_dir: Path
    chapters_dir: str
    glossary: str
    search_synonyms: str
    search_terms: str
    project: Path
    """The folder of ``mkdocs.yml``: messages name files relative to it."""
    site_name: str
    organisation: str
    config_file: str = "mkdocs.yml"
    """The configuration's file name, relative to ``project``: settings' errors name it."""
    item_check: item_check.Thresholds = field(default_factory=item_check.Thresholds)
    """The shares the quiz item check allows."""


@dataclass
class Course:
    """Everything made from the sources before MkDocs renders pages."""

    catalog: Catalog
    pages: list[build.Output]
    jobs: list[PdfJob]
    figures: figures.FigureSet
    synonyms: dict[str, str]
    item_findings: list[item_check.Finding] = field(default_factory=list)
    """Cues in the quizzes (``item_check``), for the build log."""


def load(settings: Settings) -> Course:
    """Load and check every source; ``ContentError`` lists every problem found."""
    docs_dir = settings.docs_dir
    setting_problems = list(_setting_problems(settings))
    try:
        catalog = load_catalog(
            settings.root,
            docs_dir / settings.chapters_dir,
            docs_dir / settings.glossary,
            settings.project,
            docs_dir,
        )
    except ContentError as exc:
        raise ContentError([*setting_problems, *exc.errors]) from None
    if setting_problems:
        raise ContentError(setting_problems)
    pages = list(build.pages(catalog, settings.organisation))
    jobs = list(build.pdf_jobs(catalog, settings.site_name, settings.organisation))
    pages += build.question_banks(catalog, settings.site_name)
    problems: list[SourceError] = []
    figure_set = figures.FigureSet()
    try:
        figure_set = figures.load_figures(
            settings.root / figures.FOLDER,
            docs_dir / settings.chapters_dir,
            catalog.chapters,
            settings.project,
        )
    except ContentError as exc:
        problems += exc.errors
    folders = output_checks.Folders(
        docs_dir, settings.chapters_dir, (docs_dir / settings.glossary).parent, settings.project
    )
    problems += output_checks.problems(catalog, pages, jobs, figure_set, folders)
    synonyms: dict[str, str] = {}
    try:
        synonyms = search.load_side_files(
            docs_dir / settings.search_synonyms, docs_dir / settings.search_terms, settings.project
        )
    except ContentError as exc:
        problems += exc.errors
    if problems:
        raise ContentError(problems)
    findings = item_check.check(catalog.of("quizzes"), settings.item_check)
    return Course(catalog, pages, jobs, figure_set, synonyms, findings)


MAX_ORGANISATION_LENGTH = 30
"""The longest ``organisation`` (the company name at the head of every form): 30 of
the widest characters it may hold still fit on the head's one line of a portrait
form (38 push a one-page form onto two)."""
NOT_ORGANISATION = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5eA-Za-z0-9 ()&.,'·-]")
"""What a company name is not written with. It may hold Chinese characters,
full-width forms, ASCII letters and digits, spaces and a little punctuation,
none wider than a Chinese character, so the length limit is a width limit."""


def _setting_problems(settings: Settings) -> Iterator[SourceError]:
    """The settings that reach pages and exports, checked like content, at their
    line in the configuration file."""
    checks = (
        ("site_name", "site_name", settings.site_name, _title_problem),
        (
            "organisation",
            "course plugin option 'organisation'",
            settings.organisation,
            _organisation_problem,
        ),
    )
    for option, name, value, rule in checks:
        problem = rule(value)
        if problem:
            where = _option_line(settings.project / settings.config_file, option)
            message = f"{name} “{excerpt(value)}” {problem}"
            yield SourceError(settings.config_file, where, message)


def _organisation_problem(value: str) -> str | None:
    if len(value) > MAX_ORGANISATION_LENGTH:
        return f"is longer than {MAX_ORGANISATION_LENGTH} characters"
    bad = NOT_ORGANISATION.search(value)
    return f"must not contain {bad.group()!r} (U+{ord(bad.group()):04X})" if bad else None


def _title_problem(value: str) -> str | None:
    """The course's title is shown as a label is, in exports as well as pages."""
    if len(value) > MAX_LABEL_LENGTH:
        return f"is longer than {MAX_LABEL_LENGTH} characters"
    bad = CONTROL.search(value)
    return control_message(bad.group()) if bad else label_problem(value)


def _option_line(config_file: Path, name: str) -> int:
    """The line of option ``name`` in the configuration file, or 1."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    match = re.search(rf"^[ \t-]*{re.escape(name)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_cached(settings: Settings, store: artifacts.Store) -> tuple[Course, str]:
    """``load``, or its result for the same inputs kept in ``store`` by an earlier
    build; with the hash of those inputs, to key what is made from the course."""
    key = input_key(settings)
    return store.remembered("course", key, lambda: load(settings)), key


def input_key(settings: Settings) -> str:
    """A hash of everything ``load`` reads or runs."""
    libraries = []
    for library in LIBRARIES:
        try:
            libraries.append(f"{library}={version(library)}")
        except PackageNotFoundError:
            libraries.append(f"{library} missing")
    package = Path(str(files("generator")))
    folders = [settings.root / kind.folder for kind in CONTENT_TYPES]
    folders += [settings.root / figures.FOLDER, settings.docs_dir, package]
    sources: list[str | bytes] = []
    for path in _files_under(folders):
        sources += [str(path), path.read_bytes()]
    return artifacts.key(
        "course",
        settings=repr(settings),
        python=sys.version,
        libraries=libraries,
        sources=sources,
    )


def _files_under(folders: Iterable[Path]) -> Iterator[Path]:
    """Every file under the folders, in a fixed order, leaving out Python's byte code."""
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    yield path
