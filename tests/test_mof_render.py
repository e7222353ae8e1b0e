"""MOF YAML output: valid against MOT's schema, and a record round-trips with the same class
and progress; end to end through the CLI for a MOF YAML target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from openness.frameworks import mof
from openness.frameworks.mof_evaluator import evaluate
from openness.model import (
    AppliedLicense,
    Component,
    ComponentEvidence,
    Evidence,
    LicenseKind,
    LicenseMatch,
    LicenseResult,
    Location,
    Report,
    Status,
)
from openness.render.mof import render_mof


def _report(evidence: Evidence, target: str = "model.yml") -> Report:
    return Report(target, "mof-yaml", evidence, None, {"mof": mof.assess(evidence)})


def _schema_check(mot_dir: Path, document: dict[str, Any]) -> None:
    schema = json.loads((mot_dir / "config" / "mof_schema.json").read_text(encoding="utf-8"))
    try:
        import jsonschema
    except ImportError:  # the required keys, at least
        assert set(schema["required"]) <= set(document)
        assert set(schema["properties"]["release"]["required"]) <= set(document["release"])
        return
    jsonschema.validate(document, schema)


def test_every_mot_record_round_trips(mot_dir: Path) -> None:
    paths = sorted((mot_dir / "models").glob("*.yml"))
    assert paths
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = yaml.safe_load(render_mof(_report(Evidence(str(path), {}, declared=doc))))
        assert out == doc, path.name
        before, after = evaluate(doc["release"]), evaluate(out["release"])
        assert (after.classification, after.progress) == (before.classification, before.progress)


def test_output_is_valid_against_mot_schema(mot_dir: Path) -> None:
    doc = yaml.safe_load((mot_dir / "models" / "Pythia-70M.yml").read_text(encoding="utf-8"))
    text = render_mof(_report(Evidence("Pythia-70M.yml", {}, declared=doc)))
    assert text.startswith("# MOF record of") and "Class I - Open Science Model" in text.splitlines()[1]
    _schema_check(mot_dir, yaml.safe_load(text))


def _applied(spdx: str, path: str) -> AppliedLicense:
    loc = Location(path=path)
    match = LicenseMatch(spdx, spdx, 1.0, "spdx", osi_approved=True)
    return AppliedLicense(LicenseResult(loc, LicenseKind.LICENSE, (match,), expression=spdx), True, "test")


def test_record_from_artifacts(mot_dir: Path) -> None:
    apache = _applied("Apache-2.0", "LICENSE")
    components = {
        Component.MODEL_ARCHITECTURE: ComponentEvidence(
            Component.MODEL_ARCHITECTURE, Status.PRESENT, (Location(path="modeling.py"),), (apache,)
        ),
        Component.PARAMETERS_FINAL: ComponentEvidence(
            Component.PARAMETERS_FINAL, Status.PARTIAL, (Location(path="model.safetensors"),), (apache,)
        ),
        Component.MODEL_CARD: ComponentEvidence(
            Component.MODEL_CARD, Status.PRESENT, (Location(path="README.md"),)
        ),
        Component.DATASETS: ComponentEvidence(Component.DATASETS, Status.ABSENT),
    }
    evidence = Evidence("/releases/tiny-model", components, card={"license": "apache-2.0"})
    text = render_mof(_report(evidence, "/releases/tiny-model"))
    doc = yaml.safe_load(text)
    _schema_check(mot_dir, doc)
    release = doc["release"]
    assert release["name"] == "tiny-model"
    assert release["license"] == {"distribution": {"name": "Apache-2.0", "path": ""}}
    entries = {c["name"]: c for c in release["components"]}
    assert set(entries) == {"Model architecture", "Model parameters (Final)", "Model card"}
    assert entries["Model architecture"] == {
        "name": "Model architecture",
        "license": "Apache-2.0",
        "component_path": "modeling.py",
        "license_path": "LICENSE",
    }
    assert entries["Model card"]["license"] == "unlicensed"
    # the written record reads as the assessment did
    assessed = mof.assess(evidence)
    reread = mof.assess(Evidence("x.yml", {}, declared=doc))
    assert reread.extra["class"] == assessed.extra["class"]
    assert reread.extra["progress"] == assessed.extra["progress"]


def test_cli_audit_of_a_mof_record(mot_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        from openness.cli import main
    except ImportError as exc:  # pragma: no cover - only while the pipeline is being assembled
        pytest.fail(f"CLI not importable: {exc}")
    record = mot_dir / "models" / "Pythia-70M.yml"
    assert main(["audit", str(record), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assessment = report["assessments"]["mof"]
    assert assessment["status"] == "class-1"
    assert assessment["class"] == 1
    assert assessment["progress"] == {"1": 100.0, "2": 100.0, "3": 100.0}
    assert len(assessment["criteria"]) == 17
    # --format mof writes a record that reads the same when audited again
    out = tmp_path / "again.yml"
    assert main(["audit", str(record), "--framework", "mof", "--format", "mof", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["audit", str(out), "--framework", "mof", "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)["assessments"]["mof"]
    assert (again["class"], again["progress"]) == (1, assessment["progress"])


def test_cli_reports_a_broken_record_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openness.cli import main

    bad = tmp_path / "bad.yml"
    bad.write_text("framework: {name: Model Openness Framework}\nrelease: {name: x}\n", encoding="utf-8")
    assert main(["audit", str(bad), "--framework", "mof"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "release.producer" in err and "release.components" in err


def test_directory_release_to_mof_record(mot_dir: Path, tmp_path: Path) -> None:
    """A release built in tmp_path: the record written reads as the assessment did."""
    from openness.pipeline import audit

    root = tmp_path / "tiny-model"
    root.mkdir()
    (root / "README.md").write_text(
        "---\nlicense: mit\n---\n# tiny-model\n\nA small model. Evaluation results: 42 on a benchmark.\n",
        encoding="utf-8",
    )
    (root / "modeling_tiny.py").write_text("import torch\n\nclass TinyModel(torch.nn.Module):\n    pass\n")
    (root / "train.py").write_text("from modeling_tiny import TinyModel\n\ndef main():\n    TinyModel()\n")
    (root / "config.json").write_text('{"model_type": "tiny", "hidden_size": 8}\n')
    report = audit(str(root), frameworks=["mof"])
    assessment = report.assessments["mof"]
    assert assessment.status in ("unclassified", "class-3", "class-2", "class-1")
    assert len(assessment.criteria) == 17
    doc = yaml.safe_load(render_mof(report))
    _schema_check(mot_dir, doc)
    assert doc["release"]["name"] == "tiny-model"
    reread = mof.assess(Evidence("again.yml", {}, declared=doc))
    assert (reread.extra["class"], reread.extra["progress"]) == (
        assessment.extra["class"],
        assessment.extra["progress"],
    )
