"""Reproducibility: the factors a reproduction of the training depends on, each with its evidence.

Factors (the causes of divergence a rebuild can hit): training data, labels, architecture,
hyperparameters, the training script's version, pinned library versions, random seeds, hardware,
OS/container, documentation. Each is present (1), partial (0.5) or absent/unknown (0); the score is the mean.
A ``rebuild`` fact from a rebuild attestation (``openness rebuild``) upgrades the status to verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openness.frameworks.common import (
    STATUS_OUTCOME,
    best_status,
    declared_note,
    describe,
    first_fact,
    locations_of,
    rebuild_mode,
    rebuild_result,
)
from openness.model import Assessment, Component, Criterion, Evidence, Fact, Location, Status

ID = "reproducibility"
NAME = "Reproducibility factors"
VERSION = "1"

VERIFIED, REBUILDABLE, PARTIAL_DOCS, NOT_REPRODUCIBLE, INSUFFICIENT = (
    "reproducible-verified",
    "rebuildable",
    "partially-documented",
    "not-reproducible",
    "insufficient-evidence",
)
VERIFIED_RESULTS = frozenset({"identical", "within-tolerance"})
FAILED_RESULTS = frozenset({"diverged", "failed"})
POINTS = {Status.PRESENT: 1.0, Status.PARTIAL: 0.5, Status.ABSENT: 0.0, Status.UNKNOWN: 0.0}
# Without these a rebuild cannot even start the same computation.
ESSENTIAL = (
    "training-data",
    "architecture",
    "hyperparameters",
    "training-script-version",
    "library-versions",
)


@dataclass(frozen=True)
class Factor:
    """One reproducibility factor: its status, why, and the evidence behind it."""

    status: Status
    detail: str
    evidence: tuple[Location, ...]


def _fact_status(fact: Fact) -> Status:
    """A fact's value read as a status: True/"full" present; counts and "partial" partial; False/0 absent."""
    v: Any = fact.value
    if isinstance(v, Status):
        return v
    if isinstance(v, bool):
        return Status.PRESENT if v else Status.ABSENT
    if isinstance(v, Mapping):
        pinned, total = v.get("pinned"), v.get("total")
        if isinstance(pinned, int) and isinstance(total, int) and total > 0:
            return Status.PRESENT if pinned >= total else Status.PARTIAL if pinned else Status.ABSENT
        return Status.PRESENT if v else Status.ABSENT
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("", "none", "no", "false", "absent"):
            return Status.ABSENT
        if low in ("partial", "some"):
            return Status.PARTIAL
        return Status.PRESENT
    if isinstance(v, int | float):
        return Status.PRESENT if v or v == 0 else Status.ABSENT  # a seed of 0 is a seed
    return Status.PRESENT if v else Status.ABSENT


def _pins(ev: Evidence) -> Factor:
    """Library versions: over every manifest the evidence read (one ``pinned_dependencies`` fact each)."""
    facts = ev.facts_for("pinned_dependencies")
    env = ev.get(Component.ENVIRONMENT)
    if not facts:
        return Factor(env.status, describe(env), locations_of(env))
    locks = [f for f in facts if isinstance(f.value, Mapping) and f.value.get("lock")]
    counted = [f for f in facts if isinstance(f.value, Mapping) and isinstance(f.value.get("total"), int)]
    locs = locations_of(*facts, env)
    if locks:
        names = ", ".join(str(f.value.get("file") or f.location) for f in locks)
        return Factor(Status.PRESENT, f"lock file(s): {names}", locs)
    if counted:
        pinned = sum(int(f.value.get("pinned") or 0) for f in counted)
        total = sum(int(f.value["total"]) for f in counted)
        status = Status.PRESENT if total and pinned >= total else Status.PARTIAL if pinned else Status.ABSENT
        return Factor(status, f"{pinned} of {total} requirements pinned in {len(counted)} manifest(s)", locs)
    statuses = [_fact_status(f) for f in facts]
    return Factor(best_status(*statuses), "; ".join(f"{f.key}: {f.value!r}" for f in facts[:3]), locs)


def _from_component(ev: Evidence, component: Component) -> Factor:
    ce = ev.get(component)
    return Factor(ce.status, describe(ce), locations_of(ce))


def _fact_or_component(ev: Evidence, keys: tuple[str, ...], component: Component) -> Factor:
    fact = first_fact(ev, *keys)
    ce = ev.get(component)
    if fact is not None:
        status = _fact_status(fact)
        return Factor(status, f"{fact.key}: {fact.value!r}; {describe(ce)}", locations_of(fact, ce))
    return Factor(ce.status, describe(ce), locations_of(ce))


