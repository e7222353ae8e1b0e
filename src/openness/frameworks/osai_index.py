"""European Open Source AI Index (osai-index.eu): its 12 current dimensions, read from artifacts.

Source: Language-Technology-Assessment/main-database (``_parameters.yml``, readme level definitions) and the
website's scoring (``composables/models.ts``): open = 1, partial = 0.5, closed or missing = 0; the model score
is the mean over the 12 dimensions, category scores the mean within each category. The index's raters judge
from everything published; here each dimension is read from the release's evidence (see
docs/frameworks/osai-index.md for the mapping and where it differs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openness.frameworks.common import (
    LicenseJudgement,
    LicenseState,
    best_status,
    combine,
    declared_note,
    describe,
    entry_location,
    first_fact,
    judge_component,
    judge_license,
    locations_of,
    named_dataset_licenses,
)
from openness.model import (
    Assessment,
    Component,
    ComponentEvidence,
    Criterion,
    Evidence,
    Location,
    Outcome,
    Status,
)

ID = "osai-index"
NAME = "European Open Source AI Index"
VERSION = "2026-06 (12 dimensions)"

OPEN, PARTIAL, CLOSED = "open", "partial", "closed"
POINTS = {OPEN: 1.0, PARTIAL: 0.5, CLOSED: 0.0}

CATEGORIES: Mapping[str, tuple[str, ...]] = {
    "availability": (
        "datasources_basemodel",
        "datasources_endmodel",
        "weights_basemodel",
        "weights_endmodel",
        "trainingcode",
    ),
    "documentation": ("code", "hardware_architecture", "preprint", "paper", "modelcard", "datasheet"),
    "access": ("licenses",),
}

TITLES: Mapping[str, str] = {
    "datasources_basemodel": "Base model data",
    "datasources_endmodel": "End user model data",
    "weights_basemodel": "Base model weights",
    "weights_endmodel": "End user model weights",
    "trainingcode": "Training code",
    "code": "Code documentation",
    "hardware_architecture": "Hardware and architecture documentation",
    "preprint": "Preprint",
    "paper": "Paper",
    "modelcard": "Model card",
    "datasheet": "Datasheet",
    "licenses": "Licenses",
}

_LEVEL = {Status.PRESENT: OPEN, Status.PARTIAL: PARTIAL, Status.ABSENT: CLOSED, Status.UNKNOWN: CLOSED}
_OUTCOME = {OPEN: Outcome.PASS, PARTIAL: Outcome.PARTIAL, CLOSED: Outcome.FAIL}


@dataclass(frozen=True)
class _Dim:
    level: str
    unknown: bool
    detail: str
    evidence: tuple[Location, ...]
    fix: str | None


def _from_status(status: Status, detail: str, evidence: tuple[Location, ...], fix: str) -> _Dim:
    unknown = status is Status.UNKNOWN
    level = _LEVEL[status]
    if unknown:
        detail = f"unknown, scored closed: {detail}"
    return _Dim(level, unknown, detail, evidence, None if level == OPEN else fix)


def _as_status(value: Any) -> Status | None:
    if isinstance(value, Status):
        return value
    if isinstance(value, bool):
        return Status.PRESENT if value else Status.ABSENT
    if isinstance(value, str):
        try:
            return Status(value.strip().lower())
        except ValueError:
            return {OPEN: Status.PRESENT, PARTIAL: Status.PARTIAL, CLOSED: Status.ABSENT}.get(
                value.strip().lower()
            )
    return None


# --------------------------------------------------------------------------- dimensions


def _datasources_end(ev: Evidence) -> _Dim:
    data = ev.get(Component.DATASETS)
    named = [d for d in ev.datasets if d.get("id")]
    locs = locations_of(data) + tuple(entry_location(d) for d in named)
    fix = "publish the training data, or list every source with where to get it"
    if data.status in (Status.PRESENT, Status.PARTIAL):
        return _from_status(data.status, describe(data), locs, fix)
    if named:
        ids = ", ".join(str(d["id"]) for d in named[:5])
        return _Dim(
            PARTIAL,
            False,
            f"training data not in the release, but {len(named)} source(s) are named ({ids})",
            locs,
            fix,
        )
    return _from_status(data.status, describe(data), locs, fix)


def _lineage_status(ev: Evidence, keys: tuple[str, ...]) -> tuple[Status, str, tuple[Location, ...]]:
    base = ev.lineage[0]
    name = str(base.get("id", "the base model"))
    for key in keys:
        status = _as_status(base.get(key))
        if status is not None:
            return status, f"base model {name}: {key} {status}", (entry_location(base),)
    return Status.UNKNOWN, f"base model {name}: not established from this release", (entry_location(base),)


def _same_as_end(end: _Dim) -> _Dim:
    """Without a base model the base-model dimension is the end model's own."""
    return _Dim(
        end.level,
        end.unknown,
        f"no base model: same as the end model ({end.detail})",
        end.evidence,
        end.fix,  # the same release: the end-model dimension's fix, listed once
    )


