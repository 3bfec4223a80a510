"""Malformed and hostile sources: every one ends in ``file:line: message``, a
non-zero exit, no traceback and the previous site intact; nothing outside the
project is read or published.

Each case is a small file under ``tests/hostile/`` put at a place in a copy of
the course, or a setting up of links and folders that a file cannot express.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import pypdfium2 as pdfium
import pytest
import yaml
from playwright.sync_api import Browser
from pypdf import PdfReader

from generator import build, course, ids, moodle, pdf, scorm
from generator.catalog import load_catalog
from generator.errors import ContentError
from tests import helpers
from tests.conftest import ROOT, course_settings, run_build
from tests.helpers import build_fails

CORPUS = Path(__file__).parent / "hostile"


@dataclass(frozen=True)
class Case:
    source: str
    """A file in tests/hostile/, or '' for a case made by ``setup``."""
    target: str
    """Where the file goes in the project."""
    expected: str
    """A line of the build's output (a regular expression)."""
    setup: Callable[[Path], None] | None = None
    before_writing: bool = True
    """Found before MkDocs touches the site folder (a warning in strict mode is
    counted only at the end; ``make site`` builds into a staging folder anyway)."""
    by_build: bool = False
    """Found by the build after ``course.load`` (the glyph check, MkDocs' own
    configuration checks): the case runs ``mkdocs build``, a slow test."""


def link(target: str, to: str) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        path = project / target
        path.unlink(missing_ok=True)
        path.symlink_to(to if to.startswith("/") else project / to)

    return make


def folder(target: str) -> Callable[[Path], None]:
    return lambda project: (project / target).mkdir()


def deep_nesting(project: Path) -> None:
    (project / "quizzes/deep.yml").write_text("a: " + "[" * 20000 + "]" * 20000 + "\n")


def block_nesting(project: Path) -> None:
    lines = [f"{'  ' * depth}k{depth}:" for depth in range(400)]
    (project / "quizzes/deep.yml").write_text("\n".join(lines) + " x\n")


