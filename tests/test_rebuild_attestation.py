"""Rebuild attestations read back as evidence: facts for the audit, checked against the release's files."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from openness.evidence.attestation import attestation_facts
from openness.inventory.classify import build_inventory
from openness.model import Fact, Inventory, Note
from openness.sources import SourceOptions
from openness.sources.local import snapshot_directory

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "tiny-open-lm"


def inventory(root: Path) -> Inventory:
    return build_inventory(snapshot_directory(str(root), SourceOptions()))


def rebuild_facts(root: Path) -> list[Fact]:
    return [x for x in attestation_facts(inventory(root)) if isinstance(x, Fact) and x.key == "rebuild"]


def copy_example(tmp_path: Path) -> Path:
    dst = tmp_path / "release"
    shutil.copytree(EXAMPLE, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def test_the_examples_attestation_is_a_verified_identical_rebuild() -> None:
    got = attestation_facts(inventory(EXAMPLE))
    (fact,) = [x for x in got if isinstance(x, Fact) and x.key == "rebuild"]
    assert fact.value["result"] == "identical" and fact.value["mode"] == "full"
    subjects = {s["name"]: s for s in fact.value["subjects"]}
    assert subjects["model.safetensors"]["matches"] is True
    assert set(subjects) >= {"checkpoints/step-200.safetensors", "checkpoints/step-400.safetensors"}
    assert fact.location.path == "rebuild-attestation.json" and fact.location.key == "predicate.result"
    assert fact.location.lines is not None
    assert fact.value["environment"]["python"].startswith("3.11")
    # The verified rebuild ties the weights to the exact bytes of the training script it ran.
    (version,) = [x for x in got if isinstance(x, Fact) and x.key == "training_script_version"]
    assert version.value.startswith("train.py@sha256:") and version.location == fact.location


def test_attestation_about_other_weights_is_unverified(tmp_path: Path) -> None:
    release = copy_example(tmp_path)
    data = bytearray((release / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (release / "model.safetensors").write_bytes(bytes(data))
    got = attestation_facts(inventory(release))
    (fact,) = [x for x in got if isinstance(x, Fact)]  # no script version from an unverified rebuild
    assert fact.value["result"] == "unverified" and fact.value["attested_result"] == "identical"
    bad = [s["name"] for s in fact.value["subjects"] if s["matches"] is False]
    assert bad == ["model.safetensors"]


def test_missing_subject_is_unverified(tmp_path: Path) -> None:
    release = copy_example(tmp_path)
    (release / "checkpoints" / "step-200.safetensors").unlink()
    (fact,) = rebuild_facts(release)
    assert fact.value["result"] == "unverified"


def test_malformed_and_foreign_attestations_become_notes(tmp_path: Path) -> None:
    (tmp_path / "weights.safetensors").write_bytes(b"x")
    (tmp_path / "rebuild-attestation.json").write_text("{not json")
    slsa = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "weights.safetensors", "digest": {"sha256": "0" * 64}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {},
    }
    (tmp_path / "build.intoto.json").write_text(json.dumps(slsa))
    got = attestation_facts(inventory(tmp_path))
    assert all(isinstance(x, Note) for x in got) and len(got) == 2
    messages = sorted(x.message for x in got if isinstance(x, Note))
    assert messages[0].startswith("build.intoto.json: attestation of type 'https://slsa.dev/provenance/v1'")
    assert messages[1] == "rebuild-attestation.json: not valid JSON"


def test_dsse_envelope_is_unwrapped(tmp_path: Path) -> None:
    release = copy_example(tmp_path)
    statement = (release / "rebuild-attestation.json").read_bytes()
    envelope = {
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64.b64encode(statement).decode(),
        "signatures": [{"keyid": "k", "sig": "c2ln"}],
    }
    (release / "rebuild-attestation.json").unlink()
    (release / "rebuild.intoto.json").write_text(json.dumps(envelope))
    (fact,) = rebuild_facts(release)
    assert fact.value["result"] == "identical" and fact.value["signed"] is True


def test_audit_evidence_carries_the_rebuild_fact() -> None:
    from openness.evidence.builder import build_evidence

    evidence = build_evidence(inventory(EXAMPLE))
    (fact,) = evidence.facts_for("rebuild")
    assert fact.value["result"] == "identical"
