"""Reproducibility: each factor from its components and facts, the score, and the status."""

from __future__ import annotations

import pytest

from openness.frameworks import reproducibility
from openness.model import Assessment, Component, Criterion, Evidence, Fact, Location, Outcome, Status
from test_frameworks_support import comp, evidence, fact, fully_open, weights_only


def crit(a: Assessment, cid: str) -> Criterion:
    return next(c for c in a.criteria if c.id == cid)


def with_facts(ev: Evidence, *facts: Fact) -> Evidence:
    return evidence(*ev.components.values(), facts=(*ev.facts, *facts))


def test_ten_factors() -> None:
    a = reproducibility.assess(evidence())
    assert [c.id for c in a.criteria] == list(reproducibility.FACTORS)
    assert len(a.criteria) == 10


@pytest.mark.parametrize(
    ("component", "factor"),
    [
        (Component.DATASETS, "training-data"),
        (Component.MODEL_ARCHITECTURE, "architecture"),
        (Component.HYPERPARAMETERS, "hyperparameters"),
        (Component.ENVIRONMENT, "library-versions"),
        (Component.RANDOM_SEEDS, "random-seeds"),
    ],
)
@pytest.mark.parametrize("status", list(Status))
def test_component_factors_follow_their_status(component: Component, factor: str, status: Status) -> None:
    c = crit(reproducibility.assess(evidence(comp(component, status))), factor)
    assert c.value == str(status)
    if status in (Status.PRESENT, Status.PARTIAL):
        assert c.evidence[0].path == f"{component}/file"
    assert (c.fix is None) == (status is Status.PRESENT)


def test_facts_decide_pins_and_seeds() -> None:
    ev = evidence(
        comp(Component.ENVIRONMENT, Status.PRESENT, path="requirements.txt"),
        facts=(
            fact("pinned_dependencies", {"pinned": 3, "total": 5}, "requirements.txt"),
            fact("random_seed", 0, "train.py", 12),
        ),
    )
    a = reproducibility.assess(ev)
    assert crit(a, "library-versions").value == "partial"
    seeds = crit(a, "random-seeds")
    assert seeds.value == "present"  # a seed of 0 is a seed
    assert Location("train.py", (12, 12)) in seeds.evidence
    unpinned = evidence(facts=(fact("pinned_dependencies", False, "requirements.txt"),))
    assert crit(reproducibility.assess(unpinned), "library-versions").value == "absent"


def test_script_version() -> None:
    code = comp(Component.TRAINING_CODE, path="train.py")
    assert crit(reproducibility.assess(evidence(code)), "training-script-version").value == "partial"
    pinned = evidence(code, facts=(fact("training_script_version", "3f2a9c1", "README.md", 3),))
    c = crit(reproducibility.assess(pinned), "training-script-version")
    assert c.value == "present" and "3f2a9c1" in c.detail
    assert crit(reproducibility.assess(evidence()), "training-script-version").value == "absent"


def test_labels_hardware_container_documentation() -> None:
    a = reproducibility.assess(evidence(comp(Component.DATA_INFORMATION)))
    assert crit(a, "labels").value == "present"
    assert crit(reproducibility.assess(evidence(comp(Component.DATASETS))), "labels").value == "partial"
    hw = reproducibility.assess(evidence(facts=(fact("hardware", "A100", "README.md", 7),)))
    assert crit(hw, "hardware").value == "present"
    assert crit(reproducibility.assess(evidence()), "hardware").value == "absent"
    assert crit(reproducibility.assess(evidence(default=Status.UNKNOWN)), "hardware").value == "unknown"
    env_only = reproducibility.assess(evidence(comp(Component.ENVIRONMENT)))
    assert crit(env_only, "os-container").value == "partial"
    docker = reproducibility.assess(evidence(comp(Component.CONTAINER_RECIPE, path="Dockerfile")))
    assert crit(docker, "os-container").value == "present"
    card = reproducibility.assess(evidence(comp(Component.MODEL_CARD)))
    assert crit(card, "documentation").value == "partial"
    both = reproducibility.assess(evidence(comp(Component.MODEL_CARD), comp(Component.TECHNICAL_REPORT)))
    assert crit(both, "documentation").value == "present"


def test_fully_open_release_is_rebuildable_with_full_score() -> None:
    a = reproducibility.assess(fully_open())
    assert a.status == "rebuildable"
    assert a.score == 1.0
    assert a.extra["factors"]["training-data"] == "present"


def test_score_is_the_mean() -> None:
    a = reproducibility.assess(weights_only())
    points = {"present": 1.0, "partial": 0.5, "absent": 0.0, "unknown": 0.0}
    assert a.score == round(sum(points[c.value] for c in a.criteria) / 10, 3)
    assert a.status == "not-reproducible"  # no data, no training code


def test_rebuild_attestation_verifies_or_refutes() -> None:
    ok = reproducibility.assess(
        with_facts(fully_open(), fact("rebuild", {"result": "identical"}, "att.json"))
    )
    assert ok.status == "reproducible-verified"
    assert crit(ok, "rebuild").outcome is Outcome.PASS
    tol = reproducibility.assess(with_facts(weights_only(), fact("rebuild", "within-tolerance", "att.json")))
    assert tol.status == "reproducible-verified"
    bad = reproducibility.assess(
        with_facts(fully_open(), fact("rebuild", {"result": "diverged"}, "att.json"))
    )
    assert bad.status == "not-reproducible"
    assert crit(bad, "rebuild").fix


def test_partially_documented_and_insufficient() -> None:
    some = evidence(
        comp(Component.DATASETS),
        comp(Component.TRAINING_CODE),
        comp(Component.MODEL_ARCHITECTURE),
        comp(Component.HYPERPARAMETERS, Status.PARTIAL),
    )
    a = reproducibility.assess(some)
    assert a.status == "partially-documented"
    assert "hyperparameters" in a.summary and "library-versions" in a.summary
    unknown = evidence(comp(Component.DATASETS), comp(Component.TRAINING_CODE), default=Status.UNKNOWN)
    assert reproducibility.assess(unknown).status == "insufficient-evidence"


def test_segment_and_unverified_rebuilds_do_not_verify() -> None:
    segment = {"result": "identical", "mode": "segment"}
    a = reproducibility.assess(with_facts(fully_open(), fact("rebuild", segment, "att.json")))
    assert a.status == "rebuildable"  # from the factors: a segment checks only a stretch of training
    assert crit(a, "rebuild").outcome is Outcome.PARTIAL
    unverified = {"result": "unverified", "attested_result": "identical", "mode": "full"}
    b = reproducibility.assess(with_facts(fully_open(), fact("rebuild", unverified, "att.json")))
    assert b.status == "rebuildable"
    c = crit(b, "rebuild")
    assert c.outcome is Outcome.FAIL and c.fix and "subjects" in c.fix


def test_pins_are_counted_over_every_manifest() -> None:
    def pins(*values: dict[str, object]) -> str:
        facts = [fact("pinned_dependencies", v, str(v.get("file"))) for v in values]
        return str(crit(reproducibility.assess(evidence(facts=facts)), "library-versions").value)

    req = {"file": "requirements.txt", "lock": False, "pinned": 3, "total": 3}
    loose = {"file": "dev.txt", "lock": False, "pinned": 0, "total": 4}
    lock = {"file": "uv.lock", "lock": True, "pinned": None, "total": None}
    assert pins(req) == "present"
    assert pins(req, loose) == "partial"
    assert pins(loose) == "absent"
    assert pins(loose, lock) == "present"