def patch_config(**plugin: str) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        path = project / "mkdocs.yml"
        text = path.read_text(encoding="utf-8")
        options = "".join(f"\n      {key}: {value}" for key, value in plugin.items())
        text = re.sub(r"^  - course:?\n", f"  - course:{options}\n", text, flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")

    return make


def with_source_outside(project: Path) -> Path:
    outside = project.parent / "outside.yml"
    shutil.copy(project / "quizzes/ch01.yml", outside)
    return outside


def outside_quiz(project: Path) -> None:
    (project / "quizzes/outside.yml").symlink_to(with_source_outside(project))


def outside_chapter(project: Path) -> None:
    outside = project.parent / "outside.md"
    outside.write_text("# 外部章节\n", encoding="utf-8")
    (project / "docs/chapters/ch99.md").symlink_to(outside)


def outside_snippet(project: Path) -> None:
    outside = project.parent / "outside-secret.md"
    outside.write_text("OUTSIDE_SECRET\n", encoding="utf-8")
    (project / "docs/includes/secret.md").symlink_to(outside)
    chapter = project / "docs/chapters/ch01.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + '\n--8<-- "secret.md"\n')


Q = "quizzes/evil.yml"
CASES = [
    Case("quiz-title-script.yml", Q, rf"{Q}:1: title: .*must not contain '<'"),
    Case("quiz-title-attr-list.yml", Q, rf"{Q}:1: title: .*must not contain '\{{'"),
    Case("quiz-title-entity.yml", Q, rf"{Q}:1: title: .*must not contain '&lt;'"),
    Case("quiz-title-newline.yml", Q, rf"{Q}:1: title: .*must not contain '<'"),
    Case("quiz-control-char.yml", Q, rf"{Q}:5: control character U\+000B is not allowed"),
    Case("quiz-nul-byte.yml", Q, rf"{Q}:5: control character U\+0000 is not allowed"),
    Case("quiz-alias-bomb.yml", Q, rf"{Q}:\d+: anchors and aliases .* are not allowed"),
    Case("quiz-recursive-alias.yml", Q, rf"{Q}:\d+: anchors and aliases .* are not allowed"),
    Case("quiz-harmless-alias.yml", Q, rf"{Q}:6: anchors and aliases .* are not allowed"),
    Case("quiz-tab-indent.yml", Q, rf"{Q}:4: invalid YAML: "),
    Case("quiz-duplicate-key.yml", Q, rf"{Q}:2: duplicate key 'title'"),
    Case("quiz-unknown-key.yml", Q, rf"{Q}:6: questions\[0\]: unknown key 'anwser'"),
    Case("quiz-wrong-type.yml", Q, rf"{Q}:2: pass_percent: Input should be a valid integer"),
    Case("quiz-empty.yml", Q, rf"{Q}:1: the file is empty"),
    Case("quiz-top-level-list.yml", Q, rf"{Q}:1: Input should be a valid dictionary"),
    Case("quiz-missing-chapter.yml", Q, rf"{Q}:2: 'ch99' names no file in chapters/"),
    Case("quiz-python-tag.yml", Q, rf"{Q}:1: invalid YAML: could not determine a constructor"),
    Case("quiz-gbk.yml", Q, rf"{Q}:1: not UTF-8 text \(byte 0x\w\w\); save the file as UTF-8"),
    Case(
        "quiz-upper-suffix.YML",
        "quizzes/ch02.YML",
        r"quizzes/ch02.YML:1: content files end in '.yml': rename it to ch02.yml",
    ),
    Case(
        "quiz-twin.yaml",
        "quizzes/ch01.yaml",
        r"quizzes/ch01.yaml:1: content files end in '.yml': rename it to ch01.yml; "
        r"ch01.yml already exists, so one of them would be lost",
    ),
    Case(
        "quiz-index.yml",
        "quizzes/index.yml",
        r"quizzes/index.yml:1: 'index' is reserved for the section's landing page",
    ),
    Case(
        "quiz-bad-name.yml",
        "quizzes/Bad_Name.yml",
        r"quizzes/Bad_Name.yml:1: file name must be lowercase letters, digits and '-'",
    ),
    Case("", "", r"quizzes/deep.yml:1: invalid YAML: exceeded maximum nesting depth", deep_nesting),
    Case("", "", r"quizzes/deep.yml:\d+: nested more than 24 levels deep", block_nesting),
    Case(
        "",
        "",
        r"quizzes/folder.yml:1: is a folder, not a content file",
        folder("quizzes/folder.yml"),
    ),
    Case(
        "",
        "",
        r"quizzes/dangling.yml:1: is a broken link \(to /nonexistent/quiz.yml\)",
        link("quizzes/dangling.yml", "/nonexistent/quiz.yml"),
    ),
    Case("", "", r"quizzes/outside.yml:1: is a link to a file outside the project", outside_quiz),
    Case("form-title-script.yml", "forms/evil.yml", r"forms/evil.yml:1: title: .*'<'"),
    Case(
        "form-label-attr-list.yml",
        "forms/evil.yml",
        r"forms/evil.yml:8: sections\[0\].fields\[0\].*label: .*must not contain '\{'",
    ),
    Case(
        "form-label-html.yml",
        "forms/evil.yml",
        r"forms/evil.yml:8: sections\[0\].fields\[0\].*label: .*must not contain '<'",
    ),
    Case(
        "form-unknown-field-type.yml",
        "forms/evil.yml",
        r"forms/evil.yml:7: sections\[0\].fields\[0\]: unknown type 'slider' \(expected one of: ",
    ),
    Case(
        "form-emoji.yml",
        "forms/evil.yml",
        r"forms/evil.yml:8: '👍' \(U\+1F44D\) in “label: 点赞 👍” is in no installed font",
        before_writing=False,
        by_build=True,
    ),
    Case(
        "form-rare-han.yml",
        "forms/evil.yml",
        r"forms/evil.yml:8: '𠀀' \(U\+20000\) in “",
        before_writing=False,
        by_build=True,
    ),
    Case("case-title-script.yml", "cases/evil.yml", r"cases/evil.yml:1: title: .*'<'"),
    Case(
        "case-role-name-html.yml",
        "cases/evil.yml",
        r"cases/evil.yml:7: roles\[0\].name: .*must not contain '<'",
    ),
    Case(
        "case-missing-form.yml",
        "cases/evil.yml",
        r"cases/evil.yml:15: 'no-such-form' names no file in forms/",
    ),
    Case(
        "case-negative-duration.yml",
        "cases/evil.yml",
        r"cases/evil.yml:3: duration_minutes: Input should be greater than or equal to 5",
    ),
    Case(
        "chapter-gbk.md",
        "docs/chapters/ch99.md",
        r"docs/chapters/ch99.md:1: not UTF-8 text \(byte 0x\w\w\); save the file as UTF-8",
    ),
    Case(
        "chapter-broken-link.md",
        "docs/chapters/ch99.md",
        r"docs/chapters/ch99.md:5: link to 'missing.md' points to no page",
    ),
    Case(
        "", "", r"docs/chapters/ch99.md:1: is a link to a file outside the project", outside_chapter
    ),
    Case(
        "chapter-snippet-readme.md",
        "docs/chapters/ch99.md",
        r"docs/chapters/ch99.md:1: snippet '../../README.md' is not a file in docs/includes/",
    ),
    Case(
        "",
        "",
        r"docs/includes/secret.md:1: is a link to a file outside the project",
        outside_snippet,
    ),
    Case(
        "docs-hand-written-quiz-page.md",
        "docs/quizzes/ch01.md",
        r"docs/quizzes/ch01.md:1: this file would be replaced by the one generated from "
        r"quizzes/ch01.yml",
    ),
    Case(
        "glossary-bad-line.md",
        "docs/includes/abbreviations.md",
        r"docs/includes/abbreviations.md:2: not a '\*\[term\]: definition' line: 这一行.{20,40}$",
    ),
    Case(
        "glossary-duplicate.md",
        "docs/includes/abbreviations.md",
        r"docs/includes/abbreviations.md:2: '客户' is already defined on line 1",
    ),
    Case(
        "",
        "",
        r"docs/includes/abbreviations.md:1: is a link to a file outside the project",
        link("docs/includes/abbreviations.md", "/proc/self/environ"),
    ),
    Case(
        "",
        "",
        r"option 'chapter_dir': Unrecognised configuration name: chapter_dir "
        r"\(did you mean 'chapters_dir'\?",
        patch_config(chapter_dir="chapters"),
        by_build=True,
    ),
    Case(
        "",
        "",
        r"Config value 'plugins': Plugin 'course' option 'content_root': "
        r"Expected type: <class 'str'> but received: <class 'list'>",
        patch_config(content_root="[a, b]"),
        by_build=True,
    ),
]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.slow) if c.by_build else c for c in CASES],
    ids=[c.source or c.expected[:40] for c in CASES],
)
def test_bad_source_ends_in_file_line_message(project: Path, case: Case) -> None:
    if case.source:
        target = project / case.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / case.source, target)
    if case.setup:
        case.setup(project)
    output = build_fails(project, case.before_writing)
    assert re.search(case.expected, output, re.MULTILINE), output
    assert "SECRET_TAIL" not in output
    assert "OUTSIDE_SECRET" not in output
    assert os.environ.get("PATH", "") not in output


