"""The one way a file enters an output: a URL resolved against the site.

Every file an export takes in (the SCORM package's assets, the images a PDF
shows) is named by a URL in a page, a stylesheet or print HTML, and enters
through ``site_path``: the URL is read as a browser reads it, decoded and
normalised against its page's folder, and must then be a file the site itself
publishes. Anything else (a path from the server's root, ``..`` out of the site,
another host, a file that is not there) is refused with a reason, which the
caller reports at the line that names the URL. So what an output holds is
always a published file, under a relative name free of ``..``.
"""

from __future__ import annotations

import base64
import html as html_lib
import mimetypes
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.errors import excerpt
from generator.text import browser_url


@dataclass(frozen=True)
class SiteFile:
    """A file the site publishes: how to read it and, for a file copied from a
    folder (the docs or the theme), that file and folder, so a link leading out of
    the folder is refused rather than packed."""

    read: Callable[[], bytes]
    source: Path | None = None
    folder: Path | None = None

    def inside(self) -> bool:
        if self.source is None or self.folder is None:
            return True
        return self.source.resolve().is_relative_to(self.folder.resolve())


Published = dict[str, SiteFile]
"""The site's files by their path in the site (``figures/ch01-funnel.svg``)."""


class Refused(Exception):
    """A URL that names no file of the site; the message says why."""


def site_path(page_dir: str, url: str, published: Published) -> str | None:
    """The published file ``url`` (found in a page or stylesheet of ``page_dir``)
    names, normalised; None for an anchor or a ``data:`` URL. Refused otherwise."""
    url = browser_url(html_lib.unescape(url))
    parts = urlsplit(url)
    if not parts.path and not parts.scheme and not parts.netloc:
        return None
    if parts.scheme.lower() == "data":
        return None
    if parts.scheme or parts.netloc:
        raise Refused(f"'{excerpt(url)}' is on another host; outputs load nothing from elsewhere")
    path = unquote(parts.path)
    if path.startswith("/"):
        raise Refused(f"'{excerpt(url)}' is a path from the server's root; link files relatively")
    target = posixpath.normpath(posixpath.join(page_dir, path))
    if target == ".." or target.startswith("../") or "\0" in target:
        raise Refused(f"'{excerpt(url)}' leads out of the site")
    found = published.get(target)
    if found is None:
        raise Refused(f"'{excerpt(url)}' is no file the site publishes")
    if not found.inside():
        raise Refused(f"'{excerpt(url)}' is a link to a file outside the site's folders")
    return target


def line_of(text: str, url: str) -> int:
    """The first line of ``text`` that names ``url`` (as written, HTML-escaped, or
    with the backslashes a double-quoted YAML string doubles)."""
    plain = html_lib.unescape(url)
    candidates = (url, plain, html_lib.escape(plain, quote=False), plain.replace("\\", "\\\\"))
    for candidate in candidates:
        at = text.find(candidate)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


_IMAGE_SRC = re.compile(r"(<img\b[^>]*?\ssrc=)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def embed_images(
    html: str, page_dir: str, published: Published
) -> tuple[str, list[tuple[str, str]]]:
    """Print HTML with each ``<img>`` of a site file as a ``data:`` URI, so a PDF
    shows the image the page shows and its renderer never resolves a path; the
    URLs refused, each with its reason, for the caller to report."""
    refused: list[tuple[str, str]] = []

    def inline(match: re.Match[str]) -> str:
        url = html_lib.unescape(match[2][1:-1])
        try:
            target = site_path(page_dir, url, published)
        except Refused as exc:
            refused.append((url, str(exc)))
            return match[1] + '""'
        if target is None:
            return match[0]
        kind = mimetypes.guess_type(target)[0] or "application/octet-stream"
        data = base64.b64encode(published[target].read()).decode("ascii")
        return f'{match[1]}"data:{kind};base64,{data}"'

    return _IMAGE_SRC.sub(inline, html), refused
