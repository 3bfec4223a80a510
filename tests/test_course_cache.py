"""The loaded course is kept between builds under a hash of its sources: used while
they are unchanged, loaded afresh after an edit, never kept when it has problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import artifacts, course, text
from generator.errors import ContentError
from generator.serve_session import ServeSession
from tests.conftest import course_settings as settings


def not_loaded(settings: course.Settings) -> course.Course:
    raise AssertionError("the course was loaded again")


def test_loaded_course_is_used_until_a_source_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project / ".cache" / "artifacts"
    store = artifacts.Store(folder)
    first, key = course.load_cached(settings(project), store)
    monkeypatch.setattr(course, "load", not_loaded)
    again, same_key = course.load_cached(settings(project), store)
    assert same_key == key
    assert again.pages == first.pages and again.jobs == first.jobs

    quiz = project / "quizzes" / "ch01.yml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("考一考你", "新版考一考你", 1), "utf-8"
    )
    with pytest.raises(AssertionError, match="loaded again"):
        course.load_cached(settings(project), store)
    monkeypatch.undo()
    edited, new_key = course.load_cached(settings(project), store)
    assert new_key != key
    assert any(
        "新版" in str(page.content) for page in edited.pages if page.path == "quizzes/ch01.md"
    )
    names = {path.name for path in (folder / "course").iterdir()}
    assert names == {f"{key}.pickle", f"{new_key}.pickle"}  # the old one until pruned


def test_a_course_with_problems_is_not_kept(project: Path) -> None:
    quiz = project / "quizzes" / "ch01.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("questions:", "question:", 1), "utf-8")
    folder = project / ".cache" / "artifacts"
    with pytest.raises(ContentError):
        course.load_cached(settings(project), artifacts.Store(folder))
    assert not (folder / "course").exists() or not any((folder / "course").iterdir())


def test_a_serve_session_keeps_the_course_in_memory_and_loads_it_itself(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``serve`` the course is never read back from the store: its first load
    is a real one (so the memoised author Markdown is warm for the first edit's
    reload), later rebuilds of unchanged sources reuse it, and an edit loads it
    again and keeps it in the store for the next build."""
    folder = project / ".cache" / "artifacts"
    store = artifacts.Store(folder)
    course.load_cached(settings(project), store)  # a build before the session
    text.markdown.cache_clear()
    loads: list[Path] = []
    real_load = course.load

    def counted(settings: course.Settings) -> course.Course:
        loads.append(settings.root)
        return real_load(settings)

    monkeypatch.setattr(course, "load", counted)
    session = ServeSession()
    first, key = session.course(settings(project), store)
    assert len(loads) == 1 and text.markdown.cache_info().currsize > 0
    again, same_key = session.course(settings(project), store)
    assert again is first and same_key == key and len(loads) == 1

    quiz = project / "quizzes" / "ch01.yml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("考一考你", "新版考一考你", 1), "utf-8"
    )
    edited, new_key = session.course(settings(project), store)
    assert len(loads) == 2 and new_key != key and edited is not first
    assert (folder / "course" / f"{new_key}.pickle").is_file()