def test_corpus_is_large_and_every_file_is_used() -> None:
    used = {case.source for case in CASES if case.source}
    files = {p.name for p in CORPUS.iterdir() if p.is_file()}
    assert files == used
    assert len(CASES) >= 40


def test_content_root_may_be_a_sub_folder(project: Path) -> None:
    content = project / "content"
    content.mkdir()
    for name in ("quizzes", "cases", "forms", "figures"):
        shutil.move(project / name, content / name)
    patch_config(content_root="content")(project)
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert (project / "site/forms/visit-plan.pdf").is_file()


def test_hostile_inert_corpus_is_valid_content() -> None:
    for path in (CORPUS / "inert").glob("*.yml"):
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)


# ---- Second round: problems found on what is loaded, checked in process (each a
# course.load of a copy of the course, well under a second), plus one build each
# way for the command line.

EVIL_QUIZ = """title: {title}
chapter: ch01
scenarios:
  - id: evil-s
    text: {scenario}
questions:
  - id: {first_id}
    type: truefalse
    scenario: evil-s
    prompt: {prompt}
    answer: true
    explanation: 说明。
  - id: evil-fill
    type: fill
    scenario: evil-s
    prompt: {fill_prompt}
    blanks:
      - answers: [{answer}]
      - answers: ["乙"]
    explanation: {explanation}
"""
"""A small quiz with every kind of text, each at a line of its own (title 1,
scenario 5, first id 7, prompt 10, fill prompt 16, answer 18, explanation 20)."""
QUIZ_DEFAULTS = {
    "title": "第 1 章加测",
    "scenario": "情景。",
    "first_id": "evil-tf",
    "prompt": "题干。",
    "fill_prompt": "第一空 ___，第二空 ___。",
    "answer": '"甲"',
    "explanation": "说明。",
}


def evil_quiz(project: Path, name: str = "evil", **fields: str) -> Path:
    path = project / "quizzes" / f"{name}.yml"
    path.write_text(EVIL_QUIZ.format(**(QUIZ_DEFAULTS | fields)), encoding="utf-8")
    return path


