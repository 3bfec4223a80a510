"""The artifact store: keys over named inputs, atomic entries, pruning by builds
unused and by size, and Jinja's compiled templates kept as entries."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import DictLoader, Environment

from generator import artifacts
from generator.artifacts import Store


def test_keys_name_their_inputs_so_no_two_sets_hash_alike() -> None:
    key = artifacts.key
    assert key("pdf", html="a") == key("pdf", html="a")
    assert key("pdf", html="a") != key("png", html="a")
    assert key("pdf", html="a") != key("pdf", css="a")
    assert key("pdf", html="ab", css="") != key("pdf", html="a", css="b")
    assert key("pdf", parts=["ab"]) != key("pdf", parts=["a", "b"])
    assert key("pdf", html="x", css="y") == key("pdf", css="y", html="x")
    assert key("pdf", html="é") == key("pdf", html="é".encode())


def test_entries_are_written_whole_and_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path)
    path = store.write("pdf", "k", ".pdf", b"%PDF")
    assert path == tmp_path / "pdf" / "k.pdf"
    assert store.read("pdf", "k", ".pdf") == b"%PDF"
    assert store.read("pdf", "other", ".pdf") is None
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == ["k.pdf"]  # no temporary left
    assert store.remembered("course", "k", lambda: [1, 2]) == [1, 2]
    assert store.remembered("course", "k", lambda: [3]) == [1, 2]
    (tmp_path / "course" / "k.pickle").write_bytes(b"damaged")
    assert store.remembered("course", "k", lambda: [3]) == [3]


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    store = Store(None)
    assert store.write("pdf", "k", ".pdf", b"x") is None
    assert store.read("pdf", "k", ".pdf") is None
    assert store.remembered("course", "k", lambda: 1) == 1
    assert store.remembered("course", "k", lambda: 2) == 2
    assert store.bytecode_cache() is None
    store.finish()


def test_entries_no_build_used_for_the_set_number_of_builds_are_pruned(tmp_path: Path) -> None:
    def build(*names: str) -> None:
        store = Store(tmp_path, keep_builds=3)
        for name in names:
            if store.read("pdf", name, ".pdf") is None:
                store.write("pdf", name, ".pdf", name.encode())
        store.finish()

    def kept() -> set[str]:
        return {path.stem for path in (tmp_path / "pdf").iterdir()}

    build("a", "b")
    build("a")
    build("a")
    assert kept() == {"a", "b"}  # b unused for two builds
    build("a")
    assert kept() == {"a"}  # and gone after the third
    build("c")
    build("c")
    assert kept() == {"a", "c"}


def test_above_the_size_limit_the_least_recently_used_go_first(tmp_path: Path) -> None:
    def build(*names: str) -> None:
        store = Store(tmp_path, max_bytes=2500)
        for name in names:
            if store.read("pdf", name, ".pdf") is None:
                store.write("pdf", name, ".pdf", b"x" * 1000)
        store.finish()

    build("old")
    build("older-used")
    build("old")
    build("new")
    assert {path.stem for path in (tmp_path / "pdf").iterdir()} == {"old", "new"}
    build("a", "b", "c")  # this build's own entries stay, even above the limit
    assert {path.stem for path in (tmp_path / "pdf").iterdir()} == {"a", "b", "c"}


def test_entries_of_another_process_are_not_pruned_before_their_time(tmp_path: Path) -> None:
    Store(tmp_path, keep_builds=2).finish()
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "theirs.pdf").write_bytes(b"x")
    (tmp_path / "pdf" / ".half.pdf.1.2").write_bytes(b"x")  # another build's, being written
    Store(tmp_path, keep_builds=2).finish()
    assert sorted(os.listdir(tmp_path / "pdf")) == [".half.pdf.1.2", "theirs.pdf"]


def test_compiled_templates_are_entries_of_the_store(tmp_path: Path) -> None:
    templates = {"page.html": "{{ 1 + 1 }}"}
    first = Environment(
        loader=DictLoader(templates), bytecode_cache=Store(tmp_path).bytecode_cache()
    )
    assert first.get_template("page.html").render() == "2"
    assert len(list((tmp_path / "jinja").iterdir())) == 1
    compiled: list[str] = []
    later = Environment(
        loader=DictLoader(templates), bytecode_cache=Store(tmp_path).bytecode_cache()
    )
    later.compile = lambda *args, **kwargs: compiled.append("again")  # type: ignore[method-assign]
    assert later.get_template("page.html").render() == "2"
    assert compiled == []
