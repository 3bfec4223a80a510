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
from importlib.resources import files
from pathlib import Path

from generator.errors import ContentError, SourceError

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
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        terms = [term.strip() for term in line.split("=")]
        if len(terms) < 2 or not all(terms):
            errors.append(SourceError(display, number, f"not a 'term = alias' line: {line}"))
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