def settings(project: Path, organisation: str = "") -> course.Settings:
    return replace(course_settings(project), organisation=organisation)


def load_fails(project: Path, organisation: str = "", within: float = 10.0) -> str:
    """``helpers.load_fails`` with ``organisation`` set, as mkdocs.yml would."""
    return helpers.load_fails(project, settings(project, organisation), within)


def edit(project: Path, name: str, change: Callable[[str], str], encoding: str = "utf-8") -> None:
    path = project / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding=encoding)


def append(text: str) -> Callable[[str], str]:
    return lambda old: old + text


@pytest.mark.parametrize(
    ("fields", "line", "code"),
    [
        ({"title": r'"第 1 章\x01加测"'}, 1, "0001"),
        ({"scenario": r'"客户来电\u0007"'}, 5, "0007"),
        ({"prompt": r'"\e[31m红字"'}, 10, "001B"),
        ({"fill_prompt": r'"下一行\N ___ ___"'}, 16, "0085"),
        ({"answer": r'"\x9b"'}, 18, "009B"),
        ({"explanation": r'"说明\uFFFE"'}, 20, "FFFE"),
        ({"explanation": r'"\x7f"'}, 20, "007F"),
        ({"title": r'"\0"'}, 1, "0000"),
    ],
)
def test_control_characters_written_as_yaml_escapes_are_refused(
    project: Path, fields: dict[str, str], line: int, code: str
) -> None:
    evil_quiz(project, **fields)
    output = load_fails(project)
    assert f"quizzes/evil.yml:{line}: control character U+{code} is not allowed" in output


def test_a_lone_surrogate_written_as_an_escape_is_refused(project: Path) -> None:
    """libyaml refuses it as an escape; PyYAML's own loader decodes it, and the
    check after decoding refuses it then."""
    evil_quiz(project, prompt=r'"半个字符\udc80"')
    output = load_fails(project)
    assert re.search(
        r"quizzes/evil.yml:10: (invalid YAML: .*escape|control character U\+DC80)", output
    ), output


@pytest.mark.parametrize(
    ("name", "change", "line", "code"),
    [
        ("docs/chapters/ch01.md", lambda t: t.replace("\n## ", "\n## \x1b[1m", 1), 0, "001B"),
        ("docs/chapters/ch02.md", lambda t: "# 第 2 章\x08 寻找\n" + t, 1, "0008"),
        ("docs/index.md", append("\n欢迎\u0085阅读\n"), -1, "0085"),
        ("docs/includes/abbreviations.md", append("*[DEL]: 删除\x7f键\n"), -1, "007F"),
        ("docs/includes/search-synonyms.txt", append("客户 = 顾客\x0c\n"), -1, "000C"),
        ("docs/includes/search-terms.txt", append("客情\x1f 10 n\n"), -1, "001F"),
        ("docs/includes/search-terms.txt", append("客情\uffff 10 n\n"), -1, "FFFF"),
    ],
)
def test_raw_control_characters_in_chapters_and_side_files_are_refused(
    project: Path, name: str, change: Callable[[str], str], line: int, code: str
) -> None:
    """Chapters (headings too), pages and side files reach the Moodle banks, the
    SCORM manifest and the search index: each is refused at its line."""
    edit(project, name, change)
    text = (project / name).read_text(encoding="utf-8")
    expected = line or text[: text.index("\x1b")].count("\n") + 1
    if line < 0:
        expected = text.rstrip("\n").count("\n") + 1
    assert f"{name}:{expected}: control character U+{code} is not allowed" in load_fails(project)


CLOZE_CODE = re.compile(r"\{[0-9]*:[A-Z_]+:", re.IGNORECASE)
"""The start of a Cloze sub-question (Moodle's ANSWER_START_REGEX, loosely)."""


def bank(loaded: course.Course, name: str) -> ElementTree.Element:
    page = next(p for p in loaded.pages if p.path == f"trainer/lms/moodle/{name}.xml")
    assert isinstance(page.content, str)
    return ElementTree.fromstring(page.content)


