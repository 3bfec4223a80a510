"""Print layout, measured in the PDFs themselves: the handbook's cover names who
issues it, which version and when; the contents list the exercises and leave no
entry alone on a page; a wide table stays on its section's page unless it cannot
fit; no table row is cut off from the row it belongs to; rows written in by hand
are at least 8 mm high."""

from __future__ import annotations

import datetime
import io
import itertools
import re
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from lxml import html as lxml_html
from pypdf import PdfReader

from generator import course, handbook
from generator.artifacts import Store
from generator.catalog import Catalog
from generator.models.form import HANDWRITTEN_ROW_MM
from generator.pdf import PdfJob, render_pdf
from tests.conftest import ROOT
from tests.conftest import course_settings as settings
from tests.helpers import fake_catalog, items, outline

ENTRY = re.compile(r"^(.+?)\s*\.{3,}\s*(\d+)$")
"""A contents line: a title, leader dots, a page number."""
MM = 25.4 / 72
EPOCH_DATE = (1796601600, "2026 年 12 月 7 日")
"""A SOURCE_DATE_EPOCH (2026-12-07 00:00 UTC) and how the cover prints its date."""


def normalise(text: str) -> str:
    """Text without white space (PDF line breaks) or zero-width spaces."""
    return re.sub(r"[\s\u200b]+", "", text)


@cache
def page_texts(path: Path) -> tuple[str, ...]:
    return tuple(normalise(page.extract_text()) for page in PdfReader(path).pages)


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def chinese_date(date: datetime.date) -> str:
    return f"{date.year} 年 {date.month} 月 {date.day} 日"


# The cover


def test_build_date_is_source_date_epoch_in_utc_whatever_the_clock() -> None:
    epoch, _ = EPOCH_DATE
    assert handbook.build_date({"SOURCE_DATE_EPOCH": str(epoch)}) == datetime.date(2026, 12, 7)
    assert handbook.build_date({"SOURCE_DATE_EPOCH": str(epoch - 1)}) == datetime.date(2026, 12, 6)
    assert handbook.build_date({}) == datetime.datetime.now(datetime.UTC).date()
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        handbook.build_date({"SOURCE_DATE_EPOCH": "yesterday"})


def test_version_option_wins_and_without_git_there_is_none(tmp_path: Path) -> None:
    assert handbook.course_version("V2.3", tmp_path) == "V2.3"
    assert handbook.course_version("", tmp_path) == ""


def test_cover_names_organisation_version_and_date() -> None:
    epoch, printed = EPOCH_DATE
    cover = handbook.Cover(
        "某某有限公司", "V2.3", handbook.build_date({"SOURCE_DATE_EPOCH": str(epoch)})
    )
    page = "<h1>第1章 测试</h1><p>正文</p>"
    book = handbook.jobs({"ch01": page}, fake_catalog([]), "chapters", "课程", cover=cover)[0]
    first = pdf_text(render_pdf(book))[0]
    assert "某某有限公司" in first
    assert "课程版本：V2.3" in first
    assert f"编制日期：{printed}" in first
    bare = handbook.jobs({"ch01": page}, fake_catalog([]), "chapters", "课程")[0]
    assert "课程版本" not in bare.html and "编制日期" not in bare.html


def test_the_courses_cover_has_its_version_and_build_date(site: Path) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = yaml.safe_load(config)["plugins"]
    version = next(p["course"] for p in plugins if isinstance(p, dict) and "course" in p)["version"]
    first = PdfReader(site / handbook.HANDBOOK_PDF).pages[0].extract_text()
    assert f"课程版本：{version}" in first
    # The build ran with this process's environment: SOURCE_DATE_EPOCH under make.
    assert f"编制日期：{chinese_date(handbook.build_date())}" in first


# The contents


def contents_pages(reader: PdfReader) -> list[list[tuple[str, int]]]:
    """Each contents page's entries as (title without spaces, page number)."""
    marks = outline(reader)
    start = next(page for level, title, page in marks if title == "目录")
    end = next(page for level, title, page in marks if level == 1 and page > start)
    pages = []
    for page in reader.pages[start - 1 : end - 1]:
        lines = [ENTRY.match(line.strip()) for line in page.extract_text().splitlines()]
        pages.append([(normalise(m[1]), int(m[2])) for m in lines if m])
    return pages


