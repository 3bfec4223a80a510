"""Cache entries: named by a hash of what they are made from, written in one step.

The build's caches (PDFs, the loaded course, the search index's word cuts,
drawn figures) name each entry by a key of its inputs and replace files
atomically, so neither a reader, another thread nor an interrupted build ever
finds half a file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path


def key_of(*parts: str) -> str:
    """A hash of ``parts``, each one ended so that no two lists of parts run together."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def write_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` in one step, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def drop_others(keep: Path, pattern: str) -> None:
    """Delete the files beside ``keep`` that match ``pattern``: caches that keep
    only their newest entry call this after writing it."""
    for stale in keep.parent.glob(pattern):
        if stale != keep:
            stale.unlink(missing_ok=True)
