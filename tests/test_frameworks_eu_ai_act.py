"""EU AI Act Art. 53(2) open-source exemption: each condition, the compute estimate, what never applies."""

from __future__ import annotations

import pytest

from openness.frameworks import eu_ai_act
from openness.model import (
    Assessment,
    Component,
    Criterion,
    Evidence,
    Fact,
    LicenseKind,
    LicenseResult,
    Location,
    Outcome,
    Restriction,
    RestrictionKind,
    Status,
)
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


def with_facts(ev: Evidence, *facts: Fact) -> Evidence:
    return evidence(*ev.components.values(), facts=facts)


def test_open_weights_release_may_be_exempt() -> None:
    a = eu_ai_act.assess(weights_only("Apache-2.0"))
    assert a.status == "exemption-may-apply"
    for cid in ("foss-license", "weights-public", "architecture-info", "usage-info"):
        assert crit(a, cid).outcome is Outcome.PASS, cid
    # Monetisation and systemic risk are not in the artifacts: said, not assumed.
    assert crit(a, "not-monetised").outcome is Outcome.UNKNOWN
    assert "not-monetised" in a.summary and "systemic-risk" in a.summary


@pytest.mark.parametrize(
    "kind",
    [
        RestrictionKind.FIELD_OF_USE,
        RestrictionKind.USER_THRESHOLD,
        RestrictionKind.NON_COMMERCIAL,
        RestrictionKind.OUTPUT_USE,
    ],
)
def test_use_restrictions_fail_the_licence_condition(kind: RestrictionKind) -> None:
    ev = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, restricted("LicenseRef-Custom", (kind,))),
        comp(Component.MODEL_ARCHITECTURE),
        comp(Component.MODEL_CARD),
    )
    a = eu_ai_act.assess(ev)
    assert a.status == "exemption-does-not-apply"
    c = crit(a, "foss-license")
    assert c.outcome is Outcome.FAIL and str(kind) in c.detail
    assert c.fix and "attribution and copyleft are fine" in c.fix


def test_bloom_like_rail_licence_fails() -> None:
    assert eu_ai_act.assess(rail_release()).status == "exemption-does-not-apply"


def test_attribution_and_copyleft_are_fine() -> None:
    gpl = spdx("GPL-3.0-only")
    apache = spdx("Apache-2.0")
    branded = LicenseResult(
        apache.location,
        LicenseKind.LICENSE,
        apache.matches,
        (Restriction(RestrictionKind.BRANDING, Location("LICENSE", (5, 5)), "credit X", "credit"),),
    )
    for lr in (gpl, branded):
        ev = evidence(
            comp(Component.PARAMETERS_FINAL, Status.PRESENT, lr),
            comp(Component.MODEL_ARCHITECTURE),
            comp(Component.MODEL_CARD),
        )
        assert crit(eu_ai_act.assess(ev), "foss-license").outcome is Outcome.PASS


def test_unknown_licence_or_missing_weights() -> None:
    unk = evidence(
        comp(Component.PARAMETERS_FINAL, Status.PRESENT, unidentified()),
        comp(Component.MODEL_CARD),
        comp(Component.MODEL_ARCHITECTURE),
    )
    a = eu_ai_act.assess(unk)
    assert a.status == "insufficient-evidence"
    assert crit(a, "foss-license").outcome is Outcome.UNKNOWN
    nolicence = evidence(comp(Component.PARAMETERS_FINAL))
    assert crit(eu_ai_act.assess(nolicence), "foss-license").outcome is Outcome.FAIL
    absent = eu_ai_act.assess(evidence(comp(Component.MODEL_CARD)))
    assert crit(absent, "weights-public").outcome is Outcome.FAIL
    assert absent.status == "exemption-does-not-apply"
    gated = eu_ai_act.assess(evidence(comp(Component.PARAMETERS_FINAL, Status.PARTIAL, spdx("MIT"))))
    assert crit(gated, "weights-public").outcome is Outcome.PARTIAL


def test_architecture_information() -> None:
    cfg = eu_ai_act.assess(evidence(comp(Component.MODEL_ARCHITECTURE, Status.PARTIAL, path="config.json")))
    c = crit(cfg, "architecture-info")
    assert c.outcome is Outcome.PASS and c.evidence[0].path == "config.json"
    report_only = eu_ai_act.assess(evidence(comp(Component.TECHNICAL_REPORT)))
    assert crit(report_only, "architecture-info").outcome is Outcome.UNKNOWN
    # Not in the release is not "not public": the information can be published elsewhere.
    nothing = crit(eu_ai_act.assess(evidence()), "architecture-info")
    assert nothing.outcome is Outcome.UNKNOWN and "elsewhere" in nothing.detail