def test_contents_list_each_chapters_exercises_with_their_page(site: Path) -> None:
    reader = PdfReader(site / handbook.HANDBOOK_PDF)
    entries = dict(entry for page in contents_pages(reader) for entry in page)
    bookmarks = {normalise(title): page for _, title, page in outline(reader)}
    quizzes = items("quizzes")
    assert quizzes
    for quiz in quizzes.values():
        title = normalise(f"练习：{quiz['title']}")
        assert title in entries, f"no contents entry {title}"
        assert entries[title] == bookmarks[title], title


def test_no_contents_page_holds_a_single_entry(site: Path) -> None:
    pages = contents_pages(PdfReader(site / handbook.HANDBOOK_PDF))
    assert len(pages) >= 1
    assert all(len(entries) >= 2 for entries in pages), [len(entries) for entries in pages]


def contents_counts(sections: int) -> list[int]:
    """Entries on each contents page of a handbook's front matter (laid out on its
    own, as for a handbook made in parts) for a first chapter of ``sections``
    sections, a second of one, and the glossary: ``sections + 4`` entries."""
    body = "".join(f'<h2 id="s{n}">1.{n} 第 {n} 节</h2><p>正文</p>' for n in range(sections))
    pages = {"ch01": f"<h1>第1章 测试</h1>{body}", "ch02": '<h1>第2章</h1><h2 id="s">2.1 节</h2>'}
    catalog = Catalog(Path("."), chapters={"ch01": "第1章 测试", "ch02": "第2章 测试"})
    book = handbook.jobs(pages, catalog, "chapters", "课程", part_chapters=1)[0]
    front = render_pdf(PdfJob("f.pdf", book.parts[0], stylesheets=book.stylesheets, forms=False))
    return [sum(1 for line in text.splitlines() if "..." in line) for text in pdf_text(front)[1:]]


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_contents_one_entry_longer_than_a_page_take_more_than_one_entry_along() -> None:
    first_page = contents_counts(80)[0]
    counts = contents_counts(first_page + 1 - 4)
    assert sum(counts) == first_page + 1
    assert len(counts) == 2
    assert min(counts) >= 2, counts


# Wide tables


def wide_table(columns: int, cell: str) -> str:
    head = "".join(f"<th>列{n}</th>" for n in range(columns))
    row = "".join(f"<td>{cell}</td>" for _ in range(columns))
    return f"<table><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"


def test_only_a_table_too_wide_for_a_portrait_page_in_small_type_goes_landscape() -> None:
    catalog = Catalog(Path("."), chapters={"ch01": "第1章"})
    page = (
        f"<h1>第1章</h1><h2>甲</h2>{wide_table(11, '25.37%')}"
        f"<h2>乙</h2>{wide_table(14, '1,234,567.89')}"
    )
    html = handbook.jobs({"ch01": page}, catalog, "chapters", "课程")[1].html
    fits, too_wide = lxml_html.fromstring(html).xpath("//table")
    assert "print-wide" in fits.get("class") and "print-wide" in too_wide.get("class")
    assert "print-landscape" not in (fits.getparent().get("class") or "")
    assert too_wide.getparent().get("class") == "print-landscape"


