"""Debian ML-Policy (Mo Zhou's team document): Free Model, ToxicCandy Model, Non-free Model.

The strict view: a model is free only if what it is built from is free too. The training data and the
training program are its source. Conditions (ML-Policy.rst, quoted on debian-ai 2021-08):

- Free Model: the model is FOSS-licensed and DFSG-compliant; it was trained on explicitly FOSS-licensed,
  DFSG-compliant data that anonymous users can get; the training program is present and complete.
- ToxicCandy Model: the model's licence is free, but its data (or program) is unknown, private or non-free.
- Non-free Model: the model's own licence is not DFSG-compliant.

It is a team document; the 2025 General Resolution that would have made it project policy was withdrawn.
"""

from __future__ import annotations

from openness.frameworks.common import (
    LicenseJudgement,
    LicenseState,
    combine,
    declared_note,
    describe,
    first_fact,
    judge_component,
    locations_of,
    named_dataset_licenses,
    rebuild_mode,
    rebuild_result,
)
from openness.model import Assessment, Component, Criterion, Evidence, Outcome, Status

ID = "debian-ml"
NAME = "Debian ML-Policy"
VERSION = "ML-Policy (2019 draft, team document)"

FREE, TOXIC, NON_FREE, INSUFFICIENT = (
    "free-model",
    "toxiccandy-model",
    "non-free-model",
    "insufficient-evidence",
)

VERIFIED_REBUILDS = frozenset({"identical", "within-tolerance"})


def _dfsg(j: LicenseJudgement) -> str:
    return {
        LicenseState.OPEN: "DFSG-compliant",
        LicenseState.NOT_OPEN: "not DFSG-compliant",
        LicenseState.NONE: "no licence (all rights reserved)",
        LicenseState.UNKNOWN: "not known to be DFSG-compliant",
    }[j.state]


def _model_license(ev: Evidence) -> Criterion:
    weights = ev.get(Component.PARAMETERS_FINAL)
    j = judge_component(weights)
    title = "Model licence is FOSS and DFSG-compliant"
    locs = locations_of(j, weights)
    if j.state is LicenseState.NONE and weights.status in (Status.ABSENT, Status.UNKNOWN):
        return Criterion(
            "model-license",
            title,
            Outcome.UNKNOWN,
            f"no licence attached to the weights ({describe(weights)})",
            locs,
            "release the weights under a DFSG-compliant licence (e.g. Apache-2.0, MIT)",
        )
    outcome = {
        LicenseState.OPEN: Outcome.PASS,
        LicenseState.NOT_OPEN: Outcome.FAIL,
        LicenseState.NONE: Outcome.FAIL,
        LicenseState.UNKNOWN: Outcome.UNKNOWN,
    }[j.state]
    fix = None
    if outcome is not Outcome.PASS:
        fix = "license the weights under a DFSG-compliant licence with no use, user or field restrictions"
    return Criterion(
        "model-license", title, outcome, f"{_dfsg(j)}: {j.reason}", locs, fix, value=list(j.ids) or None
    )


def _training_data(ev: Evidence) -> Criterion:
    data = ev.get(Component.DATASETS)
    title = "Training data is FOSS-licensed, DFSG-compliant and publicly available"
    fix = "publish all training data under a DFSG-compliant licence, downloadable without registration"
    named = named_dataset_licenses(ev)
    j = combine(([judge_component(data)] if data.licenses else []) + named)
    locs = locations_of(data, j)
    if data.status is Status.ABSENT and not ev.datasets:
        return Criterion("training-data", title, Outcome.FAIL, f"not available: {describe(data)}", locs, fix)
    if data.status is Status.UNKNOWN and j.state is not LicenseState.NOT_OPEN:
        return Criterion("training-data", title, Outcome.UNKNOWN, describe(data), locs, fix)
    if j.state is LicenseState.NOT_OPEN:
        return Criterion("training-data", title, Outcome.FAIL, f"not free: {j.reason}", locs, fix)
    if j.state is LicenseState.NONE:
        return Criterion(
            "training-data", title, Outcome.FAIL, f"no licence for the data ({describe(data)})", locs, fix
        )
    if j.state is LicenseState.UNKNOWN:
        return Criterion(
            "training-data", title, Outcome.UNKNOWN, f"licence not established: {j.reason}", locs, fix
        )
    if data.status is not Status.PRESENT:
        # Named elsewhere or partly shipped: free on paper, but availability to anonymous users is unproven.
        return Criterion(
            "training-data",
            title,
            Outcome.PARTIAL,
            f"licences free ({j.reason}) but the data is not all in the release: {describe(data)}",
            locs,
            fix,
        )
    return Criterion("training-data", title, Outcome.PASS, f"{describe(data)}; {j.reason}", locs)