def test_cloze_syntax_in_a_fill_question_stays_text(project: Path) -> None:
    scenario = '"客户写下 {1:SHORTANSWER:=免费~%50%打折#反馈} 后离开。"'
    prompt = '"填写 {:MC:=甲~乙}：___；数值 {2:NM:=3:0.5}：___ = # ~ }"'
    evil_quiz(project, scenario=scenario, fill_prompt=prompt, answer='"a}b#c~d{e"')
    loaded = course.load(settings(project))
    for name in ("evil", "course"):
        question = bank(loaded, name).find("question[idnumber='evil-fill']")
        assert question is not None and question.get("type") == "cloze"
        text = question.findtext("questiontext/text", "")
        assert len(CLOZE_CODE.findall(text)) == 2, text
        shown = html.unescape(text)
        assert "{1:SHORTANSWER:=免费~%50%打折#反馈}" in shown
        assert "{:MC:=甲~乙}" in shown and "{2:NM:=3:0.5}" in shown


def test_a_moodle_bank_that_does_not_parse_fails_the_load(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moodle, "render_bank", lambda *args: "<quiz><question></quiz>")
    assert "quizzes/ch01.yml:1: its Moodle question bank is not well-formed XML" in load_fails(
        project
    )


@pytest.mark.parametrize("name", sorted(ids.reserved()))
def test_names_the_generator_uses_are_reserved_in_every_folder(project: Path, name: str) -> None:
    for folder in ("quizzes", "cases", "forms"):
        source = sorted((project / folder).glob("*.yml"))[0]
        text = source.read_text(encoding="utf-8").replace("id: ch", "id: other-ch")
        (project / folder / f"{name}.yml").write_text(text, encoding="utf-8")
    output = load_fails(project)
    for folder in ("quizzes", "cases", "forms"):
        assert re.search(rf"{folder}/{name}.yml:1: '{name}' is reserved for ", output), output


def test_the_reserved_names_hold_every_name_the_generator_gives_a_file() -> None:
    assert {
        "course",
        "index",
        "all-forms",
        "progress",
        "mistakes",
        "review",
    } <= ids.reserved().keys()


def test_a_reserved_name_left_off_the_list_still_collides_loudly(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output path check does not rely on the list: a quiz named ``course``
    would overwrite the course-wide bank and answer key."""
    monkeypatch.setattr(ids, "reserved", dict)
    evil_quiz(project, name="course")
    output = load_fails(project)
    assert (
        "quizzes/course.yml:1: this file gives the output path 'trainer/lms/moodle/course.xml', "
        "as the course generator's own does" in output
    )
    assert "output path 'trainer/quizzes/course-answers.pdf'" in output


@pytest.mark.parametrize(
    ("first_id", "other", "clash"),
    [
        # question "ch02-1" is the fieldset q-ch02-1; the match question "q-ch02"
        # has the selects q-ch02-0, q-ch02-1, q-ch02-2 (the review page shows both).
        ("ch02-1", "q-ch02", "q-ch02-1"),
        # across quizzes: "zz-2"'s prompt is p-zz-2, on the review page with "p-zz"'s selects.
        ("zz-2", "p-zz", "p-zz-2"),
    ],
)
def test_question_ids_that_give_one_html_id_are_refused(
    project: Path, first_id: str, other: str, clash: str
) -> None:
    evil_quiz(project, first_id=first_id)
    match_quiz = project / "quizzes" / "ch02.yml"
    text = match_quiz.read_text(encoding="utf-8")
    lines = text.splitlines()
    match_line = next(i for i, line in enumerate(lines) if "type: match" in line)
    number = max(i for i in range(match_line) if lines[i].lstrip().startswith("- id:"))
    lines[number] = re.sub(r"id: \S+", f"id: {other}", lines[number])
    match_quiz.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = load_fails(project)
    assert re.search(
        rf"quizzes/\w+\.yml:\d+: question '({first_id}|{other})' gives the HTML id '{clash}', "
        rf"as question '({first_id}|{other})' at quizzes/\w+\.yml:\d+ does",
        output,
    ), output
    assert "quizzes/evil.yml:7" in output and f"quizzes/ch02.yml:{number + 1}" in output


def test_output_paths_given_twice_name_both_sources() -> None:
    outputs = [("a/x.pdf", "quizzes/a.yml"), ("a/y.pdf", "cases/b.yml"), ("a/x.pdf", "cases/b.yml")]
    errors = list(ids.output_path_problems(outputs, {"quizzes/a.yml", "cases/b.yml"}))
    assert [str(e) for e in errors] == [
        "cases/b.yml:1: this file gives the output path 'a/x.pdf', as this file at "
        "quizzes/a.yml:1 does; rename one"
    ]


def test_no_quiz_id_can_take_a_storage_key_of_the_script_itself(
    browser: Browser, server: str
) -> None:
    """A quiz named ``probe`` once lost its progress on every page load, because the
    storage probe wrote and removed its key. Every key the script touches is a
    quiz's record or one no id can spell."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__keys = [];"
        "for (const name of ['setItem', 'removeItem', 'getItem']) {"
        "  const original = Storage.prototype[name];"
        "  Storage.prototype[name] = function (key, ...rest) {"
        "    window.__keys.push(String(key)); return original.call(this, key, ...rest); };"
        "}"
    )
    page.goto(f"{server}/quizzes/ch01.html")
    page.evaluate("localStorage.setItem('course-quiz:v2:probe', '{\"attempts\": 3}')")
    page.reload()
    keys = set(page.evaluate("window.__keys"))
    quiz_ids = {path.stem for path in (ROOT / "quizzes").glob("*.yml")}
    record = re.compile(r"^course-quiz:v2:([a-z0-9][a-z0-9-]*)$")
    assert keys, "the page touched no storage"
    for key in keys:
        found = record.match(key)
        assert found is None or found.group(1) in quiz_ids, key
    assert any(not record.match(key) for key in keys)  # the probe's own key
    assert page.evaluate("localStorage.getItem('course-quiz:v2:probe')") == '{"attempts": 3}'
    context.close()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("客" * 100_000 + " 10 n", r":24: '客+…' is longer than 40 characters"),
        ("客户 关系 10 n", r":24: not a '词 频率 词性' line"),
        ("客情 1234567890 n", r":24: not a '词 频率 词性' line"),
        ("客情 10 N", r":24: not a '词 频率 词性' line"),
        ("关键人物 5", r":24: '关键人物' is already listed on line 1"),
    ],
)
def test_search_dictionary_lines_are_checked_before_jieba_reads_them(
    project: Path, line: str, expected: str
) -> None:
    edit(project, "docs/includes/search-terms.txt", append(line + "\n"))
    assert len((project / "docs/includes/search-terms.txt").read_text().splitlines()) == 24
    output = load_fails(project, within=5)
    assert re.search("docs/includes/search-terms.txt" + expected, output), output


