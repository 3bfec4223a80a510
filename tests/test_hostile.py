"""Malformed and hostile sources: every one ends in ``file:line: message``, a
non-zero exit, no traceback and the previous site intact; nothing outside the
project is read or published.

Each case is a small file under ``tests/hostile/`` put at a place in a copy of
the course, or a setting up of links and folders that a file cannot express.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_build

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
    ),
    Case(
        "form-rare-han.yml",
        "forms/evil.yml",
        r"forms/evil.yml:8: '𠀀' \(U\+20000\) in “",
        before_writing=False,
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
    ),
    Case(
        "",
        "",
        r"Config value 'plugins': Plugin 'course' option 'content_root': "
        r"Expected type: <class 'str'> but received: <class 'list'>",
        patch_config(content_root="[a, b]"),
    ),
]


def build_fails(project: Path, before_writing: bool = True) -> str:
    """Build over a previous site; return the output after checking how it failed."""
    site = project / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("previous build", encoding="utf-8")
    result = run_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    if before_writing:
        assert (site / "index.html").read_text(encoding="utf-8") == "previous build"
    return output


@pytest.mark.parametrize("case", CASES, ids=[c.source or c.expected[:40] for c in CASES])
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
