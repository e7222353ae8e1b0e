"""The one filter grammar of the index: ``openness index list --where``, the web table and the API.

A filter is ``KEY=VALUE`` or ``KEY!=VALUE``; several filters all have to hold. Keys are a framework
id (its status), ``license``, ``restriction``, ``finding`` (an id or kind the latest audit has),
``source`` and ``open-washing`` (``yes``/``no``). Values are matched exactly, always as bound
parameters: nothing here is ever formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openness import lazy_re
from openness.errors import UsageError
from openness.render.safe import clean

MAX_FILTERS = 20  # filters in one query
MAX_VALUE = 200  # characters of one filter value (the longest indexed term)
MAX_QUERY = 200  # characters of a name search

TERM_KEYS = ("license", "restriction", "finding")
OTHER_KEYS = ("source", "open-washing")
SORT_KEYS = ("name", "audited", "source", "revision")

_KEY = lazy_re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_VALUE_BAD = lazy_re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Filter:
    key: str
    value: str
    negate: bool = False

    def __str__(self) -> str:
        return f"{self.key}{'!=' if self.negate else '='}{self.value}"


def known_keys() -> tuple[str, ...]:
    from openness.frameworks import known_ids

    return (*known_ids(), *TERM_KEYS, *OTHER_KEYS)


def parse_filter(text: str) -> Filter:
    """One ``KEY=VALUE`` / ``KEY!=VALUE``; anything else is a UsageError naming what is wrong."""
    shown = clean(text[:100])
    if "=" not in text:
        raise UsageError(f"malformed filter {shown!r}: expected KEY=VALUE or KEY!=VALUE")
    key, _, value = text.partition("=")
    negate = key.endswith("!")
    key = key.removesuffix("!").strip().lower()
    value = value.strip()
    if not _KEY.match(key) or key not in known_keys():
        raise UsageError(f"malformed filter {shown!r}: unknown key (known: {', '.join(known_keys())})")
    if not value or len(value) > MAX_VALUE or _VALUE_BAD.search(value):
        raise UsageError(f"malformed filter {shown!r}: the value must be 1-{MAX_VALUE} printable characters")
    if key == "open-washing" and value not in ("yes", "no"):
        raise UsageError(f"malformed filter {shown!r}: open-washing is yes or no")
    return Filter(key, value, negate)


def parse_filters(texts: Iterable[str]) -> tuple[Filter, ...]:
    """Every non-empty filter (an empty one is 'any', as a form's blank choice sends it)."""
    out: list[Filter] = []
    for text in texts:
        if not text or not text.strip():
            continue
        if len(out) >= MAX_FILTERS:
            raise UsageError(f"more than {MAX_FILTERS} filters")
        out.append(parse_filter(text))
    return tuple(out)


def parse_sort(text: str | None) -> tuple[str, bool]:
    """``name``, ``-audited``, ``osaid`` ... as (key, descending)."""
    if not text:
        return "name", False
    descending = text.startswith("-")
    key = text.removeprefix("-")
    if key not in SORT_KEYS and key not in known_keys()[: -len(TERM_KEYS) - len(OTHER_KEYS)]:
        raise UsageError(f"unknown sort key {clean(text[:100])!r} (known: {', '.join(sort_keys())})")
    return key, descending


def sort_keys() -> tuple[str, ...]:
    from openness.frameworks import known_ids

    return (*SORT_KEYS, *known_ids())


def parse_search(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    text = text.strip()
    if len(text) > MAX_QUERY or _VALUE_BAD.search(text):
        raise UsageError(f"the search must be 1-{MAX_QUERY} printable characters")
    return text