def sections_of_wide_tables(chapter: str) -> list[tuple[str, str]]:
    """(Section title, first body row's text) of each table of 9 or more columns."""
    found = []
    source = (ROOT / "docs" / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    section = ""
    lines = source.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("## "):
            section = normalise(line[3:])
        if line.startswith("|") and line.count("|") - 1 >= 9 and lines[number + 1][:4] == "| --":
            found.append((section, normalise(lines[number + 2].replace("|", ""))))
    return found


@pytest.mark.parametrize("pdf", ["handbook.pdf", "chapters/ch03.pdf"])
def test_the_eleven_column_table_is_on_its_sections_page_upright(site: Path, pdf: str) -> None:
    wide = sections_of_wide_tables("ch03")
    assert wide, "ch03 has no table of 9 or more columns any more"
    reader = PdfReader(site / pdf)
    bookmarks = {normalise(title): page for _, title, page in outline(reader)}
    texts = page_texts(site / pdf)
    for section, row in wide:
        page = next(number for number, text in enumerate(texts, 1) if row in text)
        assert page == bookmarks[section], (section, page)
        box = reader.pages[page - 1].mediabox
        assert box.width < box.height, "landscape"


# Table rows kept with the rows they belong to


def row_pairs(html: str) -> list[tuple[str, str]]:
    """Pairs of rows that must share a page: in each row group the first two and
    the last two; rows without text (blank rows to write in) are left out."""
    pairs = []
    for group in lxml_html.fromstring(html).xpath("//table/tbody"):
        rows = [normalise("".join(row.itertext())) for row in group.xpath("./tr")]
        if len(rows) >= 2:
            pairs += [(rows[0], rows[1]), (rows[-2], rows[-1])]
    return [(a, b) for a, b in pairs if a and b]


def assert_rows_kept_together(pdf: Path, html: str) -> int:
    """Each pair's texts follow each other on one page: a page break between them
    would put the running header, page number or repeated table header between."""
    texts = page_texts(pdf)
    pairs = row_pairs(html)
    for first, second in pairs:
        assert any(first + second in text for text in texts), (
            f"{pdf.name}: «{second[:24]}» is not on the page of «{first[:24]}»"
        )
    return len(pairs)


@pytest.fixture(scope="module")
def print_jobs() -> list[PdfJob]:
    """The course's print HTML for forms, cases and answer keys, as the build makes it."""
    return course.load_cached(settings(ROOT), Store(None))[0].jobs


def test_no_table_row_is_cut_off_in_the_chapter_pdfs_and_the_handbook(site: Path) -> None:
    checked = 0
    for page in sorted((site / "chapters").glob("ch*.html")):
        article = lxml_html.tostring(lxml_html.fromstring(page.read_bytes()).xpath("//article")[0])
        html = article.decode()
        checked += assert_rows_kept_together(page.with_suffix(".pdf"), html)
        assert_rows_kept_together(site / handbook.HANDBOOK_PDF, html)
    assert checked > 50


def test_no_table_row_is_cut_off_in_case_and_answer_pdfs(
    site: Path, print_jobs: list[PdfJob]
) -> None:
    checked = sum(
        assert_rows_kept_together(site / job.path, job.html)
        for job in print_jobs
        if not job.path.startswith("forms/")
    )
    assert checked > 30


@pytest.mark.parametrize("case_id", sorted(items("cases")))
def test_rubric_notes_name_their_criterion(site: Path, case_id: str) -> None:
    """So a criterion's rows that must break over a page still say what the notes
    belong to (that they share a page otherwise is checked above)."""
    text = "".join(page_texts(site / "trainer" / "cases" / f"{case_id}-guide.pdf"))
    for criterion in items("cases")[case_id]["rubric"]:
        if criterion.get("notes"):
            assert normalise(f"培训师提示（{criterion['name']}）：") in text, criterion["name"]


# Rows written in by hand


def rules_mm(page: pdfium.PdfPage) -> list[float]:
    """The heights (mm from the top) of the page's horizontal table rules."""
    height = page.get_height()
    found = set()
    for item in page.get_objects(max_depth=5):
        if item.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = item.get_bounds()
        if (top - bottom) * MM < 1 and (right - left) * MM > 5:
            found.add(round((height - top) * MM, 2))
    return sorted(found)


def text_top_mm(page: pdfium.PdfPage, text: str) -> float:
    textpage = page.get_textpage()
    match = textpage.search(text).get_next()
    assert match, f"no «{text}» on the page"
    return (page.get_height() - textpage.get_charbox(match[0])[3]) * MM


@pytest.mark.parametrize("case_id", sorted(items("cases")))
def test_observer_checklist_rows_are_at_least_the_handwriting_minimum(
    site: Path, case_id: str
) -> None:
    page = pdfium.PdfDocument(site / "trainer" / "cases" / f"{case_id}-observer.pdf")[0]
    header, end = text_top_mm(page, "检查项"), text_top_mm(page, "评分表")
    rules = [y for y in rules_mm(page) if header - 3 < y < end]
    # The first rule above the header text, the next below it; then one per row.
    rows = [b - a for a, b in itertools.pairwise(rules[1:])]
    assert len(rows) == len(items("cases")[case_id]["observer_checklist"])
    assert min(rows) >= HANDWRITTEN_ROW_MM, [round(row, 2) for row in rows]
