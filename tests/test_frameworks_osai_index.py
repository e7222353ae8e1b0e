"""European Open Source AI Index: each of the 12 dimensions, as the Index defines it, on small Evidence."""

from __future__ import annotations

from typing import Any

import pytest

from openness.frameworks import osai_index
from openness.model import Assessment, Component, Criterion, Fact, Location, Outcome, Status
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


def level(ev: Any, cid: str) -> str:
    return str(crit(osai_index.assess(ev), cid).value)


def pub(pid: str, kind: str, venue: str | None = None, path: str = "README.md", line: int = 10) -> Fact:
    return Fact(
        "publication", {"id": pid, "kind": kind, "venue": venue, "own": "test"}, Location(path, (line, line))
    )


def code_docs(train: tuple[int, int] | None, prep: tuple[int, int] | None = None) -> Fact:
    value: dict[str, Any] = {}
    if train:
        value["training-code"] = {"documented": train[0], "total": train[1], "where": ["README.md:5"]}
    if prep:
        value["data-preprocessing-code"] = {
            "documented": prep[0],
            "total": prep[1],
            "where": ["data/README.md"],
        }
    return Fact("code_documentation", value, Location("README.md", (5, 5)))


def test_twelve_dimensions_in_three_categories_without_package_or_api() -> None:
    a = osai_index.assess(evidence())
    assert [c.id for c in a.criteria] == [k for keys in osai_index.CATEGORIES.values() for k in keys]
    assert len(a.criteria) == 12
    assert not {"package", "api"} & {c.id for c in a.criteria}
    assert set(a.extra["categories"]) == {"availability", "documentation", "access"}


@pytest.mark.parametrize(
    ("status", "value", "outcome"),
    [
        (Status.PRESENT, "open", Outcome.PASS),
        (Status.PARTIAL, "partial", Outcome.PARTIAL),
        (Status.ABSENT, "closed", Outcome.FAIL),
        (Status.UNKNOWN, "unknown", Outcome.UNKNOWN),
    ],
)
@pytest.mark.parametrize(
    ("component", "dimension"),
    [
        (Component.PARAMETERS_FINAL, "weights_endmodel"),
        (Component.TRAINING_CODE, "trainingcode"),
        (Component.DATASETS, "datasources_endmodel"),
    ],
)
def test_availability_status_maps_to_level(
    component: Component, dimension: str, status: Status, value: str, outcome: Outcome
) -> None:
    default = Status.UNKNOWN if status is Status.UNKNOWN else Status.ABSENT
    c = crit(osai_index.assess(evidence(comp(component, status), default=default)), dimension)
    assert (c.value, c.outcome) == (value, outcome)
    if status in (Status.PRESENT, Status.PARTIAL):
        assert c.evidence and c.evidence[0].path == f"{component}/file"


def test_unknown_is_reported_as_unknown_and_scored_zero() -> None:
    a = osai_index.assess(evidence(default=Status.UNKNOWN))
    assert a.score == 0.0
    assert a.to_dict()["dimensions"]["weights_endmodel"] == "unknown"
    assert all(c.outcome is Outcome.UNKNOWN for c in a.criteria)
    assert any("scored 0" in n and "lower bound" in n for n in a.notes)


def test_without_lineage_base_equals_end() -> None:
    a = osai_index.assess(
        evidence(comp(Component.PARAMETERS_FINAL), comp(Component.DATASETS, Status.PARTIAL))
    )
    assert crit(a, "weights_basemodel").value == crit(a, "weights_endmodel").value == "open"
    assert crit(a, "datasources_basemodel").value == crit(a, "datasources_endmodel").value == "partial"
    assert "same as the end model" in crit(a, "weights_basemodel").detail


def test_with_lineage_the_base_model_is_what_is_known_about_it() -> None:
    base_loc = Location("README.md", key="card:base_model")
    ev = evidence(
        comp(Component.PARAMETERS_FINAL),
        lineage=({"id": "meta-llama/Llama-2-7b-hf", "license": "llama2", "location": base_loc},),
    )
    base_w = crit(osai_index.assess(ev), "weights_basemodel")
    assert base_w.outcome is Outcome.UNKNOWN and base_w.value == "unknown"
    assert base_w.evidence == (base_loc,)
    ev2 = evidence(
        comp(Component.PARAMETERS_FINAL),
        lineage=({"id": "EleutherAI/pythia-1b", "weights": "present", "datasets": "partial"},),
    )
    assert level(ev2, "weights_basemodel") == "open"
    assert level(ev2, "datasources_basemodel") == "partial"


