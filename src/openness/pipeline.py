"""The audit pipeline: target -> sources -> inventory -> evidence -> frameworks -> Report."""

from __future__ import annotations

import time
from collections.abc import Sequence

from openness.evidence import build_evidence
from openness.frameworks import assess_all
from openness.frameworks.findings import find
from openness.inventory import build_inventory
from openness.model import Report
from openness.sources import SourceOptions, open_target
from openness.sources.merge import merge_snapshots


def audit(
    target: str,
    *,
    frameworks: Sequence[str] | None = None,
    options: SourceOptions | None = None,
    also: Sequence[str] = (),
) -> Report:
    """Audit one release (optionally spread over several places) and return the report."""
    start = time.perf_counter()
    options = options or SourceOptions()
    snapshot = open_target(target, options)
    if also:
        snapshot = merge_snapshots([snapshot, *(open_target(t, options) for t in also)])
    inventory = build_inventory(snapshot)
    evidence = build_evidence(inventory)
    assessments = assess_all(evidence, frameworks)
    findings = find(evidence, assessments)
    return Report(
        target=target,
        source_kind=snapshot.kind,
        evidence=evidence,
        inventory=inventory,
        assessments=assessments,
        findings=findings,
        notes=tuple(snapshot.notes) + tuple(inventory.notes) + tuple(evidence.notes),
        elapsed_seconds=time.perf_counter() - start,
    )
