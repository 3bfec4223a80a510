"""Role-play cases keep each role's secret: learners' pages, search index and
handouts hold no confidential brief, model resolution or rubric note; each role
card holds its own confidential brief and no other; run sheets add up."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.text import markdown
from tests.conftest import ROOT
from tests.helpers import assert_follows_style, items, read

CASES = items("cases")
TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"[。！？；：\n]")
MIN_FRAGMENT = 8


def squash(text: str) -> str:
    """Text without tags, entities, whitespace or the zero-width spaces jieba adds."""
    return re.sub(r"[\s\u200b]+", "", html.unescape(TAG.sub("", text)))


def fragments(author_text: str | None) -> set[str]:
    """The sentences of some author Markdown as a reader sees them, long enough
    that finding one elsewhere means the text leaked."""
    if not author_text:
        return set()
    plain = html.unescape(TAG.sub("\n", str(markdown(author_text))))
    parts = (squash(part) for part in SENTENCE_END.split(plain))
    return {part for part in parts if len(part) >= MIN_FRAGMENT}


def role_secrets(role: dict[str, Any]) -> set[str]:
    return fragments(role.get("confidential"))


def trainer_only(case: dict[str, Any]) -> set[str]:
    """What learners must never see: confidential briefs, model resolution, rubric notes."""
    found = set().union(*(role_secrets(role) for role in case["roles"]))
    found |= fragments(case["model_resolution"])
    for criterion in case["rubric"]:
        found |= fragments(criterion.get("notes"))
    return found


SECRETS = {case_id: trainer_only(case) for case_id, case in CASES.items()}


def leaks(text: str) -> list[str]:
    flat = squash(text)
    return [
        f"{case_id}: {secret}"
        for case_id, secrets in SECRETS.items()
        for secret in secrets
        if secret in flat
    ]


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def search_text(index: dict[str, Any]) -> str:
    return "".join(doc["title"] + doc["text"] for doc in index["docs"])


def test_every_case_has_secrets_to_keep() -> None:
    assert len(CASES) >= 10
    for case_id, case in CASES.items():
        assert any(role.get("confidential") for role in case["roles"]), case_id
        assert SECRETS[case_id], case_id


def test_trainer_pages_hold_every_secret(site: Path) -> None:
    """The check below can fail: the same fragments are found where they belong."""
    for case_id, secrets in SECRETS.items():
        page = squash(read(site / "trainer" / "cases" / f"{case_id}.html"))
        assert sorted(s for s in secrets if s not in page) == [], case_id


def test_no_secret_on_any_page_outside_the_trainer_area(site: Path) -> None:
    pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "trainer"]
    assert len(pages) > 20
    for page in pages:
        assert leaks(read(page)) == [], page.relative_to(site)


def test_no_secret_in_the_search_index(site: Path) -> None:
    index = json.loads(read(site / "search" / "search_index.json"))
    assert [d["location"] for d in index["docs"] if d["location"].startswith("trainer/")] == []
    assert "客户王女士" in squash(search_text(index))
    assert leaks(search_text(index)) == []


def test_no_secret_in_the_offline_inlined_index(site: Path) -> None:
    script = read(site / "search" / "search_index.js")
    prefix = "var __index = "
    assert script.startswith(prefix)
    index = json.loads(script[len(prefix) :])
    assert "客户王女士" in squash(search_text(index))
    assert leaks(search_text(index)) == []
    inlined = [p for p in site.rglob("*.js") if p.relative_to(site).parts[0] != "trainer"]
    for script_file in inlined:
        assert leaks(read(script_file)) == [], script_file.relative_to(site)


def test_no_secret_in_pdfs_outside_the_trainer_area(site: Path) -> None:
    pdfs = [p for p in site.rglob("*.pdf") if p.relative_to(site).parts[0] != "trainer"]
    assert {p.stem for p in pdfs} >= set(CASES)
    for pdf in pdfs:
        assert leaks(pdf_text(pdf)) == [], pdf.relative_to(site)


@pytest.mark.parametrize("case_id", list(CASES))
def test_learner_page_shows_public_briefs_and_links_no_trainer_file(
    site: Path, case_id: str
) -> None:
    case = CASES[case_id]
    page = read(site / "cases" / f"{case_id}.html")
    for role in case["roles"]:
        assert sorted(f for f in fragments(role["public"]) if f not in squash(page)) == []
    assert "trainer/" not in page
    assert f'href="{case_id}.pdf"' in page


def card_texts(path: Path) -> list[str]:
    """The text of each card: the top and the bottom half of every sheet, in order."""
    cards: list[str] = []
    for page in PdfReader(path).pages:
        middle = float(page.mediabox.height) / 2
        halves: dict[bool, list[str]] = {True: [], False: []}

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            halves[y > middle].append(text)  # noqa: B023 - used during this call only

        page.extract_text(visitor_text=visit)
        cards += [squash("".join(halves[True])), squash("".join(halves[False]))]
    return cards


@pytest.mark.parametrize("case_id", list(CASES))
def test_each_role_card_holds_only_its_own_secret(site: Path, case_id: str) -> None:
    case = CASES[case_id]
    roles = case["roles"]
    path = site / "trainer" / "cases" / f"{case_id}-role-cards.pdf"
    assert len(PdfReader(path).pages) == math.ceil(len(roles) / 2), "two cards to a sheet"
    cards = card_texts(path)
    for number, role in enumerate(roles):
        card = cards[number]
        assert squash(role["name"]) in card
        assert squash(case["title"]) in card
        mine = role_secrets(role) | fragments(role["public"])
        for goal in role["goals"]:
            mine |= fragments(goal) or {squash(goal)}
        assert sorted(f for f in mine if f not in card) == [], role["name"]
        others = SECRETS[case_id] - role_secrets(role)
        assert sorted(f for f in others if f in card) == [], role["name"]
    assert all(card == "" for card in cards[len(roles) :])


@pytest.mark.parametrize("case_id", list(CASES))
def test_observer_sheet_has_checklist_and_rubric_but_no_secret(site: Path, case_id: str) -> None:
    case = CASES[case_id]
    text = squash(pdf_text(site / "trainer" / "cases" / f"{case_id}-observer.pdf"))
    for point in case["observer_checklist"]:
        assert squash(str(markdown(point)))[:12] in text
    for criterion in case["rubric"]:
        assert squash(criterion["name"]) in text
    assert "记录与原话" in text
    assert [s for s in SECRETS[case_id] if s in text] == []


@pytest.mark.parametrize("case_id", list(CASES))
def test_trainer_guide_has_everything(site: Path, case_id: str) -> None:
    case = CASES[case_id]
    text = squash(pdf_text(site / "trainer" / "cases" / f"{case_id}-guide.pdf"))
    assert sorted(s for s in SECRETS[case_id] if s not in text) == []
    for step in case["run_sheet"]:
        assert squash(step["activity"]) in text
    assert sorted(f for f in fragments(case["variations"]["harder"]) if f not in text) == []


@pytest.mark.parametrize("case_id", list(CASES))
def test_run_sheet_adds_up_to_the_duration(site: Path, case_id: str) -> None:
    case = CASES[case_id]
    total = sum(step["minutes"] for step in case["run_sheet"])
    assert total == case["duration_minutes"]
    page = squash(read(site / "trainer" / "cases" / f"{case_id}.html"))
    assert f"合计{total}" in page


def test_trainer_area_links_every_case_and_its_pdfs(site: Path) -> None:
    index = read(site / "trainer" / "index.html")
    assert "不是" in index or "仍然可以打开" in index
    for case_id in CASES:
        for target in (
            f"{case_id}.html",
            f"{case_id}-role-cards.pdf",
            f"{case_id}-observer.pdf",
            f"{case_id}-guide.pdf",
        ):
            assert f'href="cases/{target}"' in index
            assert (site / "trainer" / "cases" / target).is_file()
        page = read(site / "trainer" / "cases" / f"{case_id}.html")
        assert f'href="{case_id}-role-cards.pdf"' in page
        assert "仍然可以打开" in page


def test_each_case_is_linked_from_its_chapters(site: Path) -> None:
    for case_id, case in CASES.items():
        for chapter in [case["chapter"], *case.get("chapters", [])]:
            page = read(site / "chapters" / f"{chapter}.html")
            assert f'href="../cases/{case_id}.html"' in page, (case_id, chapter)


def test_case_text_follows_the_style_sheet() -> None:
    files = sorted((ROOT / "cases").glob("*.yml"))
    assert_follows_style({p.relative_to(ROOT).as_posix(): read(p) for p in files})