def _labels(ev: Evidence) -> Factor:
    fact = first_fact(ev, "labels")
    info = ev.get(Component.DATA_INFORMATION)
    if fact is not None:
        return Factor(_fact_status(fact), f"labels: {fact.value!r}", locations_of(fact, info))
    # Labelling procedures belong to data information (OSAID's wording); shipped data carries its labels.
    data = ev.get(Component.DATASETS)
    status = best_status(info.status, Status.PARTIAL if data.status is Status.PRESENT else Status.ABSENT)
    return Factor(status, f"{describe(info)}; {describe(data)}", locations_of(info, data))


def _script_version(ev: Evidence) -> Factor:
    code = ev.get(Component.TRAINING_CODE)
    fact = first_fact(ev, "training_script_version")
    if fact is not None and code.status is not Status.ABSENT:
        return Factor(
            Status.PRESENT,
            f"training script version {fact.value}; {describe(code)}",
            locations_of(fact, code),
        )
    if fact is not None:
        return Factor(
            Status.PARTIAL,
            f"version {fact.value} named, training code not in the release",
            locations_of(fact, code),
        )
    if code.status in (Status.PRESENT, Status.PARTIAL):
        return Factor(
            Status.PARTIAL,
            f"{describe(code)}; nothing ties the weights to a commit of it",
            locations_of(code),
        )
    return Factor(code.status, describe(code), locations_of(code))


def _hardware(ev: Evidence) -> Factor:
    fact = first_fact(ev, "hardware")
    if fact is not None:
        return Factor(Status.PRESENT, f"hardware: {fact.value}", (fact.location,))
    docs = [ev.get(c) for c in (Component.MODEL_CARD, Component.TECHNICAL_REPORT, Component.ENVIRONMENT)]
    if all(d.status is Status.UNKNOWN for d in docs):
        return Factor(Status.UNKNOWN, "no documents could be inspected for the hardware used", ())
    return Factor(Status.ABSENT, "no hardware stated (card, report or environment)", locations_of(*docs))


def _os_container(ev: Evidence) -> Factor:
    recipe = ev.get(Component.CONTAINER_RECIPE)
    env = ev.get(Component.ENVIRONMENT)
    os_fact = first_fact(ev, "os")
    if recipe.status is Status.PRESENT:
        return Factor(Status.PRESENT, describe(recipe), locations_of(recipe))
    if recipe.status is Status.PARTIAL or os_fact is not None or env.status is Status.PRESENT:
        seen = f"; os: {os_fact.value}" if os_fact else ""
        return Factor(
            Status.PARTIAL, f"{describe(recipe)}; {describe(env)}{seen}", locations_of(recipe, env, os_fact)
        )
    status = Status.UNKNOWN if Status.UNKNOWN in (recipe.status, env.status) else Status.ABSENT
    return Factor(status, f"{describe(recipe)}; {describe(env)}", locations_of(recipe, env))


def _documentation(ev: Evidence) -> Factor:
    card = ev.get(Component.MODEL_CARD)
    report = best_status(ev.get(Component.TECHNICAL_REPORT).status, ev.get(Component.RESEARCH_PAPER).status)
    docs = [ev.get(c) for c in (Component.MODEL_CARD, Component.TECHNICAL_REPORT, Component.RESEARCH_PAPER)]
    detail = "; ".join(describe(d) for d in docs)
    if card.status is Status.PRESENT and report is Status.PRESENT:
        status = Status.PRESENT
    elif Status.PRESENT in (card.status, report) or Status.PARTIAL in (card.status, report):
        status = Status.PARTIAL
    else:
        status = Status.UNKNOWN if Status.UNKNOWN in (card.status, report) else Status.ABSENT
    return Factor(status, detail, locations_of(*docs))


FACTORS: Mapping[str, tuple[str, str]] = {
    "training-data": (
        "Training data",
        "publish the exact training data (with hashes) or how to get each part",
    ),
    "labels": ("Labels and labelling procedure", "describe how the data was labelled and filtered"),
    "architecture": ("Model architecture", "publish the architecture code or config"),
    "hyperparameters": ("Hyperparameters", "publish the training configuration (all hyperparameters)"),
    "training-script-version": (
        "Training script version",
        "publish the training code and name the commit that produced the weights",
    ),
    "library-versions": ("Pinned library versions", "pin every dependency (lock file or == pins)"),
    "random-seeds": ("Random seeds", "state every random seed used in training"),
    "hardware": ("Hardware", "state the hardware (accelerator type, count) used for training"),
    "os-container": ("OS / container", "publish a container recipe (Dockerfile) or the OS used"),
    "documentation": ("Documentation", "publish a model card and a technical report on the training"),
}


