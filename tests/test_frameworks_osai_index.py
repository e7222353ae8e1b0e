"""European Open Source AI Index: each of the 12 dimensions on small Evidence values, then the score."""

from __future__ import annotations

import pytest

from openness.frameworks import osai_index
from openness.model import Assessment, Component, Criterion, Location, Outcome, Status
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


def test_twelve_dimensions_in_three_categories() -> None:
    a = osai_index.assess(evidence())
    assert [c.id for c in a.criteria] == [k for keys in osai_index.CATEGORIES.values() for k in keys]
    assert len(a.criteria) == 12
    assert set(a.extra["categories"]) == {"availability", "documentation", "access"}


@pytest.mark.parametrize(
    ("status", "value", "outcome"),
    [
        (Status.PRESENT, "open", Outcome.PASS),
        (Status.PARTIAL, "partial", Outcome.PARTIAL),
        (Status.ABSENT, "closed", Outcome.FAIL),
        (Status.UNKNOWN, "closed", Outcome.UNKNOWN),
    ],
)
@pytest.mark.parametrize(
    ("component", "dimension"),
    [
        (Component.PARAMETERS_FINAL, "weights_endmodel"),
        (Component.TRAINING_CODE, "trainingcode"),
        (Component.MODEL_CARD, "modelcard"),
        (Component.RESEARCH_PAPER, "paper"),
        (Component.DATASETS, "datasources_endmodel"),
        (Component.DATA_CARD, "datasheet"),
    ],
)
def test_status_maps_to_level(
    component: Component, dimension: str, status: Status, value: str, outcome: Outcome
) -> None:
    # Related components share the status (inspected-and-absent, or not inspected), so only the one
    # under test can move the dimension.
    default = Status.UNKNOWN if status is Status.UNKNOWN else Status.ABSENT
    a = osai_index.assess(evidence(comp(component, status), default=default))
    c = crit(a, dimension)
    assert (c.value, c.outcome) == (value, outcome)
    if status is Status.UNKNOWN:
        assert "unknown, scored closed" in c.detail
    if status in (Status.PRESENT, Status.PARTIAL):
        assert c.evidence and c.evidence[0].path == f"{component}/file"


def test_without_lineage_base_equals_end() -> None:
    a = osai_index.assess(
        evidence(comp(Component.PARAMETERS_FINAL), comp(Component.DATASETS, Status.PARTIAL))
    )
    assert crit(a, "weights_basemodel").value == crit(a, "weights_endmodel").value == "open"
    assert crit(a, "datasources_basemodel").value == crit(a, "datasources_endmodel").value == "partial"
    assert "same as the end model" in crit(a, "weights_basemodel").detail
    assert any("No base model" in n for n in a.notes)


def test_with_lineage_the_base_model_is_what_is_known_about_it() -> None:
    base_loc = Location("README.md", key="card:base_model")
    ev = evidence(
        comp(Component.PARAMETERS_FINAL),
        comp(Component.DATASETS),
        lineage=({"id": "meta-llama/Llama-2-7b-hf", "license": "llama2", "location": base_loc},),
    )
    a = osai_index.assess(ev)
    base_w = crit(a, "weights_basemodel")
    assert base_w.outcome is Outcome.UNKNOWN and base_w.value == "closed"
    assert "meta-llama/Llama-2-7b-hf" in base_w.detail
    assert base_w.evidence == (base_loc,)
    assert crit(a, "weights_endmodel").value == "open"
    # What the lineage entry states is used.
    ev2 = evidence(
        comp(Component.PARAMETERS_FINAL),
        lineage=({"id": "EleutherAI/pythia-1b", "weights": "present", "datasets": "partial"},),
    )
    a2 = osai_index.assess(ev2)
    assert crit(a2, "weights_basemodel").value == "open"
    assert crit(a2, "datasources_basemodel").value == "partial"


def test_named_datasets_make_data_sources_partial() -> None:
    ev = evidence(datasets=({"id": "allenai/dolma", "license": "ODC-By-1.0", "location": "README.md"},))
    c = crit(osai_index.assess(ev), "datasources_endmodel")
    assert c.value == "partial"
    assert "allenai/dolma" in c.detail
    assert c.evidence[0].path == "README.md"


def test_code_documentation_is_partial_at_most_unless_stated() -> None:
    a = osai_index.assess(evidence(comp(Component.TRAINING_CODE), comp(Component.INFERENCE_CODE)))
    assert crit(a, "code").value == "partial"
    assert "not measured" in crit(a, "code").detail
    stated = evidence(
        comp(Component.TRAINING_CODE), facts=(fact("code_documentation", "present", "docs/x.md"),)
    )
    assert crit(osai_index.assess(stated), "code").value == "open"
    assert crit(osai_index.assess(evidence()), "code").value == "closed"


