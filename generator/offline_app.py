"""The installable course: web app manifest, icons, offline page and service worker.

The hosted site becomes an app a learner can install and read offline. Before
pages are written this module gives the build its fixed files (manifest,
icons, the offline fallback page, the 离线阅读 page, the page script); once
the whole site is on disk, ``finish`` lists every file the service worker may
keep with a hash of its content, and writes the worker with the build's
version in it, so a new build replaces the old caches. Nothing here knows the
site engine; the plugin calls it.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup

from generator import theme_markup
from generator.artifacts import Store, key, write_atomic
from generator.build import ASSET_DIR, Output
from generator.content_types import TRAINER_DIR
from generator.pages import environment
from generator.search import WORKER

MANIFEST = "manifest.webmanifest"
SERVICE_WORKER = "service-worker.js"
"""At the site root, so the worker's scope is the whole site."""
FILE_LIST = "precache.json"
OFFLINE_PAGE = "offline.html"
"""Shown, at the address asked for, for a page that is neither online nor kept."""
READING_PAGE = "offline-reading.md"
"""The learner's page that explains offline reading and saves the whole course."""
PAGE_SCRIPT = f"{ASSET_DIR}/offline-app.js"
PAGE_STYLES = f"{ASSET_DIR}/offline-app.css"
ICON_SIZES = (192, 512)
SEARCH_INDEX = "search/search_index.json"

VERSION_LINE = re.compile(r"^const BUILD = \{[^\n]*\};$", re.MULTILINE)
"""The line of ``scripts/service-worker.js`` the build fills in."""
NOT_KEPT = re.compile(r"\.(pdf|zip|xml|map|gz)$")
"""Downloads (PDFs, the form pack, question banks) and build by-products stay online only."""
FILE_ONLY = {"search/search_index.js", "sitemap.xml"}
"""What only a page opened from disk uses (Material's offline plugin writes the first)."""
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
SUBRESOURCE = re.compile(
    r"<(?:img|script|source|link)\b[^>]*?\s(?:src|href)=\"([^\"#?]+)", re.IGNORECASE
)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")#?]+)")


@dataclass(frozen=True)
class App:
    """What the manifest and the offline page say about the course."""

    name: str
    description: str = ""
    colour: str = theme_markup.DEFAULT_COLOUR


def paths() -> dict[str, str]:
    """Every path this module publishes, and what it is (for clashes with ``docs/``)."""
    made = {
        MANIFEST: "the web app manifest",
        SERVICE_WORKER: "the service worker",
        FILE_LIST: "the service worker's file list",
        OFFLINE_PAGE: "the offline page",
        READING_PAGE: "the offline reading page",
        PAGE_SCRIPT: "the offline reading script",
        PAGE_STYLES: "the offline reading styles",
    }
    made |= {icon_path(size): "an app icon" for size in ICON_SIZES}
    return made


def icon_path(size: int) -> str:
    return f"{ASSET_DIR}/icon-{size}.png"


def cached_outputs(app: App, course_key: str, store: Store) -> list[Output]:
    """``outputs``, kept in ``store``: the icons take a while to draw, and they are
    the same until the generator (part of ``course_key``) or the app's settings change."""
    entry = key("offline-app", course=course_key, app=repr(app))
    return store.remembered("offline-app", entry, lambda: list(outputs(app)))


def outputs(app: App) -> Iterator[Output]:
    """The fixed files, and placeholders for the two that ``finish`` writes."""
    package = files("generator")
    yield Output(MANIFEST, manifest(app))
    yield Output(OFFLINE_PAGE, render_offline_page(app))
    yield Output(READING_PAGE, environment().get_template("offline/page.md.j2").render())
    yield Output(PAGE_SCRIPT, (package / "scripts/offline-app.js").read_bytes())
    yield Output(PAGE_STYLES, (package / "styles/offline-app.css").read_bytes())
    for size in ICON_SIZES:
        yield Output(icon_path(size), icon(size, app.colour))
    yield Output(FILE_LIST, "{}")
    yield Output(SERVICE_WORKER, worker_source("unbuilt"))


