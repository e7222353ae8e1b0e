"""The JSON report: versioned (``schema_version``), stamped, documented in docs/json-schema.md."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from openness import SCHEMA_VERSION, __version__
from openness.model import Classified, Report
from openness.render.safe import dumps


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


def report_dict(report: Report) -> dict[str, Any]:
    inv = report.inventory
    items = inv.items if inv is not None else ()
    hub = inv.snapshot.hub if inv is not None else None
    return {
        "schema_version": SCHEMA_VERSION,
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
        "inventory": {
            "files": len(items),
            "roles": dict(sorted(Counter(str(i.role) for i in items).items())),
            "items": [_item(i) for i in items],
        },
        "evidence": report.evidence.to_dict(),
        "assessments": {k: a.to_dict() for k, a in report.assessments.items()},
        "findings": [f.to_dict() for f in report.findings],
        "notes": [n.to_dict() for n in report.notes],
        "elapsed_seconds": None if report.elapsed_seconds is None else round(report.elapsed_seconds, 4),
    }


def render_json(report: Report, *, compact: bool = False) -> str:
    """The report document; ``compact`` gives one line (a JSON Lines record, as batches write).

    Strings keep the release's true text; unsafe code points in them are ``\\uXXXX`` escapes
    (``render.safe``), never raw.
    """
    if compact:
        return dumps(report_dict(report), default=str, separators=(",", ":"))
    return dumps(report_dict(report), indent=2, default=str) + "\n"
