"""Builders for small Evidence values (used by the test_frameworks_* files); tests of frameworks.common."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from openness.frameworks import common
from openness.licenses import analyze_id
from openness.model import (
    AppliedLicense,
    Component,
    ComponentEvidence,
    Evidence,
    Fact,
    Freedom,
    LicenseKind,
    LicenseMatch,
    LicenseResult,
    Location,
    Restriction,
    RestrictionKind,
    Status,
)

# --------------------------------------------------------------------------- builders


def spdx(license_id: str, path: str = "LICENSE") -> LicenseResult:
    """A licence result for an SPDX id, through the real licence engine's id lookup."""
    result = analyze_id(license_id, Location(path, key="card:license" if path == "README.md" else None))
    assert result.identified, f"{license_id} should be a known SPDX id"
    return result


def restricted(
    name: str = "LicenseRef-BigScience-RAIL-1.0",
    kinds: Iterable[RestrictionKind] = (RestrictionKind.FIELD_OF_USE,),
    path: str = "LICENSE",
) -> LicenseResult:
    """A RAIL-like licence: identified, not OSI-approved, with use restrictions at given lines."""
    restrictions = tuple(
        Restriction(
            kind=k,
            location=Location(path, (20 + i, 24 + i)),
            text="You agree not to use the Model ...",
            summary=f"{k} restriction",
            freedoms=frozenset({Freedom.USE}),
        )
        for i, k in enumerate(kinds)
    )
    match = LicenseMatch(name, name, 0.98, "curated", osi_approved=False, fsf_libre=False)
    return LicenseResult(Location(path), LicenseKind.LICENSE, (match,), restrictions, expression=name)


def unidentified(path: str = "LICENSE") -> LicenseResult:
    return LicenseResult(Location(path), LicenseKind.LICENSE, notes=("text not identified",))


def comp(
    component: Component,
    status: Status = Status.PRESENT,
    *licenses: LicenseResult,
    path: str | None = None,
    certain: bool = True,
    detail: str = "",
) -> ComponentEvidence:
    where = path or f"{component}/file"
    locs = (Location(where),) if status in (Status.PRESENT, Status.PARTIAL) else ()
    applied = tuple(AppliedLicense(lr, certain, "test") for lr in licenses)
    return ComponentEvidence(component, status, locs, applied, detail or f"{component} {status}")


def fact(key: str, value: Any, path: str = "README.md", line: int = 1, estimated: bool = False) -> Fact:
    return Fact(key, value, Location(path, (line, line)), estimated)


def evidence(
    *components: ComponentEvidence,
    facts: Iterable[Fact] = (),
    default: Status = Status.ABSENT,
    lineage: Iterable[Mapping[str, Any]] = (),
    datasets: Iterable[Mapping[str, Any]] = (),
) -> Evidence:
    """Evidence where every component not given has status ``default`` (inspected and not found)."""
    given = {c.component: c for c in components}
    full = {c: given.get(c, ComponentEvidence(c, default, detail="test default")) for c in Component}
    return Evidence(
        target="test",
        components=full,
        facts=tuple(facts),
        lineage=tuple(lineage),
        datasets=tuple(datasets),
    )


def fully_open() -> Evidence:
    """An OLMo/Pythia-like release: data, code, configs, weights, docs, all under open licences."""
    apache = spdx("Apache-2.0")
    odc = spdx("ODC-By-1.0", "data/LICENSE")
    return evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, apache, path="model.safetensors"),
        comp(Component.PARAMETERS_INTERMEDIATE, Status.PRESENT, apache, path="checkpoints/step1000"),
        comp(Component.DATASETS, Status.PRESENT, odc, path="data/train.jsonl"),
        comp(Component.DATA_INFORMATION, Status.PRESENT, path="DATA_CARD.md"),
        comp(Component.DATA_CARD, Status.PRESENT, path="DATA_CARD.md"),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache, path="train.py"),
        comp(Component.DATA_PREPROCESSING_CODE, Status.PRESENT, apache, path="preprocess.py"),
        comp(Component.INFERENCE_CODE, Status.PRESENT, apache, path="generate.py"),
        comp(Component.EVALUATION_CODE, Status.PRESENT, apache, path="evaluate.py"),
        comp(Component.MODEL_ARCHITECTURE, Status.PRESENT, apache, path="model.py"),
        comp(Component.HYPERPARAMETERS, Status.PRESENT, path="train_config.yaml"),
        comp(Component.MODEL_CARD, Status.PRESENT, path="README.md"),
        comp(Component.TECHNICAL_REPORT, Status.PRESENT, path="TECHNICAL_REPORT.md"),
        comp(Component.RESEARCH_PAPER, Status.PRESENT, path="paper.pdf"),
        comp(Component.ENVIRONMENT, Status.PRESENT, path="requirements.txt"),
        comp(Component.RANDOM_SEEDS, Status.PRESENT, path="train_config.yaml"),
        comp(Component.CONTAINER_RECIPE, Status.PRESENT, path="Dockerfile"),
        facts=(
            fact("pinned_dependencies", True, "requirements.txt"),
            fact("seed", 1234, "train_config.yaml"),
            fact("hardware", "8x A100", "TECHNICAL_REPORT.md", 12),
            fact("training_script_version", "3f2a9c1", "TECHNICAL_REPORT.md", 14),
            fact("parameters", 7_000_000_000, "model.safetensors"),
            fact("training_tokens", 2_500_000_000_000, "TECHNICAL_REPORT.md", 20),
        ),
    )


