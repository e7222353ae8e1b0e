"""Reading a file named by a release (or by a user) without blocking and without reading unbounded.

The one rule every reader of the package follows, in one place: open non-blocking (a FIFO would
otherwise wait for a writer forever), check on the open descriptor that it is a regular file (a
device never ends, and a path may be swapped between a check and the open), then read at most
``limit`` bytes. The standard library has no call that does the three together.

And its counterpart for the files openness writes (hub cache, start-up caches, index exports):
``write_atomic``, whole or not at all, under a temporary name no other process or thread uses.
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import itertools
import os
import stat

OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)
NOT_REGULAR = "not a regular file (fifo, socket or device)"
CHUNK = 1 << 20


def check_regular(fd: int) -> os.stat_result:
    """The descriptor's stat if it is a regular file; OSError (EISDIR / EINVAL) otherwise."""
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        raise OSError(errno.EISDIR, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, NOT_REGULAR)
    return st


def open_regular(path: str | os.PathLike[str], *, extra_flags: int = 0, dir_fd: int | None = None) -> int:
    """A read-only descriptor of ``path`` if it is a regular file; OSError otherwise (never blocks)."""
    fd = os.open(path, OPEN_FLAGS | extra_flags, dir_fd=dir_fd)
    try:
        check_regular(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_fd(fd: int, limit: int, size: int | None = None) -> bytes:
    """At most ``limit`` bytes from ``fd``'s current position.

    ``size``, the file's size by ``fstat``, ends the read once that many bytes are in, without the
    extra read that finds the end (one system call of two for most files: ~45,000 of a 100,000-file
    tree's audit). A file that grew since is read up to the size it had; one that shrank, or a size
    of 0 (some file systems report no size), is read to its end as without it."""
    chunks: list[bytes] = []
    remaining = max(0, limit if not size else min(limit, size))
    while remaining > 0:
        chunk = os.read(fd, min(remaining, CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_regular(path: str | os.PathLike[str], limit: int) -> tuple[bytes, int]:
    """(at most ``limit`` bytes, the file's size) of a regular file; OSError for anything else."""
    fd = open_regular(path)
    try:
        size = os.fstat(fd).st_size
        return read_fd(fd, limit, size), size
    finally:
        os.close(fd)


_tmp_counter = itertools.count()


def write_atomic(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` whole or not at all; OSError if it cannot be written.

    A temporary name beside ``path`` that no other process or thread uses, created with O_EXCL and
    O_NOFOLLOW (a link planted under that name is never followed), then a rename over ``path``:
    readers in other processes see the old file or the new one, never half of one.
    """
    folder, name = os.path.split(os.fspath(path))
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{_thread.get_ident()}.{next(_tmp_counter)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
