"""EU AI Act (Regulation (EU) 2024/1689): can the Art. 53(2) open-source exemption apply?

Art. 53(2) lifts the documentation duties of Art. 53(1)(a) and (b) for general-purpose AI models that are
(i) released under a free and open-source licence allowing access, usage, modification and distribution,
and (ii) whose parameters including the weights, architecture information and usage information are public.
Recital 102: attribution and same-terms (copyleft) conditions keep a licence free and open-source.
Recital 103: monetised models do not benefit. Art. 51(2) and recital 104: models presumed to carry systemic
risk (training compute above 10^25 FLOP) are never exempt, and 53(1)(c) copyright policy and (d) training-
content summary always apply. This is a reading of artifacts, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from openness.frameworks.common import (
    LicenseState,
    as_number,
    declared_note,
    describe,
    first_fact,
    judge_component,
    locations_of,
)
from openness.model import Assessment, Component, Criterion, Evidence, Fact, Outcome, Status

ID = "eu-ai-act"
NAME = "EU AI Act Art. 53(2) open-source exemption"
VERSION = "Regulation (EU) 2024/1689"

MAY_APPLY, DOES_NOT_APPLY, INSUFFICIENT = (
    "exemption-may-apply",
    "exemption-does-not-apply",
    "insufficient-evidence",
)
SYSTEMIC_RISK_FLOP = 1e25  # Art. 51(2)
ELSEWHERE = "it may be public elsewhere (a README, a website), which artifacts cannot show"
FLOP_PER_PARAM_TOKEN = 6  # the usual dense-transformer estimate: ~6 FLOP per parameter per training token


def _licence(ev: Evidence) -> Criterion:
    weights = ev.get(Component.PARAMETERS_FINAL)
    j = judge_component(weights)
    title = "(i) Free and open-source licence allowing access, usage, modification, distribution"
    locs = locations_of(j, weights)
    fix = (
        "license the model under a free and open-source licence without field-of-use, user-count, "
        "non-commercial or output-use restrictions (attribution and copyleft are fine)"
    )
    if j.state is LicenseState.OPEN:
        return Criterion("foss-license", title, Outcome.PASS, j.reason, locs, value=list(j.ids))
    if j.state is LicenseState.NOT_OPEN:
        return Criterion("foss-license", title, Outcome.FAIL, j.reason, locs, fix, value=list(j.ids))
    if j.state is LicenseState.NONE and weights.status is Status.PRESENT:
        return Criterion("foss-license", title, Outcome.FAIL, "weights published with no licence", locs, fix)
    return Criterion(
        "foss-license", title, Outcome.UNKNOWN, f"licence not established: {j.reason}", locs, fix
    )


def _parameters(ev: Evidence) -> Criterion:
    w = ev.get(Component.PARAMETERS_FINAL)
    title = "(ii) Parameters including the weights are publicly available"
    fix = "publish the final weights openly (no gating)"
    outcome = {
        Status.PRESENT: Outcome.PASS,
        Status.PARTIAL: Outcome.PARTIAL,
        Status.ABSENT: Outcome.FAIL,
        Status.UNKNOWN: Outcome.UNKNOWN,
    }[w.status]
    return Criterion(
        "weights-public",
        title,
        outcome,
        describe(w),
        locations_of(w),
        None if outcome is Outcome.PASS else fix,
    )


def _architecture(ev: Evidence) -> Criterion:
    arch = ev.get(Component.MODEL_ARCHITECTURE)
    docs = [ev.get(c) for c in (Component.TECHNICAL_REPORT, Component.RESEARCH_PAPER, Component.MODEL_CARD)]
    title = "(ii) Information on the model architecture is public"
    fix = "publish the model architecture (config, code or a description)"
    if arch.status in (Status.PRESENT, Status.PARTIAL):
        return Criterion("architecture-info", title, Outcome.PASS, describe(arch), locations_of(arch))
    # A card or report may describe the architecture (whether it does is not read from artifacts), and
    # Art. 53(2) asks only that the information be public, which it can be outside the release.
    seen = [d for d in docs if d.status in (Status.PRESENT, Status.PARTIAL)]
    where = ", ".join(str(d.component) for d in seen) or f"none in the release; {ELSEWHERE}"
    return Criterion(
        "architecture-info",
        title,
        Outcome.UNKNOWN,
        f"{describe(arch)}; documents that may describe it: {where}",
        locations_of(arch, *seen),
        fix,
    )


def _usage(ev: Evidence) -> Criterion:
    card = ev.get(Component.MODEL_CARD)
    infer = ev.get(Component.INFERENCE_CODE)
    title = "(ii) Information on model usage is public"
    fix = "publish a model card with intended uses and how to run the model, or inference code"
    locs = locations_of(card, infer)
    detail = f"{describe(card)}; {describe(infer)}"
    statuses = (card.status, infer.status)
    if Status.PRESENT in statuses:
        return Criterion("usage-info", title, Outcome.PASS, detail, locs)
    if Status.PARTIAL in statuses:
        return Criterion("usage-info", title, Outcome.PARTIAL, detail, locs, fix)
    if Status.UNKNOWN not in statuses:
        detail = f"{detail}; {ELSEWHERE}"
    return Criterion("usage-info", title, Outcome.UNKNOWN, detail, locs, fix)


def _monetisation(ev: Evidence) -> Criterion:
    title = "Not monetised (recital 103)"
    fact = first_fact(ev, "monetised")
    if fact is None or not isinstance(fact.value, bool):
        return Criterion(
            "not-monetised",
            title,
            Outcome.UNKNOWN,
            "cannot be known from the artifacts: a price, paid support tied to the model or use of personal "
            "data beyond security would disqualify (publishing in open repositories is not monetisation)",
            (fact.location,) if fact else (),
        )
    if fact.value:
        return Criterion(
            "not-monetised",
            title,
            Outcome.FAIL,
            f"stated monetised: {fact.value}",
            (fact.location,),
            "offer the model without a price or tied paid services",
        )
    return Criterion("not-monetised", title, Outcome.PASS, "stated not monetised", (fact.location,))


@dataclass(frozen=True)
class Compute:
    """Training compute in FLOP, as a range when the release states several candidate values."""

    low: float | None
    high: float | None
    estimated: bool
    facts: tuple[Fact, ...]
    how: str


# Active parameters first (mixture-of-experts models compute with those per token), then measured from
# weight headers, then stated in the card.
PARAMETER_KEYS = ("active_parameters", "parameters", "parameters_stated")
MOE_CAVEAT = (
    "6ND with total parameters overestimates mixture-of-experts models, where active parameters count"
)


def _numbers(facts: tuple[Fact, ...]) -> list[tuple[float, Fact]]:
    return [(n, f) for f in facts if (n := as_number(f.value)) is not None and n > 0]


def training_compute(ev: Evidence) -> Compute:
    """A stated ``training_flops`` fact, else 6 x parameters x training tokens (an estimate).

    When a card states several parameter counts or token counts (model families, comparisons), the
    estimate spans the smallest to the largest product, and a verdict needs both ends on one side.
    """
    stated = _numbers(ev.facts_for("training_flops"))
    if stated:
        values = [n for n, _ in stated]
        return Compute(
            min(values),
            max(values),
            any(f.estimated for _, f in stated),
            tuple(f for _, f in stated),
            "stated training compute",
        )
    params: list[tuple[float, Fact]] = []
    for key in PARAMETER_KEYS:
        params = params or _numbers(ev.facts_for(key))
    active = bool(params) and params[0][1].key == PARAMETER_KEYS[0]
    tokens = _numbers(ev.facts_for("training_tokens"))
    if params and tokens:
        p = [n for n, _ in params]
        t = [n for n, _ in tokens]
        low, high = FLOP_PER_PARAM_TOKEN * min(p) * min(t), FLOP_PER_PARAM_TOKEN * max(p) * max(t)
        span = (
            f"{min(p):.3g} parameters x {min(t):.3g} tokens"
            if low == high
            else f"{min(p):.3g}-{max(p):.3g} parameters x {min(t):.3g}-{max(t):.3g} tokens"
        )
        facts = tuple(f for _, f in params) + tuple(f for _, f in tokens)
        how = f"estimate 6 x {span}" + ("" if active else f"; {MOE_CAVEAT}")
        return Compute(low, high, True, facts, how)
    missing = [k for k, v in (("parameters", params), ("training_tokens", tokens)) if not v]
    facts = tuple(f for _, f in params) + tuple(f for _, f in tokens)
    return Compute(None, None, False, facts, f"not stated ({' and '.join(missing)} unknown)")


def _systemic_risk(ev: Evidence) -> Criterion:
    title = "Not presumed to have systemic risk (training compute <= 10^25 FLOP, Art. 51(2))"
    c = training_compute(ev)
    locs = tuple(dict.fromkeys(f.location for f in c.facts))
    fix = "state the parameter count and training tokens (or training compute) in the model card"
    if c.low is None or c.high is None:
        return Criterion(
            "systemic-risk",
            title,
            Outcome.UNKNOWN,
            f"training compute {c.how}; the Commission may also designate a model (Art. 51(1)(b))",
            locs,
            fix,
        )
    amount = f"{c.low:.2e}" if c.low == c.high else f"{c.low:.2e} to {c.high:.2e}"
    label = f"{amount} FLOP ({c.how}{', an estimate' if c.estimated else ''})"
    value = {"flop": c.high, "flop_low": c.low, "estimated": c.estimated}
    if c.low > SYSTEMIC_RISK_FLOP:
        return Criterion(
            "systemic-risk",
            title,
            Outcome.FAIL,
            f"{label} exceeds 10^25: systemic risk presumed, never exempt",
            locs,
            value=value,
        )
    if c.high > SYSTEMIC_RISK_FLOP:
        return Criterion(
            "systemic-risk",
            title,
            Outcome.UNKNOWN,
            f"{label} straddles 10^25: the stated figures do not settle it",
            locs,
            fix,
            value=value,
        )
    return Criterion(
        "systemic-risk",
        title,
        Outcome.PASS,
        f"{label} is below 10^25 (designation by the Commission remains possible)",
        locs,
        value=value,
    )


def _always_apply(ev: Evidence) -> tuple[Criterion, ...]:
    info = [ev.get(c) for c in (Component.DATA_CARD, Component.DATA_INFORMATION)]
    seen = [d for d in info if d.status in (Status.PRESENT, Status.PARTIAL)]
    hint = (
        f"data documentation seen ({', '.join(str(d.component) for d in seen)}) may feed it"
        if seen
        else "no data documentation seen in the release"
    )
    return (
        Criterion(
            "copyright-policy",
            "Art. 53(1)(c) copyright policy (always applies)",
            Outcome.NOT_APPLICABLE,
            "outside the exemption: every GPAI provider needs a copyright policy honouring TDM opt-outs",
        ),
        Criterion(
            "training-content-summary",
            "Art. 53(1)(d) public training-content summary (always applies)",
            Outcome.NOT_APPLICABLE,
            f"outside the exemption: the AI Office template summary is required; {hint}",
            locations_of(*seen),
        ),
    )


def assess(evidence: Evidence) -> Assessment:
    """Whether the Art. 53(2) exemption can apply, condition by condition, and what it never covers."""
    conditions = (
        _licence(evidence),
        _parameters(evidence),
        _architecture(evidence),
        _usage(evidence),
    )
    monetised = _monetisation(evidence)
    risk = _systemic_risk(evidence)
    failed = [c for c in (*conditions, monetised, risk) if c.outcome is Outcome.FAIL]
    open_conditions = [c for c in conditions if c.outcome is not Outcome.PASS]
    if failed:
        status = DOES_NOT_APPLY
        summary = "exemption does not apply: " + "; ".join(c.id for c in failed)
    elif open_conditions:
        status = INSUFFICIENT
        summary = "not established: " + ", ".join(f"{c.id} {c.outcome}" for c in open_conditions)
    else:
        status = MAY_APPLY
        unverified = [c.id for c in (monetised, risk) if c.outcome is Outcome.UNKNOWN]
        summary = "conditions (i) and (ii) met; the exemption may apply" + (
            f" (unverified from artifacts: {', '.join(unverified)})" if unverified else ""
        )
    notes = (
        "The exemption lifts only Art. 53(1)(a) technical documentation and (b) downstream information; "
        "(c) copyright policy and (d) the training-content summary always apply (recital 104).",
        "Models with systemic risk (above 10^25 FLOP or designated) are never exempt.",
        "Art. 2(12): the Regulation does not apply to AI systems released under free and open-source "
        "licences unless placed on the market as high-risk, prohibited (Art. 5) or transparency-bound "
        "(Art. 50) systems; this assessment is about the GPAI model.",
        "Monetisation (recital 103) cannot be read from artifacts unless the release states it.",
        "The Commission's GPAI guidelines C(2025) 5045 are non-binding; their licence tests are not encoded.",
    )
    criteria = (*conditions, monetised, risk, *_always_apply(evidence))
    return Assessment(
        framework=ID,
        name=NAME,
        version=VERSION,
        status=status,
        criteria=criteria,
        summary=summary,
        fixes=tuple(dict.fromkeys(c.fix for c in criteria if c.fix and c.outcome is not Outcome.PASS)),
        notes=(*notes, *declared_note(evidence)),
    )
