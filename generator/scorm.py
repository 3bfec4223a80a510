"""The SCORM 1.2 content package, cut from the pages the site is built from.

One SCO per chapter: a page with the chapter followed by its quiz, made from the
HTML those pages hold before the theme wraps them, with the stylesheets the
site's pages use, the quiz scripts and ``scorm.js`` (which reports to the LMS and
keeps the learner's quiz records and review schedule in ``cmi.suspend_data``).
One SCO per exam, cut from its page the same way: it reports the exam's score
and passed/failed, and keeps the running attempt in its own suspend data.
Links to other pages of the site are turned into plain text, since the package
holds only these pages; nothing is loaded from elsewhere.

Every file the package takes in is named by a URL in a page (an attribute that
loads, or ``url()`` in an inline style) or a stylesheet, and enters through
``site_files.site_path``; a refused URL is an error at the line that names it.
So entry names are always relative and free of ``..``, and the manifest is
parsed back before it is packed.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from urllib.parse import quote

from markupsafe import Markup

from generator import htmltree, theme_markup
from generator.catalog import Catalog
from generator.content_types import TRAINER_DIR
from generator.errors import ContentError, SourceError
from generator.pages import environment
from generator.site_files import Published, Refused, line_of, site_path

PACKAGE_PATH = f"{TRAINER_DIR}/lms/course-scorm12.zip"
"""Where the package is published in the site."""
SCO_DIR = "sco"
"""The SCO pages' folder inside the package: one level deep, like the site's pages,
so the relative links they copy from those pages still point at the same files."""
QUIZ_SCRIPT = "assets/course/quiz.js"
SITE_SCRIPTS = (
    QUIZ_SCRIPT,
    "assets/course/ts-fsrs.js",
    "assets/course/review.js",
    "assets/course/progress-sync.js",
)
"""The site's scripts a SCO runs: the quiz, its review schedule and the packing of
both that ``scorm.js`` keeps in ``cmi.suspend_data``."""
SCORM_SCRIPT = "assets/course/scorm.js"
"""Not a site file: packaged from ``generator/scripts/``, only the SCOs load it."""
EXAM_SCRIPT = "assets/course/exam.js"
EXAM_SCO_PREFIX = "exam-"
"""An exam's SCO id is this and the exam id, so it never meets a chapter's (``chNN``)."""
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_LOADS = ("src", "poster", "data")
"""Attributes whose URL the browser loads by itself (``href`` only on ``<link>``)."""


@dataclass(frozen=True)
class PageSource:
    """A page of the site, its HTML, and the file an author fixes when it is wrong."""

    html: str
    path: str
    """The source file's path as the author knows it (``docs/chapters/ch01.md``)."""
    text: str
    """That file's text, to find the line that names a URL."""


@dataclass
class Sco:
    """One chapter or exam as the LMS sees it: a launch page and its pass mark."""

    id: str
    title: str
    mastery: int | None
    html: str

    @property
    def href(self) -> str:
        return f"{SCO_DIR}/{self.id}.html"


@dataclass
class Package:
    scos: list[Sco] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)
    """Shared files by their path in the package (the same as in the site)."""


class _Collector:
    """Gathers the files a package needs and every problem, with its place."""

    def __init__(self, published: Published) -> None:
        self.published = published
        self.wanted: set[str] = set()
        self.errors: list[SourceError] = []

    def take(self, base: str, url: str, origin: str, text: str) -> str | None:
        """The site path of ``url``, noted as wanted; None (and an error) if refused."""
        try:
            target = site_path(base, url, self.published)
        except Refused as exc:
            self.errors.append(SourceError(origin, line_of(text, url), f"SCORM package: {exc}"))
            return None
        if target is not None:
            self.wanted.add(target)
        return target

    def article(self, page: str, source: PageSource) -> str:
        """The page's HTML for a SCO: links to other pages as text, loads re-pointed."""
        root = htmltree.parse(source.html)
        page_dir = posixpath.dirname(page)
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                href = element.get("href")
                if element.tag == "a" and href and theme_markup.is_site_link(href):
                    parent[index] = theme_markup.as_span(element)
        for element in root.iter():
            element.attrib.pop("srcset", None)
            style = element.get("style")
            if style is not None:
                element.set("style", self.style(page_dir, style, source))
            names = [*_LOADS, "href"] if element.tag == "link" else _LOADS
            for name in names:
                value = element.get(name)
                if value is None:
                    continue
                target = self.take(page_dir, value, source.path, source.text)
                if target is not None:
                    element.set(name, posixpath.relpath(target, SCO_DIR))
                elif not value.strip().startswith(("data:", "#")) and value.strip():
                    del element.attrib[name]
        return "".join(htmltree.serialise(element) for element in root)

    def style(self, page_dir: str, style: str, source: PageSource) -> str:
        """An inline ``style``, each ``url()`` re-pointed into the package or dropped."""

        def repoint(match: re.Match[str]) -> str:
            target = self.take(page_dir, match[1], source.path, source.text)
            return f"url('{quote(posixpath.relpath(target, SCO_DIR))}')" if target else match[0]

        return _CSS_URL.sub(repoint, style)

    def stylesheet(self, path: str) -> None:
        """Note the files a stylesheet refers to (fonts, images)."""
        css = self.published[path].read().decode("utf-8")
        for url in _CSS_URL.findall(css):
            self.take(posixpath.dirname(path), url, path, css)