def manifest(app: App) -> str:
    """The web app manifest; its URLs are relative to itself, so any sub-path works."""
    icons = [
        {"src": icon_path(size), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in ICON_SIZES
    ]
    largest = ICON_SIZES[-1]
    icons.append({**icons[-1], "purpose": "maskable", "sizes": f"{largest}x{largest}"})
    data = {
        "name": app.name,
        "short_name": app.name,
        "description": app.description,
        "lang": "zh-CN",
        "dir": "ltr",
        "id": "./",
        "start_url": "./index.html",
        "scope": "./",
        "display": "standalone",
        "theme_color": app.colour,
        "background_color": "#ffffff",
        "icons": icons,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_offline_page(app: App) -> str:
    script = (files("generator") / "scripts/offline-page.js").read_text(encoding="utf-8")
    template = environment().get_template("offline/offline.html.j2")
    return template.render(app=app, script=Markup(script), file_list=FILE_LIST)


def icon(size: int, colour: str) -> bytes:
    """A square icon in the theme colour with an open book, drawn within the middle
    three fifths so a launcher's round or rounded mask never cuts it."""
    from PIL import Image, ImageDraw

    scale = 4
    side = size * scale
    image = Image.new("RGB", (side, side), colour)
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * side, y * side)

    for left in (True, False):
        outer, inner = (0.2, 0.49) if left else (0.8, 0.51)
        page = [at(outer, 0.32), at(inner, 0.36), at(inner, 0.72), at(outer, 0.68)]
        draw.polygon(page, fill="white")
        for step in range(3):
            y = 0.43 + step * 0.07
            near, far = (inner - 0.05, outer + 0.05) if left else (inner + 0.05, outer - 0.05)
            slope = 0.04 * (far - near) / (outer - inner)
            draw.line([at(near, y + 0.0), at(far, y - slope)], fill=colour, width=scale * 2)
    out = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(out, format="PNG")
    return out.getvalue()


def worker_source(version: str) -> bytes:
    """``scripts/service-worker.js`` with the build's version and file names filled in."""
    source = (files("generator") / "scripts/service-worker.js").read_text(encoding="utf-8")
    build = {"version": version, "list": FILE_LIST, "offline": OFFLINE_PAGE}
    line = f"const BUILD = {json.dumps(build)};"
    filled, count = VERSION_LINE.subn(lambda _: line, source)
    if count != 1:
        raise RuntimeError(f"scripts/service-worker.js must have one line matching {VERSION_LINE}")
    return filled.encode()


@dataclass(frozen=True)
class FileList:
    """What the service worker may keep, and what saving the whole course fetches."""

    version: str
    files: dict[str, str]
    """Every file a reader may open online, by path, with a hash of its content."""
    core: list[str]
    """Kept as soon as the worker installs: the offline page, the manifest and icons,
    a few KB. Not the search index (350 KB) nor its worker: on a weak network that
    would undo loading the index only when search is opened; the page's worker
    keeps them when the learner first searches (or saves the whole course)."""
    course: list[str]
    """The learner's pages and every file they use: saved on request."""
    titles: dict[str, str]
    """Each page's title, for the offline page's list of saved pages."""
    sizes: dict[str, int]

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "files": self.files,
            "sizes": self.sizes,
            "core": self.core,
            "course": self.course,
            "titles": self.titles,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def file_list(site: Path) -> FileList:
    """Every file of the built site the worker may keep (downloads and the worker's
    own files excepted), hashed; the version is a hash of the whole list."""
    found: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and _keepable(relative):
            found[relative] = path.read_bytes()
    hashes = {path: hashlib.sha256(data).hexdigest()[:16] for path, data in found.items()}
    pages = {path: data.decode() for path, data in found.items() if path.endswith(".html")}
    titles = {path: _title(html) for path, html in pages.items()}
    core = [OFFLINE_PAGE, MANIFEST, *(icon_path(size) for size in ICON_SIZES)]
    core = [path for path in core if path in found]
    # Search's files are loaded by script, not linked from a page: listed here so
    # saving the whole course keeps them; a page keeps them once search is used.
    searching = {SEARCH_INDEX, *(path for path in found if WORKER.match(path))} & set(found)
    learner = [
        path for path in pages if not path.startswith(f"{TRAINER_DIR}/") and path != "404.html"
    ]
    used = set(core) | set(learner) | searching
    for page in learner:
        used |= _referenced(page, pages[page], found)
    for sheet in [path for path in used if path.endswith(".css")]:
        used |= _referenced(sheet, found[sheet].decode(errors="replace"), found, CSS_URL)
    version = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    sizes = {path: len(data) for path, data in found.items()}
    return FileList(version, hashes, core, sorted(used), titles, sizes)


def finish(site: Path) -> FileList:
    """After the site is written: publish the file list and the worker of this build."""
    listing = file_list(site)
    write_atomic(site / FILE_LIST, listing.to_json().encode())
    write_atomic(site / SERVICE_WORKER, worker_source(listing.version))
    return listing


def _keepable(path: str) -> bool:
    return (
        path not in {SERVICE_WORKER, FILE_LIST, *FILE_ONLY}
        and not NOT_KEPT.search(path)
        and not path.split("/")[-1].startswith(".")
    )


def _title(html: str) -> str:
    match = TITLE.search(html)
    return " ".join(unescape(match.group(1)).split()) if match else ""


def _referenced(
    source: str, text: str, found: dict[str, bytes], pattern: re.Pattern[str] = SUBRESOURCE
) -> set[str]:
    """The site's files that ``source`` loads (images, scripts, styles), by path."""
    used = set()
    base = posixpath.dirname(source)
    for url in pattern.findall(text):
        if ":" in url or url.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(base, url))
        if path in found:
            used.add(path)
    return used