def _datasources_base(ev: Evidence, end: _Dim) -> _Dim:
    fix = "publish the base model's training data, or list every source with where to get it"
    if not ev.lineage:
        return _same_as_end(end)
    status, detail, locs = _lineage_status(ev, ("datasets", "data", "datasources"))
    return _from_status(status, detail, locs, fix)


def _weights_end(ev: Evidence) -> _Dim:
    w = ev.get(Component.PARAMETERS_FINAL)
    return _from_status(w.status, describe(w), locations_of(w), "publish the final weights without gating")


def _weights_base(ev: Evidence, end: _Dim) -> _Dim:
    fix = "publish the base model's weights"
    if not ev.lineage:
        return _same_as_end(end)
    status, detail, locs = _lineage_status(ev, ("weights", "parameters"))
    return _from_status(status, detail, locs, fix)


def _trainingcode(ev: Evidence) -> _Dim:
    code = ev.get(Component.TRAINING_CODE)
    return _from_status(code.status, describe(code), locations_of(code), "publish the complete training code")


_CODE_PARTS = (
    Component.TRAINING_CODE,
    Component.DATA_PREPROCESSING_CODE,
    Component.INFERENCE_CODE,
    Component.EVALUATION_CODE,
    Component.MODEL_ARCHITECTURE,
)


def _code_docs(ev: Evidence) -> _Dim:
    fix = "document every code component (README per component, usage and arguments)"
    stated = first_fact(ev, "code_documentation")
    if stated is not None and (status := _as_status(stated.value)) is not None:
        return _from_status(status, f"stated: code documentation {status}", (stated.location,), fix)
    parts = [ev.get(c) for c in _CODE_PARTS]
    seen = [p for p in parts if p.status in (Status.PRESENT, Status.PARTIAL)]
    if seen:
        # How well code is documented is a rater's judgement; artifacts only show code exists.
        names = ", ".join(str(p.component) for p in seen)
        return _Dim(
            PARTIAL,
            False,
            f"code present ({names}); its documentation is not measured, so at most partial",
            locations_of(*seen),
            fix,
        )
    status = Status.UNKNOWN if any(p.status is Status.UNKNOWN for p in parts) else Status.ABSENT
    return _from_status(status, "no code found to document", locations_of(*parts), fix)


def _hardware_architecture(ev: Evidence) -> _Dim:
    arch = ev.get(Component.MODEL_ARCHITECTURE)
    hyper = ev.get(Component.HYPERPARAMETERS)
    hardware = first_fact(ev, "hardware")
    locs = locations_of(arch, hyper, hardware)
    fix = "document the architecture, the training setup (hyperparameters) and the hardware used"
    detail = f"{describe(arch)}; {describe(hyper)}; hardware {'stated' if hardware else 'not stated'}"
    if arch.status is Status.PRESENT and hyper.status is Status.PRESENT:
        return _Dim(OPEN, False, detail, locs, None)
    if (
        Status.PRESENT in (arch.status, hyper.status)
        or Status.PARTIAL in (arch.status, hyper.status)
        or hardware
    ):
        return _Dim(PARTIAL, False, detail, locs, fix)
    unknown = Status.UNKNOWN in (arch.status, hyper.status)
    return _from_status(Status.UNKNOWN if unknown else Status.ABSENT, detail, locs, fix)