def test_search_files_are_bounded_and_read_as_content(project: Path) -> None:
    edit(project, "docs/includes/search-terms.txt", lambda t: t + "客情 3\n" * 6000)
    edit(project, "docs/includes/search-synonyms.txt", lambda t: t + "甲 = " + "乙" * 41 + "\n")
    synonyms = project / "docs/includes/search-synonyms.txt"
    lines = len(synonyms.read_text(encoding="utf-8").splitlines())
    output = load_fails(project, within=5)
    assert re.search(r"search-terms.txt:\d+: more than 5000 entries", output), output
    assert f"search-synonyms.txt:{lines}: '乙" in output
    synonyms.write_bytes(synonyms.read_bytes() + "客户 = 顾客\n".encode("gbk"))
    assert f"search-synonyms.txt:{lines + 1}: not UTF-8 text" in load_fails(project)


def test_a_synonym_line_of_too_many_terms_is_refused(project: Path) -> None:
    edit(
        project,
        "docs/includes/search-synonyms.txt",
        append(" = ".join(f"词{i}" for i in range(30))),
    )
    assert "more than 20 terms on one line" in load_fails(project)


@pytest.mark.parametrize(
    ("organisation", "problem"),
    [
        ("某" * 31, "is longer than 30 characters"),
        ("某某公司<script>", "must not contain '<'"),
        ("某某公司\n第二行", "must not contain '\\n'"),
        ("﷽" * 3, "must not contain '﷽'"),
        ("某某公司 👍", "must not contain '👍'"),
        ("某某{: onclick=x}", "must not contain '{'"),
    ],
)
def test_organisation_is_checked_at_its_line_in_mkdocs_yml(
    project: Path, organisation: str, problem: str
) -> None:
    patch_config(organisation="某某有限公司")(project)
    line = (project / "mkdocs.yml").read_text(encoding="utf-8").split("organisation:")[0]
    output = load_fails(project, organisation)
    expected = f"mkdocs.yml:{line.count(chr(10)) + 1}: course plugin option 'organisation' "
    assert expected in output and problem in output, output


