"""Git source: a shallow, blob-filtered fetch into a cache, then the local-directory source.

``https://github.com/org/repo``, ``git@host:org/repo.git``, ``git+ssh://...``, ``file:///path/repo.git``,
with an optional ``@ref`` (or ``--revision``, or ``/tree/<ref>`` on forge URLs). The fetch is
``--depth 1 --filter=blob:limit=1m``: files over 1 MB (weights, data) are never transferred. Only the blobs
that arrived are checked out (``read-tree`` + ``checkout-index``: a plain checkout would lazily fetch the
rest); the others are listed with ``readable=False`` and a lower-bound size. Git LFS is never smudged,
hooks never run, only the target's own protocol (plus https/ssh/git) is allowed, every git call has a
time limit and never prompts for credentials.

Cache: ``<openness cache>/git/<hash of url and ref>``; offline, an existing clone is reused as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from openness import lazy_re
from openness.errors import SourceError, UsageError
from openness.model import FileEntry, Location, Note, NoteKind, NoteLevel, Snapshot, SourceKind
from openness.sources.http import is_offline, openness_cache_dir
from openness.sources.interface import SourceOptions

BLOB_LIMIT = 1024 * 1024  # bytes: larger blobs are left on the server
FETCH_TIMEOUT = 300.0  # seconds for the network step
LOCAL_TIMEOUT = 60.0  # seconds for each local git step
MAX_TREE_OUTPUT = 64 * 1024 * 1024  # bytes of ls-tree output accepted

_FORGE_TREE = lazy_re.compile(
    r"^(?P<url>https?://(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/[^/]+/[^/]+?)"
    r"(?:\.git)?(?:/(?:-/)?(?:tree|src)/(?P<ref>[^?#]+))?/?(?:[?#].*)?$"
)
_SAFE_REF = lazy_re.compile(r"^(?!-)[\w./\-+]{1,200}$")


@dataclass(frozen=True)
class GitRef:
    url: str
    ref: str | None

    @property
    def label(self) -> str:
        return f"git:{self.url}" + (f"@{self.ref}" if self.ref else "")

    @property
    def scheme(self) -> str:
        if "://" in self.url:
            return self.url.split("://", 1)[0].lower()
        return "ssh" if ":" in self.url else "file"


def parse_target(target: str, revision: str | None = None) -> GitRef:
    url = target
    if url.startswith("git+") or (url.startswith("git:") and not url.startswith("git://")):
        url = url[4:]  # git+ssh://, git+https://, git:<url>
    ref: str | None = None
    at = url.rfind("@")
    if at > 0:
        before, after = url[:at], url[at + 1 :]
        in_path = "/" in before.split("://", 1)[1] if "://" in before else ":" in before
        if in_path and after and ":" not in after:
            url, ref = before, after
    m = _FORGE_TREE.match(url)
    if m:
        url = m.group("url")
        ref = ref or m.group("ref")
    if ref and revision and ref != revision:
        raise UsageError(f"{target}: ref {ref!r} conflicts with --revision {revision!r}")
    ref = ref or revision
    if ref is not None and not _SAFE_REF.match(ref):
        raise UsageError(f"{target}: {ref!r} is not a usable git ref")
    if url.startswith("-"):
        raise UsageError(f"{target}: not a git URL")
    return GitRef(url, ref)


def open_snapshot(target: str, options: SourceOptions) -> Snapshot:
    ref = parse_target(target, options.revision)
    key = hashlib.sha256(f"{ref.url}\0{ref.ref or ''}".encode()).hexdigest()[:24]
    dest = openness_cache_dir(options) / "git" / key
    notes: list[Note] = []
    where = Location(key="git:fetch", origin=ref.label)
    if is_offline(options):
        if not (dest / ".git").is_dir():
            raise SourceError(f"{target}: offline, and no cached clone in {dest}")
        notes.append(Note(NoteLevel.INFO,
                          "offline: the cached clone is used as it is (it may be stale)", where,
                          NoteKind.OFFLINE))
    else:
        _fetch(ref, dest)
    return _snapshot(target, ref, dest, tuple(notes), options)


# --------------------------------------------------------------------------- running git


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
        "GIT_LFS_SKIP_SMUDGE": "1",  # LFS files stay pointers
        "GIT_NO_LAZY_FETCH": "1",  # git >= 2.44: never fetch a filtered blob behind our back
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
    })
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def _git(args: list[str], cwd: Path, *, timeout: float, allow: str | None = None) -> bytes:
    """Run one git command with hooks off, protocols restricted, a time limit; raise SourceError."""
    base = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
            "-c", "protocol.allow=never"]
    for proto in {"https", "ssh", "git", *((allow,) if allow else ())}:
        base += ["-c", f"protocol.{proto}.allow=always"]
    try:
        proc = subprocess.run(base + args, cwd=cwd, env=_git_env(), capture_output=True,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise SourceError("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"git {args[0]} took longer than {timeout:.0f} s") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = next((ln for ln in reversed(lines) if ln.startswith(("fatal", "error"))), lines[-1] if lines
                    else f"exit {proc.returncode}")
        raise SourceError(f"git {args[0]}: {last[:300]}")
    return proc.stdout


def _fetch(ref: GitRef, dest: Path) -> None:
    """Shallow, blob-filtered fetch of one ref into a fresh directory, then swap it in."""
    url = ref.url
    if ref.scheme == "file" and "://" not in url:
        path = Path(url).expanduser().resolve()
        if not path.exists():
            raise SourceError(f"{url}: no such repository")
        url = path.as_uri()  # file:// so that --depth and --filter apply
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".fetch-", dir=dest.parent))
    try:
        _git(["init", "-q", "--template=", str(work)], dest.parent, timeout=LOCAL_TIMEOUT)
        _git(["remote", "add", "origin", url], work, timeout=LOCAL_TIMEOUT)
        _git(["fetch", "-q", "--no-tags", "--depth", "1", f"--filter=blob:limit={BLOB_LIMIT}",
              "origin", ref.ref or "HEAD"], work, timeout=FETCH_TIMEOUT, allow=ref.scheme)
        _git(["update-ref", "refs/openness/target", "FETCH_HEAD"], work, timeout=LOCAL_TIMEOUT)
        if dest.exists():
            shutil.rmtree(dest, ignore_errors=True)
        try:
            work.rename(dest)
        except OSError:
            # A concurrent audit of the same URL finished first: its clone is as good as ours.
            if not (dest / ".git").is_dir():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _snapshot(target: str, ref: GitRef, dest: Path, notes: tuple[Note, ...],
              options: SourceOptions) -> Snapshot:
    from openness.sources.local import snapshot_directory

    tree = _git(["ls-tree", "-r", "-z", "--full-tree", "refs/openness/target"], dest, timeout=LOCAL_TIMEOUT)
    if len(tree) > MAX_TREE_OUTPUT:
        raise SourceError(f"{target}: tree listing larger than {MAX_TREE_OUTPUT} bytes")
    entries: dict[str, str] = {}  # path -> blob sha
    submodules: list[str] = []
    for record in tree.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        parts = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if len(parts) == 3 and parts[1] == b"blob":
            entries[path] = parts[2].decode()
        elif len(parts) == 3 and parts[1] == b"commit":
            submodules.append(path)
    listing = _git(["rev-list", "--objects", "--missing=print", "refs/openness/target"], dest,
                   timeout=LOCAL_TIMEOUT)
    missing = {ln[1:].decode() for ln in listing.splitlines() if ln.startswith(b"?")}
    present = [p for p, sha in entries.items() if sha not in missing]
    # Only blobs that arrived are written: checking out the rest would fetch them lazily.
    _git(["read-tree", "refs/openness/target"], dest, timeout=LOCAL_TIMEOUT)
    _clean_worktree(dest)
    if present:
        proc_input = b"\0".join(p.encode("utf-8", "surrogateescape") for p in present) + b"\0"
        _git_input(["checkout-index", "-f", "-z", "--stdin"], dest, proc_input)

    local = snapshot_directory(str(dest), options, kind=SourceKind.GIT, origin=ref.label)
    files = [replace(f, origin=ref.label) for f in local.files]
    for path, sha in sorted(entries.items()):
        if sha in missing and len(files) < options.max_files:
            files.append(FileEntry(path, BLOB_LIMIT + 1, origin=ref.label, readable=False))
    extra_notes = list(notes)
    filtered = sum(1 for sha in entries.values() if sha in missing)
    if filtered:
        extra_notes.append(Note(NoteLevel.INFO,
                                f"{filtered} file(s) over {BLOB_LIMIT // 1024} KB were not fetched: "
                                "listed with unknown content and a lower-bound size",
                                Location(key="git:filter", origin=ref.label), NoteKind.ELSEWHERE))
    if submodules:
        extra_notes.append(Note(NoteLevel.WARNING, f"{len(submodules)} submodule(s) not followed: "
                                + ", ".join(submodules[:10]),
                                Location(key="git:submodules", origin=ref.label), NoteKind.SKIPPED))
    local_notes = tuple(
        replace(n, location=replace(n.location, origin=ref.label)) if n.location is not None else n
        for n in local.notes
    )
    return Snapshot(
        target=target,
        kind=SourceKind.GIT,
        files=tuple(sorted(files, key=lambda f: f.path)),
        reader=local.reader,
        notes=tuple(extra_notes) + local_notes,
        origins=(ref.label,),
    )


def _clean_worktree(dest: Path) -> None:
    """Remove a previous checkout (everything but .git) so a reused clone lists only this tree."""
    for child in dest.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _git_input(args: list[str], cwd: Path, data: bytes) -> None:
    try:
        proc = subprocess.run(["git", "-c", "core.hooksPath=/dev/null", *args], cwd=cwd, env=_git_env(),
                              input=data, capture_output=True, timeout=LOCAL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"git {args[0]} took longer than {LOCAL_TIMEOUT:.0f} s") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {args[0]}: {(msg or ['failed'])[-1][:300]}")
