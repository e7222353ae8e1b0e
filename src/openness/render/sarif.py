"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs).

One result per failed policy rule (``--policy``, ``--fail-unless``) and one per finding, each with
the file and lines it rests on. Paths are relative to the audited release (``uriBaseId``
``RELEASE``) and percent-encoded, so a hostile file name is a harmless URI; a location that is not
a file of the release (a card key, a hub field, a URL, a licence's reference text) becomes a logical
location with its name. Validated against the OASIS schema in tests (tests/data/sarif).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from openness import __version__
from openness.model import Finding, Location, Report
from openness.render.safe import dumps

if TYPE_CHECKING:
    from openness.policy import Failure

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE = "RELEASE"
MAX_LOCATIONS = 10  # locations per result: enough to find the evidence, bounded for huge releases
# A finding's severity as a SARIF level; a failed policy rule is an error, an unknown one a warning.
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}

_RULE_TEXT = {
    "frameworks": "The release must reach the level the policy requires under this framework.",
    "licenses": "Every licence of the release must satisfy the policy's licence lists.",
    "restrictions": "No licence of the release may carry a clause of a forbidden kind.",
}


def _is_file(path: str) -> bool:
    return "://" not in path and not path.startswith(("license-ref:", "/")) and ".." not in path.split("/")


def _location(loc: Location) -> dict[str, Any]:
    if loc.path and _is_file(loc.path):
        physical: dict[str, Any] = {"artifactLocation": {"uri": quote(loc.path, safe="/"), "uriBaseId": BASE}}
        if loc.lines:
            start, end = loc.lines
            if start >= 1:
                physical["region"] = {"startLine": start, "endLine": max(start, end)}
        out: dict[str, Any] = {"physicalLocation": physical}
        if loc.key:
            out["logicalLocations"] = [{"name": loc.key, "kind": "member"}]
        return out
    name = " ".join(x for x in (loc.path, loc.key) if x) or str(loc)
    return {"logicalLocations": [{"name": name, "kind": "resource" if loc.path else "member"}]}


def _locations(locs: Iterable[Location]) -> list[dict[str, Any]]:
    return [_location(loc) for loc in list(locs)[:MAX_LOCATIONS]]


def _rule(rule_id: str, text: str, level: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": rule_id.replace("/", "-").replace(".", "-"),
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": level},
    }


def render_sarif(report: Report, *, failures: Sequence[Failure] = ()) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []

    def add(rule_id: str, text: str, level: str, message: str, locs: Iterable[Location],
            props: dict[str, Any]) -> None:
        if rule_id not in rules:
            rules[rule_id] = _rule(rule_id, text, level)
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": list(rules).index(rule_id),
            "level": level,
            "message": {"text": message},
            "properties": props,
        }
        where = _locations(locs)
        if where:
            result["locations"] = where
        results.append(result)

    for f in failures:
        section = f.rule.split(".", 1)[0]
        level = "warning" if f.unknown else "error"
        add(f"policy/{f.rule}", _RULE_TEXT.get(section, "A policy rule."), level,
            f"policy failed: {f.message()}", f.locations,
            {"found": f.found, "required": f.wanted, "notEstablished": f.unknown})
    for finding in report.findings:
        _finding(add, finding)

    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "openness",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "originalUriBaseIds": {
                    BASE: {"description": {"text": f"the audited release: {report.target}"}}
                },
                "invocations": [{"executionSuccessful": True}],
                "results": results,
                "properties": {
                    "target": report.target,
                    "verdicts": {fid: a.status for fid, a in report.assessments.items()},
                },
            }
        ],
    }
    return dumps(doc, indent=2) + "\n"


def _finding(add: Any, finding: Finding) -> None:
    level = LEVELS.get(finding.severity, "warning")
    add(f"finding/{finding.kind}", f"openness finding: {finding.kind}", level, finding.message,
        finding.locations, {"severity": finding.severity})
