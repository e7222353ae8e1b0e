"""The source stage's options, target detection and registry."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openness import lazy_re
from openness.errors import SourceError, UsageError
from openness.model import Snapshot

# Bounds on what any source reads. A release is hostile input: every read is capped.
MAX_FILES = 200_000  # files listed per release
MAX_READ = 256 * 1024  # default bytes read from one file
MAX_DEPTH = 64  # directory depth


@dataclass(frozen=True)
class SourceOptions:
    """How a source is read: offline or not, token, revision, cache folder, timeout and bounds."""

    offline: bool = False
    token: str | None = None
    revision: str | None = None
    cache_dir: Path | None = None
    timeout: float = 10.0
    max_files: int = MAX_FILES
    follow_lineage: bool = True
    lineage_depth: int = 3
    # Follow the Hub repositories a release names as where its weights/datasets are, as further
    # sources of the same release (``merge.open_followed``). None: on for git and hf targets, off
    # for local directories; offline, what would have been followed is recorded, not fetched.
    follow: bool | None = None


# kind -> "module:function"; a new source is one module and one line here.
SOURCES: dict[str, str] = {
    "local": "openness.sources.local:open_snapshot",
    "mof-yaml": "openness.sources.mof_yaml:open_snapshot",
    "hf": "openness.sources.hf:open_snapshot",
    "git": "openness.sources.git:open_snapshot",
}

_GIT_URL = lazy_re.compile(r"^(git\+ssh://|git\+https?://|ssh://|git://|file://|git@[^:]+:|https?://.+\.git/?(@[^/@]+)?$)")
_HF_URL = lazy_re.compile(r"^https?://(www\.)?huggingface\.co/")
_GIT_HOST = lazy_re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/")


def detect_kind(target: str) -> str:
    """Which source handles ``target``. Local paths win over URL-looking names."""
    if target.startswith("hf:") or _HF_URL.match(target):
        return "hf"
    if _GIT_URL.match(target) or _GIT_HOST.match(target) or target.startswith("git:"):
        return "git"
    p = Path(target)
    if p.is_file() and p.suffix.lower() in (".yml", ".yaml"):
        return "mof-yaml"
    if p.is_dir():
        # A bare repository is git history, not a release tree: the git source checks it out.
        return "git" if (p / "HEAD").is_file() and (p / "objects").is_dir() else "local"
    if p.exists():
        raise UsageError(f"{target}: not a directory or a MOF YAML file")
    raise UsageError(
        f"{target}: no such directory or file (use hf:org/name for the Hugging Face Hub, "
        "or a git URL)"
    )


def resolve(kind: str) -> Callable[[str, SourceOptions], Snapshot]:
    spec = SOURCES.get(kind)
    if spec is None:
        raise UsageError(f"unknown source kind {kind!r}")
    module_name, func = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # a source whose optional dependency is missing
        raise SourceError(f"the {kind} source is not available: {exc}") from exc
    fn: Callable[[str, SourceOptions], Snapshot] = getattr(module, func)
    return fn


def open_target(target: str, options: SourceOptions | None = None) -> Snapshot:
    options = options or SourceOptions()
    return resolve(detect_kind(target))(target, options)
