"""Bad content stops the build with file:line messages and keeps the old site."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import cli_build_fails, load_fails


def case_with_forms(project: Path) -> Path:
    """A case file that lists forms (not every case uses one)."""
    cases = sorted((project / "cases").glob("*.yml"))
    return next(p for p in cases if "\nforms:\n  - " in p.read_text(encoding="utf-8"))


def test_typo_in_a_key_names_file_and_line(project: Path) -> None:
    quiz = project / "quizzes" / "ch01.yml"
    lines = quiz.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("answer:"))
    lines[number] = lines[number].replace("answer:", "anwser:")
    quiz.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = cli_build_fails(project)
    assert sorted(p.name for p in (project / "site").iterdir()) == ["index.html"]
    assert f"quizzes/ch01.yml:{number + 1}: " in output
    assert "unknown key 'anwser'" in output


def test_malformed_yaml_names_file_and_line(project: Path) -> None:
    form = next((project / "forms").glob("*.yml"))
    form.write_text("title: 表\nsections: [\n  - 未闭合\n", encoding="utf-8")
    output = load_fails(project)
    assert f"forms/{form.name}:" in output
    assert "invalid YAML" in output


def test_every_problem_is_reported_in_one_run(project: Path) -> None:
    quiz = (project / "quizzes" / "ch01.yml").read_text(encoding="utf-8")
    (project / "quizzes" / "extra.yml").write_text(
        quiz.replace("chapter: ch01", "chapter: ch99").replace("ch01-", "extra-"),
        encoding="utf-8",
    )
    (project / "quizzes" / "empty.yml").write_text(
        "title: 空测验\nchapter: ch01\nquestions: []\n", encoding="utf-8"
    )
    case = case_with_forms(project)
    case.write_text(case.read_text(encoding="utf-8") + "forms:\n  - no-such-form\n", "utf-8")
    output = load_fails(project)
    assert "3 problems in the course content" in output
    assert "quizzes/extra.yml:3: 'ch99' names no file in chapters/" in output
    assert "quizzes/empty.yml:3: questions: List should have at least 1 item" in output
    assert f"cases/{case.name}:" in output and "duplicate key 'forms'" in output


def test_dangling_form_reference_is_reported(project: Path) -> None:
    case = case_with_forms(project)
    text = case.read_text(encoding="utf-8")
    assert "\nforms:\n  - " in text
    case.write_text(text.replace("\nforms:\n  - ", "\nforms:\n  - no-such-form\n  - "), "utf-8")
    output = load_fails(project)
    assert "'no-such-form' names no file in forms/" in output


def test_bad_glossary_line_names_file_and_line(project: Path) -> None:
    glossary = project / "docs" / "includes" / "abbreviations.md"
    lines = glossary.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "[CRM] 客户关系管理")
    lines.append(lines[0])
    glossary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = load_fails(project)
    assert "docs/includes/abbreviations.md:3: not a '*[term]: definition' line" in output
    assert f"docs/includes/abbreviations.md:{len(lines)}: " in output
    assert "is already defined on line 1" in output
