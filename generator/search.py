"""Course search on top of Material's: a synonym list, and a patched search worker.

Material's worker segments a Chinese query with a loop that never tests the
piece ending at the last character, ORs the pieces together and shows its own
wildcards to readers. The patch swaps that one step for ``scripts/search-query.js``,
which segments against the index's own words, requires every word, maps what
readers type to the course's terms and hands Lunr a clean query. The patch is
checked against the exact worker file it was written for, so a Material update
stops the build instead of silently searching the old way.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

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
    # Results whose title or text holds the query as typed (not only its words
    # scattered around) rank higher: 客户拜访 finds chapter 5 "客户拜访" first.
    (
        "this.index.search(e).reduce(",
        "self.courseSearch.rank(this.index.search(e),this.map).reduce(",
    ),
    # A query word counts as found when a matched index word contains it, not
    # only when it starts with it (客户 inside 大客户 is found, not "missing").
    ("e[s].startsWith(o.term)&&", "e[s].includes(o.term)&&"),
)
_HAN_SPACE = re.compile(r"\s*([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s*")
MATERIAL_BOOST = 0.5
"""Search weight of quiz, case and form pages (Material's ``search.boost``): they
repeat their chapter's title and words, and the chapter that teaches a word
should come before the exercise about it."""
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


def patch_worker(source: str, synonyms: dict[str, str]) -> str:
    """Material's worker with the course's query rewrite in place of its segmenter."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if digest != WORKER_SHA256:
        raise WorkerChanged(
            f"Material's search worker changed (sha256 {digest}); check that the patches "
            "in generator/search.py still apply, then update WORKER_SHA256"
        )
    for old, new in PATCHES:
        if source.count(old) != 1:
            raise WorkerChanged(f"search worker patch does not apply: {old}")
        source = source.replace(old, new)
    source = SOURCE_MAP.sub("\n", source)
    rewrite = (files("generator") / "scripts" / "search-query.js").read_text(encoding="utf-8")
    data = json.dumps(synonyms, ensure_ascii=False, sort_keys=True)
    return f"self.courseSearchSynonyms = {data};\n{rewrite}\n{source}"
