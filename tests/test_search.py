"""The search index splits Chinese into words, so a word inside a sentence is found."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.content import chapters

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
