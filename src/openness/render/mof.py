"""MOF YAML output: the record a release amounts to, in the form MOT loads (``mof_schema.json``).

A MOF YAML target is written back as it was read (framework block and release), so a record
round-trips with the same class and progress. A release inspected from its artifacts becomes
a record listing every component seen with the licence its evidence carries, the same record
the ``mof`` framework evaluated; the global ``distribution`` licence is the card's licence,
informational only since every listed component carries its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from openness import __version__
from openness.frameworks import mof_catalog as cat
from openness.frameworks.mof_evaluator import evaluate
from openness.frameworks.mof_record import plain_reading, record_for, release_of
from openness.model import ClaimKind, Report
from openness.render.safe import clean, yaml_dump

FRAMEWORK_BLOCK = {"name": cat.FRAMEWORK_NAME, "version": cat.FRAMEWORK_VERSION, "date": cat.FRAMEWORK_DATE}


def render_mof(report: Report) -> str:
    evidence = report.evidence
    if evidence.declared:
        document = _declared_document(evidence.declared)
    else:
        document = {"framework": dict(FRAMEWORK_BLOCK), "release": _artifact_release(report)}
    result = evaluate(document["release"])
    progress = ", ".join(f"Class {cat.ROMAN[c]} {result.progress[c]:.0f}%" for c in (3, 2, 1))
    header = (
        f"# MOF record of {clean(report.target)}, written by openness {__version__}\n"
        f"# As MOT evaluates it: {clean(result.label)} ({progress})\n"
    )
    # Release strings holding control or bidi characters come out double-quoted and escaped.
    body = yaml_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return header + body


def _declared_document(declared: Mapping[str, Any]) -> dict[str, Any]:
    framework = declared.get("framework")
    return {
        "framework": dict(framework) if isinstance(framework, Mapping) else dict(FRAMEWORK_BLOCK),
        "release": _plain(release_of(declared)),
    }


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the parsed document may hold other Mapping types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _artifact_release(report: Report) -> dict[str, Any]:
    record = record_for(report.evidence)
    hub = report.inventory.snapshot.hub if report.inventory is not None else None
    name = hub.repo_id.split("/")[-1] if hub else PurePosixPath(report.target.rstrip("/")).name
    producer = hub.repo_id.split("/")[0] if hub and "/" in hub.repo_id else ""
    release: dict[str, Any] = {"name": name or report.target, "producer": producer}
    if hub:
        release["huggingface"] = f"https://huggingface.co/{hub.repo_id}"
    distribution = _card_license(report)
    release["license"] = {"distribution": {"name": distribution, "path": ""}} if distribution else {}
    release["components"] = [dict(c) for c in record.release.get("components", [])]
    return release


def _card_license(report: Report) -> str | None:
    """The licence the card or hub declares for the whole release, as an SPDX id when plain."""
    value = report.evidence.card.get("license")
    if not isinstance(value, str) or not value.strip():
        for claim in report.evidence.claims:
            if claim.kind == ClaimKind.LICENSE_FIELD and claim.value.strip():
                value = claim.value
                break
        else:
            return None
    return plain_reading(value) or value