def _training_program(ev: Evidence) -> Criterion:
    code = ev.get(Component.TRAINING_CODE)
    prep = ev.get(Component.DATA_PREPROCESSING_CODE)
    title = "Training program is present, complete and free"
    fix = "publish the complete training program (with data preparation) under a DFSG-compliant licence"
    locs = locations_of(code, prep)
    if code.status is not Status.PRESENT:
        outcome = {Status.PARTIAL: Outcome.PARTIAL, Status.ABSENT: Outcome.FAIL}.get(
            code.status, Outcome.UNKNOWN
        )
        return Criterion("training-program", title, outcome, describe(code), locs, fix)
    j = judge_component(code)
    if j.state is LicenseState.OPEN:
        tail = "" if prep.status is Status.PRESENT else f" (note: {describe(prep)})"
        return Criterion("training-program", title, Outcome.PASS, f"{describe(code)}; {j.reason}{tail}", locs)
    outcome = Outcome.UNKNOWN if j.state is LicenseState.UNKNOWN else Outcome.FAIL
    return Criterion(
        "training-program",
        title,
        outcome,
        f"present, licence {_dfsg(j)}: {j.reason}",
        locations_of(code, j),
        fix,
    )


def _reproducible(ev: Evidence) -> Criterion:
    rebuild = first_fact(ev, "rebuild")
    title = "Reproducible (2019 draft expectation; not used for the category)"
    if rebuild is None:
        return Criterion(
            "reproducible",
            title,
            Outcome.UNKNOWN,
            "no rebuild attestation; the 2019 draft expected numerical reproducibility "
            "or similar performance when retrained",
            (),
            "ship a rebuild recipe and attestation (openness rebuild)",
        )
    result, mode = rebuild_result(rebuild.value), rebuild_mode(rebuild.value)
    ok = result in VERIFIED_REBUILDS
    outcome = Outcome.FAIL if not ok else Outcome.PASS if mode == "full" else Outcome.PARTIAL
    return Criterion(
        "reproducible",
        title,
        outcome,
        f"{mode} rebuild {result}",
        (rebuild.location,),
        None if ok else "make the rebuild reproduce the released weights",
        value=result,
    )


def assess(evidence: Evidence) -> Assessment:
    """Free / ToxicCandy / Non-free from the model licence, the training data and the training program."""
    model = _model_license(evidence)
    data = _training_data(evidence)
    program = _training_program(evidence)
    repro = _reproducible(evidence)
    if model.outcome is Outcome.FAIL:
        status, summary = NON_FREE, "Non-free Model: the model's own licence is not DFSG-compliant"
    elif model.outcome is not Outcome.PASS:
        status, summary = INSUFFICIENT, "the model's own licence could not be established"
    elif data.outcome is Outcome.PASS and program.outcome is Outcome.PASS:
        status, summary = (
            FREE,
            "Free Model: free licence, free public training data, complete training program",
        )
    else:
        missing = [c.id for c in (data, program) if c.outcome is not Outcome.PASS]
        status = TOXIC
        summary = f"ToxicCandy Model: free licence, but {' and '.join(missing)} not free or not shown"
    notes = (
        "ML-Policy is a Debian deep-learning team document, not adopted project policy: the 2025 "
        "General Resolution 'Interpretation of DFSG on AI models' was withdrawn (May 2025), "
        "so no project-wide rule exists.",
        "The 2019 draft also expected a Free Model to be reproducible; that is reported but does not change "
        "the category here.",
        "DFSG compliance is read from the licence's OSI-approved / FSF-libre flags (or an Open "
        "Definition data licence) with no use, user or field restrictions; attribution is allowed.",
    )
    criteria = (model, data, program, repro)
    return Assessment(
        framework=ID,
        name=NAME,
        version=VERSION,
        status=status,
        criteria=criteria,
        summary=summary,
        fixes=tuple(c.fix for c in (model, data, program) if c.fix and c.outcome is not Outcome.PASS),
        notes=(*notes, *declared_note(evidence)),
    )
