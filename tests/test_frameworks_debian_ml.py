"""Debian ML-Policy: Free / ToxicCandy / Non-free, criterion by criterion."""

from __future__ import annotations

from openness.frameworks import debian_ml
from openness.model import Assessment, Component, Criterion, Location, Outcome, RestrictionKind, Status
from test_frameworks_support import (
    comp,
    evidence,
    fact,
    fully_open,
    rail_release,
    restricted,
    spdx,
    unidentified,
    weights_only,
)


def crit(a: Assessment, cid: str) -> Criterion:
    return next(c for c in a.criteria if c.id == cid)


def test_fully_open_release_is_a_free_model() -> None:
    a = debian_ml.assess(fully_open())
    assert a.status == "free-model"
    assert [c.outcome for c in a.criteria[:3]] == [Outcome.PASS] * 3
    assert crit(a, "model-license").value == ["Apache-2.0"]
    assert not a.fixes


def test_rail_licence_is_non_free_whatever_else_is_open() -> None:
    a = debian_ml.assess(rail_release())
    assert a.status == "non-free-model"
    c = crit(a, "model-license")
    assert c.outcome is Outcome.FAIL
    assert "field-of-use" in c.detail
    assert Location("LICENSE", (20, 24)) in c.evidence
    assert c.fix


def test_user_cap_and_output_use_are_non_free() -> None:
    for kind in (RestrictionKind.USER_THRESHOLD, RestrictionKind.OUTPUT_USE, RestrictionKind.NON_COMMERCIAL):
        ev = evidence(comp(Component.PARAMETERS_FINAL, Status.PRESENT, restricted("LicenseRef-X", (kind,))))
        assert debian_ml.assess(ev).status == "non-free-model", kind


def test_free_weights_without_data_or_program_is_toxic_candy() -> None:
    a = debian_ml.assess(weights_only("Apache-2.0"))
    assert a.status == "toxiccandy-model"
    assert crit(a, "training-data").outcome is Outcome.FAIL
    assert crit(a, "training-program").outcome is Outcome.FAIL
    assert "training-data" in a.summary and "training-program" in a.summary
    assert len(a.fixes) == 2


def test_unknown_model_licence_is_insufficient_evidence() -> None:
    ev = evidence(comp(Component.PARAMETERS_FINAL, Status.PRESENT, unidentified()))
    a = debian_ml.assess(ev)
    assert a.status == "insufficient-evidence"
    assert crit(a, "model-license").outcome is Outcome.UNKNOWN
    # No weights and no licence at all: the model's licence is unknown, not non-free.
    assert debian_ml.assess(evidence(default=Status.UNKNOWN)).status == "insufficient-evidence"


def test_published_weights_without_licence_are_non_free() -> None:
    a = debian_ml.assess(evidence(comp(Component.PARAMETERS_FINAL)))
    assert a.status == "non-free-model"
    assert "all rights reserved" in crit(a, "model-license").detail


def test_training_data_must_be_free_and_shipped() -> None:
    apache = spdx("Apache-2.0")
    base = [
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, apache),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache),
    ]
    nc = evidence(*base, comp(Component.DATASETS, Status.PRESENT, spdx("CC-BY-NC-4.0", "data/LICENSE")))
    c = crit(debian_ml.assess(nc), "training-data")
    assert c.outcome is Outcome.FAIL and "CC-BY-NC-4.0" in c.detail
    unlicensed = evidence(*base, comp(Component.DATASETS))
    assert crit(debian_ml.assess(unlicensed), "training-data").outcome is Outcome.FAIL
    unknown = evidence(*base, comp(Component.DATASETS, Status.UNKNOWN))
    assert crit(debian_ml.assess(unknown), "training-data").outcome is Outcome.UNKNOWN
    # Data named elsewhere under a free licence: free on paper, availability not shown by the release.
    named = evidence(*base, datasets=({"id": "allenai/dolma", "license": "ODC-By-1.0"},))
    a = debian_ml.assess(named)
    assert crit(a, "training-data").outcome is Outcome.PARTIAL
    assert a.status == "toxiccandy-model"


def test_training_program_present_and_free() -> None:
    apache = spdx("Apache-2.0")
    data = comp(Component.DATASETS, Status.PRESENT, spdx("CC0-1.0", "data/LICENSE"))
    weights = comp(Component.PARAMETERS_FINAL, Status.PRESENT, apache)
    partial = evidence(weights, data, comp(Component.TRAINING_CODE, Status.PARTIAL, apache))
    assert crit(debian_ml.assess(partial), "training-program").outcome is Outcome.PARTIAL
    nonfree = evidence(
        weights, data, comp(Component.TRAINING_CODE, Status.PRESENT, restricted(path="train/LICENSE"))
    )
    c = crit(debian_ml.assess(nonfree), "training-program")
    assert c.outcome is Outcome.FAIL and c.evidence
    ok = evidence(weights, data, comp(Component.TRAINING_CODE, Status.PRESENT, apache))
    c = crit(debian_ml.assess(ok), "training-program")
    assert c.outcome is Outcome.PASS
    assert "data-preprocessing-code absent" in c.detail  # noted, not failed
    assert debian_ml.assess(ok).status == "free-model"


def test_reproducibility_is_reported_but_does_not_change_the_category() -> None:
    ev = fully_open()
    a = debian_ml.assess(ev)
    assert crit(a, "reproducible").outcome is Outcome.UNKNOWN
    assert a.status == "free-model"
    verified = evidence(
        *ev.components.values(), facts=(fact("rebuild", {"result": "identical"}, "att.json"),)
    )
    c = crit(debian_ml.assess(verified), "reproducible")
    assert c.outcome is Outcome.PASS and c.evidence == (Location("att.json", (1, 1)),)


def test_notes_say_no_project_wide_rule() -> None:
    notes = " ".join(debian_ml.assess(fully_open()).notes)
    assert "withdrawn" in notes and "2019 draft" in notes