def _preprint(ev: Evidence) -> _Dim:
    report = ev.get(Component.TECHNICAL_REPORT)
    paper = ev.get(Component.RESEARCH_PAPER)
    status = best_status(report.status, paper.status)
    return _from_status(
        status,
        f"{describe(report)}; {describe(paper)}",
        locations_of(report, paper),
        "publish a preprint (e.g. arXiv) covering base model, fine-tuning and data",
    )


def _paper(ev: Evidence) -> _Dim:
    paper = ev.get(Component.RESEARCH_PAPER)
    dim = _from_status(
        paper.status, describe(paper), locations_of(paper), "publish a peer-reviewed paper covering the model"
    )
    if dim.level != CLOSED:
        return _Dim(
            dim.level,
            dim.unknown,
            dim.detail + " (peer review not verifiable from artifacts)",
            dim.evidence,
            dim.fix,
        )
    return dim


def _modelcard(ev: Evidence) -> _Dim:
    card = ev.get(Component.MODEL_CARD)
    return _from_status(
        card.status,
        describe(card),
        locations_of(card),
        "write a model card covering architecture, training, fine-tuning and evaluation",
    )


def _datasheet(ev: Evidence) -> _Dim:
    sheet = ev.get(Component.DATA_CARD)
    info = ev.get(Component.DATA_INFORMATION)
    fix = "publish a datasheet (Gebru et al.) or the AI Act Art. 53(1)(d) training-content summary"
    if sheet.status in (Status.PRESENT, Status.PARTIAL):
        return _from_status(sheet.status, describe(sheet), locations_of(sheet), fix)
    if info.status in (Status.PRESENT, Status.PARTIAL):
        return _Dim(PARTIAL, False, f"no datasheet, but {describe(info)}", locations_of(info), fix)
    status = Status.UNKNOWN if Status.UNKNOWN in (sheet.status, info.status) else Status.ABSENT
    return _from_status(status, f"{describe(sheet)}; {describe(info)}", locations_of(sheet, info), fix)


@dataclass(frozen=True)
class _Licensed:
    name: str
    judgement: LicenseJudgement
    partly_open: bool  # at least one of its licences is open


def _licensed_parts(ev: Evidence) -> list[_Licensed]:
    out: list[_Licensed] = []
    for name, comp in (("weights", Component.PARAMETERS_FINAL), ("training code", Component.TRAINING_CODE)):
        ce = ev.get(comp)
        out.append(_licensed(name, ce, []))
    data = ev.get(Component.DATASETS)
    out.append(_licensed("training data", data, named_dataset_licenses(ev)))
    return out


def _licensed(name: str, ce: ComponentEvidence, extra: list[LicenseJudgement]) -> _Licensed:
    if ce.status is Status.ABSENT and not extra:
        j = LicenseJudgement(LicenseState.NONE, (f"{name} not released",), ce.locations)
        return _Licensed(name, j, False)
    parts = ([judge_component(ce)] if ce.licenses else []) + extra
    j = combine(parts)
    if j.state is LicenseState.NONE and ce.status is Status.UNKNOWN:
        j = LicenseJudgement(LicenseState.UNKNOWN, (f"{name}: {ce.status}",), ce.locations)
    singles = [judge_license(a.license) for a in ce.licenses] + extra
    return _Licensed(name, j, any(x.state is LicenseState.OPEN for x in singles))


def license_level(parts: list[_Licensed], *, osi_only: bool = False) -> tuple[str, bool]:
    """The readme rule: open = all of weights, training code, training data open; partial = at least two
    (partly) open. Returns (level, undecided) where undecided means unknown licences could raise it."""

    def full(p: _Licensed) -> bool:
        return p.judgement.state is LicenseState.OPEN and (p.judgement.osi_only or not osi_only)

    def partly(p: _Licensed) -> bool:
        return full(p) or (p.partly_open and not osi_only)

    unknown = [p for p in parts if p.judgement.state is LicenseState.UNKNOWN]
    if all(full(p) for p in parts):
        return OPEN, False
    if sum(partly(p) for p in parts) >= 2:
        return PARTIAL, bool(unknown)
    could_reach = sum(partly(p) for p in parts) + len(unknown) >= 2
    return CLOSED, could_reach