@pytest.mark.parametrize(
    ("site_name", "problem"),
    [
        ("客户管理\x1b实务", "control character U+001B is not allowed"),
        ("客户管理<实务>", "must not contain '<'"),
        ("课" * 201, "is longer than 200 characters"),
    ],
)
def test_site_name_is_checked_at_its_line_in_mkdocs_yml(
    project: Path, site_name: str, problem: str
) -> None:
    """The course's title reaches the Moodle categories and the SCORM manifest."""
    start = time.process_time()
    with pytest.raises(ContentError) as caught:
        course.load(replace(settings(project), site_name=site_name))
    assert time.process_time() - start < 10
    assert re.search(rf"mkdocs.yml:1: site_name “.*” {re.escape(problem)}", str(caught.value))


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_the_longest_organisation_fits_the_head_of_every_form() -> None:
    """30 of the widest characters an organisation may hold go into the 单位 field of
    the head and no form grows a page (38 pushed the customer profile onto two)."""
    root = ROOT.resolve()
    catalog = load_catalog(root, root / "docs/chapters", root / "docs/includes/abbreviations.md")
    for organisation in ("国" * course.MAX_ORGANISATION_LENGTH, "Ｗ" * 30):
        assert not list(
            course._setting_problems(replace(settings(root), organisation=organisation))
        )
        jobs = [
            job
            for job in build.pdf_jobs(catalog, "客户管理实务", organisation)
            if job.path in ("forms/customer-profile.pdf", "forms/walk-in-register.pdf")
        ]
        for job, data in pdf.render_all(jobs, workers=1):
            fields = PdfReader(io.BytesIO(data)).get_fields() or {}
            values = [field.get("/V") for field in fields.values()]
            assert organisation in values, job.path
            assert job.max_pages is not None and len(pdfium.PdfDocument(data)) <= job.max_pages


HEADING = re.compile(r"#{1,6} ").match


def test_headings_per_page_are_bounded(project: Path) -> None:
    chapter = project / "docs/chapters/ch03.md"
    base = chapter.read_text(encoding="utf-8")
    fence = "```text\n" + "# 注释\n" * 400 + "```\n"
    chapter.write_text(base + fence, encoding="utf-8")
    course.load(settings(project))  # lines in fenced code are no headings
    headings = "".join(f"{'#' * (2 + i % 5)} 小节 {i}\n\n正文。\n\n" for i in range(5000))
    chapter.write_text(base + headings, encoding="utf-8")
    text = chapter.read_text(encoding="utf-8")
    counted = [n for n, line in enumerate(text.splitlines(), 1) if HEADING(line)]
    index = project / "docs/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n## 小节\n" * 160, encoding="utf-8")
    in_index = [n for n, line in enumerate(index.read_text().splitlines(), 1) if HEADING(line)]
    output = load_fails(project, within=5)
    assert f"docs/chapters/ch03.md:{counted[150]}: more than 150 headings in one page" in output
    assert f"docs/index.md:{in_index[150]}: more than 150 headings in one page" in output


def test_underlined_headings_count_too(project: Path) -> None:
    """Setext headings (a line underlined with === or ---) cost what # headings do."""
    chapter = project / "docs/chapters/ch05.md"
    base = chapter.read_text(encoding="utf-8")
    chapter.write_text(base + "\n段落\n\n---\n" * 200, encoding="utf-8")
    course.load(settings(project))  # a rule under a blank line is no heading
    underlined = "".join(f"\n小节 {i}\n{'=-'[i % 2] * 3}\n" for i in range(400))
    chapter.write_text(base + underlined, encoding="utf-8")
    lines = chapter.read_text(encoding="utf-8").splitlines()
    counted = [
        n
        for n, line in enumerate(lines, 1)
        if HEADING(line) or (re.fullmatch("===|---", line) and lines[n - 2].strip())
    ]
    output = load_fails(project)
    assert f"docs/chapters/ch05.md:{counted[150]}: more than 150 headings in one page" in output


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("*[" + "长" * 41 + "]: 定义", "is longer than 40 characters"),
        ("*[术语甲]: " + "义" * 301, "the definition of '术语甲' is longer than 300 characters"),
    ],
)
def test_glossary_entries_are_bounded(project: Path, line: str, expected: str) -> None:
    glossary = project / "docs/includes/abbreviations.md"
    lines = glossary.read_text(encoding="utf-8").splitlines()
    glossary.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    output = load_fails(project)
    assert f"docs/includes/abbreviations.md:{len(lines) + 1}: " in output and expected in output


def test_glossary_terms_are_bounded(project: Path) -> None:
    glossary = project / "docs/includes/abbreviations.md"
    lines = glossary.read_text(encoding="utf-8").splitlines()
    extra = [f"*[术语{i}]: 定义" for i in range(1100)]
    glossary.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    entries = [n for n, line in enumerate([*lines, *extra], 1) if line.startswith("*[")]
    output = load_fails(project)
    assert f"docs/includes/abbreviations.md:{entries[1000]}: more than 1000 terms" in output


