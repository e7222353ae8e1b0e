"""The local-directory source: list a release on disk safely, read it with a size cap.

A release is hostile input. The walk is iterative (``os.scandir`` with an explicit stack, so
deep trees cannot exhaust Python's recursion limit), skips version-control folders, tool caches
and installed environments, never follows a symlink that leaves the root (or loops), does not
cross into other mounted file systems, bounds depth and file count, and lists files of any size
from ``stat`` alone: a 10 GB sparse file costs one system call (only small weight files are
hashed). Names that cannot be shown faithfully (invalid UTF-8, control characters) are skipped
with a note. Content is read only through the snapshot's reader, which re-checks containment,
refuses anything but a regular file and returns at most ``limit`` bytes.

A git working tree is a directory like any other (``.git`` is skipped); the git source reuses
``snapshot_directory`` for its checkout.
"""

from __future__ import annotations

import errno
import itertools
import operator
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from openness import lazy_re, safe_io
from openness.errors import SourceError
from openness.model import FileEntry, Location, Note, NoteKind, NoteLevel, Reader, Snapshot, SourceKind
from openness.sources.interface import MAX_DEPTH, SourceOptions

# Version-control metadata is not part of a release.
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj", ".pijul", ".fossil"})

# Caches that tools write next to code: never part of a release, skipped silently.
CACHE_DIRS = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", ".tox", ".nox"}
)
# Installed environments: skipped with a note (so is any folder holding a pyvenv.cfg).
TOOL_DIRS = frozenset({"node_modules", ".venv"})

# Tiny files with these suffixes are checked for Git LFS pointers (a clone without `git lfs pull`):
# the pointer names the real size and sha256, while the content itself is absent.
_LFS_CANDIDATE_SUFFIXES = frozenset(
    {
        ".safetensors",
        ".bin",
        ".pt",
        ".pth",
        ".ckpt",
        ".gguf",
        ".ggml",
        ".onnx",
        ".h5",
        ".msgpack",
        ".npy",
        ".npz",
        ".pkl",
        ".model",
        ".parquet",
        ".arrow",
        ".tflite",
        ".pb",
        ".nemo",
        ".zst",
        ".gz",
        ".tar",
        ".zip",
        ".jsonl",
        ".pdf",
    }
)
_LFS_MAX_POINTER = 1024
_LFS_POINTER = re.compile(  # a bytes pattern: lazy_re's cache keeps text patterns only
    rb"^version https://git-lfs\.github\.com/spec/v1\n(?:.*\n)*?oid sha256:([0-9a-f]{64})\n"
    rb"(?:.*\n)*?size (\d+)",
)
# Weight files small enough are hashed while listing (bills of materials name them by SHA-256);
# large ones are not: hashing 140 GB takes minutes (hub sources know LFS hashes anyway).
HASH_FILE_LIMIT = 64 * 1024 * 1024
HASH_BUDGET = 256 * 1024 * 1024
_HASHED_SUFFIXES = frozenset(
    {
        ".safetensors",
        ".gguf",
        ".bin",
        ".pt",
        ".pth",
        ".ckpt",
        ".onnx",
        ".h5",
        ".msgpack",
        ".npy",
        ".npz",
        ".tflite",
        ".pkl",
        ".ggml",
        ".nemo",
    }
)
_CHECKED_SUFFIXES = _LFS_CANDIDATE_SUFFIXES | _HASHED_SUFFIXES  # files _file_entry may open
_CONTROL = lazy_re.compile(r"[\x00-\x1f\x7f]")
_EXTRA_ENTRIES = 10_000  # sub-folders and skipped entries read beyond the remaining file budget
_MAX_NOTES_PER_KIND = 50  # keep a hostile tree from flooding the report with notes
# What each counted group of listing notes is about (``Note.kind``): consumers ask the kind.
_NOTE_KINDS: dict[str, NoteKind] = {
    "unreadable-dir": NoteKind.UNREADABLE,
    "unreadable-file": NoteKind.UNREADABLE,
    "special": NoteKind.UNREADABLE,  # listed, content unknown
    "symlink": NoteKind.SKIPPED,
    "tool-dir": NoteKind.SKIPPED,
    "mount": NoteKind.SKIPPED,
    "bad-name": NoteKind.SKIPPED,
    "depth": NoteKind.LIMIT,
    "truncated": NoteKind.LIMIT,
    "lfs": NoteKind.ELSEWHERE,
}


