"""Regular expressions compiled on first use.

A module-level ``re.compile`` runs on every start, whether or not the audit ever reaches the
pattern: about three hundred of them cost a third of a small audit's own time (issue 14), and a
typical release uses half. ``lazy_compile`` keeps the pattern next to its comment, as before, and
compiles it the first time it matches anything. Only the methods the code base uses are offered,
so mypy points at any caller that needs a real ``re.Pattern`` (pass ``.compiled`` there).

Even compiled lazily, the patterns a typical audit reaches cost 45-70 ms of parsing and code
generation in every process (issue 14): Python keeps no compiled regex between runs. ``compile``
keeps one, the way the interpreter keeps bytecode: the engine's code for each pattern is stored
beside this module's ``.pyc`` (``__pycache__/lazy_re.<python tag>.<version>.<engine magic>.sre``,
written at exit when a run compiled something new; ``derived_cache`` says where and how) and a
later process hands it straight to the engine. A file that does not load, or code the engine
refuses (it validates every code it is given), is ignored and the pattern compiled as usual.
"""

from __future__ import annotations

import atexit
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from openness import derived_cache

try:  # the engine and compiler behind ``re.compile`` (CPython); elsewhere: no cache
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    if array("I").itemsize != _sre.CODESIZE:  # pragma: no cover - code words are stored as "I"
        _sre = None
except ImportError:  # pragma: no cover - other interpreters
    _sre = None

MAX_CACHED_PATTERNS = 4096  # entries kept in the cache file (a full audit uses ~400)
MAX_CACHE_BYTES = 8 << 20  # a larger cache file is not read (it is ~0.3 MB in practice)
_UNCACHEABLE = re.DEBUG | re.TEMPLATE  # flags whose compile has side effects or is deprecated

# (pattern, flags) -> (final flags, code, groups, groupindex, indexgroup): _sre.compile's arguments,
# the code as the bytes of an array of code words (a list of ints loads several times slower).
_Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


class _CodeCache:
    """The engine code of every pattern compiled through ``compile``, loaded once per process."""

    def __init__(self) -> None:
        self.path = _cache_path()
        self.entries: dict[tuple[str, int], _Entry] | None = None
        self.used: dict[tuple[str, int], _Entry] = {}  # this process's patterns: kept first
        self.dirty = False

    def load(self) -> dict[tuple[str, int], _Entry]:
        if self.entries is None:
            self.entries = _read(self.path) if self.path else {}
        return self.entries

    def save(self) -> None:
        """Merge this run's new entries into the file (``derived_cache.write``: atomic, silent)."""
        if not (self.dirty and self.path) or sys.dont_write_bytecode:
            return
        merged = _read(self.path)
        merged.update(self.used)
        if len(merged) > MAX_CACHED_PATTERNS:  # keep this run's patterns, then the others
            rest = [k for k in merged if k not in self.used]
            keep = max(0, MAX_CACHED_PATTERNS - len(self.used))
            merged = {k: merged[k] for k in [*self.used, *rest[:keep]][:MAX_CACHED_PATTERNS]}
        derived_cache.write(self.path, merged)
        self.dirty = False


def _cache_path() -> str | None:
    if _sre is None:
        return None
    return derived_cache.cache_path(__file__, "lazy_re", f"{_sre.MAGIC}.sre")


def _read(path: str | None) -> dict[tuple[str, int], _Entry]:
    loaded = derived_cache.read(path, MAX_CACHE_BYTES)
    return loaded if isinstance(loaded, dict) else {}


_CACHE = _CodeCache()
atexit.register(_CACHE.save)


def _from_entry(pattern: str, entry: Any) -> re.Pattern[str] | None:
    try:
        flags, raw, groups, groupindex, indexgroup = entry
        code = array("I")
        code.frombytes(raw)
        compiled: re.Pattern[str] = _sre.compile(
            pattern, flags, code.tolist(), groups, groupindex, indexgroup
        )
    except Exception:  # a damaged or foreign entry: the engine refused it, compile afresh
        return None
    return compiled


def _entry(pattern: str, flags: int) -> _Entry:
    """What ``re._compiler.compile`` hands the engine, kept instead of the compiled object."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    final = int(flags | parsed.state.flags)
    return final, array("I", code).tobytes(), parsed.state.groups - 1, groupindex, tuple(indexgroup)


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the code cache when an earlier run compiled it."""
    flags = int(flags)
    if _sre is None or flags & _UNCACHEABLE or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    key = (pattern, flags)
    cached = _CACHE.load().get(key)
    if cached is not None:
        hit = _from_entry(pattern, cached)
        if hit is not None:
            _CACHE.used[key] = cached
            return hit
    try:
        entry = _entry(pattern, flags)
        compiled = _from_entry(pattern, entry)
    except Exception:  # an internal API that moved: the public one still works (and raises re.error)
        compiled = None
    if compiled is None:
        return re.compile(pattern, flags)
    _CACHE.load()[key] = entry
    _CACHE.used[key] = entry
    _CACHE.dirty = True
    return compiled

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "split", "sub", "subn")


class LazyPattern:
    """A ``re.Pattern[str]`` stand-in that compiles itself on first use.

    The first call of a method compiles the pattern and copies the compiled pattern's bound
    methods onto the instance, so every later call goes straight to C (a Python wrapper per
    call cost measurable time in the licence normaliser's loops)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @property
    def compiled(self) -> re.Pattern[str]:
        p: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if p is None:
            p = compile(self.pattern, self.flags)
            self.__dict__["_compiled"] = p
            for name in _METHODS:
                self.__dict__[name] = getattr(p, name)
        return p

    if TYPE_CHECKING:  # what callers may use; at run time __getattr__ fills these in

        def search(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
        def match(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
        def fullmatch(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str] | None: ...
        def finditer(self, string: str, pos: int = ..., endpos: int = ...) -> Iterator[re.Match[str]]: ...
        def findall(self, string: str, pos: int = ..., endpos: int = ...) -> list[Any]: ...
        def split(self, string: str, maxsplit: int = ...) -> list[str | Any]: ...
        def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = ...) -> str: ...
        def subn(
            self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = ...
        ) -> tuple[str, int]: ...

    else:

        def __getattr__(self, name: str) -> Any:
            # Only reached for names not yet on the instance: the methods before first use.
            if name in _METHODS:
                return getattr(self.compiled, name)
            raise AttributeError(name)

    @property
    def groupindex(self) -> Any:
        return self.compiled.groupindex

    @property
    def groups(self) -> int:
        return self.compiled.groups

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.flags!r})"


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> LazyPattern:
    """``re.compile``, deferred until the pattern is first used."""
    return LazyPattern(pattern, int(flags))


Regex = re.Pattern[str] | LazyPattern
"""What a helper taking a pattern accepts: a compiled one or a lazy one."""
