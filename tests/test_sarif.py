"""``--format sarif``: SARIF 2.1.0, valid against the OASIS schema, one result per failed rule or finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from openness.cli import main
from openness.model import Finding, FindingKind, Location, Report, Severity
from openness.policy import Failure
from openness.render.sarif import render_sarif

ROOT = Path(__file__).resolve().parent.parent
WASHED = ROOT / "examples" / "openwashed-lm"
OPEN = ROOT / "examples" / "tiny-open-lm"
SCHEMA_FILE = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _sarif(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["audit", *argv, "--format", "sarif"])
    return code, json.loads(capsys.readouterr().out)


def test_findings_are_results_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _sarif(capsys, str(WASHED))
    assert code == 0
    validate(doc)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "openness"
    washing = [r for r in run["results"] if r["ruleId"] == "finding/open-washing"]
    assert washing and washing[0]["level"] == "error"
    regions = [loc["physicalLocation"] for r in run["results"] for loc in r.get("locations", [])
               if "physicalLocation" in loc]
    assert any(p["artifactLocation"]["uri"] == "LICENSE" and p.get("region", {}).get("startLine")
               for p in regions)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])


def test_one_result_per_failed_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text("[frameworks]\nosaid = 'open-source-ai'\n[restrictions]\nforbidden = ['output-use']\n",
                      encoding="utf-8")
    code, doc = _sarif(capsys, str(WASHED), "--policy", str(policy))
    assert code == 1
    validate(doc)
    results = doc["runs"][0]["results"]
    policy_results = [r for r in results if r["ruleId"].startswith("policy/")]
    assert {r["ruleId"] for r in policy_results} == {
        "policy/frameworks.osaid", "policy/restrictions.forbidden"}
    clause = next(r for r in policy_results if r["ruleId"] == "policy/restrictions.forbidden")
    loc = clause["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "LICENSE", "uriBaseId": "RELEASE"}
    assert loc["region"]["startLine"] >= 1 and clause["message"]["text"].startswith("policy failed: ")


def test_clean_release_with_passing_gate_has_no_policy_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _sarif(capsys, str(OPEN), "--fail-unless", "open-source-ai")
    assert code == 0
    validate(doc)
    assert not [r for r in doc["runs"][0]["results"] if r["ruleId"].startswith("policy/")]


def test_hostile_locations_are_encoded_uris_or_logical(capsys: pytest.CaptureFixture[str]) -> None:
    from openness.pipeline import audit

    report = audit(str(OPEN))
    hostile = "\x1b[2J<script>alert(1)</script> \u202e?#%.txt"
    locs = (Location(path=hostile, lines=(3, 2)), Location(path="../../etc/passwd"),
            Location(path="https://x.test/a b"), Location(key="card:license"), Location(path="license-ref:x"),
            Location(path="a.txt", lines=(0, 0)))
    washing = Finding(FindingKind.OPEN_WASHING, Severity.HIGH, hostile, locs)
    report = Report(**{**report.__dict__, "findings": (washing,)})
    failure = Failure("licenses.allowed", hostile, "a licence on the allowed list", locs, unknown=True)
    text = render_sarif(report, failures=[failure])
    for bad in ("\x1b", "\u202e", "<script"):
        assert bad not in text
    doc = json.loads(text)
    validate(doc)
    for result in doc["runs"][0]["results"]:
        phys = [loc["physicalLocation"] for loc in result["locations"] if "physicalLocation" in loc]
        assert [p["artifactLocation"]["uri"] for p in phys] == [
            "%1B%5B2J%3Cscript%3Ealert%281%29%3C/script%3E%20%E2%80%AE%3F%23%25.txt", "a.txt"]
        assert phys[0]["region"] == {"startLine": 3, "endLine": 3} and "region" not in phys[1]
        logical = [loc["logicalLocations"][0]["name"] for loc in result["locations"]
                   if "physicalLocation" not in loc]
        assert logical == ["../../etc/passwd", "https://x.test/a b", "card:license", "license-ref:x"]
    assert doc["runs"][0]["results"][0]["level"] == "warning"  # not established: a warning, not an error


def test_sarif_is_registered_and_batchable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openness.render import RENDERERS

    assert "sarif" in RENDERERS
    batch = tmp_path / "b.txt"
    batch.write_text(f"{WASHED}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["audit", "--from-file", str(batch), "--format", "sarif", "--output-dir", str(out)]) == 0
    (only,) = out.iterdir()
    assert only.name.endswith(".sarif")
    validate(json.loads(only.read_text(encoding="utf-8")))
