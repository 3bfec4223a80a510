"""The course handbook and the chapter PDFs: bookmarks, contents with page numbers,
running headers, every chapter's text, exercises without answers, links to them."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from generator import handbook
from generator.catalog import Catalog
from tests.conftest import copy_course, run_build
from tests.helpers import chapters, fake_catalog, heading, items, links, outline, read

TITLES = {chapter: heading(text) for chapter, text in chapters().items()}


def normalise(text: str) -> str:
    """Text without white space or Markdown emphasis marks, to compare with PDF text."""
    return re.sub(r"[\s*`]+", "", text)


@pytest.fixture(scope="module")
def book(site: Path) -> PdfReader:
    return PdfReader(site / handbook.HANDBOOK_PDF)


@pytest.fixture(scope="module")
def pages(book: PdfReader) -> list[str]:
    return [page.extract_text() for page in book.pages]


def test_bookmarks_are_chapters_then_their_sections(book: PdfReader) -> None:
    marks = outline(book)
    top = [title for level, title, _ in marks if level == 1]
    assert top == ["目录", *TITLES.values(), "术语表"]
    for chapter, text in chapters().items():
        sections = re.findall(r"^##\s+(.+?)(?:\s*\{[^}]*\})?\s*$", text, re.MULTILINE)
        start = next(i for i, mark in enumerate(marks) if mark[1] == TITLES[chapter])
        nested = []
        for level, title, _ in marks[start + 1 :]:
            if level == 1:
                break
            nested.append(title)
        numbered = [s for s in sections if re.match(r"\d+\.\d+", s)]
        assert numbered, chapter
        assert [t for t in nested if re.match(r"\d+\.\d+", t)] == numbered
        assert all(level <= 2 for level, _, _ in marks)


def test_every_chapter_title_is_in_the_text_and_the_running_header(
    book: PdfReader, pages: list[str]
) -> None:
    for level, title, page in outline(book):
        if level == 1 and title in TITLES.values():
            assert normalise(title) in normalise(pages[page - 1])
            # The running header repeats the title on the chapter's following pages.
            following = pages[page] if page < len(pages) else ""
            assert normalise(title) in normalise(following) or not following


def test_pages_are_numbered_and_the_contents_give_each_chapters_page(
    book: PdfReader, pages: list[str]
) -> None:
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"(^|\s){number}\s*$", text.strip()), f"no number on page {number}"
    contents = {}
    for line in "\n".join(pages[1:4]).splitlines():
        entry = re.match(r"^(.+?)\s*\.{3,}\s*(\d+)$", line.strip())
        if entry:
            contents[normalise(entry[1])] = int(entry[2])
    for _, title, page in outline(book):
        if title in TITLES.values() or re.match(r"\d+\.\d+ ", title):
            assert contents.get(normalise(title)) == page, title


def test_pages_are_a4_upright_as_every_table_fits_in_small_type(book: PdfReader) -> None:
    """The course's widest table (11 columns) fits a portrait page in small type;
    a table that cannot is tested in test_print_layout.py."""
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in book.pages}
    assert sizes == {(595, 842)}


def test_tabs_are_all_printed_with_labels_and_permalinks_are_gone(pages: list[str]) -> None:
    text = normalise("".join(pages))
    assert "¶" not in text
    assert "外部客户" in text and "下道工序就是上道工序的客户" in text
    assert "本章练习与资料" not in text


def test_exercises_have_prompts_and_options_but_no_answers(pages: list[str]) -> None:
    text = normalise("".join(pages))
    for quiz in items("quizzes").values():
        assert normalise(quiz["title"]) in text
        for scenario in quiz.get("scenarios", []):
            assert normalise(scenario["text"]) in text
        for question in quiz["questions"]:
            for part in question["prompt"].split("___"):
                assert normalise(part) in text
            assert normalise(question["explanation"]) not in text
            shown = [option["text"] for option in question.get("options", [])]
            shown += question.get("items", [])
            shown += [side for pair in question.get("pairs", []) for side in pair.values()]
            for choice in shown:
                assert normalise(choice) in text
            # Feedback gives the answer away; fill-in answers are short numbers and
            # words the chapters use too, so only feedback is checked against the text.
            for option in question.get("options", []):
                if option.get("feedback"):
                    assert normalise(option["feedback"]) not in text


def test_glossary_is_at_the_end(book: PdfReader, pages: list[str]) -> None:
    last = outline(book)[-1]
    assert last[:2] == (1, "术语表")
    assert "客户满意度" in "".join(pages[last[2] - 1 :])


@pytest.mark.parametrize("chapter", sorted(TITLES))
def test_each_chapter_has_its_pdf_linked_from_its_page(site: Path, chapter: str) -> None:
    reader = PdfReader(site / "chapters" / f"{chapter}.pdf")
    text = normalise("".join(page.extract_text() for page in reader.pages))
    assert normalise(TITLES[chapter]) in text
    assert outline(reader)[0][:2] == (1, TITLES[chapter])
    assert f'href="{chapter}.pdf"' in read(site / "chapters" / f"{chapter}.html")


def test_handbook_is_linked_from_home_page_and_trainer_area(site: Path) -> None:
    assert 'href="handbook.pdf"' in read(site / "index.html")
    assert 'href="../handbook.pdf"' in read(site / "trainer" / "index.html")


PAGE = '<h1 id="t">第1章 测试<a class="headerlink" href="#t">¶</a></h1><p>正文</p>'


def test_question_types_without_a_template_print_their_prompt_and_options() -> None:
    questions = [
        SimpleNamespace(type="essay", prompt="填空题的题干"),
        SimpleNamespace(type="ranking", prompt="排序题的题干", options=["第一项", "第二项"]),
        SimpleNamespace(type="single", prompt="单选题", options=[SimpleNamespace(text="甲")]),
    ]
    job = handbook.jobs({"ch01": PAGE}, fake_catalog(questions), "chapters", "课程")[0]
    for text in ("填空题的题干", "排序题的题干", "第一项", "第二项", "单选题", "甲"):
        assert text in job.html
    assert "headerlink" not in job.html


def test_exercises_can_be_left_out() -> None:
    questions = [SimpleNamespace(type="single", prompt="单选题", options=[])]
    jobs = handbook.jobs(
        {"ch01": PAGE}, fake_catalog(questions), "chapters", "课程", exercises=False
    )
    assert all("单选题" not in job.html for job in jobs)
    assert all("正文" in job.html for job in jobs)


def test_links_stay_inside_the_document_or_become_text() -> None:
    page = (
        '<h1 id="t">第1章</h1><p><a href="#t">本节</a> <a href="ch02.html#x">下一章</a> '
        '<a href="../quizzes/ch01.html">自测</a> <a href="https://example.com/">外链</a></p>'
    )
    catalog = Catalog(Path("."), chapters={"ch01": "第1章", "ch02": "第2章"})
    book, one, _ = handbook.jobs({"ch01": page, "ch02": "<h1>第2章</h1>"}, catalog, "c", "课程")
    assert 'href="#ch01-t"' in book.html and 'href="#ch02-x"' in book.html
    assert 'href="#ch02-x"' not in one.html and "下一章" in one.html
    assert "quizzes" not in book.html and "自测" in book.html
    assert 'href="https://example.com/"' in book.html


def test_a_handbook_made_in_parts_is_the_same_book(
    site: Path, book: PdfReader, pages: list[str], tmp_path: Path
) -> None:
    """Laid out four chapters at a time and joined (how a long course's handbook is
    made), the handbook has the same pages, numbers, contents, bookmarks and links."""
    project = copy_course(tmp_path)  # the other PDFs come from the session's cache
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - course:\n" in text
    config.write_text(
        text.replace("\n  - course:\n", "\n  - course:\n      handbook_part_chapters: 4\n"),
        encoding="utf-8",
    )
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert "No anchor" not in result.stderr
    parted = PdfReader(project / "site" / handbook.HANDBOOK_PDF)
    assert [page.extract_text() for page in parted.pages] == pages
    assert outline(parted) == outline(book)
    assert links(parted) == links(book)
    assert any(target == "ch11" and page < 5 for page, _, target, _ in links(parted))
    assert parted.metadata == book.metadata