def rail_release() -> Evidence:
    """A BLOOM-like release: open data documentation and code, weights under a RAIL licence."""
    rail = restricted()
    apache = spdx("Apache-2.0", "code/LICENSE")
    return evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, rail, path="model.safetensors"),
        comp(Component.DATASETS, Status.PARTIAL, path="data/README.md"),
        comp(Component.DATA_INFORMATION, Status.PRESENT, path="README.md"),
        comp(Component.DATA_CARD, Status.PRESENT, path="DATA_CARD.md"),
        comp(Component.TRAINING_CODE, Status.PRESENT, apache, path="train.py"),
        comp(Component.MODEL_ARCHITECTURE, Status.PRESENT, apache, path="config.json"),
        comp(Component.HYPERPARAMETERS, Status.PRESENT, path="train.yaml"),
        comp(Component.MODEL_CARD, Status.PRESENT, path="README.md"),
        comp(Component.INFERENCE_CODE, Status.PRESENT, apache, path="generate.py"),
        comp(Component.RESEARCH_PAPER, Status.PRESENT, path="README.md"),
    )


def weights_only(license_id: str = "MIT") -> Evidence:
    """A Phi/Mixtral-like release: weights, config and card under a permissive licence, nothing else."""
    lr = spdx(license_id)
    return evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, lr, path="model.safetensors"),
        comp(Component.MODEL_ARCHITECTURE, Status.PARTIAL, lr, path="config.json"),
        comp(Component.MODEL_CARD, Status.PRESENT, path="README.md"),
        comp(Component.INFERENCE_CODE, Status.PRESENT, lr, path="inference.py"),
    )


# --------------------------------------------------------------------------- common.py


@pytest.mark.parametrize(
    ("license_id", "state", "osi"),
    [
        ("Apache-2.0", common.LicenseState.OPEN, True),
        ("MIT", common.LicenseState.OPEN, True),
        ("CC-BY-4.0", common.LicenseState.OPEN, False),  # FSF-libre, not OSI-approved
        ("CC0-1.0", common.LicenseState.OPEN, False),
        ("ODC-By-1.0", common.LicenseState.OPEN, False),  # open-data licence on neither list
        ("CC-BY-NC-4.0", common.LicenseState.NOT_OPEN, False),
    ],
)
def test_judge_license_by_flags(license_id: str, state: common.LicenseState, osi: bool) -> None:
    j = common.judge_license(spdx(license_id))
    assert j.state is state
    assert j.osi_only is osi
    assert j.locations[0].path == "LICENSE"


def test_restrictions_make_a_licence_not_open_except_attribution() -> None:
    j = common.judge_license(restricted(kinds=(RestrictionKind.USER_THRESHOLD,)))
    assert j.state is common.LicenseState.NOT_OPEN
    assert "user-threshold" in j.reason
    assert Location("LICENSE", (20, 24)) in j.locations
    # A branding clause alone on an OSI-approved licence keeps it open (recital 102: crediting is fine).
    apache = spdx("Apache-2.0")
    branded = LicenseResult(
        apache.location,
        apache.kind,
        apache.matches,
        (Restriction(RestrictionKind.BRANDING, Location("LICENSE", (3, 3)), "Built with X", "display"),),
    )
    assert common.judge_license(branded).state is common.LicenseState.OPEN


def test_unidentified_and_modified_licences_are_unknown() -> None:
    assert common.judge_license(unidentified()).state is common.LicenseState.UNKNOWN
    m = spdx("MIT").matches[0]
    modified = LicenseResult(
        Location("LICENSE"),
        LicenseKind.LICENSE,
        (LicenseMatch(m.id, m.name, 0.9, "spdx", modified=True, osi_approved=True, fsf_libre=True),),
    )
    j = common.judge_license(modified)
    assert j.state is common.LicenseState.UNKNOWN
    assert "modified" in j.reason