def quiz_pages(catalog: Catalog, contents: dict[str, str]) -> dict[str, PageSource]:
    """Each quiz and exam page's HTML (by site path, from ``contents``) with its YAML source."""
    return {
        f"{kind}/{item.id}.html": PageSource(
            contents[f"{kind}/{item.id}.html"], item.source.path, item.source.text
        )
        for kind in ("quizzes", "exams")
        for item in catalog.of(kind)
    }


def collect(
    pages: dict[str, PageSource],
    published: Published,
    catalog: Catalog,
    chapters_dir: str,
    stylesheets: list[str],
) -> Package:
    """Every SCO page and shared file of the package; ContentError naming each URL
    that leads to no file of the site."""
    package = Package()
    collector = _Collector(published)
    sco_page = environment().get_template("scorm/sco.html.j2")
    sheets = [path for path in stylesheets if collector.take("", path, path, path)]
    for path in sheets:
        collector.stylesheet(path)

    def add(
        sco_id: str, title: str, names: list[str], mastery: int | None, scripts: tuple[str, ...]
    ) -> None:
        parts = [collector.article(name, pages[name]) for name in names]
        html = sco_page.render(
            title=title,
            # Pages the site has built (author text already sanitised), not author text.
            articles=[Markup(part) for part in parts],
            stylesheets=[posixpath.relpath(path, SCO_DIR) for path in sheets],
            scripts=[posixpath.relpath(path, SCO_DIR) for path in (*scripts, SCORM_SCRIPT)],
        )
        package.scos.append(Sco(sco_id, title, mastery, html))

    for chapter, title in catalog.chapters.items():
        quizzes = [i for i in catalog.of("quizzes") if chapter in i.model.linked_chapters()]
        names = [f"{chapters_dir}/{chapter}.html", *(f"quizzes/{q.id}.html" for q in quizzes)]
        mastery = min((item.model.pass_percent for item in quizzes), default=None)  # type: ignore[attr-defined]
        add(chapter, title, names, mastery, SITE_SCRIPTS)
    for exam in catalog.of("exams"):
        model = exam.model
        add(
            f"{EXAM_SCO_PREFIX}{exam.id}",
            model.title,
            [f"exams/{exam.id}.html"],
            model.pass_percent,  # type: ignore[attr-defined]
            (*SITE_SCRIPTS, EXAM_SCRIPT),
        )
    for script in (*SITE_SCRIPTS, EXAM_SCRIPT):
        collector.take("", script, script, script)
    if collector.errors:
        raise ContentError(collector.errors)
    for path in sorted(collector.wanted):
        package.assets[path] = published[path].read()
    package.assets[SCORM_SCRIPT] = (files("generator") / "scripts/scorm.js").read_bytes()
    return package


def manifest(package: Package, course_title: str) -> str:
    """The package's imsmanifest.xml (IMS CP 1.1.2 with ADL SCORM 1.2 extensions)."""
    template = environment().get_template("scorm/imsmanifest.xml.j2")
    return template.render(title=course_title, scos=package.scos, assets=sorted(package.assets))


def entries(package: Package, course_title: str) -> Iterator[tuple[str, bytes]]:
    """The ZIP's entries in order, manifest first; every name checked to be relative,
    normalised and inside the package, whatever an LMS does when it unpacks it."""
    found = {"imsmanifest.xml": manifest(package, course_title).encode("utf-8")}
    try:
        ET.fromstring(found["imsmanifest.xml"])
    except ET.ParseError as exc:
        # By construction this cannot happen; if it does, the build fails, not an LMS import.
        where = SourceError(f"{PACKAGE_PATH}/imsmanifest.xml", exc.position[0], str(exc))
        raise ContentError([where]) from None
    found |= {sco.href: sco.html.encode("utf-8") for sco in package.scos}
    found |= dict(sorted(package.assets.items()))
    for name, data in found.items():
        outside = name.startswith(("/", "..")) or "\\" in name or "\0" in name
        if outside or posixpath.normpath(name) != name:
            raise ValueError(f"SCORM entry name {name!r} is not a normalised relative path")
        yield name, data


def write_package(package: Package, course_title: str) -> bytes:
    """The ZIP, entries dated 1980 so builds are reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries(package, course_title):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
