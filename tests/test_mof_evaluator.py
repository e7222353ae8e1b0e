"""MOT's evaluation rules one by one, on small records written here."""

from __future__ import annotations

from typing import Any

import pytest

from openness.frameworks import mof_catalog as cat
from openness.frameworks.mof_evaluator import evaluate, global_licenses, listed_components, resolve_license

CLASS3 = ["Model architecture", "Model parameters (Final)", "Model card", "Data card", "Technical report",
          "Evaluation results"]  # fmt: skip
CLASS2 = ["Training code", "Inference code", "Evaluation code", "Evaluation data"]
CLASS1 = ["Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper"]


def record(*components: Any, distribution: str | None = None, **globals_: str) -> dict[str, Any]:
    """A release with the given components: a name, or (name, licence)."""
    licence: dict[str, Any] = {}
    if distribution is not None:
        licence["distribution"] = {"name": distribution, "path": ""}
    for scope, name in globals_.items():
        licence[scope] = {"name": name, "path": ""}
    entries = []
    for c in components:
        if isinstance(c, tuple):
            entries.append({"name": c[0], "license": c[1]})
        else:
            entries.append({"name": c})
    return {"name": "t", "producer": "p", "license": licence, "components": entries}


def test_empty_record_is_unclassified() -> None:
    result = evaluate(record())
    assert result.classification == 0
    assert result.progress == {1: 0.0, 2: 0.0, 3: 0.0}
    assert result.classes[3].missing == cat.required(3)


def test_class_three_with_the_six_required_components() -> None:
    result = evaluate(record(*CLASS3, distribution="Apache-2.0"))
    assert result.classification == 3
    assert result.progress == {1: 0.0, 2: 60.0, 3: 100.0}  # Class II: 6 of 10


def test_classes_are_cumulative() -> None:
    two = evaluate(record(*CLASS3, *CLASS2, distribution="MIT"))
    assert (two.classification, two.progress[2], two.progress[1]) == (2, 100.0, pytest.approx(1000 / 14))
    one = evaluate(record(*CLASS3, *CLASS2, *CLASS1, distribution="MIT"))
    assert one.classification == 1
    # a lower class is not reached while a higher one is incomplete
    gap = evaluate(record(*CLASS3[1:], *CLASS2, *CLASS1, distribution="MIT"))
    assert gap.classification == 0
    assert gap.progress == {1: 0.0, 2: 0.0, 3: pytest.approx(500 / 6)}


def test_optional_components_never_block_or_count() -> None:
    base = evaluate(record(*CLASS3, distribution="MIT"))
    with_bad_optional = evaluate(record(*CLASS3, ("Sample model outputs", "Proprietary"), distribution="MIT"))
    assert with_bad_optional.classification == base.classification == 3
    assert with_bad_optional.progress == base.progress
    assert 20 in with_bad_optional.classes[3].invalid  # shown as invalid, still not blocking


def test_licence_resolution_order() -> None:
    rel = record(
        ("Model card", "CC-BY-4.0"), "Training code", "Datasets", ("Data card", ""),
        distribution="Llama-2", code="MIT",
    )  # fmt: skip
    listed, globals_ = listed_components(rel), global_licenses(rel)
    assert resolve_license(13, listed, globals_).license == "CC-BY-4.0"  # own
    assert resolve_license(7, listed, globals_).source == "global:code"  # by content type
    assert resolve_license(15, listed, globals_).license == "Llama-2"  # distribution
    assert resolve_license(14, listed, globals_).license == "unlicensed"  # own but empty
    bare = record("Datasets")
    assert resolve_license(15, listed_components(bare), {}).source == "none"


