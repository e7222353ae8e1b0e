"""The JSON report: versioned (``schema_version``), stamped, documented in docs/json-schema.md.

Written as it is encoded (``write_json``): the file listing goes out a thousand items at a time,
so a 100,000-file release never exists as one list of dicts or one giant string. Above
``listing.SUMMARY_ABOVE`` files the inventory is a summary unless every file is asked for
(``--files all``); such a document says ``"listing": "summary"`` and has schema version
``SUMMARY_SCHEMA_VERSION``. A report listing every file is byte for byte what it always was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from openness import SCHEMA_VERSION, __version__
from openness.model import Classified, Report
from openness.render import listing
from openness.render.safe import dumps

# A summarised inventory's ``items`` are the cited files, not every file: a field's meaning
# changed, so its major number (docs/json-schema.md). A full listing keeps ``SCHEMA_VERSION``.
SUMMARY_SCHEMA_VERSION = "2.0"
CHUNK = 1_000  # inventory items encoded at once when streaming the full listing


def _data_version() -> str | None:
    # The licence engine stamps its generated data; older engines may not expose it.
    from openness.licenses import interface

    fn = getattr(interface, "data_version", None)
    return str(fn()) if callable(fn) else None


def _item(c: Classified) -> dict[str, Any]:
    d: dict[str, Any] = {"path": c.entry.path, "role": str(c.role), "size": c.entry.size}
    if c.code_roles:
        d["code_roles"] = sorted(str(r) for r in c.code_roles)
    if c.entry.sha256:
        d["sha256"] = c.entry.sha256
    if c.entry.origin != "local":
        d["origin"] = c.entry.origin
    if not c.entry.readable:
        d["readable"] = False
    if c.scope:
        d["scope"] = c.scope
    if c.weights is not None:
        w = c.weights
        d["weights"] = {
            "format": str(w.format),
            "parameters": w.parameters,
            "dtypes": dict(w.dtypes),
            "tensor_count": w.tensor_count,
            "unsafe": w.unsafe,
            "error": w.error,
        }
    if c.reasons:
        d["reasons"] = list(c.reasons)
    if c.locations:
        d["locations"] = [loc.to_dict() for loc in c.locations]
    return d


class _Stream:
    """A JSON array written chunk by chunk, never held whole (the full file listing)."""

    __slots__ = ("chunks",)

    def __init__(self, chunks: Iterable[list[Any]]) -> None:
        self.chunks = chunks


def _chunks(items: Iterable[Classified]) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while chunk := [_item(i) for i in islice(it, CHUNK)]:
        yield chunk


def _inventory(report: Report, files: str | None) -> tuple[dict[str, Any], bool]:
    """The ``inventory`` object, and whether it is a summary."""
    inv = report.inventory
    items = inv.items if inv is not None else ()
    head: dict[str, Any] = {
        "files": len(items),
        "roles": dict(sorted(Counter(str(i.role) for i in items).items())),
    }
    if listing.resolve(files, len(items)) == listing.ALL:
        return {**head, "items": _Stream(_chunks(items))}, False
    cited = listing.cited_items(report)
    return {
        **head,
        "listing": listing.SUMMARY,
        "items": [_item(i) for i in cited],
        "not_listed": len(items) - len(cited),
        "summary": listing.summary(items),
    }, True


def _document(report: Report, files: str | None) -> dict[str, Any]:
    inv = report.inventory
    hub = inv.snapshot.hub if inv is not None else None
    inventory, summarised = _inventory(report, files)
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION if summarised else SCHEMA_VERSION,
        "tool": {"name": "openness", "version": __version__, "license_data": _data_version()},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": {
            "input": report.target,
            "kind": report.source_kind,
            "origins": list(inv.snapshot.origins) if inv is not None else [],
            "hub": None
            if hub is None
            else {
                "repo_id": hub.repo_id,
                "repo_type": hub.repo_type,
                "revision": hub.revision,
                "sha": hub.sha,
                "gated": hub.gated,
                "refs": list(hub.refs),
            },
        },
        "inventory": inventory,
        "evidence": report.evidence.to_dict(),
        "assessments": {k: a.to_dict() for k, a in report.assessments.items()},
        "findings": [f.to_dict() for f in report.findings],
        "notes": [n.to_dict() for n in report.notes],
        "elapsed_seconds": None if report.elapsed_seconds is None else round(report.elapsed_seconds, 4),
    }


def report_dict(report: Report, files: str | None = None) -> dict[str, Any]:
    """The whole document as one value (``files``: ``all``, ``summary``, None: by the release's size)."""
    doc = _document(report, files)
    items = doc["inventory"]["items"]
    if isinstance(items, _Stream):
        doc["inventory"]["items"] = [item for chunk in items.chunks for item in chunk]
    return doc


def write_json(
    report: Report, write: Callable[[str], object], *, compact: bool = False, files: str | None = None
) -> None:
    """Encode the report through ``write`` piece by piece: exactly ``render_json``'s text.

    Everything but the file listing is small and encoded whole; the listing is encoded
    ``CHUNK`` items at a time and indented where it sits, as ``json.dumps`` would have.
    """
    _encode(_document(report, files), write, None if compact else 2, 0)
    if not compact:
        write("\n")


def _has_stream(value: dict[str, Any]) -> bool:
    return any(isinstance(v, _Stream) or (isinstance(v, dict) and _has_stream(v)) for v in value.values())


def _encode(value: Any, write: Callable[[str], object], indent: int | None, level: int) -> None:
    """``dumps(value, indent=indent)`` as it would appear ``level`` deep, written in pieces."""
    pad = "\n" + " " * (indent or 0) * level
    inner = "\n" + " " * (indent or 0) * (level + 1)
    if isinstance(value, _Stream):
        first = True
        for chunk in value.chunks:
            if indent is None:
                body = dumps(chunk, default=str, separators=(",", ":"))[1:-1]
            else:  # "[\n  a,\n  b\n]" -> "\n  a,\n  b", then moved to this depth
                body = dumps(chunk, indent=indent, default=str)[1:-2].replace("\n", pad)
            write(("[" if first else ",") + body)
            first = False
        write("[]" if first else ("]" if indent is None else pad + "]"))
    elif isinstance(value, dict) and _has_stream(value):
        write("{")
        for n, (key, item) in enumerate(value.items()):
            sep = "," if n else ""
            write(f"{sep}{dumps(key)}:" if indent is None else f"{sep}{inner}{dumps(key)}: ")
            _encode(item, write, indent, level + 1)
        write("}" if indent is None else pad + "}")
    elif indent is None:
        write(dumps(value, default=str, separators=(",", ":")))
    else:
        write(dumps(value, indent=indent, default=str).replace("\n", pad))


def render_json(report: Report, *, compact: bool = False, files: str | None = None) -> str:
    """The report document; ``compact`` gives one line (a JSON Lines record, as batches write).

    Strings keep the release's true text; unsafe code points in them are ``\\uXXXX`` escapes
    (``render.safe``), never raw. ``files``: ``all``, ``summary`` or None (by the release's size).
    """
    parts: list[str] = []
    write_json(report, parts.append, compact=compact, files=files)
    return "".join(parts)
