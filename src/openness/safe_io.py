"""Reading a file named by a release (or by a user) without blocking and without reading unbounded.

The one rule every reader of the package follows, in one place: open non-blocking (a FIFO would
otherwise wait for a writer forever), check on the open descriptor that it is a regular file (a
device never ends, and a path may be swapped between a check and the open), then read at most
``limit`` bytes. The standard library has no call that does the three together.
"""

from __future__ import annotations

import errno
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


def read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from ``fd``'s current position."""
    chunks: list[bytes] = []
    remaining = max(0, limit)
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
        return read_fd(fd, limit), size
    finally:
        os.close(fd)