def test_named_datasets_make_data_sources_partial() -> None:
    ev = evidence(datasets=({"id": "allenai/dolma", "license": "ODC-By-1.0", "location": "README.md"},))
    c = crit(osai_index.assess(ev), "datasources_endmodel")
    assert c.value == "partial" and "allenai/dolma" in c.detail


# ------------------------------------------------------------------------------ code (documentation)


def test_code_is_documentation_of_training_code_not_any_code() -> None:
    # Old reading: any code present made it partial. Inference code and a download script document no
    # training step.
    ev = evidence(
        comp(Component.INFERENCE_CODE),
        comp(Component.MODEL_ARCHITECTURE),
        comp(Component.DATA_PREPROCESSING_CODE, path="download.sh"),
        facts=(code_docs(None, (1, 1)),),
    )
    c = crit(osai_index.assess(ev), "code")
    assert (c.value, c.outcome) == ("closed", Outcome.FAIL)
    assert "no training or tuning code" in c.detail


def test_code_open_only_when_training_and_processing_code_are_documented() -> None:
    train, prep = comp(Component.TRAINING_CODE, path="train.py"), comp(Component.DATA_PREPROCESSING_CODE)
    both = evidence(train, prep, facts=(code_docs((2, 2), (1, 1)),))
    c = crit(osai_index.assess(both), "code")
    assert c.value == "open" and c.evidence == (Location("README.md", (5, 5)),)
    assert level(evidence(train, prep, facts=(code_docs((2, 2)),)), "code") == "partial"
    assert level(evidence(train, facts=(code_docs((2, 2)),)), "code") == "partial"
    finetune = evidence(
        comp(Component.TRAINING_CODE, Status.PARTIAL), prep, facts=(code_docs((1, 1), (1, 1)),)
    )
    assert "fine-tuning" in crit(osai_index.assess(finetune), "code").detail
    undocumented = crit(osai_index.assess(evidence(train, facts=(code_docs((0, 3)),))), "code")
    assert undocumented.value == "closed" and "no README beside the code" in undocumented.detail


def test_code_unknown_when_training_code_is_unknown() -> None:
    assert level(evidence(comp(Component.TRAINING_CODE, Status.UNKNOWN)), "code") == "unknown"


# ------------------------------------------------------------------------------ hardware_architecture


def hw(text: str = "trained on 512 H100 GPUs for 3 weeks") -> Fact:
    return fact("training_hardware", text, "README.md", 40)


def test_hardware_architecture_is_training_hardware_and_setup_not_architecture_code() -> None:
    # Old reading: architecture code alone was partial.
    assert level(evidence(comp(Component.MODEL_ARCHITECTURE)), "hardware_architecture") == "closed"
    setup = comp(Component.HYPERPARAMETERS, path="train.yaml")
    c = crit(osai_index.assess(evidence(setup, facts=(hw(),))), "hardware_architecture")
    assert c.value == "open" and Location("README.md", (40, 40)) in c.evidence
    assert level(evidence(facts=(hw(),)), "hardware_architecture") == "partial"
    assert level(evidence(setup), "hardware_architecture") == "partial"
    # A generic "hardware" fact (an inference speed table) is not training hardware.
    assert (
        level(evidence(facts=(fact("hardware", "RTX 4090", "README.md", 3),)), "hardware_architecture")
        == "closed"
    )


def test_hardware_unknown_when_the_releases_own_paper_may_document_it() -> None:
    ev = evidence(facts=(pub("arXiv:2401.00001", "preprint"),))
    c = crit(osai_index.assess(ev), "hardware_architecture")
    assert c.outcome is Outcome.UNKNOWN and "arXiv:2401.00001" in c.detail


# ------------------------------------------------------------------------------ preprint and paper


def test_arxiv_preprint_is_preprint_not_peer_reviewed_paper() -> None:
    a = osai_index.assess(evidence(facts=(pub("arXiv:2303.08774", "preprint"),)))
    assert crit(a, "preprint").value == "open"
    paper = crit(a, "paper")
    # Old reading: any research paper was open. An arXiv-only citation says nothing of peer review.
    assert paper.value == "unknown" and "no venue" in paper.detail
    assert paper.evidence == (Location("README.md", (10, 10)),)


