"""The SCORM 1.2 content package, made from the finished site for an LMS.

One SCO per chapter: a page with the chapter followed by its quiz, cut from the
built site's pages, with the stylesheets those pages use, the quiz script and
``scorm.js`` (which reports to the LMS). Links to other pages of the site are
turned into plain text, since the package holds only these pages; nothing is
loaded from elsewhere. Runs after MkDocs has written the site, on its output.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup

from generator.catalog import Catalog
from generator.content_types import TRAINER_DIR
from generator.errors import ContentError, SourceError
from generator.pages import environment

PACKAGE_PATH = f"{TRAINER_DIR}/lms/course-scorm12.zip"
"""Where the package is published in the site."""
SCO_DIR = "sco"
"""The SCO pages' folder inside the package: one level deep, like the site's pages,
so the relative links they copy from those pages still point at the same files."""
SCRIPTS = ("assets/course/quiz.js", "assets/course/scorm.js")
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_LINK = re.compile(r"<a\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</a>", re.S)
_HREF = re.compile(r'\bhref="([^"]*)"')
_SRC = re.compile(r'(\bsrc=")([^"]*)(")')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


@dataclass
class Sco:
    """One chapter as the LMS sees it: a launch page and its pass mark."""

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
    """Shared files by their path in the package."""


def _relative(page_dir: str, url: str) -> str | None:
    """A site-relative path for ``url`` found in a page of ``page_dir``; None when it
    is an anchor, a data URL or a link to elsewhere."""
    if not url or url.startswith("#") or _EXTERNAL.match(url):
        return None
    return posixpath.normpath(posixpath.join(page_dir, url.split("#")[0].split("?")[0]))


def _unlink_pages(html: str) -> str:
    """Keep anchors and outside links; other pages of the site are not in the package."""

    def replace(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(1))
        if href is None or href.group(1).startswith("#") or _EXTERNAL.match(href.group(1)):
            return match.group(0)
        return f"<span>{match.group(2)}</span>"

    return _LINK.sub(replace, html)


def _article(site: Path, page: str, wanted: set[str]) -> str:
    """The content of a built page, its images collected in ``wanted``."""
    html = (site / page).read_text(encoding="utf-8")
    match = _ARTICLE.search(html)
    if match is None:
        raise ContentError(
            [SourceError(page, 1, "no <article> with the page content found in the built page")]
        )
    page_dir = posixpath.dirname(page)

    def image(found: re.Match[str]) -> str:
        target = _relative(page_dir, found.group(2))
        if target is None:
            return found.group(0)
        wanted.add(target)
        return found.group(1) + posixpath.relpath(target, SCO_DIR) + found.group(3)

    return _SRC.sub(image, _unlink_pages(match.group(1)))


def _stylesheets(site: Path, page: str) -> list[str]:
    html = (site / page).read_text(encoding="utf-8")
    page_dir = posixpath.dirname(page)
    paths = [_relative(page_dir, href) for href in _STYLESHEET.findall(html)]
    return [path for path in paths if path is not None]


def _with_css_urls(site: Path, paths: Iterable[str]) -> Iterator[str]:
    """``paths`` and every file their stylesheets refer to (fonts, images)."""
    for path in sorted(set(paths)):
        yield path
        if path.endswith(".css"):
            css = (site / path).read_text(encoding="utf-8")
            for url in _CSS_URL.findall(css):
                if _EXTERNAL.match(url) and not url.startswith("data:"):
                    raise ContentError(
                        [SourceError(path, 1, f"the stylesheet loads {url} from elsewhere")]
                    )
                target = _relative(posixpath.dirname(path), url)
                if target is not None:
                    yield target


def collect(site: Path, catalog: Catalog, course_title: str, chapters_dir: str) -> Package:
    """Every SCO page and shared file of the package, read from the built ``site``."""
    package = Package()
    wanted: set[str] = set()
    stylesheets: list[str] = []
    sco_page = environment().get_template("scorm/sco.html.j2")
    for chapter, title in catalog.chapters.items():
        page = f"{chapters_dir}/{chapter}.html"
        quizzes = [i for i in catalog.of("quizzes") if i.model.chapter == chapter]
        stylesheets = stylesheets or _stylesheets(site, page)
        parts = [_article(site, page, wanted)]
        parts += [_article(site, f"quizzes/{item.id}.html", wanted) for item in quizzes]
        mastery = min((item.model.pass_percent for item in quizzes), default=None)  # type: ignore[attr-defined]
        html = sco_page.render(
            title=title,
            # Pages the site has built (author text already sanitised), not author text.
            articles=[Markup(part) for part in parts],
            stylesheets=[posixpath.relpath(path, SCO_DIR) for path in stylesheets],
            scripts=[posixpath.relpath(path, SCO_DIR) for path in SCRIPTS],
        )
        package.scos.append(Sco(chapter, title, mastery, html))
    for path in _with_css_urls(site, [*stylesheets, *wanted]):
        package.assets[path] = (site / path).read_bytes()
    package.assets[SCRIPTS[0]] = (site / SCRIPTS[0]).read_bytes()
    package.assets[SCRIPTS[1]] = (files("generator") / "scripts/scorm.js").read_bytes()
    return package


def manifest(package: Package, course_title: str) -> str:
    """The package's imsmanifest.xml (IMS CP 1.1.2 with ADL SCORM 1.2 extensions)."""
    template = environment().get_template("scorm/imsmanifest.xml.j2")
    return template.render(title=course_title, scos=package.scos, assets=sorted(package.assets))


def write_package(package: Package, course_title: str, target: Path) -> None:
    """The ZIP, manifest first, entries sorted and dated 1980 so builds are reproducible."""
    entries = {"imsmanifest.xml": manifest(package, course_title).encode("utf-8")}
    entries |= {sco.href: sco.html.encode("utf-8") for sco in package.scos}
    entries |= dict(sorted(package.assets.items()))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def build(site: Path, catalog: Catalog, course_title: str, chapters_dir: str) -> Path:
    """Make the package from the built ``site`` and publish it inside it."""
    target = site / PACKAGE_PATH
    write_package(collect(site, catalog, course_title, chapters_dir), course_title, target)
    return target
