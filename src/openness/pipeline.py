"""The audit pipeline: target -> sources -> inventory -> evidence -> frameworks -> Report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from openness.errors import SourceError
from openness.evidence import build_evidence
from openness.evidence.elsewhere import follow_targets
from openness.frameworks import assess_all
from openness.frameworks.findings import find
from openness.inventory import build_inventory
from openness.model import Note, Report, Snapshot, SourceKind
from openness.sources import SourceOptions, open_target
from openness.sources.merge import merge_snapshots, open_followed


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
    snapshot = _auditable(open_target(target, options))
    if also:
        snapshot = merge_snapshots([snapshot, *(_auditable(open_target(t, options)) for t in also)])
    inventory = build_inventory(snapshot)
    evidence = build_evidence(inventory)
    follow_notes: list[Note] = []
    if _follows(snapshot, options):
        targets = follow_targets(evidence.components)
        followed, follow_notes = open_followed(targets, options)
        if followed:
            # The Hub repositories named as the release's weights are more of the same release:
            # read again with them, each file under its origin (no weights are downloaded).
            snapshot = merge_snapshots([snapshot, *followed], nest=True)
            inventory = build_inventory(snapshot)
            evidence = build_evidence(inventory)
        if follow_notes:
            evidence = replace(evidence, notes=tuple(evidence.notes) + tuple(follow_notes))
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


def _follows(snapshot: Snapshot, options: SourceOptions) -> bool:
    """``--follow`` / ``--no-follow``; by default on for git and Hub targets, off for directories."""
    if options.follow is not None:
        return options.follow
    return snapshot.kind in (SourceKind.GIT, SourceKind.HF)


def _auditable(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` unless there is nothing in it to audit (then one clear error, exit 2).

    A verdict on an empty directory would be a long report of "absent" components, as if the
    release had been read and found wanting. Nothing to audit means: no file whose content is (or
    was, for a Git LFS pointer) available, in a directory or checkout; no file at all in a Hugging
    Face cache snapshot read without a record of the full listing. A questionnaire (MOF YAML) has
    no files by design, and an online hub snapshot that lists none says so in its evidence (a
    gated or unlistable repository is unknown, not empty).
    """
    if snapshot.declared is not None:
        return snapshot
    hub = snapshot.hub
    if hub is not None:
        if not snapshot.files and hub.extra.get("source") == "cache":
            raise SourceError(f"{snapshot.target}: nothing to audit: the cached snapshot holds no files")
        return snapshot
    if not any(f.readable or f.lfs for f in snapshot.files):
        what = "no files" if not snapshot.files else "no file that could be read"
        raise SourceError(
            f"{snapshot.target}: nothing to audit: {what} (version-control, cache and environment "
            "folders are skipped; FIFOs, sockets and devices are never read)"
        )
    return snapshot
