"""Reading the Hugging Face hub cache without the network (and without importing huggingface_hub).

Layout (see ``huggingface_hub.file_download.hf_hub_download``)::

    <cache>/models--org--name/refs/main              -> commit sha
    <cache>/models--org--name/snapshots/<sha>/<path>  -> symlink to ../../blobs/<git-sha1 or sha256>
    <cache>/models--org--name/blobs/<hash>

Blob names of LFS files are their SHA-256, so hashes come for free. Written by hand rather than through
``huggingface_hub.scan_cache_dir``/``try_to_load_from_cache`` because importing those pulls in the HTTP stack
(about 0.3-0.5 s), and an offline audit has one second for the whole process.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openness import lazy_re, safe_io
from openness.licenses.decode import decode
from openness.sources.interface import MAX_DEPTH

_COMMIT = lazy_re.compile(r"^[0-9a-f]{40}$")
_SHA256 = lazy_re.compile(r"^[0-9a-f]{64}$")
MAX_CARD = 512 * 1024  # bytes of a card read for its front matter
# A cache is hostile input like a release: a planted FIFO, a sparse 10 GB ref, a symlink loop or a
# directory 1,500 levels deep must cost a bounded amount of time and memory.
MAX_REF = 100  # bytes read from refs/<name>: a ref holds one 40-hex commit id (and a newline)
MAX_REFS = 256  # ref names listed from refs/
MAX_REF_DEPTH = 8  # folder depth under refs/ (branch names like "feature/x/y")
# Snapshot walks share the local source's depth bound (``sources.interface.MAX_DEPTH``).
_EXTRA_ENTRIES = 10_000  # folders and skipped entries looked at beyond the file budget


@dataclass(frozen=True)
class CachedFile:
    path: str  # POSIX, relative to the snapshot root
    local: Path  # the snapshot entry (a symlink into blobs/, or a file on systems without symlinks)
    size: int
    sha256: str | None
    lfs: bool
    # False: the entry is there but is no regular file (a FIFO, socket or device planted in the
    # cache); it is listed so that evidence resting on it is unknown, and any read of it fails.
    readable: bool = True


def repo_folder(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    return cache / f"{repo_type}s--{repo_id.replace('/', '--')}"


def open_regular(local: Path | str) -> int:
    """A read-only descriptor of ``local`` if it is a regular file; OSError otherwise.

    Symlinks are followed (snapshot entries link into ``blobs/``; callers check containment).
    Opening never blocks (``openness.safe_io``, the one rule every reader follows).
    """
    return safe_io.open_regular(local)


def read_bounded(local: Path | str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; OSError for anything else (never blocks)."""
    return safe_io.read_regular(local, limit)[0]


def resolve_commit(folder: Path, revision: str | None) -> str | None:
    """The commit a revision names in this cache, or None when the cache does not know it."""
    rev = revision or "main"
    snapshots = folder / "snapshots"
    if _COMMIT.match(rev) and _is_real_dir(snapshots / rev):
        return rev
    if not rev or rev.startswith("/") or any(p in ("", ".", "..") for p in rev.split("/")):
        return None  # a revision is a ref name, never a path out of refs/
    ref = folder / "refs" / rev
    try:
        if not _inside(os.path.realpath(ref), os.path.realpath(folder / "refs")):
            return None
        # Bounded: a ref is one commit id; a sparse multi-gigabyte "ref" costs MAX_REF bytes.
        raw = read_bounded(ref, MAX_REF)
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop on older Pythons
        return None
    commit = raw.decode("ascii", errors="replace").strip()
    if _COMMIT.match(commit) and _is_real_dir(snapshots / commit):
        return commit
    return None


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def cached_refs(folder: Path) -> tuple[str, ...]:
    """Branch and tag names this cache has resolved (a subset of the repo's refs).

    Iterative and bounded (depth ``MAX_REF_DEPTH``, ``MAX_REFS`` names); links are not followed,
    so a loop or a deep tree under refs/ costs nothing; only regular files are refs.
    """
    refs = folder / "refs"
    names: list[str] = []
    stack: list[tuple[str, str, int]] = [(str(refs), "", 0)]
    while stack and len(names) < MAX_REFS:
        abs_dir, rel_dir, depth = stack.pop()
        try:
            with os.scandir(abs_dir) as it:
                entries = list(itertools.islice(it, MAX_REFS + _EXTRA_ENTRIES))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and depth + 1 < MAX_REF_DEPTH:
                stack.append((entry.path, rel, depth + 1))
            elif stat.S_ISREG(mode) and _printable(rel):
                names.append(rel)
    return tuple(sorted(names)[:MAX_REFS])