WIDE_FORM = """title: 宽表
chapter: ch01
purpose: 测试表格的上限。
sections:
  - title: 明细
    fields:
      - type: table
        label: 明细
        columns: [{columns}列]
"""


@pytest.mark.parametrize(
    ("where", "change", "expected"),
    [
        (
            "quiz",
            {"title": "长" * 201},
            r"quizzes/evil.yml:1: title: String should have at most 200",
        ),
        ("quiz", {"explanation": "解" * 3001}, r"quizzes/evil.yml:20: .*at most 3000 characters"),
        ("quiz", {"first_id": "a" * 65}, r"quizzes/evil.yml:7: .*at most 64 characters"),
        ("quiz", {"answer": "9" * 5000}, r"quizzes/evil.yml:18: a number of more than 30"),
        ("quiz", {"answer": "!!int '" + "7" * 4301 + "'"}, r"quizzes/evil.yml:18: a number of"),
        ("quiz", {"answer": "1." + "5" * 40}, r"quizzes/evil.yml:18: a number of more than 30"),
        ("form", "列, " * 21, r"forms/evil.yml:9: .*columns: List should have at most 20"),
        (
            "form",
            "列]\n        rows: 41 #",
            r"forms/evil.yml:10: .*rows: Input should be less than",
        ),
        (
            "chapter",
            "# 第 1 章 " + "题" * 201,
            r"docs/chapters/ch01.md:1: the chapter title is longer",
        ),
        ("chapter", "正文" * 300_000, r"docs/chapters/ch01.md:1: is larger than 512 KiB"),
    ],
)
def test_sizes_that_make_rendering_superlinear_are_bounded(
    project: Path, where: str, change: object, expected: str
) -> None:
    if where == "quiz":
        assert isinstance(change, dict)
        evil_quiz(project, **change)
    elif where == "form":
        assert isinstance(change, str)
        (project / "forms/evil.yml").write_text(WIDE_FORM.format(columns=change), "utf-8")
    else:
        assert isinstance(change, str)
        edit(project, "docs/chapters/ch01.md", lambda t: change + "\n" + t.split("\n", 1)[1])
    output = load_fails(project, within=5)
    assert re.search(expected, output), output


def test_a_hostile_setting_fails_the_build_in_seconds(project: Path) -> None:
    """A 3,000-character organisation once took 128 s a form (this process's CPU
    time is measured: the load runs in it)."""
    patch_config(organisation="某" * 3000)(project)
    start = time.process_time()
    output = build_fails(project)
    assert time.process_time() - start < 60
    line = (project / "mkdocs.yml").read_text(encoding="utf-8").split("organisation:")[0]
    assert f"mkdocs.yml:{line.count(chr(10)) + 1}: course plugin option 'organisation'" in output


def test_tricky_text_builds_into_outputs_that_all_parse(project: Path) -> None:
    """Characters XML and Cloze treat specially, in a chapter title and a fill
    question, build; every XML file in the site and in the SCORM package parses and
    the fill question has its two blanks as its only sub-questions."""
    title = '第 1 章 A&B ]]> "引号" {1:SA:=x}'
    edit(project, "docs/chapters/ch01.md", lambda t: f"# {title}\n" + t.split("\n", 1)[1])
    evil_quiz(project, fill_prompt='"{1:SA:=x} ___ & <b> ___ ]]>"', answer='"}#~"')
    site = project / "site"
    result = run_build(project, site)
    assert result.returncode == 0, result.stderr
    documents = {path.name: path.read_bytes() for path in site.rglob("*.xml")}
    with zipfile.ZipFile(site / scorm.PACKAGE_PATH) as package:
        names = [name for name in package.namelist() if name.endswith(".xml")]
        documents |= {f"scorm/{name}": package.read(name) for name in names}
    assert {"course.xml", "evil.xml", "scorm/imsmanifest.xml"} <= documents.keys()
    parsed = {name: ElementTree.fromstring(data) for name, data in documents.items()}
    question = parsed["evil.xml"].find("question[@type='cloze']")
    assert question is not None
    assert len(CLOZE_CODE.findall(question.findtext("questiontext/text", ""))) == 2
    assert title in "".join(parsed["scorm/imsmanifest.xml"].itertext())
    assert title in "".join(parsed["course.xml"].itertext())
