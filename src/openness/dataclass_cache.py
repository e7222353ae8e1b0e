"""Compiled ``@dataclass`` methods kept between runs, as the interpreter keeps bytecode.

Python 3.11 writes the source of every dataclass's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` and frozen ``__setattr__``/``__delattr__`` as text and compiles it with ``exec`` each
time the class is created: the ~70 dataclasses an audit imports cost ~30 ms of compiling in every
process (a tenth of a small audit, issue 14). ``install`` gives the ``dataclasses`` module an
``exec`` that compiles each distinct text once and keeps the code object (``marshal``, like a
``.pyc``) beside this module's bytecode (``__pycache__/dataclass_cache.<tag>.<version>.O<n>.code``;
``derived_cache`` says where and how).

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
import sys
from types import CodeType
from typing import Any

from openness import derived_cache

MAX_CACHED_TEXTS = 2048  # generated method texts kept (an audit creates ~330)
MAX_CACHE_BYTES = 8 << 20  # a larger cache file is not read (it is ~0.5 MB in practice)

_exec = builtins.exec
_state: dict[str, Any] = {"installed": False, "dirty": False}
_codes: dict[str, CodeType] = {}
_used: set[str] = set()


def _cache_path() -> str | None:
    return derived_cache.cache_path(__file__, "dataclass_cache", f"O{sys.flags.optimize}.code")


def _read(path: str | None) -> dict[str, CodeType]:
    loaded = derived_cache.read(path, MAX_CACHE_BYTES)
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
    """``exec`` for the texts ``dataclasses`` generates: each text compiled once, ever."""
    if not isinstance(source, str):
        _exec(source, globals, locals)
        return
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _codes[source] = code
        _state["dirty"] = True
    _used.add(source)
    _exec(code, globals, locals)


def _save() -> None:
    path = _state.get("path")
    if not (_state["dirty"] and path) or sys.dont_write_bytecode:
        return
    merged = _read(path)
    merged.update({k: _codes[k] for k in _used})
    if len(merged) > MAX_CACHED_TEXTS:  # keep this run's texts, then the others
        keep = [*_used, *(k for k in merged if k not in _used)][:MAX_CACHED_TEXTS]
        merged = {k: merged[k] for k in keep}
    derived_cache.write(path, merged)
    _state["dirty"] = False


def install() -> None:
    """Route ``dataclasses``' compiling through the cache (once per process; idempotent)."""
    if _state["installed"] or getattr(dataclasses, "exec", builtins.exec) is not builtins.exec:
        return  # already done, or someone else replaced it: leave it alone
    path = _cache_path()
    _state["path"] = path
    _codes.update(_read(path))
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]  # a module global shadowing the builtin
    _state["installed"] = True
    atexit.register(_save)
