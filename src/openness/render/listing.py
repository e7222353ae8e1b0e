"""How much of the file listing a report carries: every file, or a summary (``--files``).

A release of 100,000 files gave a 29 MB JSON report whose inventory was 99.8% of it, most of it
files no verdict rests on (``src/pkg07/mod04321.py: code``). Above ``SUMMARY_ABOVE`` files the
report carries, by default, a summary instead: the counts every file still contributes to, the
files the evidence, verdicts, findings and notes cite (the ones a reviewer opens), and bounded
samples of the largest and of the unclassified files. ``--files all`` restores the full listing.
The one answer to "which listing does this report get" for every renderer and command.

This module imports no data model at run time: the CLI reads ``SUMMARY_ABOVE`` for its help.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from openness.model import Classified, Report

ALL = "all"
SUMMARY = "summary"
CHOICES = (SUMMARY, ALL)
SUMMARY_ABOVE = 1_000  # files: above this, a report lists a summary unless --files all is given
MAX_CITED = 1_000  # cited files listed in a summary (a hostile tree could cite many)
SAMPLES = 20  # largest and unclassified files shown in a summary
MAX_EXTENSIONS = 30  # file extensions counted by name in a summary; the rest are summed
_MAX_VISITED = 200_000  # objects of the evidence and verdicts searched for cited paths


def resolve(files: str | None, count: int) -> str:
    """The listing for a release of ``count`` files: ``files`` when given, else by size."""
    if files is None:
        return SUMMARY if count > SUMMARY_ABOVE else ALL
    if files not in CHOICES:
        raise ValueError(f"unknown file listing {files!r} (known: {', '.join(CHOICES)})")
    return files


def cited_paths(report: Report) -> set[str]:
    """Every path a ``Location`` of the evidence, the verdicts, the findings or the notes names.

    Walked through the dataclasses themselves (structure, not the rendered text), iteratively
    and bounded; the inventory is not walked (it is what is being summarised).
    """
    from openness.model import Location

    paths: set[str] = set()
    stack: list[Any] = [report.evidence, report.assessments, report.findings, report.notes]
    visited = 0
    while stack and visited < _MAX_VISITED:
        obj = stack.pop()
        visited += 1
        if isinstance(obj, Location):
            if obj.path:
                paths.add(obj.path)
        elif isinstance(obj, str | bytes | int | float | bool) or obj is None:
            continue
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif isinstance(obj, Mapping):
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
    return paths


def cited_items(report: Report) -> list[Classified]:
    """The inventory items the report cites, in path order: at most ``MAX_CITED``."""
    if report.inventory is None:
        return []
    cited = cited_paths(report)
    return [i for i in report.inventory.items if i.entry.path in cited][:MAX_CITED]


def _suffix(path: str) -> str:
    """The file's extension as pathlib names it (``.gz`` of ``a.tar.gz``), as written; "" if none."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def summary(items: Iterable[Classified]) -> dict[str, Any]:
    """The counts and samples that stand for the full listing (one pass over the items).

    The pass counts by the role objects and by each name's raw suffix and turns them into text
    once at the end: a str() per role and a lower() per name cost ~0.1 s of a 100,000-file tree."""
    from openness.model import Role

    other = Role.OTHER
    total = 0
    role_bytes: Counter[Role] = Counter()
    code_role_counts: Counter[Any] = Counter()
    suffixes: Counter[str] = Counter()
    unclassified = 0
    unclassified_sample: list[Classified] = []
    largest: list[tuple[int, int, Classified]] = []  # a heap of (size, -order, item)
    for order, item in enumerate(items):
        entry = item.entry
        size = entry.size
        total += size
        role_bytes[item.role] += size
        if item.code_roles:
            code_role_counts.update(item.code_roles)
        suffixes[_suffix(entry.path)] += 1
        if item.role is other:
            unclassified += 1
            if len(unclassified_sample) < SAMPLES:
                unclassified_sample.append(item)
        if len(largest) < SAMPLES:
            heapq.heappush(largest, (size, -order, item))
        elif size > largest[0][0]:  # a later item of equal size never displaces an earlier one
            heapq.heapreplace(largest, (size, -order, item))
    by_role = Counter({str(role): n for role, n in role_bytes.items()})
    code_roles = Counter({str(role): n for role, n in code_role_counts.items()})
    extensions: Counter[str] = Counter()
    for suffix, n in suffixes.items():
        extensions[suffix.lower()] += n
    named = extensions.most_common(MAX_EXTENSIONS)
    shown = {ext or "(none)": n for ext, n in sorted(named, key=lambda en: (-en[1], en[0]))}
    rest = sum(extensions.values()) - sum(n for _, n in named)
    if rest:
        shown["(other)"] = rest
    return {
        "bytes": total,
        "bytes_by_role": dict(sorted(by_role.items())),
        "code_roles": dict(sorted(code_roles.items())),
        "extensions": shown,
        "largest": [_brief(i) for _, _, i in sorted(largest, key=lambda e: (-e[0], -e[1]))],
        "unclassified": {
            "files": unclassified,
            "sample": [_brief(i, reason=True) for i in unclassified_sample],
        },
    }


def _brief(item: Classified, *, reason: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {"path": item.entry.path, "role": str(item.role), "size": item.entry.size}
    if reason:
        d["reason"] = item.reason
    return d