@dataclass
class _Walk:
    """Mutable state of one listing (the result is frozen into a Snapshot)."""

    root: str
    allowed: tuple[str, ...]
    max_files: int
    max_depth: int
    origin: str = "local"
    device: int = 0  # st_dev of the root
    hash_left: int = HASH_BUDGET
    listed: int = 0  # files yielded so far (the entries themselves are not kept here)
    notes: list[Note] = field(default_factory=list)
    note_counts: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def note(self, kind: str, level: NoteLevel, message: str, path: str | None = None) -> None:
        count = self.note_counts.get(kind, 0) + 1
        self.note_counts[kind] = count
        if count <= _MAX_NOTES_PER_KIND:
            where = Location(path=path) if path else None
            self.notes.append(Note(level, message, where, _NOTE_KINDS.get(kind, NoteKind.OTHER)))


def open_snapshot(target: str, options: SourceOptions) -> Snapshot:
    """List the directory ``target`` as a snapshot of kind ``local``."""
    return snapshot_directory(target, options)


def snapshot_directory(
    target: str,
    options: SourceOptions,
    *,
    kind: SourceKind = SourceKind.LOCAL,
    origin: str = "local",
    trusted_roots: Iterable[str | os.PathLike[str]] = (),
    max_depth: int = MAX_DEPTH,
) -> Snapshot:
    """List ``target`` and return a snapshot whose reader is confined to it.

    ``trusted_roots`` are further directories symlinks may point into (a Hugging Face cache
    snapshot links to ``../../blobs``); nothing else outside the root is ever followed.
    """
    try:
        root = os.path.realpath(target, strict=True)
    except (OSError, RuntimeError) as exc:
        raise SourceError(f"{target}: cannot open ({_reason(exc)})") from exc
    if not os.path.isdir(root):
        raise SourceError(f"{target}: not a directory")
    allowed = (root, *(os.path.realpath(r) for r in trusted_roots))
    walk = _Walk(
        root=root,
        allowed=allowed,
        max_files=max(0, options.max_files),
        max_depth=max_depth,
        origin=origin,
        device=os.stat(root).st_dev,
    )
    try:
        os.scandir(root).close()
    except OSError as exc:
        raise SourceError(f"{target}: cannot list ({_reason(exc)})") from exc
    # One list of the entries as the walk yields them, sorted in place (the walk is nearly in path
    # order already), then frozen; the list is dropped at once, so the entries are held once.
    listed = list(iter_files(walk))
    listed.sort(key=_PATH)
    files = tuple(listed)
    del listed
    _summarise_dropped_notes(walk)
    return Snapshot(
        target=target,
        kind=kind,
        files=files,
        reader=make_reader(root, allowed),
        notes=tuple(walk.notes),
        origins=(origin,),
    )


# --------------------------------------------------------------------------- walking


def _listing(walk: _Walk, abs_dir: str, rel_dir: str) -> list[os.DirEntry[str]] | None:
    """The entries of one folder in name order, at most what could still be listed (None: unreadable)."""
    # Bounded even for one huge folder: never more entries than could still be listed.
    cap = max(0, walk.max_files - walk.listed) + _EXTRA_ENTRIES
    try:
        with os.scandir(abs_dir) as it:
            entries = list(itertools.islice(it, cap + 1))
    except OSError as exc:
        warning = NoteLevel.WARNING
        walk.note("unreadable-dir", warning, f"directory not listed: {_reason(exc)}", rel_dir or ".")
        return None
    if len(entries) > cap:
        walk.truncated = True
        entries = entries[:cap]
    entries.sort(key=_NAME)  # scandir order is the file system's: make it stable
    return entries