def test_combine_worst_wins_and_none_when_empty() -> None:
    mit, rail = common.judge_license(spdx("MIT")), common.judge_license(restricted())
    unk = common.judge_license(unidentified())
    assert common.combine([]).state is common.LicenseState.NONE
    assert common.combine([mit, unk]).state is common.LicenseState.UNKNOWN
    assert common.combine([mit, unk, rail]).state is common.LicenseState.NOT_OPEN
    assert common.combine([mit, mit]).state is common.LicenseState.OPEN


def test_uncertain_scope_counts_against_and_says_so() -> None:
    ce = comp(Component.PARAMETERS_FINAL, Status.PRESENT, spdx("MIT"))
    ce = ComponentEvidence(
        ce.component,
        ce.status,
        ce.locations,
        (*ce.licenses, AppliedLicense(restricted(path="USE_POLICY.md"), False, "scope unclear")),
    )
    j = common.judge_component(ce)
    assert j.state is common.LicenseState.NOT_OPEN
    assert "may cover it" in j.reason


def test_a_free_licence_that_only_may_cover_a_component_leaves_it_unknown() -> None:
    """Weights hosted elsewhere under a repository-wide MIT LICENSE: the terms are a guess."""
    uncertain = AppliedLicense(spdx("MIT"), False, "repository LICENSE; weights hosted elsewhere")
    ce = ComponentEvidence(Component.PARAMETERS_FINAL, Status.UNKNOWN, (), (uncertain,))
    j = common.judge_component(ce)
    assert j.state is common.LicenseState.UNKNOWN
    assert "nothing ties it to this component" in j.reason
    # one licence pinned to the component is enough; an uncertain free one beside it does no harm
    certain = AppliedLicense(spdx("Apache-2.0"), True, "card license field")
    both = ComponentEvidence(Component.PARAMETERS_FINAL, Status.PRESENT, (), (certain, uncertain))
    assert common.judge_component(both).state is common.LicenseState.OPEN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7_000_000_000, 7e9),
        ("7B", 7e9),
        ("1.5T tokens", 1.5e12),
        ("2,000,000", 2e6),
        ("3e24", 3e24),
        ({"value": 12}, 12.0),
        (True, None),
        ("many", None),
    ],
)
def test_as_number(value: object, expected: float | None) -> None:
    assert common.as_number(value) == expected


def test_first_fact_prefers_stated_and_key_order() -> None:
    ev = evidence(
        facts=(
            fact("random_seed", 7, "train.py"),
            fact("seed", 1, "a.yaml", estimated=True),
            fact("seed", 2, "b.yaml"),
        )
    )
    got = common.first_fact(ev, "seed", "random_seed")
    assert got is not None and got.value == 2
    assert common.first_fact(ev, "missing") is None


def test_entry_license_reads_ids_and_missing() -> None:
    j = common.entry_license({"id": "allenai/dolma", "license": "ODC-By-1.0", "location": "README.md"})
    assert j.state is common.LicenseState.OPEN
    assert j.locations[0].path == "README.md"
    assert common.entry_license({"id": "x/y"}).state is common.LicenseState.UNKNOWN


def test_rebuild_result() -> None:
    assert common.rebuild_result({"result": "identical"}) == "identical"
    assert common.rebuild_result("diverged") == "diverged"


def test_entry_license_hub_other_and_restricted_flags() -> None:
    other = {"id": "x/y", "license": "other", "license_name": "MIT"}
    assert common.entry_license(other).state is common.LicenseState.OPEN
    flagged = {"id": "x/y", "license": "MIT", "restricted": True, "restrictions": ["field-of-use"]}
    j = common.entry_license(flagged)
    assert j.state is common.LicenseState.NOT_OPEN and "field-of-use" in j.reason


def test_named_datasets_without_licence_defer_to_the_data_licence() -> None:
    shipped = comp(Component.DATASETS, Status.PRESENT, spdx("CC0-1.0", "data/LICENSE"))
    ev = evidence(shipped, datasets=({"id": "local-corpus"},))
    assert common.named_dataset_licenses(ev) == []
    # Without a licence of the data's own, the unnamed licence is unknown.
    bare = evidence(comp(Component.DATASETS), datasets=({"id": "local-corpus"},))
    assert [j.state for j in common.named_dataset_licenses(bare)] == [common.LicenseState.UNKNOWN]
    # A stated licence is always judged.
    nc = evidence(shipped, datasets=({"id": "x/y", "license": "cc-by-nc-4.0"},))
    assert [j.state for j in common.named_dataset_licenses(nc)] == [common.LicenseState.NOT_OPEN]


def test_spdx_choice_takes_the_free_alternative_and_conjunction_the_worst() -> None:
    choice = common.judge_id("MIT OR CC-BY-NC-4.0", Location("README.md", key="card:license"))
    assert choice.state is common.LicenseState.OPEN and "MIT may be chosen" in choice.reason
    both = common.judge_id("MIT AND CC-BY-NC-4.0", Location("README.md", key="card:license"))
    assert both.state is common.LicenseState.NOT_OPEN