def _licenses(ev: Evidence) -> tuple[_Dim, str | None]:
    parts = _licensed_parts(ev)
    level, undecided = license_level(parts)
    detail = "; ".join(f"{p.name}: {p.judgement.state} ({p.judgement.reason})" for p in parts)
    locs = tuple(dict.fromkeys(loc for p in parts for loc in p.judgement.locations))
    strict, _ = license_level(parts, osi_only=True)
    note = None
    if strict != level:
        note = (
            f"licenses: {level} under the readme rule (open licences); {strict} under the "
            "_parameters-descriptions.yml reading (OSI-approved licences only)"
        )
    fix = None if level == OPEN else "license weights, training code and training data under open licences"
    if level == CLOSED and undecided:
        return _Dim(CLOSED, True, f"unknown, scored closed: {detail}", locs, fix), note
    return _Dim(level, False, detail, locs, fix), note


# --------------------------------------------------------------------------- assessment


def assess(evidence: Evidence) -> Assessment:
    """The 12 dimensions, the index score (their mean) and the category scores."""
    ds_end = _datasources_end(evidence)
    w_end = _weights_end(evidence)
    lic, lic_note = _licenses(evidence)
    dims: dict[str, _Dim] = {
        "datasources_basemodel": _datasources_base(evidence, ds_end),
        "datasources_endmodel": ds_end,
        "weights_basemodel": _weights_base(evidence, w_end),
        "weights_endmodel": w_end,
        "trainingcode": _trainingcode(evidence),
        "code": _code_docs(evidence),
        "hardware_architecture": _hardware_architecture(evidence),
        "preprint": _preprint(evidence),
        "paper": _paper(evidence),
        "modelcard": _modelcard(evidence),
        "datasheet": _datasheet(evidence),
        "licenses": lic,
    }
    criteria = tuple(
        Criterion(
            id=key,
            title=TITLES[key],
            outcome=Outcome.UNKNOWN if d.unknown else _OUTCOME[d.level],
            detail=d.detail,
            evidence=d.evidence,
            fix=d.fix,
            value=d.level,
        )
        for key, d in dims.items()
    )
    score = round(sum(POINTS[d.level] for d in dims.values()) / len(dims), 3)
    categories = {
        cat: round(sum(POINTS[dims[k].level] for k in keys) / len(keys), 3)
        for cat, keys in CATEGORIES.items()
    }
    unknown = [k for k, d in dims.items() if d.unknown]
    notes = [
        "Licenses rule follows the index readme (open licences incl. data sources and training code); "
        "_parameters-descriptions.yml asks for OSI-approved licences instead.",
    ]
    if lic_note:
        notes.append(lic_note)
    if not evidence.lineage:
        notes.append("No base model named: base-model and end-model dimensions both describe this release.")
    if unknown:
        notes.append(f"Scored closed for lack of evidence: {', '.join(unknown)}.")
    counts = {lvl: sum(1 for d in dims.values() if d.level == lvl) for lvl in (OPEN, PARTIAL, CLOSED)}
    return Assessment(
        framework=ID,
        name=NAME,
        version=VERSION,
        status=f"score {score:.2f}",
        criteria=criteria,
        summary=(
            f"index score {score:.2f}: {counts[OPEN]} open, {counts[PARTIAL]} partial, "
            f"{counts[CLOSED]} closed of 12" + (f" ({len(unknown)} unknown)" if unknown else "")
        ),
        score=score,
        fixes=tuple(dict.fromkeys(d.fix for d in dims.values() if d.fix)),
        notes=(*notes, *declared_note(evidence)),
        extra={"categories": categories, "dimensions": {k: d.level for k, d in dims.items()}},
    )