def test_hardware_architecture_needs_architecture_and_training_setup() -> None:
    both = evidence(comp(Component.MODEL_ARCHITECTURE), comp(Component.HYPERPARAMETERS))
    one = evidence(comp(Component.MODEL_ARCHITECTURE, Status.PARTIAL))
    hw = evidence(facts=(fact("hardware", "H100", "README.md", 40),))
    assert crit(osai_index.assess(both), "hardware_architecture").value == "open"
    assert crit(osai_index.assess(one), "hardware_architecture").value == "partial"
    c = crit(osai_index.assess(hw), "hardware_architecture")
    assert c.value == "partial" and Location("README.md", (40, 40)) in c.evidence
    assert crit(osai_index.assess(evidence()), "hardware_architecture").value == "closed"


def test_preprint_from_report_or_paper_and_paper_caveat() -> None:
    report = evidence(comp(Component.TECHNICAL_REPORT))
    a = osai_index.assess(report)
    assert crit(a, "preprint").value == "open"
    assert crit(a, "paper").value == "closed"
    paper = osai_index.assess(evidence(comp(Component.RESEARCH_PAPER)))
    assert crit(paper, "preprint").value == "open"
    assert "peer review not verifiable" in crit(paper, "paper").detail


def test_datasheet_falls_back_to_data_information() -> None:
    c = crit(osai_index.assess(evidence(comp(Component.DATA_INFORMATION))), "datasheet")
    assert c.value == "partial"


# ------------------------------------------------------------------------------ licenses dimension


def test_licenses_open_when_weights_code_and_data_are_openly_licensed() -> None:
    c = crit(osai_index.assess(fully_open()), "licenses")
    assert c.value == "open" and c.outcome is Outcome.PASS
    assert any(loc.path == "data/LICENSE" for loc in c.evidence)


def test_licenses_partial_when_two_of_three_are_open() -> None:
    apache = spdx("Apache-2.0")
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, apache),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache),
        comp(Component.DATASETS, Status.ABSENT),
    )
    c = crit(osai_index.assess(ev), "licenses")
    assert c.value == "partial"
    assert "training data: none" in c.detail


def test_licenses_closed_for_weights_only_release_even_under_mit() -> None:
    # Only one of the three parts exists, so it is closed under the readme rule.
    assert crit(osai_index.assess(weights_only("MIT")), "licenses").value == "closed"


def test_licenses_unknown_when_unidentified_licences_could_change_it() -> None:
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, spdx("MIT")),
        comp(Component.TRAINING_CODE, Status.PRESENT, unidentified("train/LICENSE")),
    )
    c = crit(osai_index.assess(ev), "licenses")
    assert c.value == "closed" and c.outcome is Outcome.UNKNOWN


def test_licenses_rail_weights_with_open_code_and_data_is_partial() -> None:
    cc = spdx("CC-BY-4.0", "data/LICENSE")
    apache = spdx("Apache-2.0")
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, restricted()),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache),
        comp(Component.DATASETS, Status.PRESENT, cc),
    )
    a = osai_index.assess(ev)
    assert crit(a, "licenses").value == "partial"
    # CC-BY is open but not OSI-approved: the parameter-description reading differs and a note says so.
    assert any("OSI-approved licences only" in n for n in a.notes)


def test_readme_and_parameter_description_disagreement_is_noted_always() -> None:
    a = osai_index.assess(evidence())
    assert any("_parameters-descriptions.yml" in n for n in a.notes)


# ------------------------------------------------------------------------------ score


def test_score_is_the_mean_with_open_1_partial_half_closed_0() -> None:
    a = osai_index.assess(fully_open())
    levels = [c.value for c in a.criteria]
    expected = round(sum({"open": 1, "partial": 0.5, "closed": 0}[v] for v in levels) / 12, 3)
    assert a.score == expected
    assert a.status == f"score {expected:.2f}"
    # Code documentation is capped at partial, everything else is open: 11.5 / 12.
    assert a.score == pytest.approx(0.958, abs=1e-3)
    assert a.extra["categories"] == {
        "availability": 1.0,
        "documentation": pytest.approx(0.917, abs=1e-3),
        "access": 1.0,
    }
    assert a.to_dict()["dimensions"]["code"] == "partial"


def test_empty_evidence_scores_zero_and_lists_unknowns() -> None:
    a = osai_index.assess(evidence(default=Status.UNKNOWN))
    assert a.score == 0.0
    assert all(c.outcome is Outcome.UNKNOWN for c in a.criteria)
    assert any("Scored closed for lack of evidence" in n for n in a.notes)


def test_corpus_pattern_bloom_like_scores_high_despite_rail() -> None:
    # frameworks.md section 7: BLOOM-like releases score near the top although the licence is RAIL.
    rail = osai_index.assess(rail_release())
    phi = osai_index.assess(weights_only("MIT"))
    assert rail.score is not None and phi.score is not None
    assert rail.score > phi.score
    assert crit(rail, "licenses").value in ("partial", "closed")
    assert crit(rail, "weights_endmodel").value == "open"


def test_fixes_name_what_is_not_open() -> None:
    a = osai_index.assess(weights_only())
    assert any("training code" in f for f in a.fixes)
    assert all(c.fix is None for c in a.criteria if c.value == "open")
