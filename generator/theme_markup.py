"""What the theme (mkdocs-material, with the Markdown extensions it styles) writes
into the site's pages and stylesheets, for the modules that cut those pages apart:
the handbook, the SCORM package and the offline app.

Besides ``plugin.py`` this is the one module that knows the theme's markup, so a
theme update that renames a class is fixed here. It works on trees from
``htmltree.parse``; what each output builds from the parts is its own business.
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from generator.text import browser_url

PERMALINK = "headerlink"
"""Class of the permalink anchor (``¶``) written after each heading."""
TAB_SET = "tabbed-set"
TAB_LABELS = "tabbed-labels"
TAB_PANELS = "tabbed-content"
"""Content tabs (``pymdownx.tabbed``, alternate style): a set holds a block of labels
and a block of panels, in the same order."""
STYLESHEETS = re.compile(r"assets/stylesheets/(main|palette)\.[0-9a-f]+\.min\.css")
"""The theme's stylesheets, which every page of the site links."""
PALETTE_STYLESHEETS = "assets/stylesheets/palette.*.min.css"
"""Where in a theme folder the palette's colours are defined."""
DEFAULT_COLOUR = "#4051b5"
"""The theme's own primary colour (indigo), when the palette names none we can find."""
LINK_ONLY = ("href", "target", "rel", "download", "hreflang", "ping", "referrerpolicy", "type")
"""A link's attributes that mean nothing on the text that replaces it."""


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def is_permalink(element: ET.Element) -> bool:
    return PERMALINK in classes(element)


def tab_sets(root: ET.Element) -> Iterator[tuple[ET.Element, list[ET.Element], list[ET.Element]]]:
    """Each set of content tabs under ``root``, its label elements and its panels, in
    document order. Each set is read only when the previous one has been handled, so
    the caller may rebuild a set before the next is read."""
    for tabs in [div for div in root.iter("div") if TAB_SET in classes(div)]:
        parts = {classes(child)[0]: child for child in tabs if classes(child)}
        labels = list(parts.get(TAB_LABELS, ET.Element("div")))
        panels = list(parts.get(TAB_PANELS, ET.Element("div")))
        yield tabs, labels, panels


def is_site_link(href: str) -> bool:
    """A link to another page of the site (not an anchor, not another host)."""
    parts = urlsplit(browser_url(html_lib.unescape(href)))
    return not (parts.scheme or parts.netloc) and bool(parts.path)


def as_span(link: ET.Element) -> ET.Element:
    """A link as text in a page that still runs (a SCORM package): a ``<span>`` with
    its content, keeping its class, id and ``hidden``, so the theme's styles and the
    page's scripts still find it."""
    kept = {k: v for k, v in link.attrib.items() if k not in LINK_ONLY}
    span = ET.Element("span", kept)
    span.text, span[:], span.tail = link.text, list(link), link.tail
    return span


def unwrap(parent: ET.Element, link: ET.Element) -> None:
    """A link as text on paper: ``link`` replaced by its content (text and children),
    merged into the text around it."""
    index = list(parent).index(link)
    text = link.text or ""
    if index > 0:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(link)
    for offset, grandchild in enumerate(children):
        parent.insert(index + 1 + offset, grandchild)
    last = children[-1] if children else None
    if link.tail:
        if last is not None:
            last.tail = (last.tail or "") + link.tail
        elif index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + link.tail
        else:
            parent.text = (parent.text or "") + link.tail
    parent.remove(link)


def palette_colour(theme_dirs: list[str], primary: str) -> str:
    """The header colour of the palette's ``primary`` (e.g. ``indigo``), from the first
    theme folder's palette stylesheet."""
    for folder in theme_dirs:
        for sheet in sorted(Path(folder).glob(PALETTE_STYLESHEETS)):
            return _primary_colour(sheet.read_text(encoding="utf-8"), primary)
    return DEFAULT_COLOUR


def _primary_colour(palette_css: str, primary: str) -> str:
    rule = re.search(
        rf"\[data-md-color-primary={re.escape(primary)}\]\{{--md-primary-fg-color:(#[0-9a-fA-F]+)",
        palette_css,
    )
    return rule.group(1) if rule else DEFAULT_COLOUR