def test_paper_open_with_a_venue() -> None:
    a = osai_index.assess(evidence(facts=(pub("arXiv:2212.04356", "peer-reviewed", "ICML"),)))
    c = crit(a, "paper")
    assert c.value == "open" and "ICML" in c.detail
    assert crit(a, "preprint").value == "open"


def test_a_paper_linked_but_not_the_releases_own_is_unknown_not_open() -> None:
    # The cards link a paper (e.g. the Model Cards paper in the card's preamble) that the evidence
    # (documentation.papers) does not take for this release's own: a cited_paper fact, no publication.
    cited = Fact("cited_paper", {"id": "arXiv:1810.03993"}, Location("model-card.md", (5, 5)))
    a = osai_index.assess(evidence(facts=[cited]))
    assert crit(a, "preprint").value == "unknown"
    assert "arXiv:1810.03993" in crit(a, "preprint").detail
    assert crit(a, "paper").value == "closed"


def test_a_report_file_in_the_release_is_a_partial_preprint() -> None:
    a = osai_index.assess(evidence(comp(Component.TECHNICAL_REPORT, path="docs/tech-report.pdf")))
    assert crit(a, "preprint").value == "partial"
    assert crit(a, "paper").value == "closed"


def test_no_paper_is_closed_and_an_unread_card_is_unknown() -> None:
    assert level(evidence(), "paper") == level(evidence(), "preprint") == "closed"
    unread = evidence(comp(Component.MODEL_CARD, Status.UNKNOWN))
    assert level(unread, "paper") == level(unread, "preprint") == "unknown"


# ------------------------------------------------------------------------------ modelcard and datasheet


def coverage(covers: tuple[str, ...], metadata: bool, path: str = "README.md") -> Fact:
    return Fact(
        "model_card_coverage", {"path": path, "covers": list(covers), "metadata": metadata}, Location(path)
    )


def test_modelcard_open_needs_metadata_and_architecture_training_evaluation() -> None:
    card = comp(Component.MODEL_CARD, path="README.md")
    full = ("architecture", "data", "evaluation", "training")
    assert level(evidence(card, facts=(coverage(full, True),)), "modelcard") == "open"
    assert level(evidence(card, facts=(coverage(full, False),)), "modelcard") == "partial"
    assert level(evidence(card, facts=(coverage(("evaluation",), True),)), "modelcard") == "partial"


def test_modelcard_unknown_when_a_readme_stands_in_and_the_weights_live_elsewhere() -> None:
    readme = comp(Component.MODEL_CARD, Status.PARTIAL, path="README.md")
    elsewhere = comp(Component.PARAMETERS_FINAL, Status.UNKNOWN)
    c = crit(
        osai_index.assess(evidence(readme, elsewhere, facts=(coverage(("evaluation",), False),))), "modelcard"
    )
    assert c.outcome is Outcome.UNKNOWN and "elsewhere" in c.detail
    # The same README with the weights in the release is the card: partial.
    here = comp(Component.PARAMETERS_FINAL)
    assert level(evidence(readme, here, facts=(coverage(("evaluation",), False),)), "modelcard") == "partial"


def sections(path: str, found: tuple[str, ...]) -> Fact:
    return Fact("datasheet_sections", {"path": path, "sections": list(found)}, Location(path))


def test_datasheet_follows_gebru_sections() -> None:
    sheet = comp(Component.DATA_CARD, path="data/DATASHEET.md")
    gebru = ("motivation", "composition", "collection", "preprocessing", "uses")
    assert level(evidence(sheet, facts=(sections("data/DATASHEET.md", gebru),)), "datasheet") == "open"
    assert (
        level(evidence(sheet, facts=(sections("data/DATASHEET.md", ("collection",)),)), "datasheet")
        == "partial"
    )
    # A data folder README that answers none of a datasheet's questions ("Moved to Hugging Face!").
    c = crit(osai_index.assess(evidence(sheet, facts=(sections("data/DATASHEET.md", ()),))), "datasheet")
    assert c.value == "closed" and "not a datasheet" in c.detail


