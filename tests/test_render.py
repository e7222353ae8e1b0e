"""Renderers on a report built by hand: every format, its schema, its evidence."""

from __future__ import annotations

import json

import pytest

from openness import SCHEMA_VERSION
from openness.model import (
    AppliedLicense,
    Assessment,
    Classified,
    Component,
    ComponentEvidence,
    Criterion,
    Evidence,
    FileEntry,
    Finding,
    FindingKind,
    Inventory,
    LicenseKind,
    LicenseMatch,
    LicenseResult,
    Location,
    Outcome,
    Report,
    Role,
    Severity,
    Snapshot,
    Status,
    WeightFormat,
    WeightsInfo,
)
from openness.render import RENDERERS, render

SHA = "a" * 64


def _report() -> Report:
    lic = LicenseResult(
        Location("LICENSE", (1, 202)),
        LicenseKind.LICENSE,
        (LicenseMatch("Apache-2.0", "Apache License 2.0", 1.0, "spdx", osi_approved=True),),
        expression="Apache-2.0",
    )
    applied = AppliedLicense(lic, True, "repository-wide LICENSE")
    weights = FileEntry("model.safetensors", 4096, sha256=SHA)
    inv = Inventory(
        Snapshot("rel", "local", (weights,)),
        (
            Classified(
                weights,
                Role.WEIGHTS,
                weights=WeightsInfo(WeightFormat.SAFETENSORS, parameters=1000, dtypes={"F32": 1000}),
            ),
        ),
    )
    evidence = Evidence(
        target="rel",
        components={
            Component.PARAMETERS_FINAL: ComponentEvidence(
                Component.PARAMETERS_FINAL, Status.PRESENT, (Location("model.safetensors"),), (applied,)
            ),
            Component.TRAINING_CODE: ComponentEvidence(Component.TRAINING_CODE, Status.ABSENT),
        },
        licenses=(lic,),
        datasets=({"id": "acme/corpus", "license": "cc-by-4.0"},),
    )
    osaid = Assessment(
        "osaid",
        "OSI Open Source AI Definition",
        "1.0",
        "not-open-source-ai",
        (
            Criterion("parameters", "Parameters", Outcome.PASS, "weights under Apache-2.0",
                      (Location("model.safetensors"), Location("LICENSE", (1, 202)))),
            Criterion("training-code", "Training code", Outcome.FAIL, "no training code found",
                      fix="publish the training code under an OSI-approved licence"),
        ),
        fixes=("publish the training code under an OSI-approved licence",),
    )
    mof = Assessment("mof", "Model Openness Framework", "1.0", "unclassified", (),
                     extra={"class": 0, "progress": {"1": 20.0, "2": 40.0, "3": 83.33}})
    where = (Location("README.md", (3, 3)),)
    finding = Finding(FindingKind.OPEN_WASHING, Severity.HIGH, "calls itself open source", where)
    return Report("rel", "local", evidence, inv, {"osaid": osaid, "mof": mof}, (finding,))


def test_json_is_versioned_and_carries_evidence() -> None:
    doc = json.loads(render(_report(), "json"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tool"]["name"] == "openness"
    assert doc["assessments"]["osaid"]["status"] == "not-open-source-ai"
    crit = doc["assessments"]["osaid"]["criteria"][0]
    assert crit["evidence"][1] == {"path": "LICENSE", "lines": [1, 202]}
    assert doc["assessments"]["mof"]["class"] == 0
    assert doc["inventory"]["roles"] == {"weights": 1}
    assert doc["inventory"]["items"][0]["weights"]["parameters"] == 1000
    assert doc["findings"][0]["locations"][0]["lines"] == [3, 3]


def test_text_report_starts_with_verdicts_then_details() -> None:
    out = render(_report(), "text")
    assert "NOT-OPEN-SOURCE-AI" in out
    assert "no training code found" in out
    assert "LICENSE:1-202" in out
    assert "What would have to change" in out
    assert out.index("Verdicts") < out.index("NOT-OPEN-SOURCE-AI") < out.index("Findings")
    assert "\x1b[" not in out  # no colour unless asked
    summary = render(_report(), "text", summary=True)
    assert "Verdicts" in summary and "Findings" not in summary and "What would have to change" not in summary


def test_text_report_colour_on_request() -> None:
    from openness.render.text import render_text

    assert "\x1b[" in render_text(_report(), color=True)


def test_markdown_has_table_and_fixes() -> None:
    out = render(_report(), "markdown")
    assert "| osaid | **not-open-source-ai** |" in out
    assert "| mof | **Unclassified** | C3:83% C2:40% C1:20% |" in out
    assert "1. publish the training code" in out


def test_cyclonedx_is_valid_ml_bom() -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    out = render(_report(), "cyclonedx")
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(out)
    assert errors is None, errors
    doc = json.loads(out)
    assert doc["metadata"]["component"]["type"] == "machine-learning-model"
    assert doc["metadata"]["component"]["licenses"][0]["license"]["id"] == "Apache-2.0"
    props = {p["name"]: p["value"] for p in doc["metadata"]["component"]["properties"]}
    assert props["openness:osaid:status"] == "not-open-source-ai"
    kinds = {c["type"] for c in doc["components"]}
    assert kinds == {"file", "data"}
    weights = next(c for c in doc["components"] if c["type"] == "file")
    assert weights["hashes"][0]["content"] == SHA


def test_spdx3_has_ai_package_license_and_dataset() -> None:
    doc = json.loads(render(_report(), "spdx3"))
    assert doc["@context"].startswith("https://spdx.org/rdf/3.0.1/")
    by_type: dict[str, list[dict[str, object]]] = {}
    for node in doc["@graph"]:
        by_type.setdefault(str(node["type"]), []).append(node)
    assert by_type["ai_AIPackage"][0]["name"] == "rel"
    exprs = {n["simplelicensing_licenseExpression"] for n in by_type["simplelicensing_LicenseExpression"]}
    assert exprs == {"Apache-2.0", "CC-BY-4.0"}
    assert {r["relationshipType"] for r in by_type["Relationship"]} >= {"hasDeclaredLicense", "trainedOn"}


@pytest.mark.parametrize("fmt", sorted(set(RENDERERS) - {"mof"}))
def test_every_format_renders(fmt: str) -> None:
    assert render(_report(), fmt).strip()
