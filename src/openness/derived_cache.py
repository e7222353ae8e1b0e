"""Where start-up caches live and how they are read and written: one answer for all of them.

Three things every audit process used to rebuild from scratch are kept between runs the way the
interpreter keeps bytecode (issue 14): the engine code of the regular expressions it reaches
(``lazy_re``), the methods ``dataclasses`` generates (``dataclass_cache``) and the decoded
licence data (``licenses.knowledge``). Each is derived from the project's own files only, never
from a release, and is only ever a shortcut: a cache that is missing, damaged, too large or from
another interpreter version is ignored and the value rebuilt as before.

- **Where**: beside the module's ``.pyc`` (``<package>/__pycache__/<name>``), or under
  ``PYTHONPYCACHEPREFIX`` when that is set, exactly as the interpreter places bytecode. Names carry
  the interpreter's cache tag and full version, so an upgrade never reads an older file.
- **Format**: ``marshal`` (what ``.pyc`` files are made of): plain data and code objects; or, for
  a large cache read piecemeal, ``write_parts``/``map_parts``: named byte ranges after a small
  marshal header, mapped rather than read, so a process touches only the parts it asks for.
- **Writing**: never when bytecode writing is off (``PYTHONDONTWRITEBYTECODE``,
  ``sys.dont_write_bytecode``); to a temporary file then ``os.replace``, so concurrent processes
  never see half a file; any ``OSError`` (a read-only install) is silent.
"""

from __future__ import annotations

import marshal
import mmap
import os
import sys
from collections.abc import Callable
from typing import Any

MAX_CACHE_BYTES = 16 << 20  # a larger cache file is not read (the largest, the licence data, is ~3 MB)


def cache_path(module_file: str, stem: str, suffix: str) -> str | None:
    """``__pycache__/<stem>.<tag>.<version>.<suffix>`` beside ``module_file`` (None without a tag)."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    here = os.path.dirname(os.path.abspath(module_file))
    name = f"{stem}.{tag}.{sys.hexversion:x}.{suffix}"
    if sys.pycache_prefix:  # as the interpreter places bytecode
        return os.path.join(sys.pycache_prefix, here.lstrip(os.sep), name)
    return os.path.join(here, "__pycache__", name)


def read(path: str | None, max_bytes: int = MAX_CACHE_BYTES) -> Any:
    """The value stored at ``path``, or None when there is none that loads."""
    if not path:
        return None
    from openness.safe_io import read_regular

    try:
        data, size = read_regular(path, max_bytes + 1)  # never blocks on a FIFO put in its place
        if size > max_bytes or len(data) > max_bytes:
            return None
        return marshal.loads(data)
    except (OSError, ValueError, EOFError, TypeError):
        return None


PARTS_MAGIC = b"ODC1"  # a parts file: magic, 4-byte header length, marshal header, then the parts


class Parts:
    """Named byte ranges of one buffer (a mapped cache file, or bytes built in memory)."""

    def __init__(self, buffer: bytes | mmap.mmap, ranges: dict[str, tuple[int, int]], meta: Any = None):
        self.buffer = buffer
        self.ranges = ranges
        self.meta = meta  # what the writer stored beside the ranges (a staleness key...)

    def get(self, name: str) -> bytes:
        start, end = self.ranges[name]
        return self.buffer[start:end]


def pack_parts(parts: dict[str, bytes], meta: Any = None) -> Parts:
    """The parts laid end to end in one buffer: what ``write_parts`` stores and ``map_parts``
    gives back, so a process that cannot use the cache reads the same structure from memory."""
    ranges: dict[str, tuple[int, int]] = {}
    pos = 0
    for name, data in parts.items():
        ranges[name] = (pos, pos + len(data))
        pos += len(data)
    return Parts(b"".join(parts.values()), ranges, meta)


def write_parts(path: str | None, parts: Parts) -> None:
    """Store ``parts`` at ``path`` (whole or not at all; nothing when bytecode writing is off)."""
    _store(path, lambda: parts_file(parts))


def parts_file(parts: Parts) -> bytes:
    """What ``write_parts`` stores: the magic, the header's length, the header, the parts."""
    header = marshal.dumps({"meta": parts.meta, "ranges": parts.ranges})
    return b"".join((PARTS_MAGIC, len(header).to_bytes(4, "little"), header, bytes(parts.buffer)))


def map_parts(path: str | None, max_bytes: int = MAX_CACHE_BYTES) -> Parts | None:
    """The parts stored at ``path``, mapped (pages are read as parts are asked for), or None.

    The file is only ever replaced whole (``write_atomic`` renames a new file over it), never
    rewritten in place, so a mapping keeps seeing the file it mapped."""
    if not path:
        return None
    from openness.safe_io import open_regular

    try:
        fd = open_regular(path)
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        if not 8 <= size <= max_bytes:
            return None
        buffer = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    try:
        if buffer[:4] != PARTS_MAGIC:
            return None
        n = int.from_bytes(buffer[4:8], "little")
        if 8 + n > size:
            return None
        header = marshal.loads(buffer[8 : 8 + n])
        base = 8 + n
        ranges = {
            str(name): (base + int(start), base + int(end))
            for name, (start, end) in header["ranges"].items()
            if 0 <= int(start) <= int(end) <= size - base
        }
        if len(ranges) != len(header["ranges"]):
            return None
        return Parts(buffer, ranges, header["meta"])
    except (ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None


def write(path: str | None, value: Any) -> None:
    """Store ``value`` at ``path`` whole or not at all; nothing when bytecode writing is off."""
    _store(path, lambda: marshal.dumps(value))


def _store(path: str | None, data: Callable[[], bytes]) -> None:
    """Write what ``data`` makes to ``path`` (made only when it will be written), silently."""
    if not path or sys.dont_write_bytecode:
        return
    from openness.safe_io import write_atomic

    try:
        made = data()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, made)
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only a slower next start