def test_a_data_section_in_the_model_card_is_not_a_datasheet() -> None:
    # Old reading: data-card information inside the model card was partial.
    inside = comp(Component.DATA_CARD, Status.PARTIAL)
    inside = type(inside)(
        inside.component, inside.status, (Location("README.md", (40, 60)),), (), "inside the card"
    )
    c = crit(osai_index.assess(evidence(inside)), "datasheet")
    assert c.value == "closed" and "not a datasheet" in c.detail


def test_datasheet_unknown_when_datasets_are_named_elsewhere() -> None:
    ev = evidence(datasets=({"id": "allenai/dolma", "location": "README.md"},))
    assert level(ev, "datasheet") == "unknown"


# ------------------------------------------------------------------------------ licenses


def test_licenses_open_when_weights_code_and_data_are_openly_licensed() -> None:
    c = crit(osai_index.assess(fully_open()), "licenses")
    assert c.value == "open" and c.outcome is Outcome.PASS
    assert any(loc.path == "data/LICENSE" for loc in c.evidence)


def test_licenses_judge_what_is_released_as_the_readme_says() -> None:
    # "model weights, training code, and data sources (as available)": a weights-only release under MIT is
    # open in the Index (24 of its 51 weights-only open-licence records); the old rule closed it.
    assert level(weights_only("MIT"), "licenses") == "open"
    apache = spdx("Apache-2.0")
    two = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, apache),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache),
        comp(Component.DATASETS, Status.ABSENT),
    )
    assert level(two, "licenses") == "open"
    assert level(evidence(), "licenses") == "closed"


def test_licenses_cover_training_code_and_data_too() -> None:
    mit = spdx("MIT")
    nc = restricted()
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, mit),
        comp(Component.TRAINING_CODE, Status.PRESENT, mit),
        comp(Component.DATASETS, Status.PRESENT, nc),
    )
    c = crit(osai_index.assess(ev), "licenses")
    assert c.value == "partial" and "training data: not-open" in c.detail


def test_licenses_unknown_when_unidentified_licences_could_change_it() -> None:
    closed_or_more = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, spdx("MIT")),
        comp(Component.TRAINING_CODE, Status.PRESENT, unidentified("train/LICENSE")),
    )
    assert crit(osai_index.assess(closed_or_more), "licenses").outcome is Outcome.UNKNOWN
    # RAIL weights: the unidentified code licence cannot lift it to partial (two parts must be open).
    certain = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, restricted()),
        comp(Component.TRAINING_CODE, Status.PRESENT, unidentified("train/LICENSE")),
    )
    assert crit(osai_index.assess(certain), "licenses").outcome is Outcome.FAIL
    partial_or_open = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, unidentified("LICENSE-MODEL")),
        comp(Component.TRAINING_CODE, Status.PRESENT, spdx("MIT")),
        comp(Component.DATASETS, Status.PRESENT, spdx("CC-BY-4.0", "data/LICENSE")),
    )
    c = crit(osai_index.assess(partial_or_open), "licenses")
    assert (c.value, c.outcome) == ("unknown", Outcome.UNKNOWN)


def test_licenses_rail_weights_with_open_code_and_data_is_partial() -> None:
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, restricted()),
        comp(Component.TRAINING_CODE, Status.PRESENT, spdx("Apache-2.0")),
        comp(Component.DATASETS, Status.PRESENT, spdx("CC-BY-4.0", "data/LICENSE")),
    )
    a = osai_index.assess(ev)
    assert crit(a, "licenses").value == "partial"
    assert any("OSI-approved licences only" in n for n in a.notes)


# ------------------------------------------------------------------------------ score


def test_score_is_the_mean_with_open_1_partial_half_closed_and_unknown_0() -> None:
    a = osai_index.assess(fully_open())
    points = {"open": 1, "partial": 0.5, "closed": 0, "unknown": 0}
    assert a.score == round(sum(points[str(c.value)] for c in a.criteria) / 12, 3)
    assert a.status == f"score {a.score:.2f}"


def test_corpus_pattern_bloom_like_scores_high_despite_rail() -> None:
    rail = osai_index.assess(rail_release())
    phi = osai_index.assess(weights_only("MIT"))
    assert rail.score is not None and phi.score is not None
    assert rail.score > phi.score
    assert crit(rail, "licenses").value in ("partial", "closed")


def test_fixes_name_what_is_not_open() -> None:
    a = osai_index.assess(weights_only())
    assert any("training code" in f for f in a.fixes)
    assert all(c.fix is None for c in a.criteria if c.value == "open")
