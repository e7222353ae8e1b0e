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

import json
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_HEADER = 100 * 1024 * 1024  # safetensors headers larger than this are refused (the format caps it too)
MAX_CARD = 512 * 1024  # bytes of a card read for its front matter


@dataclass(frozen=True)
class CachedFile:
    path: str  # POSIX, relative to the snapshot root
    local: Path  # the snapshot entry (a symlink into blobs/, or a file on systems without symlinks)
    size: int
    sha256: str | None
    lfs: bool


def repo_folder(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    return cache / f"{repo_type}s--{repo_id.replace('/', '--')}"


def resolve_commit(folder: Path, revision: str | None) -> str | None:
    """The commit a revision names in this cache, or None when the cache does not know it."""
    rev = revision or "main"
    if _COMMIT.match(rev) and (folder / "snapshots" / rev).is_dir():
        return rev
    ref = folder / "refs" / rev
    try:
        if ref.resolve().is_relative_to((folder / "refs").resolve()) and ref.is_file():
            commit = ref.read_text(encoding="ascii", errors="replace").strip()
            if _COMMIT.match(commit) and (folder / "snapshots" / commit).is_dir():
                return commit
    except OSError:
        return None
    return None


def cached_refs(folder: Path) -> tuple[str, ...]:
    """Branch and tag names this cache has resolved (a subset of the repo's refs)."""
    refs = folder / "refs"
    if not refs.is_dir():
        return ()
    names = [p.relative_to(refs).as_posix() for p in refs.rglob("*") if p.is_file()]
    return tuple(sorted(names))


def list_snapshot(folder: Path, commit: str, max_files: int) -> Iterator[CachedFile]:
    """Files of one cached snapshot. Entries whose target leaves the repo folder are skipped."""
    root = folder / "snapshots" / commit
    repo_root = folder.resolve()
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if count >= max_files:
                return
            local = Path(dirpath) / name
            try:
                target = local.resolve()
                if not target.is_relative_to(repo_root):
                    continue  # hostile or foreign symlink: never followed out of the cache entry
                size = target.stat().st_size
            except OSError:
                continue
            blob = target.name if target.parent.name == "blobs" else ""
            lfs = bool(_SHA256.match(blob))
            count += 1
            yield CachedFile(local.relative_to(root).as_posix(), local, size, blob if lfs else None, lfs)


def read_bounded(local: Path, limit: int) -> bytes:
    with open(local, "rb") as fh:
        return fh.read(max(0, limit))


def card_front_matter(local: Path) -> dict[str, Any]:
    """The YAML front matter of a model or dataset card, or {} (bad YAML is not our problem here)."""
    try:
        text = read_bounded(local, MAX_CARD).decode("utf-8", errors="replace")
    except OSError:
        return {}
    return parse_front_matter(text)


def parse_front_matter(text: str) -> dict[str, Any]:
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return {}
    end = re.search(r"^---\s*$", text[3:], flags=re.MULTILINE)
    if end is None:
        return {}
    try:
        data = yaml.safe_load(text[3 : 3 + end.start()])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def safetensors_summary(local: Path) -> dict[str, Any]:
    """Parameter count and dtypes from a safetensors header: 8-byte little-endian length, then JSON.

    Hand-written because it is 20 lines and needs no framework (``safetensors.safe_open`` wants one,
    and the hub's parser is behind the HTTP stack's import time).
    """
    with open(local, "rb") as fh:
        head = fh.read(8)
        if len(head) != 8:
            raise ValueError("shorter than a safetensors header")
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER:
            raise ValueError(f"header of {length} bytes is too large")
        raw = fh.read(length)
    if len(raw) != length:
        raise ValueError("truncated safetensors header")
    header = json.loads(raw)
    if not isinstance(header, dict):
        raise ValueError("safetensors header is not a JSON object")
    return summarize_header(header)


def summarize_header(header: dict[str, Any]) -> dict[str, Any]:
    """{parameters, dtypes: {dtype: count}, tensor_count, metadata} from a parsed header."""
    dtypes: dict[str, int] = {}
    tensors = 0
    for name, info in header.items():
        if name == "__metadata__" or not isinstance(info, dict):
            continue
        shape = info.get("shape") or []
        count = 1
        for dim in shape:
            count *= int(dim)
        dtype = str(info.get("dtype", "?"))
        dtypes[dtype] = dtypes.get(dtype, 0) + count
        tensors += 1
    meta = header.get("__metadata__")
    metadata = {str(k): str(v)[:200] for k, v in list(meta.items())[:32]} if isinstance(meta, dict) else {}
    return {
        "parameters": sum(dtypes.values()),
        "dtypes": dtypes,
        "tensor_count": tensors,
        "metadata": metadata,
    }