def iter_files(walk: _Walk) -> Iterator[FileEntry]:
    """Every listable file under ``walk.root``, one at a time.

    Folders in name order, each folder's files before its sub-folders: when the file bound is
    reached, what was listed is the upper levels of the release (its README, LICENSE, configs),
    not the first corner of a deep data folder. Iterative (an explicit stack, never recursion),
    bounded in depth and in files; only one folder's entries are held at a time.
    """
    stack: list[tuple[str, str, int]] = [(walk.root, "", 0)]
    is_dir, is_regular, origin = stat.S_ISDIR, stat.S_ISREG, walk.origin
    while stack:
        abs_dir, rel_dir, depth = stack.pop()
        entries = _listing(walk, abs_dir, rel_dir)
        if entries is None:
            continue
        subdirs: list[tuple[str, str, int]] = []
        prefix = f"{rel_dir}/" if rel_dir else ""
        for entry in entries:
            name = entry.name
            if name.isascii() and name.isprintable():  # _rel_name's common case, without its call
                rel = prefix + name
            else:
                checked = _rel_name(walk, rel_dir, name)
                if checked is None:
                    continue
                rel = checked
            try:
                is_link = entry.is_symlink()
                target: str | None = None
                if is_link:
                    target = _link_target(walk, entry.path, rel)
                    if target is None:
                        continue
                    st = os.stat(target)
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                walk.note("unreadable-file", NoteLevel.WARNING, f"not inspected: {_reason(exc)}", rel)
                continue
            mode = st.st_mode
            if is_dir(mode):
                if _listable_folder(walk, entry, rel, st, is_link, depth):
                    subdirs.append((entry.path, rel, depth + 1))
                continue
            if walk.listed >= walk.max_files:
                walk.truncated = True
                break
            walk.listed += 1
            if not is_regular(mode):
                # Listed, never opened: a FIFO named README.md is a README whose content could not
                # be read, so what it would show is unknown (skipping it would make it "absent").
                walk.note(
                    "special", NoteLevel.WARNING, "not a regular file (fifo, socket or device): not read", rel
                )
                yield FileEntry(path=rel, size=0, origin=walk.origin, readable=False)
                continue
            dot = name.rfind(".")
            suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
            if mode & 0o444 and suffix not in _CHECKED_SUFFIXES:
                # ``_file_entry``'s answer for the usual file (readable, not a possible LFS pointer,
                # not hashed), without its call: most files of a large tree.
                yield FileEntry(rel, st.st_size, None, origin, True)
                continue
            yield _file_entry(walk, rel, name, target if target is not None else entry.path, st)
        del entries
        if walk.truncated and walk.listed >= walk.max_files:
            break
        # Reverse so that popping visits sub-directories in name order (stable output).
        stack.extend(reversed(subdirs))
    if walk.truncated:
        walk.note(
            "truncated",
            NoteLevel.WARNING,
            f"listing truncated (limit {walk.max_files} files): the rest of the release was not inspected",
        )


def _listable_folder(
    walk: _Walk, entry: os.DirEntry[str], rel: str, st: os.stat_result, is_link: bool, depth: int
) -> bool:
    """Whether a folder is part of the release and is to be listed (if not, a note says why)."""
    if is_link:
        # Following in-root directory links would list files twice (or forever).
        walk.note("symlink", NoteLevel.INFO, "symlinked directory not followed", rel)
    elif entry.name in VCS_DIRS or entry.name in CACHE_DIRS:
        pass
    elif entry.name in TOOL_DIRS or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
        # A virtualenv or node_modules beside the release would flood it with library
        # code (PyTorch's own optimizers read as "training code").
        walk.note("tool-dir", NoteLevel.INFO, "environment folder (virtualenv, node_modules) skipped", rel)
    elif st.st_dev != walk.device:
        # Like find -xdev: a mount inside the release (/proc, a network share) is not it.
        walk.note("mount", NoteLevel.WARNING, "another file system is mounted here: not listed", rel)
    elif depth + 1 > walk.max_depth:
        walk.note("depth", NoteLevel.WARNING, f"deeper than {walk.max_depth} levels: not listed", rel)
    else:
        return True
    return False


_PATH = operator.attrgetter("path")  # sort keys without a Python call per file
_NAME = operator.attrgetter("name")


def _rel_name(walk: _Walk, rel_dir: str, name: str) -> str | None:
    """The POSIX relative path for ``name``, or None (with a note) when it cannot be shown."""
    if not (name.isascii() and name.isprintable()):  # the common case needs neither check below
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            # os.scandir returns undecodable bytes as surrogates; such a name cannot go into a
            # report (JSON, terminal) faithfully, so the file is skipped and named escaped.
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            shown_rel = f"{rel_dir}/{shown}" if rel_dir else shown
            walk.note("bad-name", NoteLevel.WARNING, "file name is not valid UTF-8: skipped", shown_rel)
            return None
        if _CONTROL.search(name):
            # A newline or escape sequence in a name could forge lines of a terminal report.
            shown = name.encode("unicode_escape").decode("ascii")
            shown_rel = f"{rel_dir}/{shown}" if rel_dir else shown
            walk.note("bad-name", NoteLevel.WARNING, "file name holds control characters: skipped", shown_rel)
            return None
    return f"{rel_dir}/{name}" if rel_dir else name


def _link_target(walk: _Walk, abs_path: str, rel: str) -> str | None:
    """The resolved target of a symlink inside an allowed root, or None with a note."""
    try:
        target = os.path.realpath(abs_path, strict=True)
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:  # RuntimeError: older pythons
            walk.note("symlink", NoteLevel.WARNING, "symlink loop: skipped", rel)
        else:
            walk.note("symlink", NoteLevel.WARNING, f"broken symlink: skipped ({_reason(exc)})", rel)
        return None
    if not _inside(target, walk.allowed):
        walk.note("symlink", NoteLevel.WARNING, "symlink points outside the release: not followed", rel)
        return None
    return target