def _factors(ev: Evidence) -> dict[str, Factor]:
    return {
        "training-data": _from_component(ev, Component.DATASETS),
        "labels": _labels(ev),
        "architecture": _from_component(ev, Component.MODEL_ARCHITECTURE),
        "hyperparameters": _from_component(ev, Component.HYPERPARAMETERS),
        "training-script-version": _script_version(ev),
        "library-versions": _pins(ev),
        "random-seeds": _fact_or_component(ev, ("seed", "random_seed"), Component.RANDOM_SEEDS),
        "hardware": _hardware(ev),
        "os-container": _os_container(ev),
        "documentation": _documentation(ev),
    }


def _status(factors: Mapping[str, Factor], rebuild: Fact | None) -> tuple[str, str]:
    if rebuild is not None:
        result = rebuild_result(rebuild.value)
        if result in VERIFIED_RESULTS and rebuild_mode(rebuild.value) == "full":
            return VERIFIED, f"a rebuild reproduced the weights ({result}), attested at {rebuild.location}"
        if result in FAILED_RESULTS:
            return NOT_REPRODUCIBLE, f"a rebuild was attempted and {result} (see {rebuild.location})"
    essential = {k: factors[k].status for k in ESSENTIAL}
    if (
        factors["training-data"].status is Status.ABSENT
        or essential["training-script-version"] is Status.ABSENT
    ):
        return NOT_REPRODUCIBLE, "training data or training code is absent: a rebuild cannot start"
    if all(s is Status.PRESENT for k, s in essential.items() if k != "training-script-version") and essential[
        "training-script-version"
    ] in (Status.PRESENT, Status.PARTIAL):
        return REBUILDABLE, "data, code, configuration and pinned environment are all published"
    if any(s is Status.UNKNOWN for s in essential.values()):
        unknown = [k for k, s in essential.items() if s is Status.UNKNOWN]
        return INSUFFICIENT, f"not established: {', '.join(unknown)}"
    missing = [k for k, s in essential.items() if s is not Status.PRESENT]
    return PARTIAL_DOCS, f"incomplete: {', '.join(missing)}"


def _rebuild_criterion(rebuild: Fact) -> Criterion:
    result, mode = rebuild_result(rebuild.value), rebuild_mode(rebuild.value)
    if result in VERIFIED_RESULTS:
        # A segment rebuild (checkpoint -> next checkpoint) checks a stretch of training, not all of it.
        status = Status.PRESENT if mode == "full" else Status.PARTIAL
        fix = None if mode == "full" else "attest a full rebuild from the training data"
    else:
        status = Status.ABSENT
        fix = (
            "make the attestation's subjects match the released weight files"
            if result == "unverified"
            else "find the divergence named in the attestation and fix it"
        )
    return Criterion(
        "rebuild",
        "Rebuild attested",
        STATUS_OUTCOME[status],
        f"{mode} rebuild result: {result}",
        (rebuild.location,),
        fix,
        value=result,
    )


def assess(evidence: Evidence) -> Assessment:
    """The ten factors, their score, and a status upgraded by a rebuild attestation."""
    factors = _factors(evidence)
    rebuild = first_fact(evidence, "rebuild")
    criteria = [
        Criterion(
            id=key,
            title=FACTORS[key][0],
            outcome=STATUS_OUTCOME[f.status],
            detail=f.detail,
            evidence=f.evidence,
            fix=None if f.status is Status.PRESENT else FACTORS[key][1],
            value=str(f.status),
        )
        for key, f in factors.items()
    ]
    if rebuild is not None:
        criteria.append(_rebuild_criterion(rebuild))
    score = round(sum(POINTS[f.status] for f in factors.values()) / len(factors), 3)
    status, why = _status(factors, rebuild)
    counts = {s: sum(1 for f in factors.values() if f.status is s) for s in Status}
    return Assessment(
        framework=ID,
        name=NAME,
        version=VERSION,
        status=status,
        criteria=tuple(criteria),
        summary=(
            f"{why}; score {score:.2f} ({counts[Status.PRESENT]} present, {counts[Status.PARTIAL]} partial, "
            f"{counts[Status.ABSENT]} absent, {counts[Status.UNKNOWN]} unknown of {len(factors)})"
        ),
        score=score,
        fixes=tuple(c.fix for c in criteria if c.fix),
        notes=(
            "Score: present 1, partial 0.5, absent or unknown 0, averaged over the ten factors.",
            "Only a rebuild attestation proves reproducibility; the factors show whether one can be tried.",
            *declared_note(evidence),
        ),
        extra={"factors": {k: str(f.status) for k, f in factors.items()}},
    )
