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
- **Format**: ``marshal`` (what ``.pyc`` files are made of): plain data and code objects.
- **Writing**: never when bytecode writing is off (``PYTHONDONTWRITEBYTECODE``,
  ``sys.dont_write_bytecode``); to a temporary file then ``os.replace``, so concurrent processes
  never see half a file; any ``OSError`` (a read-only install) is silent.
"""

from __future__ import annotations

import marshal
import os
import sys
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


def write(path: str | None, value: Any) -> None:
    """Store ``value`` at ``path`` whole or not at all; nothing when bytecode writing is off."""
    if not path or sys.dont_write_bytecode:
        return
    from openness.safe_io import write_atomic

    try:
        data = marshal.dumps(value)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, data)
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only a slower next start