def _file_entry(walk: _Walk, rel: str, name: str, abs_path: str, st: os.stat_result) -> FileEntry:
    readable = True
    if not st.st_mode & 0o444 and not os.access(abs_path, os.R_OK):
        readable = False
        walk.note(
            "unreadable-file", NoteLevel.WARNING, "permission denied: listed, content not inspected", rel
        )
    dot = name.rfind(".")  # pathlib's suffix of the name, without building a Path per file
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
    if readable and st.st_size <= _LFS_MAX_POINTER and suffix in _LFS_CANDIDATE_SUFFIXES:
        pointer = _lfs_pointer(abs_path)
        if pointer is not None:
            sha, size = pointer
            walk.note("lfs", NoteLevel.INFO, "Git LFS pointer: content not fetched", rel)
            return FileEntry(path=rel, size=size, sha256=sha, origin=walk.origin, readable=False, lfs=True)
    digest = None
    if readable and suffix in _HASHED_SUFFIXES and st.st_size <= min(HASH_FILE_LIMIT, walk.hash_left):
        digest = _sha256(abs_path, st.st_size)
        walk.hash_left -= st.st_size
    return FileEntry(path=rel, size=st.st_size, sha256=digest, origin=walk.origin, readable=readable)


def _open_listed(abs_path: str) -> int:
    """A descriptor of a file listed as regular, re-checked: it may have been swapped for a FIFO
    (opening would block without O_NONBLOCK) or a symlink since ``stat``."""
    fd = os.open(abs_path, _FILE_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _sha256(abs_path: str, size: int) -> str | None:
    """SHA-256 of a small weight file (for bills of materials); None if it cannot be read.
    At most ``size`` bytes (the listed size) are read: a file growing meanwhile is not followed."""
    import hashlib  # OpenSSL loads in ~8 ms: only when a small weight file is hashed (issue 14)

    h = hashlib.sha256()
    try:
        fd = _open_listed(abs_path)
        try:
            remaining = size
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                h.update(chunk)
                remaining -= len(chunk)
        finally:
            os.close(fd)
    except OSError:
        return None
    return h.hexdigest()


def _lfs_pointer(abs_path: str) -> tuple[str, int] | None:
    try:
        fd = _open_listed(abs_path)
        try:
            head = os.read(fd, _LFS_MAX_POINTER)
        finally:
            os.close(fd)
    except OSError:
        return None
    m = _LFS_POINTER.match(head)
    if m is None:
        return None
    return m.group(1).decode(), int(m.group(2))


def _summarise_dropped_notes(walk: _Walk) -> None:
    for kind, count in walk.note_counts.items():
        if count > _MAX_NOTES_PER_KIND:
            walk.notes.append(
                Note(
                    NoteLevel.INFO,
                    f"{count - _MAX_NOTES_PER_KIND} more '{kind}' notes not shown",
                    kind=NoteKind.TRUNCATED,
                )
            )


# --------------------------------------------------------------------------- reading


_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_DIR_FD = os.open in os.supports_dir_fd


def make_reader(root: str, allowed: tuple[str, ...] | None = None) -> Reader:
    """A reader confined to ``root`` (and ``allowed``): at most ``limit`` bytes of a regular file.

    Each read walks down from the root one component at a time with ``O_NOFOLLOW`` (openat), so
    no symlink is followed on the way, even one swapped in after listing. A file that is itself
    a symlink (listed because it stays inside) is resolved and its target re-checked.
    """
    allowed = allowed or (root,)

    def read(path: str, limit: int) -> bytes:
        parts = path.split("/")
        if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise SourceError(f"{path}: not a path inside the release")
        try:
            fd = _open_beneath(root, parts) if _DIR_FD else -1
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                raise SourceError(f"{path}: cannot read ({_reason(exc)})") from exc
            fd = -1  # a symlink on the way: resolve it and check where it leads
        if fd < 0:
            full = os.path.realpath(os.path.join(root, *parts))
            if not _inside(full, allowed):
                raise SourceError(f"{path}: leads outside the release")
            try:
                fd = os.open(full, _FILE_FLAGS)
            except OSError as exc:
                raise SourceError(f"{path}: cannot read ({_reason(exc)})") from exc
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise SourceError(f"{path}: not a regular file")
            return safe_io.read_fd(fd, limit, st.st_size)
        except OSError as exc:
            raise SourceError(f"{path}: cannot read ({_reason(exc)})") from exc
        finally:
            os.close(fd)

    return read


def _open_beneath(root: str, parts: list[str]) -> int:
    """Open ``root/parts...`` following no symlink at any step; raises OSError (ELOOP) at one."""
    dir_fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            next_fd = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
        return os.open(parts[-1], _FILE_FLAGS, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