def test_usage_information() -> None:
    assert (
        crit(eu_ai_act.assess(evidence(comp(Component.INFERENCE_CODE))), "usage-info").outcome is Outcome.PASS
    )
    partial = eu_ai_act.assess(evidence(comp(Component.MODEL_CARD, Status.PARTIAL)))
    assert crit(partial, "usage-info").outcome is Outcome.PARTIAL
    nothing = crit(eu_ai_act.assess(evidence()), "usage-info")
    assert nothing.outcome is Outcome.UNKNOWN and "elsewhere" in nothing.detail


def test_monetisation_only_from_a_stated_fact() -> None:
    ev = weights_only("Apache-2.0")
    paid = eu_ai_act.assess(with_facts(ev, fact("monetised", True, "README.md", 9)))
    assert crit(paid, "not-monetised").outcome is Outcome.FAIL
    assert paid.status == "exemption-does-not-apply"
    free = eu_ai_act.assess(with_facts(ev, fact("monetised", False)))
    assert crit(free, "not-monetised").outcome is Outcome.PASS


def test_compute_estimate_from_parameters_and_tokens() -> None:
    ev = with_facts(
        weights_only("Apache-2.0"),
        fact("parameters", 7_000_000_000, "model.safetensors"),
        fact("training_tokens", 2_000_000_000_000, "README.md", 30),
    )
    a = eu_ai_act.assess(ev)
    c = crit(a, "systemic-risk")
    assert c.outcome is Outcome.PASS
    assert c.value["flop"] == pytest.approx(6 * 7e9 * 2e12)
    assert c.value["estimated"] is True
    assert "estimate" in c.detail
    assert Location("README.md", (30, 30)) in c.evidence
    assert a.status == "exemption-may-apply"


def test_compute_above_threshold_is_never_exempt() -> None:
    ev = with_facts(
        weights_only("Apache-2.0"),
        fact("parameters_stated", "405B"),
        fact("training_tokens", "15.6T"),
    )
    a = eu_ai_act.assess(ev)
    c = crit(a, "systemic-risk")
    assert c.outcome is Outcome.FAIL and c.value["flop"] > 1e25
    assert a.status == "exemption-does-not-apply"


def test_stated_training_flops_win_and_keep_their_estimated_flag() -> None:
    ev = with_facts(
        weights_only("Apache-2.0"),
        fact("training_flops", 3e25, "TECHNICAL_REPORT.md", 4),
        fact("parameters", 1_000_000),
        fact("training_tokens", 1_000_000),
    )
    c = crit(eu_ai_act.assess(ev), "systemic-risk")
    assert c.outcome is Outcome.FAIL
    assert c.value["estimated"] is False
    assert c.evidence == (Location("TECHNICAL_REPORT.md", (4, 4)),)


def test_several_stated_counts_that_straddle_the_threshold_are_unknown() -> None:
    ev = with_facts(
        weights_only("Apache-2.0"),
        fact("parameters_stated", "7B", line=1),
        fact("parameters_stated", "405B", line=2),
        fact("training_tokens", "15T", line=3),
    )
    c = crit(eu_ai_act.assess(ev), "systemic-risk")
    assert c.outcome is Outcome.UNKNOWN and "straddles" in c.detail


def test_missing_tokens_leave_systemic_risk_unknown() -> None:
    ev = with_facts(weights_only("Apache-2.0"), fact("parameters", 7e9))
    c = crit(eu_ai_act.assess(ev), "systemic-risk")
    assert c.outcome is Outcome.UNKNOWN and "training_tokens unknown" in c.detail


def test_what_the_exemption_never_covers() -> None:
    a = eu_ai_act.assess(fully_open())
    for cid in ("copyright-policy", "training-content-summary"):
        assert crit(a, cid).outcome is Outcome.NOT_APPLICABLE
    assert crit(a, "training-content-summary").evidence  # points at the data card it may build on
    notes = " ".join(a.notes)
    assert "53(1)(c)" in notes or "(c) copyright" in notes
    assert "never exempt" in notes
    assert "Art. 2(12)" in notes


def test_active_parameters_of_a_mixture_of_experts_come_first() -> None:
    # A DeepSeek-V3-like card: 671B total, 37B active per token, 14.8T tokens.
    total = (fact("parameters_stated", "671B", line=1), fact("training_tokens", "14.8T", line=2))
    by_total = crit(eu_ai_act.assess(with_facts(weights_only("MIT"), *total)), "systemic-risk")
    assert by_total.outcome is Outcome.FAIL and "mixture-of-experts" in by_total.detail
    active = (*total, fact("active_parameters", "37B", line=3))
    c = crit(eu_ai_act.assess(with_facts(weights_only("MIT"), *active)), "systemic-risk")
    assert c.outcome is Outcome.PASS
    assert c.value["flop"] == pytest.approx(6 * 37e9 * 14.8e12)
    assert "mixture-of-experts" not in c.detail