@pytest.mark.parametrize(
    ("licence", "bucket"),
    [
        ("MIT", "included"),
        ("CC-BY-4.0", "included"),  # open data list
        ("OpenMDW-1.0", "included"),
        ("GPL-3.0-only", "included"),  # OSI
        ("unlicensed", "unlicensed"),
        ("", "unlicensed"),
        ("0", "unlicensed"),  # PHP's `?:` reads '0' as empty
        ("apache-2.0", "invalid"),  # exact, case-sensitive ids
        ("Apache 2.0", "invalid"),
        ("MIT License", "invalid"),
        ("PDDL-1.0", "invalid"),  # the hard-coded list says ODC-PDDL-1.0
        ("CC-BY-NC-4.0", "invalid"),
        ("Component not included", "invalid"),  # placeholders count as listed
        ("CNRI-Python-GPL-Compatible", "invalid"),  # not open in MOT's 2024-05 SPDX list
    ],
)
def test_component_status_by_licence(licence: str, bucket: str) -> None:
    result = evaluate(record(("Model architecture", licence)))
    assert result.classes[3].status(9) == bucket


def test_missing_global_scope_names_fall_through() -> None:
    rel = record("Model architecture", distribution="MIT", code="")
    assert evaluate(rel).classes[3].licenses[9] == "MIT"


def test_unknown_component_name_lands_on_datasets() -> None:
    result = evaluate(record(("model card", "CC-BY-4.0")))  # wrong case: unknown to MOT
    assert result.unknown_names == ("model card",)
    assert 15 in result.listed and 13 not in result.listed


def test_research_paper_stands_in_for_the_technical_report() -> None:
    no_report = [c for c in CLASS3 if c != "Technical report"]
    result = evaluate(record(*no_report, "Research paper", distribution="MIT"))
    assert result.report_substituted
    assert result.classification == 3 and result.progress[3] == 100.0
    assert cat.TECHNICAL_REPORT not in result.classes[1].missing
    # a listed but unlicensed paper is carried into classes 2 and 3 with that status
    result = evaluate(record(*no_report, ("Research paper", "unlicensed"), distribution="MIT"))
    assert result.report_substituted and result.classification == 0
    assert cat.RESEARCH_PAPER in result.classes[3].unlicensed
    assert result.progress[3] == pytest.approx(500 / 6)


def test_class_one_needs_one_fewer_item_when_the_paper_replaces_the_report() -> None:
    no_report = [c for c in CLASS3 if c != "Technical report"]
    result = evaluate(record(*no_report, *CLASS2, *CLASS1, distribution="MIT"))
    assert result.classification == 1
    assert result.progress == {1: 100.0, 2: 100.0, 3: 100.0}


def test_both_report_and_paper_cap_progress_at_100() -> None:
    result = evaluate(record(*CLASS3, *CLASS2, *CLASS1, distribution="MIT"))
    assert max(result.progress.values()) == 100.0


def test_index_zero_quirk_counts_the_paper_as_well() -> None:
    # The report is the only open Class III item: first in the list, PHP reads it as absent.
    rel = record(("Technical report", "CC-BY-4.0"), ("Research paper", "CC-BY-4.0"))
    result = evaluate(rel)
    assert result.report_substituted
    assert result.classes[3].included == [11, 21]
    assert result.progress[3] == pytest.approx(200 / 6)
    # with another open Class III item before it, the report is found and nothing is added
    rel = record(
        ("Model architecture", "MIT"), ("Technical report", "CC-BY-4.0"), ("Research paper", "CC-BY-4.0")
    )
    result = evaluate(rel)
    assert not result.report_substituted
    assert result.progress[3] == pytest.approx(200 / 6)


def test_duplicate_entries_keep_the_last() -> None:
    result = evaluate(record(("Model card", "Proprietary"), ("Model card", "CC-BY-4.0")))
    assert result.classes[3].status(13) == "included"


def test_not_type_appropriate_is_only_a_warning() -> None:
    result = evaluate(record(*CLASS3, distribution="GPL-3.0-only"))
    assert result.classification == 3
    assert set(result.not_type_appropriate) == {9, 10, 12, 13, 14, 11}
    result = evaluate(record(("Model architecture", "MIT"), ("Model card", "CC-BY-4.0")))
    assert result.not_type_appropriate == ()


def test_total_progress_is_the_mean() -> None:
    result = evaluate(record(*CLASS3, distribution="MIT"))
    assert result.total_progress == pytest.approx((0 + 60 + 100) / 3)
