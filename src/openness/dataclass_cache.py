"""Compiled ``@dataclass`` methods kept between runs, as the interpreter keeps bytecode.

Python 3.11 writes the source of every dataclass's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` and frozen ``__setattr__``/``__delattr__`` as text and compiles it with ``exec`` each
time the class is created: the ~70 dataclasses an audit imports cost ~30 ms of compiling in every
process (a tenth of a small audit, issue 14). ``install`` gives the ``dataclasses`` module an
``exec`` that compiles each distinct text once and keeps the code object (``marshal``, like a
``.pyc``) beside this module's bytecode (``__pycache__/dataclass_cache.<tag>.<version>.O<n>.parts``;
``derived_cache`` says where and how): one part per text, mapped, decoded when that text comes up.

The generated functions are the same: the same text compiled the same way (file name
``<string>``, no inherited ``__future__`` flags, as ``exec`` of a string from ``dataclasses`` has),
then executed with the same globals and locals. The cache holds only code compiled from texts
``dataclasses`` itself generated in an earlier run of the same interpreter version; a file that
does not load is ignored. It is written at exit when something new was compiled, never when
bytecode writing is off (``PYTHONDONTWRITEBYTECODE``). Only the command line installs it
(``cli.main``); importing openness as a library changes nothing.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import sys
import zlib
from types import CodeType
from typing import Any

from openness import derived_cache

MAX_CACHED_TEXTS = 2048  # generated method texts kept (an audit creates ~330)
MAX_CACHE_BYTES = 8 << 20  # a larger cache file is not read (it is ~0.5 MB in practice)

_exec = builtins.exec
_state: dict[str, Any] = {"installed": False, "dirty": False}
_codes: dict[str, CodeType] = {}  # this process's texts, compiled or loaded
_used: set[str] = set()


def _cache_path() -> str | None:
    return derived_cache.cache_path(__file__, "dataclass_cache", f"O{sys.flags.optimize}.parts")


def _key(source: str) -> str:
    """A text's part name: its CRC-32 and length. A part holds the text beside its code and the
    text is compared before the code is used, so two texts sharing a key cost a compile, no more."""
    return f"{zlib.crc32(source.encode('utf-8', 'surrogatepass')):08x}.{len(source)}"


def _mapped() -> derived_cache.Parts | None:
    """The cache file, mapped once per process (each text's code is decoded when first asked for:
    the file holds every text any command has made, and loading all of them cost ~8 ms)."""
    if "mapped" not in _state:
        _state["mapped"] = derived_cache.map_parts(_state.get("path"), MAX_CACHE_BYTES)
    parts: derived_cache.Parts | None = _state["mapped"]
    return parts


def _stored(source: str) -> CodeType | None:
    parts = _mapped()
    key = _key(source)
    if parts is None or key not in parts.ranges:
        return None
    try:
        text, code = marshal.loads(parts.get(key))
    except (ValueError, EOFError, TypeError):
        return None
    return code if text == source and isinstance(code, CodeType) else None


def _cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for the texts ``dataclasses`` generates: each text compiled once, ever."""
    if not isinstance(source, str):
        _exec(source, globals, locals)
        return
    code = _codes.get(source)
    if code is None:
        code = _stored(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _state["dirty"] = True
        _codes[source] = code
    _used.add(source)
    _exec(code, globals, locals)


def _save() -> None:
    path = _state.get("path")
    if not (_state["dirty"] and path) or sys.dont_write_bytecode:
        return
    # this run's texts first, then the file's others (copied as stored, not decoded)
    merged = {_key(text): marshal.dumps((text, _codes[text])) for text in _used}
    old = _mapped()
    if old is not None:
        for key in old.ranges:
            if len(merged) >= MAX_CACHED_TEXTS:
                break
            merged.setdefault(key, old.get(key))
    derived_cache.write_parts(path, derived_cache.pack_parts(merged))
    _state["dirty"] = False


def install() -> None:
    """Route ``dataclasses``' compiling through the cache (once per process; idempotent)."""
    if _state["installed"] or getattr(dataclasses, "exec", builtins.exec) is not builtins.exec:
        return  # already done, or someone else replaced it: leave it alone
    _state["path"] = _cache_path()
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]  # a module global shadowing the builtin
    _state["installed"] = True
    atexit.register(_save)
