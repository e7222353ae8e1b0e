"""Regular expressions compiled on first use.

A module-level ``re.compile`` runs on every start, whether or not the audit ever reaches the
pattern: about three hundred of them cost a third of a small audit's own time (issue 14), and a
typical release uses half. ``lazy_compile`` keeps the pattern next to its comment, as before, and
compiles it the first time it matches anything. Only the methods the code base uses are offered,
so mypy points at any caller that needs a real ``re.Pattern`` (pass ``.compiled`` there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

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
            p = re.compile(self.pattern, self.flags)
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
