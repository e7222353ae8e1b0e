"""Rebuild a corpus release as a directory: real names and sizes, copied texts in place.

Each release in ``../shared/corpus/<id>/`` has ``TREE.txt`` (``git ls-tree -r -l``: mode, type,
blob, size, path; size ``BAD`` = blob absent from the snapshot) and ``files/`` (licence, README,
model-card and dependency texts copied verbatim). Every other listed file is created as a
sparse file of its listed size with ``os.truncate``: names and sizes are real, content is zeros,
and a multi-GB file costs nothing on disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str
    size: int | None  # None: the blob is absent from the snapshot
    path: str


def read_tree(release_dir: Path) -> list[TreeEntry]:
    entries = []
    for line in (release_dir / "TREE.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        meta, _, path = line.partition("\t")
        mode, kind, _blob, size = meta.split()
        entries.append(TreeEntry(mode, kind, None if size in ("BAD", "-") else int(size), unquote(path)))
    return entries


_ESCAPES = {
    "\\": b"\\",
    '"': b'"',
    "t": b"\t",
    "n": b"\n",
    "r": b"\r",
    "a": b"\a",
    "b": b"\b",
    "f": b"\f",
    "v": b"\v",
}


def unquote(path: str) -> str:
    """Undo git's C-style quoting of paths with special or non-ASCII bytes (``"\\303\\251.md"``)."""
    if not (len(path) >= 2 and path[0] == path[-1] == '"'):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
        elif body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            out += _ESCAPES.get(body[i + 1], body[i + 1].encode())
            i += 2
    return out.decode("utf-8", "surrogateescape")


def rebuild(release_dir: Path, dest: Path) -> Path:
    """Create the release under ``dest`` (which must not exist) and return it."""
    dest.mkdir(parents=True)
    copied = release_dir / "files"
    for entry in read_tree(release_dir):
        if entry.kind != "blob" or entry.size is None or entry.mode == "120000":
            continue  # submodules, absent blobs, and symlinks (their targets are not in the listing)
        target = dest / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        source = copied / entry.path
        if source.is_file():
            shutil.copyfile(source, target)
        else:
            with open(target, "wb"):
                pass
            os.truncate(target, entry.size)
    return dest


def release_ids(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if (p / "TREE.txt").is_file())


@contextlib.contextmanager
def scratch_dir(fallback: Path) -> Iterator[Path]:
    """A scratch folder on tmpfs when there is one (creating thousands of files on disk is slow
    on these machines: ~0.7 ms each), else ``fallback``; removed afterwards."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        path = Path(tempfile.mkdtemp(prefix="openness-corpus-", dir=shm))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
    else:
        fallback.mkdir(parents=True, exist_ok=True)
        yield fallback
