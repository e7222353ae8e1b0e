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

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
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

    size = local.stat().st_size
    with open(local, "rb") as fh:
        info = safetensors_info(lambda n: (fh.seek(0), fh.read(n))[1], size)
    if info.error and info.parameters is None:
        raise ValueError(info.error)
    return {
        "parameters": info.parameters,
        "dtypes": dict(info.dtypes),
        "tensor_count": info.tensor_count,
        "metadata": dict(info.metadata),
    }