def _printable(name: str) -> bool:
    """A name that can go into a report as is (valid UTF-8, no control characters)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name)


def list_snapshot(
    folder: Path, commit: str, max_files: int, max_depth: int = MAX_DEPTH
) -> Iterator[CachedFile]:
    """Files of one cached snapshot, in path order.

    The walk is iterative (an explicit stack: a 1,500-deep tree cannot exhaust the recursion
    limit), bounded in depth and in entries, and never follows a directory link (so it cannot
    loop). File entries may link into the repo folder (``blobs/``); links that leave it, loop or
    dangle are skipped. Entries that are no regular file are listed unreadable.
    """
    root = folder / "snapshots" / commit
    try:
        repo_root = os.path.realpath(folder, strict=True)
    except (OSError, RuntimeError, ValueError):
        return
    count = 0
    stack: list[tuple[str, str, int]] = [(str(root), "", 0)]
    while stack:
        abs_dir, rel_dir, depth = stack.pop()
        cap = max(0, max_files - count) + _EXTRA_ENTRIES
        try:
            with os.scandir(abs_dir) as it:
                entries = list(itertools.islice(it, cap))
        except OSError:
            continue
        subdirs: list[tuple[str, str, int]] = []
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if not _printable(entry.name):
                continue  # a name that would forge report lines or cannot be shown
            try:
                lmode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(lmode):
                    if depth + 1 <= max_depth:
                        subdirs.append((entry.path, rel, depth + 1))
                    continue
                target = os.path.realpath(entry.path, strict=True)
                if not _inside(target, repo_root):
                    continue  # hostile or foreign symlink: never followed out of the cache entry
                st = os.stat(target)
            except (OSError, RuntimeError, ValueError):
                continue  # broken link, symlink loop (ELOOP / RuntimeError), vanished entry
            if stat.S_ISDIR(st.st_mode):
                continue  # a link to a directory: following it could list files twice or loop
            if count >= max_files:
                return
            count += 1
            local = Path(entry.path)
            if not stat.S_ISREG(st.st_mode):
                yield CachedFile(rel, local, 0, None, False, readable=False)
                continue
            blob = os.path.basename(target) if os.path.basename(os.path.dirname(target)) == "blobs" else ""
            lfs = bool(_SHA256.match(blob))
            yield CachedFile(rel, local, st.st_size, blob if lfs else None, lfs)
        stack.extend(reversed(subdirs))


def card_front_matter(local: Path) -> dict[str, Any]:
    """The YAML front matter of a model or dataset card, or {} (bad YAML is not our problem here)."""
    try:
        text, _encoding, binary = decode(read_bounded(local, MAX_CARD))
        if binary or text is None:
            return {}
    except OSError:
        return {}
    return parse_front_matter(text)


def parse_front_matter(text: str) -> dict[str, Any]:
    """Front matter through the evidence stage's bounded YAML loader (size, depth, alias
    expansion): a cached card is as hostile as any other file."""
    from openness.evidence.card import load_front_matter

    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return {}
    end = re.search(r"^---\s*$", text[3:], flags=re.MULTILINE)
    if end is None:
        return {}
    data, _problem = load_front_matter(text[3 : 3 + end.start()])
    return dict(data)


def safetensors_summary(local: Path) -> dict[str, Any]:
    """{parameters, dtypes, tensor_count, metadata} from a cached safetensors file's header,
    parsed by the inventory's header reader (the one parser of the format in the package)."""
    from openness.inventory.headers import safetensors_info

    fd = open_regular(local)  # never blocks on a FIFO planted as a weights blob
    try:
        size = os.fstat(fd).st_size

        def read_head(n: int) -> bytes:
            os.lseek(fd, 0, os.SEEK_SET)
            return safe_io.read_fd(fd, n)

        info = safetensors_info(read_head, size)
    finally:
        os.close(fd)
    if info.error and info.parameters is None:
        raise ValueError(info.error)
    return {
        "parameters": info.parameters,
        "dtypes": dict(info.dtypes),
        "tensor_count": info.tensor_count,
        "metadata": dict(info.metadata),
    }
