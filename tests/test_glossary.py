"""Course terms get tooltips inside Chinese sentences and a glossary page."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from tests.helpers import chapters, glossary, read


def test_glossary_page_lists_every_term(site: Path) -> None:
    page = html_lib.unescape(read(site / "glossary.html"))
    terms = glossary()
    assert len(terms) >= 30
    for term, definition in terms.items():
        assert f"<strong>{term}</strong>" in page or f">{term}</abbr></strong>" in page, term
        assert definition in page


def test_terms_in_running_chinese_text_get_one_tooltip(site: Path) -> None:
    terms = glossary()
    checked = 0
    for chapter, markdown in chapters().items():
        page = html_lib.unescape(read(site / "chapters" / f"{chapter}.html"))
        for term in ("意向客户", "关键人物", "客户终身价值"):
            if f"的{term}" in markdown:
                marked = re.findall(rf'<abbr tabindex="0" title="([^"]+)">{term}</abbr>', page)
                assert marked == [terms[term]], (chapter, term)
                checked += 1
    assert checked >= 3


def test_acronym_next_to_chinese_gets_a_tooltip(site: Path) -> None:
    page = html_lib.unescape(read(site / "chapters" / "ch11.html"))
    assert f'<abbr tabindex="0" title="{glossary()["PDCA"]}">PDCA</abbr>' in page
