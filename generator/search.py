"""Course search on top of Material's: a synonym list, and a patched search worker.

Material's worker segments a Chinese query with a loop that never tests the
piece ending at the last character, ORs the pieces together and shows its own
wildcards to readers. The patch swaps that one step for ``scripts/search-query.js``,
which segments against the index's own words, requires every word, maps what
readers type to the course's terms and hands Lunr a clean query. The patch is
checked against the exact worker file it was written for, so a Material update
stops the build instead of silently searching the old way.

Material's page bundle is patched the same way so the search index is fetched
when a reader first opens search, not on every page load, and the index
itself is compacted after Material writes it (``compact_index``).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from generator.content_files import display_path
from generator.errors import ContentError, SourceError, excerpt
from generator.sources import read_text

WORKER = re.compile(r"^assets/javascripts/workers/search\.[0-9a-f]+\.min\.js$")
WORKER_SHA256 = "da1b3df5e5f00cc73083c9e21ff0ec28bde85cd247057bdd05b7a167e5903bd4"
"""Material 9.8.2's ``search.a7633da7.min.js``, the file the patches below fit."""

PATCHES = (
    # Chinese segmentation: the whole query goes to the course's rewrite instead.
    (
        'e=e.replace(new RegExp("\\\\p{sc=Han}+","gu"),'
        's=>[...fe(s,this.index.invertedIndex)].join("* "))',
        "e=self.courseSearch.rewrite(e,this.index.invertedIndex)",
    ),
    # Every way of writing a synonym is searched (a query each); results whose
    # title or text holds the query as typed (not only its words scattered
    # around) rank higher: 客户拜访 finds chapter 5 "客户拜访" first.
    (
        "this.index.search(e).reduce(",
        "self.courseSearch.rank(self.courseSearch.search(this.index),this.map).reduce(",
    ),
    # A query word counts as found when a matched index word contains it, not
    # only when it starts with it (客户 inside 大客户 is found, not "missing").
    ("e[s].startsWith(o.term)&&", "e[s].includes(o.term)&&"),
    # A synonym that found the page stands for the other ways of writing it:
    # none of them is shown as missing.
    (
        "let f=he(r,Object.keys(u.metadata));",
        "let f=self.courseSearch.found(he(r,Object.keys(u.metadata)));",
    ),
    # Pages in the order of their summed section scores (see search-query.js).
    ("},[]).sort((s,o)=>o.score-s.score).reduce(", "},[]).sort(self.courseSearch.order).reduce("),
)
BUNDLE = re.compile(r"^assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")
BUNDLE_SHA256 = "b9a1ef14b5e91ad61fa8d7dd42e1f55e6af0ebd224bc8970dff0e7d7311b172f"
"""Material 9.8.2's ``bundle.a5f9d56c.min.js``, the file the patches below fit."""
BUNDLE_PATCHES = (
    # The worker gets the index once search is opened, over HTTP as from file://
    # (Material waits so only for file://), not as soon as a page loads.
    (
        'L($(location.protocol!=="file:"),Je("search")).pipe(Re(o=>o),b(()=>t))',
        'L($(!1),Je("search")).pipe(Re(o=>o),b(()=>t))',
    ),
    # Highlighting the searched words needs the index's settings only on a page
    # opened from a search result (an h= parameter): fetch it only then.
    (
        'z([t,r.pipe(Q(we()),g(o=>!!o.searchParams.get("h")))])',
        'r.pipe(Q(we()),g(o=>!!o.searchParams.get("h")),b(o=>t.pipe(m(n=>[n,o]))))',
    ),
)
WORD_BREAK = "\u200b"
"""What Material's plugin puts between jieba's words in the index."""
TAG = re.compile(r"(<[^>]*>)")
INDEX = "search/search_index.json"
"""Where Material's search plugin writes the index (the offline plugin inlines it)."""
_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,40}")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN_SPACE = re.compile(r"\s*([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s*")
CHAPTER_BOOST = 1.0
GLOSSARY_BOOST = 0.03
OTHER_BOOST = 0.25
"""Search weight of each page kind (Material's ``search.boost``, multiplied into
every score of the page's sections). The chapter that teaches a word comes
first, then the glossary that defines it; quizzes, cases, forms, section lists
and the home page repeat the chapters' titles and words and come after them,
unless the query names them more closely than any chapter does (a query that
is a page's whole title lists that page first, see search-query.js). The
glossary's weight is low because each term is an entry of its own, a few words
long, with the term as its title: Lunr scores a short entry whose title is the
query far above a chapter section that teaches it (at 0.1, 客户分级 and
ABC分类 found the glossary first)."""
SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")
MAX_TERM_LENGTH = 40
"""The longest word in the search dictionary or synonym list (the longest has 17):
jieba keeps every prefix of a dictionary word, so its cost grows with the
square of the length (a 100,000-character word ran out of memory after 24 s)."""
MAX_LINES = 5000
"""The most entries in either search file (each has a few dozen)."""
MAX_SYNONYMS = 20
"""The most terms on one synonym line."""
TERM_LINE = re.compile(r"^(?P<word>\S+)(?: (?P<freq>[0-9]{1,9}))?(?: (?P<tag>[a-z]{1,8}))?$")
"""A line of jieba's user dictionary: ``词 频率 词性``, frequency and tag optional,
single spaces (jieba reads a word with spaces in it differently)."""


class WorkerChanged(RuntimeError):
    """Material's search worker is not the file the patch was written for."""


def normalise(text: str) -> str:
    """The form queries and synonyms are compared in (as search-query.js does):
    NFKC, lower case, no space next to a Chinese character, other spaces single."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _HAN_SPACE.sub(r"\1", text)
    return " ".join(text.split())


def load_side_files(synonym_file: Path, terms_file: Path, project: Path) -> dict[str, str]:
    """The synonyms, after checking both side files the search reads (the synonym
    list and jieba's user dictionary); ContentError lists the problems of both."""
    errors: list[SourceError] = []
    synonyms: dict[str, str] = {}
    try:
        synonyms = load_synonyms(synonym_file, display_path(synonym_file, project))
    except ContentError as exc:
        errors += exc.errors
    try:
        check_terms(terms_file, display_path(terms_file, project))
    except ContentError as exc:
        errors += exc.errors
    if errors:
        raise ContentError(errors)
    return synonyms


def load_synonyms(path: Path, display: str) -> dict[str, str]:
    """Map every way of writing a term (normalised) to the course's own term.

    Each line is ``课程用词 = 别名 = 别名``; the first term is the one the
    course text uses. Blank lines and lines starting with ``#`` are skipped.
    """
    if not path.is_file():
        raise ContentError([SourceError(display, 1, "search synonym file not found")])
    synonyms: dict[str, str] = {}
    where: dict[str, int] = {}
    errors: list[SourceError] = []
    for number, line in _entries(path, display):
        terms = [term.strip() for term in line.split("=")]
        if len(terms) < 2 or not all(terms):
            message = f"not a 'term = alias' line: {excerpt(line)}"
            errors.append(SourceError(display, number, message))
            continue
        problem = _terms_problem(terms)
        if problem:
            errors.append(SourceError(display, number, problem))
            continue
        canonical = terms[0]
        for term in terms:
            key = normalise(term)
            if key in where and where[key] != number:
                errors.append(
                    SourceError(display, number, f"'{term}' is already listed on line {where[key]}")
                )
                continue
            where[key] = number
            synonyms[key] = normalise(canonical)
    if errors:
        raise ContentError(errors)
    return synonyms


def check_terms(path: Path, display: str) -> None:
    """ContentError naming every line of jieba's user dictionary it would misread
    or choke on, before jieba reads it."""
    if not path.is_file():
        raise ContentError([SourceError(display, 1, "search dictionary not found")])
    errors: list[SourceError] = []
    where: dict[str, int] = {}
    for number, line in _entries(path, display, comments=False):
        match = TERM_LINE.match(line)
        if not match:
            message = (
                "not a '词 频率 词性' line (a word, optionally a frequency of up to 9 "
                f"digits and a part-of-speech tag in lowercase letters): {excerpt(line)}"
            )
            errors.append(SourceError(display, number, message))
            continue
        word = match["word"]
        problem = _terms_problem([word])
        if problem:
            errors.append(SourceError(display, number, problem))
        elif word in where:
            message = f"'{word}' is already listed on line {where[word]}"
            errors.append(SourceError(display, number, message))
        where.setdefault(word, number)
    if errors:
        raise ContentError(errors)


def _entries(path: Path, display: str, comments: bool = True) -> Iterator[tuple[int, str]]:
    """(line number, line) of every entry of a search file, blank lines (and ``#``
    comments, unless jieba would read them as words) skipped; ContentError past
    ``MAX_LINES`` entries."""
    count = 0
    for number, line in enumerate(read_text(path, display).splitlines(), start=1):
        if not line.strip() or (comments and line.lstrip().startswith("#")):
            continue
        count += 1
        if count > MAX_LINES:
            message = f"more than {MAX_LINES} entries; the search files are for the course's terms"
            raise ContentError([SourceError(display, number, message)])
        yield number, line


def _terms_problem(terms: list[str]) -> str | None:
    if len(terms) > MAX_SYNONYMS:
        return f"more than {MAX_SYNONYMS} terms on one line"
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            return f"'{excerpt(term)}' is longer than {MAX_TERM_LENGTH} characters"
    return None


def _patched(source: str, sha256: str, patches: tuple[tuple[str, str], ...], what: str) -> str:
    """``source`` with each patch applied once; WorkerChanged when it is not the
    exact file the patches were written for."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if digest != sha256:
        raise WorkerChanged(
            f"Material's {what} changed (sha256 {digest}); check that the patches "
            "in generator/search.py still apply, then update its SHA256"
        )
    for old, new in patches:
        if source.count(old) != 1:
            raise WorkerChanged(f"{what} patch does not apply: {old}")
        source = source.replace(old, new)
    return SOURCE_MAP.sub("\n", source)


def patch_bundle(source: str) -> str:
    """Material's page bundle, fetching the search index only once search is used."""
    return _patched(source, BUNDLE_SHA256, BUNDLE_PATCHES, "page bundle")


def dictionary_words(terms: Iterable[str]) -> list[str]:
    """The terms jieba should keep whole: each glossary term and synonym written
    in Chinese characters only (a reader searches them as one word; jieba alone
    cuts 戴明环 into 戴 + 明环)."""
    return sorted({term for term in terms if _HAN_WORD.fullmatch(term)})


def patch_worker(source: str, synonyms: dict[str, str]) -> str:
    """Material's worker with the course's query rewrite in place of its segmenter."""
    source = _patched(source, WORKER_SHA256, PATCHES, "search worker")
    rewrite = (files("generator") / "scripts" / "search-query.js").read_text(encoding="utf-8")
    data = json.dumps(synonyms, ensure_ascii=False, sort_keys=True)
    return f"self.courseSearchSynonyms = {data};\n{rewrite}\n{source}"


@dataclass(frozen=True)
class Entry:
    """A search entry of its own for one part of a page: each glossary term, so
    words of unrelated definitions never meet in one entry (挽回 from one row and
    老客户 from another made the whole glossary a hit for 挽回老客户)."""

    location: str
    """Page and anchor, ``glossary.html#term-CRM``."""
    title: str
    text: str


def compact_index(
    text: str, entries: Sequence[Entry] = (), words: Callable[[str], list[str]] | None = None
) -> str:
    """Material's search index as short as it searches the same: UTF-8 instead of
    ``\\u`` escapes (a Chinese character takes 3 bytes instead of 6), and jieba's
    word breaks (zero-width spaces) only where no other separator or tag already
    ends the word. ``entries`` are added after their page's own, their Chinese
    cut into ``words`` as Material cuts the pages (the page's markup marks what
    they replace ``data-search-exclude``)."""
    data = json.loads(text)
    if entries and words is not None:
        data["docs"] = _with_entries(data.get("docs", []), entries, words)
    separator = re.compile(data.get("config", {}).get("separator") or r"[\s\u200b]+")
    for doc in data.get("docs", []):
        for field in ("title", "text"):
            if isinstance(doc.get(field), str):
                doc[field] = _fewer_breaks(doc[field], separator)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _with_entries(
    docs: list[dict[str, object]], entries: Sequence[Entry], words: Callable[[str], list[str]]
) -> list[dict[str, object]]:
    """``docs`` with each entry after the last doc of its page, at the page's boost."""

    def cut(value: str) -> str:
        return _HAN_RUN.sub(lambda run: WORD_BREAK.join(words(run.group())), value)

    out = list(docs)
    for entry in entries:
        page = entry.location.split("#")[0]
        at = max(
            (n for n, doc in enumerate(out) if str(doc["location"]).split("#")[0] == page),
            default=None,
        )
        if at is None:
            continue
        added: dict[str, object] = {
            "location": entry.location,
            "title": cut(entry.title),
            "text": cut(entry.text),
        }
        if "boost" in out[at]:
            added["boost"] = out[at]["boost"]
        out.insert(at + 1, added)
    return out


def _fewer_breaks(text: str, separator: re.Pattern[str]) -> str:
    """``text`` without the word breaks next to another separator or a tag."""

    def run(match: re.Match[str]) -> str:
        rest = match.group().replace(WORD_BREAK, "")
        return rest or WORD_BREAK

    parts = TAG.split(text)
    return "".join(
        part if TAG.fullmatch(part) else separator.sub(run, part).strip(WORD_BREAK)
        for part in parts
    )
