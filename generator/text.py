"""The one way author text from YAML becomes HTML: escaped plain text, or
Markdown whose HTML output is cleaned by an allow-list sanitiser (nh3/ammonia).

Course content is written by many hands and read by every new hire, so no
script, event handler, ``javascript:`` URL or remote resource may pass. Every
template renders YAML text through the ``plain`` or ``markdown`` filter below;
the output is HTML meant to sit inside an HTML block, so the site's own
Markdown pass (with ``attr_list``) never sees the author's text as Markdown.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "code", "del", "sub", "sup",
        "ul", "ol", "li", "blockquote", "hr", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LABEL_FORBIDDEN = re.compile(r"[<>{}]|&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
"""Characters a title or label may not hold: HTML and attribute-list syntax,
and entity references that Material's ``striptags`` would turn back into tags."""


_per_thread = threading.local()


def _converter() -> markdown_lib.Markdown:
    """Plain Python-Markdown: no attr_list or md_in_html, so no attributes.

    One per thread: a converter holds state while it converts, and under
    ``mkdocs serve`` background threads render author text too.
    """
    converter: markdown_lib.Markdown | None = getattr(_per_thread, "converter", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        _per_thread.converter = converter
    return converter


_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def browser_url(value: str) -> str:
    """``value`` as a browser reads it before resolving it (WHATWG URL parsing):
    leading and trailing C0 controls and spaces dropped, tabs and newlines removed
    anywhere, and backslashes read as slashes (``\\\\host/x`` is ``//host/x``).
    Checks made on the raw text would pass what the browser then fetches."""
    return _TAB_OR_NEWLINE.sub("", value.strip(_C0_OR_SPACE)).replace("\\", "/")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep a URL only as the browser will read it, and only if it stays safe: links
    with an allowed scheme or none, images only from the site itself (no scheme, no
    host, no path from the server's root, which leaves a site served under a sub-path
    or packaged for an LMS)."""
    if attribute not in {"href", "src"}:
        return value
    url = browser_url(value)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if tag == "img" and (scheme or parts.netloc or url.startswith("/")):
        return None
    if scheme and scheme not in URL_SCHEMES:
        return None
    if not scheme and (parts.netloc or url.startswith("//")):
        return None
    return url


def sanitise(html: str) -> str:
    """Keep only allow-listed elements and attributes, and safe URLs."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


@lru_cache(maxsize=8192)
def markdown(text: str | None) -> Markup:
    """Author Markdown as sanitised HTML blocks (paragraphs, lists, tables).

    Memoised: the same text is shown on its page, in PDFs and in exports.
    """
    if not text:
        return Markup("")
    converter = _converter()
    converter.reset()
    return Markup(sanitise(converter.convert(text)))


def markdown_inline(text: str | None) -> Markup:
    """Author Markdown for places that hold one line, such as a list item or an option."""
    html = str(markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def plain(text: object) -> Markup:
    """Author text shown exactly as written, escaped."""
    return escape("" if text is None else str(text))


def label_problem(text: str) -> str | None:
    """Why ``text`` cannot be a title or label, or None if it can."""
    match = LABEL_FORBIDDEN.search(text)
    if match:
        return f"must not contain '{match.group(0)}' (titles and labels are plain text)"
    if "\n" in text:
        return "must be a single line"
    return None


FILTERS = {"plain": plain, "markdown": markdown, "markdown_inline": markdown_inline}
"""The Jinja filters every template uses for author text."""
