"""The JSON report: versioned (``schema_version``), stamped, documented in docs/json-schema.md.

Written as it is encoded (``write_json``): a long file listing goes out item by item, so a
100,000-file release never exists as one list of dicts or one giant string. Above
``listing.SUMMARY_ABOVE`` files the inventory is a summary unless every file is asked for
(``--files all``); such a document says ``"listing": "summary"`` and has schema version
``SUMMARY_SCHEMA_VERSION``. A report listing every file is byte for byte what it always was.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from openness import SCHEMA_VERSION, __version__
from openness.model import Classified, Report
from openness.render import listing
from openness.render.safe import dumps, indented_at, json_document

# A summarised inventory's ``items`` are the cited files, not every file: a field's meaning
# changed, so its major number (docs/json-schema.md). A full listing keeps ``SCHEMA_VERSION``.
SUMMARY_SCHEMA_VERSION = "2.0"
STREAM_ABOVE = 1_000  # listed files above which the listing is encoded item by item, never built whole
PIECES = 8_192  # encoder tokens joined into one write while streaming (about 400 listed files)
LISTED_PER_WRITE = 400  # listed files encoded into one write of an indented streamed listing


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


class _Listing(list[dict[str, Any]]):
    """The full file listing as a JSON array whose items are made as the encoder reaches them.

    To its two readers (``_write_indented_listing``, and for compact records the standard
    library's pure-Python ``JSONEncoder.iterencode``) this is a list they iterate; ``__iter__``
    makes each item's dict on the way, so the listing never exists whole. Never given to the C
    encoder of ``json.dumps``: it would read the real, empty storage.
    """

    def __init__(self, items: Sequence[Classified]) -> None:
        super().__init__()
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (_item(i) for i in self.items)


def _inventory(report: Report, files: str | None) -> tuple[dict[str, Any], bool]:
    """The ``inventory`` object, and whether it is a summary."""
    inv = report.inventory
    items = inv.items if inv is not None else ()
    head: dict[str, Any] = {
        "files": len(items),
        "roles": dict(sorted(Counter(str(i.role) for i in items).items())),
    }
    if listing.resolve(files, len(items)) == listing.ALL:
        listed = _Listing(items) if len(items) > STREAM_ABOVE else [_item(i) for i in items]
        return {**head, "items": listed}, False
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
    if isinstance(items, _Listing):
        doc["inventory"]["items"] = list(iter(items))
    return doc


def write_json(
    report: Report, write: Callable[[str], object], *, compact: bool = False, files: str | None = None
) -> None:
    """Encode the report through ``write``: exactly ``render_json``'s text.

    A document without a long listing is encoded whole, as ``dumps`` does. With one, an indented
    document is written a chunk of listed files at a time (``_write_indented_listing``) and a
    compact record token by token (``PIECES`` tokens a write); each piece is escaped by
    ``json_document`` as the whole text would have been.
    """
    doc = _document(report, files)
    if not isinstance(doc["inventory"]["items"], _Listing):
        if compact:
            write(dumps(doc, default=str, separators=(",", ":")))
        else:
            write(dumps(doc, indent=2, default=str) + "\n")
        return
    if not compact:
        _write_indented_listing(doc, write)
        return
    encoder = json.JSONEncoder(ensure_ascii=False, default=str, indent=None, separators=(",", ":"))
    tokens = encoder.iterencode(doc)
    while batch := list(islice(tokens, PIECES)):
        write(json_document("".join(batch)))


def _write_indented_listing(doc: dict[str, Any], write: Callable[[str], object]) -> None:
    """The indented document with its long listing written a chunk of items at a time: the rest of
    the document is encoded with a one-off placeholder item where the listing goes, split there,
    and the items encoded at the listing's depth by the same writer (``safe.indented_at``). The
    text is ``dumps(doc, indent=2)``'s, byte for byte; the standard library's pure-Python
    ``iterencode`` took 0.81 s for a 100,000-file listing, this 0.49 s (issue 14)."""
    listing: _Listing = doc["inventory"]["items"]
    if not len(listing):
        write(dumps({**doc, "inventory": {**doc["inventory"], "items": []}}, indent=2, default=str) + "\n")
        return
    placeholder = f"openness-listing-{os.urandom(16).hex()}"  # no release can plant it
    text = dumps({**doc, "inventory": {**doc["inventory"], "items": [placeholder]}}, indent=2, default=str)
    at = text.index(f'"{placeholder}"')
    head, tail = text[:at], text[at + len(placeholder) + 2 :]
    depth = 3  # the document, its "inventory" object, the "items" array
    # LISTED_PER_WRITE items at a time, encoded as one array one level up: the same text as the
    # items one by one, its brackets and their line breaks cut off (one writer call per chunk).
    opening, closing = "[\n" + "  " * depth, "\n" + "  " * (depth - 1) + "]"
    separator = ",\n" + "  " * depth
    write(head)
    chunk: list[dict[str, Any]] = []
    first = True
    for item in listing:
        chunk.append(item)
        if len(chunk) >= LISTED_PER_WRITE:
            write(_listed(chunk, depth, opening, closing, "" if first else separator))
            chunk.clear()
            first = False
    if chunk:
        write(_listed(chunk, depth, opening, closing, "" if first else separator))
    write(tail + "\n")


def _listed(chunk: list[dict[str, Any]], depth: int, opening: str, closing: str, lead: str) -> str:
    text = indented_at(chunk, 2, depth - 1, str)  # "[\n" + items + "\n" + "]", as json.dumps lays it out
    return json_document(lead + text[len(opening) : len(text) - len(closing)])


def render_json(report: Report, *, compact: bool = False, files: str | None = None) -> str:
    """The report document; ``compact`` gives one line (a JSON Lines record, as batches write).

    Strings keep the release's true text; unsafe code points in them are ``\\uXXXX`` escapes
    (``render.safe``), never raw. ``files``: ``all``, ``summary`` or None (by the release's size).
    """
    parts: list[str] = []
    write_json(report, parts.append, compact=compact, files=files)
    return "".join(parts)
