"""The ``mof`` framework's assessment: status, class and progress, one criterion per component
with its evidence, fixes, and notes, on declared records and on evidence from artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from openness.frameworks import get, mof
from openness.frameworks.mof_record import plain_reading
from openness.model import (
    AppliedLicense,
    Component,
    ComponentEvidence,
    Evidence,
    LicenseKind,
    LicenseMatch,
    LicenseResult,
    Location,
    Outcome,
    Restriction,
    RestrictionKind,
    Status,
)

CLASS3 = ["Model architecture", "Model parameters (Final)", "Model card", "Data card", "Technical report",
          "Evaluation results"]  # fmt: skip


def declared(*components: Any, distribution: str | None = "MIT") -> Evidence:
    entries = [{"name": c[0], "license": c[1]} if isinstance(c, tuple) else {"name": c} for c in components]
    licence = {"distribution": {"name": distribution, "path": ""}} if distribution else {}
    doc = {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": {"name": "t", "producer": "p", "license": licence, "components": entries},
    }
    return Evidence(target="t.yml", components={}, declared=doc)


def by_id(assessment: Any) -> dict[str, Any]:
    return {c.id: c for c in assessment.criteria}


def test_registered_and_shaped() -> None:
    fw = get("mof")
    assert (fw.ID, fw.VERSION) == ("mof", "1.0")
    a = fw.assess(declared(*CLASS3))
    assert a.framework == "mof" and a.status == "class-3"
    assert a.extra["class"] == 3
    assert a.extra["progress"] == {"1": 0.0, "2": 60.0, "3": 100.0}
    d = a.to_dict()
    assert d["class"] == 3 and d["progress"]["3"] == 100.0 and d["label"] == "Class III - Open Model"
    assert len(a.criteria) == 17
    assert {c.id for c in a.criteria} == {c.component.value for c in mof.cat.CATALOG}


def test_each_criterion_says_included_unlicensed_invalid_or_missing() -> None:
    a = mof.assess(
        declared(
            ("Model architecture", "Apache-2.0"),
            ("Model card", "unlicensed"),
            ("Data card", "Proprietary"),
            "Training code",
            distribution=None,
        )
    )
    c = by_id(a)
    assert c["model-architecture"].outcome is Outcome.PASS
    assert c["model-architecture"].value["status"] == "included"
    assert c["model-architecture"].value["license"] == "Apache-2.0"
    assert c["model-card"].outcome is Outcome.FAIL and c["model-card"].value["status"] == "unlicensed"
    assert c["data-card"].outcome is Outcome.FAIL and c["data-card"].value["status"] == "invalid"
    assert "Proprietary" in c["data-card"].detail
    assert c["training-code"].value["status"] == "unlicensed"  # no own, no global licence
    assert c["evaluation-results"].value["status"] == "missing"
    assert c["evaluation-results"].fix and "Evaluation results" in c["evaluation-results"].fix
    assert c["sample-outputs"].outcome is Outcome.NOT_APPLICABLE
    assert a.status == "unclassified"


def test_criteria_name_their_evidence_in_the_record() -> None:
    ev = declared(("Model card", "CC-BY-4.0"), "Model architecture")
    c = by_id(mof.assess(ev))
    card = c["model-card"].evidence
    assert [loc.key for loc in card] == ["release.components[0]", "release.components[0].license"]
    assert all(loc.declared for loc in card)
    arch = c["model-architecture"].evidence
    assert [loc.key for loc in arch] == ["release.components[1]", "release.license.distribution.name"]
    assert c["model-architecture"].value["license_source"] == "global:distribution"


def test_fixes_name_what_raises_the_class() -> None:
    a = mof.assess(declared(*[n for n in CLASS3 if n != "Data card"], ("Technical report", "unlicensed")))
    assert a.status == "unclassified"
    class3 = [f for f in a.fixes if f.startswith("Class III")]
    assert len(class3) == 2
    assert any("Data card" in f for f in class3) and any("Technical report" in f for f in class3)
    assert any(f.startswith("Class II:") for f in a.fixes) and any(f.startswith("Class I:") for f in a.fixes)
    done = mof.assess(declared(*CLASS3))
    assert done.fixes and all(not f.startswith("Class III") for f in done.fixes)


def test_paper_standing_in_for_the_report() -> None:
    a = mof.assess(declared(*[n for n in CLASS3 if n != "Technical report"], "Research paper"))
    report = by_id(a)["technical-report"]
    assert a.status == "class-3"
    assert report.outcome is Outcome.PASS and report.value["status"] == "substituted:included"
    assert any("stands in" in n for n in a.notes)
    # a listed-but-unlicensed report is not asked for when an included paper stands in
    b = mof.assess(declared(*CLASS3[:-2], ("Technical report", "unlicensed"), "Research paper"))
    assert not any("Technical report" in f for f in b.fixes)


@pytest.mark.parametrize(
    ("spelling", "plain"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("apache-2.0", "Apache-2.0"),
        ("Apache license 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("MIT license", "MIT"),
        ("BSD-3", "BSD-3-Clause"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("MIT", None),  # already exact
        ("Component not included", None),
        ("Llama 2 Community License", None),  # a known licence, but no SPDX id
        ("Proprietary", None),
        ("Creative Commons Attribution Non Commercial 4.0", None),
        ("unlicensed", None),
    ],
)
def test_plain_reading(spelling: str, plain: str | None) -> None:
    assert plain_reading(spelling) == plain


def test_plain_reading_note_gives_the_other_class() -> None:
    a = mof.assess(declared(*CLASS3, distribution="Apache 2.0"))
    assert a.status == "unclassified"
    assert a.extra["plain_reading"] == {"class": 3, "progress": {"1": 0.0, "2": 60.0, "3": 100.0}}
    note = next(n for n in a.notes if "read plainly" in n)
    assert "'Apache 2.0' as Apache-2.0" in note and "Class III - Open Model" in note
    arch = by_id(a)["model-architecture"]
    assert "plainly means Apache-2.0" in arch.detail and arch.fix and "SPDX id Apache-2.0" in arch.fix
    assert any("as Apache-2.0" in f for f in a.fixes)
    same = mof.assess(declared(*CLASS3, ("Datasets", "MIT license")))
    assert "plain_reading" not in same.extra  # Datasets does not count before Class I is in reach
    assert any("would not change" in n for n in same.notes)


def test_placeholder_and_unknown_name_quirks_are_explained() -> None:
    a = mof.assess(declared(("Data card", "Component not included"), ("Model Card", "CC-BY-4.0")))
    c = by_id(a)
    assert c["data-card"].value["status"] == "invalid" and "placeholder" in c["data-card"].detail
    assert "unknown name" in c["datasets"].detail
    assert any("Datasets" in n and "'Model Card'" in n for n in a.notes)


def test_mot_record_reads_the_same(mot_dir: Path) -> None:
    doc = yaml.safe_load((mot_dir / "models" / "Pythia-70M.yml").read_text(encoding="utf-8"))
    a = mof.assess(Evidence(target="Pythia-70M.yml", components={}, declared=doc))
    assert a.status == "class-1" and a.score == 100.0
    assert all(c.outcome in (Outcome.PASS, Outcome.NOT_APPLICABLE) for c in a.criteria)
    # the declared release on its own (as the evidence stage may pass it) reads the same
    b = mof.assess(Evidence(target="Pythia-70M.yml", components={}, declared=doc["release"]))
    assert b.extra == a.extra


# --------------------------------------------------------------------------- from artifacts


def _licence(
    spdx: str, path: str = "LICENSE", *, osi: bool = True, restricted: bool = False
) -> AppliedLicense:
    loc = Location(path=path)
    clause = Restriction(RestrictionKind.FIELD_OF_USE, loc, "no military use", "field of use")
    match = LicenseMatch(spdx, spdx, 1.0, "spdx", osi_approved=osi)
    result = LicenseResult(loc, LicenseKind.LICENSE, (match,), (clause,) if restricted else (), spdx)
    return AppliedLicense(result, True, "test")


def _ev(component: Component, status: Status, *licences: AppliedLicense, path: str = "") -> ComponentEvidence:
    locs = (Location(path=path),) if path else ()
    return ComponentEvidence(component, status, locs, tuple(licences))


def artifacts(**overrides: ComponentEvidence) -> Evidence:
    apache = _licence("Apache-2.0")
    seen = {
        Component.MODEL_ARCHITECTURE: "modeling.py",
        Component.PARAMETERS_FINAL: "model.safetensors",
        Component.MODEL_CARD: "README.md",
        Component.DATA_CARD: "README.md",
        Component.TECHNICAL_REPORT: "report.pdf",
        Component.EVALUATION_RESULTS: "README.md",
    }
    base = {c: _ev(c, Status.PRESENT, apache, path=p) for c, p in seen.items()}
    base[Component.TRAINING_CODE] = _ev(Component.TRAINING_CODE, Status.ABSENT)
    base[Component.DATASETS] = _ev(Component.DATASETS, Status.UNKNOWN)
    base.update({Component[k.upper()]: v for k, v in overrides.items()})
    return Evidence(target="/tmp/release", components=base)


def test_artifacts_become_a_record_mot_would_class() -> None:
    a = mof.assess(artifacts())
    assert a.status == "class-3"
    c = by_id(a)
    assert c["model-parameters-final"].evidence[0].path == "model.safetensors"
    assert any(loc.path == "LICENSE" for loc in c["model-parameters-final"].evidence)
    assert c["training-code"].outcome is Outcome.FAIL  # absent: not listed
    assert c["datasets"].outcome is Outcome.UNKNOWN  # unknown is not a pass and not a plain fail
    assert any("artifacts" in n for n in a.notes)


def test_artifact_licences_mot_does_not_count_open() -> None:
    restricted = _licence("Apache-2.0", "LICENSE", restricted=True)
    a = mof.assess(
        artifacts(
            model_card=_ev(Component.MODEL_CARD, Status.PRESENT, restricted, path="README.md"),
            data_card=_ev(Component.DATA_CARD, Status.PRESENT, path="README.md"),
        )
    )
    c = by_id(a)
    assert c["model-card"].value["status"] == "invalid"
    assert c["model-card"].value["license"].startswith("LicenseRef-")
    assert c["data-card"].value["status"] == "unlicensed"
    assert a.status == "unclassified"


def test_a_licence_that_may_cover_a_component_counts_against_it() -> None:
    weights = _ev(
        Component.PARAMETERS_FINAL, Status.PRESENT, _licence("Apache-2.0"),
        _licence("Llama-2-Community", "LICENSE-MODEL", osi=False), path="model.safetensors",
    )  # fmt: skip
    a = mof.assess(artifacts(parameters_final=weights))
    assert by_id(a)["model-parameters-final"].value["license"] == "Llama-2-Community"
    assert a.status == "unclassified"


def test_attribution_clauses_keep_a_licence_open() -> None:
    loc = Location(path="LICENSE")
    branding = Restriction(RestrictionKind.BRANDING, loc, "keep the notice", "attribution")
    match = LicenseMatch("MIT", "MIT", 1.0, "spdx", osi_approved=True)
    applied = AppliedLicense(LicenseResult(loc, LicenseKind.LICENSE, (match,), (branding,), "MIT"), True, "t")
    a = mof.assess(artifacts(model_card=_ev(Component.MODEL_CARD, Status.PRESENT, applied, path="README.md")))
    value = by_id(a)["model-card"].value
    assert (value["status"], value["license"]) == ("included", "MIT")


def test_artifact_licence_tokens() -> None:
    restricted_llama = _licence("LicenseRef-llama-2", osi=False, restricted=True)
    modified_mit = _licence("MIT")
    match = modified_mit.license.matches[0]
    modified = AppliedLicense(
        LicenseResult(
            modified_mit.license.location,
            LicenseKind.LICENSE,
            (LicenseMatch(match.id, match.name, 0.9, "spdx", modified=True, osi_approved=True),),
        ),
        True,
        "t",
    )
    a = mof.assess(
        artifacts(
            model_card=_ev(Component.MODEL_CARD, Status.PRESENT, restricted_llama, path="README.md"),
            data_card=_ev(Component.DATA_CARD, Status.PRESENT, modified, path="README.md"),
        )
    )
    c = by_id(a)
    assert c["model-card"].value["license"] == "LicenseRef-llama-2"  # not open anyway: its own id
    assert c["data-card"].value["license"] == "LicenseRef-modified-MIT"
    assert "LICENSE" in c["data-card"].detail  # names the file the licence came from
