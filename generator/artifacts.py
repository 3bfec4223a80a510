"""The build's one artifact store: every cached entry, named by a hash of its inputs.

Everything a build keeps for the next one lives in one folder (``cache_dir``,
``.cache/artifacts`` by default), one subfolder per kind of entry: rendered
PDFs and their page counts, form thumbnails and the form pack, drawn figures,
the loaded course, the handbook's print HTML, the offline app's icons, the
search index's word cuts and Jinja's compiled templates. Every entry is named
by ``key`` over named inputs and written atomically (a temporary file in the
same folder, then ``os.replace``), so neither a reader, another thread nor an
interrupted build ever finds half a file; a damaged or missing entry is a miss.

Pruning, when a build finishes (``Store.finish``): an entry no build has used
in the last ``KEEP_BUILDS`` builds is deleted, then, while the store is larger
than ``MAX_BYTES``, the least recently used entries (never one this build
used). Uses are counted in ``uses.json`` in the store's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

T = TypeVar("T")

Input = str | bytes | Sequence[str | bytes]
"""One named input of a key: text, bytes, or a list of either."""

KEEP_BUILDS = 10
"""Builds an entry survives unused: an edit and its undo within ten builds
find the earlier entries again."""
MAX_BYTES = 300 * 1024 * 1024
"""The store's size limit: about seven times one build's entries (about 45 MB)."""
USES = "uses.json"


def key(kind: str, **inputs: Input) -> str:
    """The content address of an entry of ``kind`` made from ``inputs``.

    Every input is named and length-prefixed, so no two sets of inputs hash alike.
    """
    digest = hashlib.sha256(kind.encode())
    for name in sorted(inputs):
        value = inputs[name]
        parts = [value] if isinstance(value, str | bytes) else list(value)
        digest.update(f"\0{name}\0{len(parts)}".encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(f"\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def write_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` in one step, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)


class Store:
    """The entries in ``folder``; with ``folder`` None nothing is kept (every read misses)."""

    def __init__(
        self, folder: Path | None, *, keep_builds: int = KEEP_BUILDS, max_bytes: int = MAX_BYTES
    ) -> None:
        self.folder = folder
        self.keep_builds = keep_builds
        self.max_bytes = max_bytes
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def path(self, kind: str, entry_key: str, suffix: str) -> Path | None:
        """Where the entry lives (None without a folder); counts it as used."""
        if self.folder is None:
            return None
        name = f"{kind}/{entry_key}{suffix}"
        with self._lock:
            self._used.add(name)
        return self.folder / name

    def mark_used(self, path: Path) -> None:
        """Count a file of the store handed on from an earlier build as used by this one."""
        if self.folder is not None and path.is_relative_to(self.folder):
            with self._lock:
                self._used.add(path.relative_to(self.folder).as_posix())

    def read(self, kind: str, entry_key: str, suffix: str) -> bytes | None:
        """The entry's bytes, or None."""
        path = self.path(kind, entry_key, suffix)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None

    def write(self, kind: str, entry_key: str, suffix: str, data: bytes) -> Path | None:
        """Store an entry atomically; its path, or None without a folder."""
        path = self.path(kind, entry_key, suffix)
        if path is not None:
            write_atomic(path, data)
        return path

    def remembered(self, kind: str, entry_key: str, make: Callable[[], T]) -> T:
        """``make()``, or what it returned for the same key in an earlier build (pickled)."""
        stored = self.read(kind, entry_key, ".pickle")
        if stored is not None:
            try:
                result: T = pickle.loads(stored)
                return result
            except Exception:  # half-written or from other code: make afresh
                pass
        result = make()
        self.remember(kind, entry_key, result)
        return result

    def remember(self, kind: str, entry_key: str, value: object) -> None:
        """Keep ``value`` (pickled) for ``remembered`` in a later build."""
        self.write(kind, entry_key, ".pickle", pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def bytecode_cache(self) -> BytecodeCache | None:
        """Jinja's compiled templates, kept as entries of this store."""
        return _Bytecode(self) if self.folder is not None else None

    def finish(self) -> None:
        """Count one build: record what it used, then prune (see the module's docstring)."""
        if self.folder is None or not self.folder.is_dir():
            return
        with self._lock:
            used, self._used = self._used, set()
        uses_file = self.folder / USES
        try:
            uses = json.loads(uses_file.read_text(encoding="utf-8"))
            build, last_used = int(uses["builds"]) + 1, dict(uses["used"])
        except (OSError, ValueError, KeyError, TypeError):
            build, last_used = 1, {}
        sizes = {
            path.relative_to(self.folder).as_posix(): path.stat().st_size
            for path in self.folder.glob("*/*")
            if path.is_file() and not path.name.startswith(".")
        }
        last_used = {name: last_used.get(name, build) for name in sizes}
        last_used |= {name: build for name in used if name in sizes}
        stale = [name for name, last in last_used.items() if build - last >= self.keep_builds]
        total = sum(sizes.values()) - sum(sizes[name] for name in stale)
        for name in sorted(set(last_used) - set(stale), key=lambda name: (last_used[name], name)):
            if total <= self.max_bytes or last_used[name] == build:
                break
            stale.append(name)
            total -= sizes[name]
        for name in stale:
            (self.folder / name).unlink(missing_ok=True)
            del last_used[name]
        record = {"builds": build, "used": dict(sorted(last_used.items()))}
        write_atomic(uses_file, json.dumps(record, separators=(",", ":")).encode())


class _Bytecode(BytecodeCache):
    """Jinja's bytecode cache over the store: an entry per template, checked by
    Jinja against the template's source before use."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.read("jinja", key("jinja", template=bucket.key), ".cache")
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.write(
            "jinja", key("jinja", template=bucket.key), ".cache", bucket.bytecode_to_string()
        )
