"""The search index splits Chinese into words, so a word inside a sentence is found;
the course's query rewrite is patched into the exact worker it was written for."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import material
import pytest

from generator import search, segments
from generator.artifacts import Store
from generator.errors import ContentError
from tests.conftest import ROOT
from tests.helpers import chapters, glossary

WORDS = ("投诉", "关键人物", "意向客户")


def pages_with_token(site: Path, word: str) -> set[str]:
    """Pages whose indexed text has ``word`` as a whole token, as lunr splits it."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    return {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if word in separator.split(doc["title"]) + separator.split(doc["text"])
    }


@pytest.mark.parametrize("word", WORDS)
def test_word_in_running_text_is_a_search_token(site: Path, word: str) -> None:
    expected = {f"chapters/{cid}.html" for cid, text in chapters().items() if word in text}
    assert expected, f"no chapter uses {word}"
    assert expected <= pages_with_token(site, word)


def test_course_terms_stay_whole(site: Path) -> None:
    """The user dictionary keeps 意向客户 from being split into 意向 and 客户."""
    assert pages_with_token(site, "意向客户")
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "意向\\u200b客户" not in index and "意向\u200b客户" not in index


def test_each_glossary_term_is_an_entry_of_its_own(site: Path) -> None:
    """One entry per term, after the glossary page's own and at its weight, cut
    into words like the pages; the page's entry keeps only its introduction."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [doc for doc in index["docs"] if doc["location"].split("#")[0] == "glossary.html"]
    terms = glossary()
    assert [doc["location"] for doc in docs[1:]] == [
        "glossary.html#term-" + "".join(term.split()) for term in terms
    ]
    page, first = docs[0], docs[1]
    assert "CRM" not in page["text"] and "VOC" not in page["text"]
    assert first["title"] == "CRM" and first["boost"] == search.GLOSSARY_BOOST
    assert "客户关系管理" in first["text"].split("\u200b")[0]
    html = (site / "glossary.html").read_text(encoding="utf-8")
    assert all(f'id="{doc["location"].split("#")[1]}"' in html for doc in docs[1:])


# The patched search worker and the synonym list (no browser needed).

MATERIAL_WORKERS = Path(material.__file__).parent / "templates/assets/javascripts/workers"


def material_worker() -> Path:
    (worker,) = MATERIAL_WORKERS.glob("search.*.min.js")
    return worker


def test_material_worker_is_the_file_the_patch_was_written_for() -> None:
    """Fails when Material's worker changes: re-check generator/search.py's patches."""
    digest = hashlib.sha256(material_worker().read_bytes()).hexdigest()
    assert digest == search.WORKER_SHA256


def test_patch_refuses_a_changed_worker() -> None:
    source = material_worker().read_text(encoding="utf-8")
    with pytest.raises(search.WorkerChanged):
        search.patch_worker(source.replace("lunr", "lunr "), {})


def test_built_worker_runs_the_course_rewrite(site: Path) -> None:
    (worker,) = (site / "assets/javascripts/workers").glob("search.*.min.js")
    text = worker.read_text(encoding="utf-8")
    assert "self.courseSearch.rewrite(e,this.index.invertedIndex)" in text
    assert '.join("* ")' not in text
    assert '"6σ": "六西格玛"' in text
    assert "sourceMappingURL" not in text


def test_synonyms_map_aliases_to_course_terms() -> None:
    synonyms = search.load_synonyms(ROOT / "docs/includes/search-synonyms.txt", "synonyms")
    assert synonyms["6西格玛"] == synonyms["6σ"] == synonyms["六西格玛"] == "六西格玛"
    assert synonyms["abc分类"] == synonyms[search.normalise("ABC 分类")] == "abc分析法"


def test_every_course_term_in_the_synonym_list_is_in_a_chapter() -> None:
    """A synonym leading to a word no chapter uses would find nothing."""
    synonyms = search.load_synonyms(ROOT / "docs/includes/search-synonyms.txt", "synonyms")
    text = search.normalise("".join(chapters().values()))
    missing = sorted({term for term in synonyms.values() if term not in text})
    assert missing == []


def test_synonym_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# 注释\n六西格玛 = 6σ\n只有一个词\n客户心声 = 6Σ\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        search.load_synonyms(path, "docs/includes/search-synonyms.txt")
    message = str(error.value)
    assert "docs/includes/search-synonyms.txt:3: not a 'term = alias' line" in message
    assert "docs/includes/search-synonyms.txt:4: '6Σ' is already listed on line 2" in message


# The search index's word cuts, kept between builds.


def test_segment_cache_gives_jiebas_words_and_reuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terms = tmp_path / "search-terms.txt"
    terms.write_text("客户温度计 20 n\n", encoding="utf-8")
    text = "每周看一次客户温度计，再安排拜访。"
    store = Store(tmp_path / "cache", keep_builds=1)
    first = segments.SegmentCache(store, terms)
    words = list(first.cut(text.encode("utf-8")))  # as Material calls it
    assert "客户温度计" in words and "".join(words) == text
    first.save()

    def jieba_called(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("jieba was asked again")

    monkeypatch.setattr(segments, "JIEBA_CUT", jieba_called)
    assert list(segments.SegmentCache(store, terms).cut(text)) == words
    store.finish()

    # Another dictionary cuts differently: its cache starts empty, and the old entry
    # goes once a build has not used it (here after one build).
    terms.write_text("温度计 20 n\n", encoding="utf-8")
    changed = segments.SegmentCache(store, terms)
    with pytest.raises(AssertionError, match="jieba was asked again"):
        list(changed.cut(text))
    monkeypatch.undo()
    changed.cut(text)
    changed.save()
    store.finish()
    assert [file.name for file in (tmp_path / "cache" / "search").iterdir()] == [
        f"{changed.key}.json"
    ]
