"""European Open Source AI Index (osai-index.eu): its 12 current dimensions, read from artifacts.

Source: Language-Technology-Assessment/main-database (``_parameters.yml``, ``_parameters-descriptions.yml``,
the readme's level definitions) and the website's scoring (``composables/models.ts``): open = 1, partial =
0.5, closed or missing = 0; the model score is the mean over the 12 dimensions, category scores the mean
within each category. Each dimension is read as the Index defines it: ``code`` is documentation of the
data-processing and training code, ``hardware_architecture`` the documented training hardware and setup,
``paper`` a peer-reviewed publication (an arXiv preprint is ``preprint``), ``licenses`` covers weights,
training code and data. The Index's raters read everything a maker publishes; where a dimension needs what
this release's artifacts cannot show (a card hosted with weights elsewhere, a linked paper that may not be
the release's own), the answer is ``unknown``, scored 0 as the Index scores a missing value. Agreement with
the Index's own judgements is measured by ``benchmarks/bench_osai_index.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openness.frameworks.common import (
    LicenseJudgement,
    LicenseState,
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
    Fact,
    Location,
    Outcome,
    Status,
)

ID = "osai-index"
NAME = "European Open Source AI Index"
VERSION = "2026-06 (12 dimensions, database 5a388e8)"

OPEN, PARTIAL, CLOSED, UNKNOWN = "open", "partial", "closed", "unknown"
POINTS = {OPEN: 1.0, PARTIAL: 0.5, CLOSED: 0.0, UNKNOWN: 0.0}  # the Index scores a missing value 0

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
    """One Index dimension's judgement: its level, whether it rests on unknowns, and why."""

    level: str
    unknown: bool
    detail: str
    evidence: tuple[Location, ...]
    fix: str | None


def _from_status(status: Status, detail: str, evidence: tuple[Location, ...], fix: str) -> _Dim:
    unknown = status is Status.UNKNOWN
    level = _LEVEL[status]
    if unknown:
        detail = f"unknown: {detail}"
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


# --------------------------------------------------------------------------- documentation
#
# The Index's documentation dimensions, each as its own definition words it (_parameters-descriptions.yml
# and the readme's level texts), read from the facts evidence/documentation.py records.


def _facts(ev: Evidence, key: str) -> tuple[Fact, ...]:
    return tuple(f for f in ev.facts_for(key) if isinstance(f.value, Mapping) or key == "training_hardware")


def _cards_unread(ev: Evidence) -> bool:
    """The model card (or README standing in for it) could not be read: what it documents is unknown."""
    return ev.get(Component.MODEL_CARD).status is Status.UNKNOWN


def _code_docs(ev: Evidence) -> _Dim:
    """``code``: "Is the source code of datasource processing, model training and tuning comprehensively
    documented?" Documentation of that code, not the existence of any code: inference code does not count.
    Open: every step documented; partial: some; closed: none (or no training code to document)."""
    fix = "document the data-processing and training code (a README per step: what it does, how to run it)"
    train = ev.get(Component.TRAINING_CODE)
    prep = ev.get(Component.DATA_PREPROCESSING_CODE)
    fact = first_fact(ev, "code_documentation")
    docs: Mapping[str, Any] = fact.value if fact is not None and isinstance(fact.value, Mapping) else {}
    if isinstance(fact.value if fact else None, str):  # a questionnaire's answer: present / partial / absent
        status = _as_status(fact.value if fact else None)
        if status is not None and fact is not None:
            return _from_status(status, f"stated: code documentation {status}", (fact.location,), fix)
    if train.status is Status.UNKNOWN:
        return _Dim(CLOSED, True, f"unknown: {describe(train)}", locations_of(train), fix)
    if train.status is Status.ABSENT:
        extra = f"; {describe(prep)}" if prep.status is not Status.ABSENT else ""
        return _Dim(
            CLOSED,
            False,
            f"no training or tuning code in the release, so none is documented ({describe(train)}{extra})",
            locations_of(train),
            fix,
        )
    steps = {str(c): docs.get(str(c)) for c in (Component.TRAINING_CODE, Component.DATA_PREPROCESSING_CODE)}
    documented = {k: v for k, v in steps.items() if isinstance(v, Mapping) and v.get("documented")}
    parts = [
        f"{k}: {v.get('documented')}/{v.get('total')} files documented"
        + (f" ({', '.join(map(str, v.get('where') or ()))})" if v.get("where") else "")
        for k, v in steps.items()
        if isinstance(v, Mapping)
    ]
    locs = (fact.location,) if fact is not None and documented else locations_of(train)
    detail = "; ".join(parts) or "no documentation found for the training code"
    if not documented:
        return _Dim(
            CLOSED,
            False,
            f"{detail}: no README beside the code, no docs page on training, no card line naming it",
            locs,
            fix,
        )
    # Open is "all components": the training code (complete, not only fine-tuning examples) and the
    # data-processing code, each documented. A release without data-processing code documents no such step.
    complete = (
        train.status is Status.PRESENT
        and str(Component.TRAINING_CODE) in documented
        and str(Component.DATA_PREPROCESSING_CODE) in documented
    )
    if complete:
        return _Dim(OPEN, False, f"{detail} (each step's code is documented)", locs, None)
    if train.status is Status.PARTIAL:
        why = "only fine-tuning/example training code is documented"
    elif str(Component.DATA_PREPROCESSING_CODE) not in documented:
        why = "no documented data-processing code"
    else:
        why = "the training code is not documented"
    return _Dim(PARTIAL, False, f"{detail} ({why})", locs, fix)


def _hardware_architecture(ev: Evidence) -> _Dim:
    """``hardware_architecture``: "System architecture and model training setup" documented: the hardware
    training ran on and the training setup (hyperparameters, configuration). Architecture code alone is not
    documentation of the training setup."""
    fix = "document the training hardware (accelerators, count, hours) and setup (hyperparameters)"
    hw = ev.facts_for("training_hardware")
    hyper = ev.get(Component.HYPERPARAMETERS)
    setup = hyper.status in (Status.PRESENT, Status.PARTIAL)
    locs = locations_of(*hw[:2], hyper if setup else None)
    hw_text = f"training hardware stated ({hw[0].value})" if hw else "no training hardware stated"
    detail = f"{hw_text}; {describe(hyper)}"
    if hw and setup:
        return _Dim(OPEN, False, detail, locs, None)
    papers = _own_publications(ev, "preprint") + _own_publications(ev, "peer-reviewed")
    if papers:
        # The release's own paper (not part of the artifacts read) is where the training setup and hardware
        # are usually documented: what the card leaves out may be there.
        return _Dim(
            CLOSED,
            True,
            f"unknown: {detail}; the release's own paper ({_ids(papers)}, not read) may document the rest",
            locs + locations_of(*papers[:1]),
            fix,
        )
    if hw or setup:
        return _Dim(PARTIAL, False, detail, locs, fix)
    if _cards_unread(ev) or hyper.status is Status.UNKNOWN:
        return _Dim(CLOSED, True, f"unknown: {detail}", locs, fix)
    return _Dim(CLOSED, False, detail, locs, fix)


def _own_publications(ev: Evidence, kind: str) -> tuple[Fact, ...]:
    return tuple(f for f in _facts(ev, "publication") if f.value.get("kind") == kind)


def _cited_papers(ev: Evidence) -> tuple[Fact, ...]:
    """Papers the cards link or cite that are not the release's own (``cited_paper`` facts,
    ``evidence.documentation.papers``): its own paper may be among them, unrecognised."""
    return _facts(ev, "cited_paper")


def _paper_files(ev: Evidence) -> tuple[ComponentEvidence, ...]:
    out = []
    for c in (Component.RESEARCH_PAPER, Component.TECHNICAL_REPORT):
        e = ev.get(c)
        if e.status is Status.PRESENT and any(loc.path and not loc.lines for loc in e.locations):
            out.append(e)
    return tuple(out)


def _ids(facts: tuple[Fact, ...]) -> str:
    return ", ".join(
        str(f.value.get("id")) + (f" ({f.value['venue']})" if f.value.get("venue") else "") for f in facts[:4]
    )


def _preprint(ev: Evidence) -> _Dim:
    """``preprint``: an archived preprint (arXiv) of the release's own. A paper cited in passing (the Model
    Cards paper, a benchmark's, the base model's) is not this release's; its coverage of "all major parts" is
    a reader's judgement, not measured."""
    fix = "publish an archived preprint (e.g. arXiv) covering data processing, training and tuning"
    own = _own_publications(ev, "preprint") + _own_publications(ev, "peer-reviewed")
    if own:
        return _Dim(
            OPEN,
            False,
            f"the release's own paper(s): {_ids(own)} (coverage of every step not measured)",
            locations_of(*own),
            None,
        )
    files = _paper_files(ev)
    if files:
        return _Dim(
            PARTIAL,
            False,
            "a paper/report in the release, not an archived preprint: "
            + "; ".join(describe(f) for f in files),
            locations_of(*files),
            fix,
        )
    cited = _cited_papers(ev)
    if cited:
        return _Dim(
            CLOSED,
            True,
            "unknown: a paper is linked but not as this release's own (not in its citation, not called its "
            f"paper): {_ids(cited)}",
            locations_of(*cited[:3]),
            fix,
        )
    if _cards_unread(ev):
        return _Dim(CLOSED, True, "unknown: the card that would cite a preprint could not be read", (), fix)
    return _Dim(CLOSED, False, "no preprint of the release's own is cited or linked", (), fix)


def _paper(ev: Evidence) -> _Dim:
    """``paper``: peer-reviewed. A citation naming a venue (booktitle, a conference or journal) is peer-
    reviewed; an arXiv-only citation is a preprint and counts under ``preprint``, not here."""
    fix = "publish a peer-reviewed paper covering data processing, training and tuning, and cite its venue"
    reviewed = _own_publications(ev, "peer-reviewed")
    if reviewed:
        return _Dim(
            OPEN,
            False,
            f"peer-reviewed: {_ids(reviewed)} (coverage of every step not measured)",
            locations_of(*reviewed),
            None,
        )
    preprints = _own_publications(ev, "preprint")
    if preprints:
        # An arXiv preprint is not peer-reviewed, but many are later (Whisper at ICML, CogVideoX at ICLR)
        # while the release's citation stays the arXiv one: whether it passed review is not in the artifacts.
        return _Dim(
            CLOSED,
            True,
            f"unknown: only preprint(s) cited, no venue named: {_ids(preprints)}; whether they have since "
            "been published after peer review is not in the release",
            locations_of(*preprints),
            fix,
        )
    if _cards_unread(ev):
        return _Dim(CLOSED, True, "unknown: the card that would cite a paper could not be read", (), fix)
    return _Dim(CLOSED, False, "no peer-reviewed paper of the release's own is cited", (), fix)


_CARD_NEEDS = ("architecture", "training", "evaluation")


def _modelcard(ev: Evidence) -> _Dim:
    """``modelcard``: "a model card in standardized format" with insight on architecture, training,
    fine-tuning and evaluation. Open: card metadata (the standardized format) and sections on all three;
    partial: a card covering some of them; closed: none. When the weights are published elsewhere and the
    release holds no card of its own (a README stands in), the card the Index reads sits with the weights:
    unknown."""
    fix = "publish a model card (with card metadata) covering architecture, training and evaluation"
    card = ev.get(Component.MODEL_CARD)
    weights = ev.get(Component.PARAMETERS_FINAL)
    cov = first_fact(ev, "model_card_coverage")
    value: Mapping[str, Any] = cov.value if cov is not None and isinstance(cov.value, Mapping) else {}
    covers = [str(x) for x in value.get("covers") or ()]
    metadata = bool(value.get("metadata")) or bool(ev.card)
    locs = locations_of(card, cov)
    if card.status is Status.UNKNOWN:
        return _Dim(CLOSED, True, f"unknown: {describe(card)}", locs, fix)
    if card.status is Status.ABSENT:
        if weights.status is Status.UNKNOWN:
            return _Dim(
                CLOSED,
                True,
                "unknown: no card here; the weights (and their card) live elsewhere",
                locations_of(weights),
                fix,
            )
        return _Dim(CLOSED, False, describe(card), locs, fix)
    if card.status is Status.PARTIAL and weights.status is Status.UNKNOWN and not metadata:
        return _Dim(
            CLOSED,
            True,
            f"unknown: {describe(card)}; the weights are published elsewhere, with the card the Index reads",
            locs,
            fix,
        )
    got = [k for k in _CARD_NEEDS if k in covers]
    detail = f"{describe(card)}; sections on: {', '.join(covers) or 'none of ' + ', '.join(_CARD_NEEDS)}" + (
        "" if metadata else "; no card metadata"
    )
    if metadata and len(got) == len(_CARD_NEEDS):
        return _Dim(OPEN, False, detail, locs, None)
    if got or card.status is Status.PRESENT:
        return _Dim(PARTIAL, False, detail, locs, fix)
    return _Dim(CLOSED, False, detail, locs, fix)


_GEBRU_MIN = 4  # of the seven "Datasheets for Datasets" sections, for a comprehensive datasheet


def _datasheet(ev: Evidence) -> _Dim:
    """``datasheet``: a datasheet as "Datasheets for Datasets" (Gebru et al. 2021) defines it, or the AI
    Act Art. 53(1)(d) training-content summary. A data section inside the model card is not a datasheet. A
    data card file is partial; open when it follows the datasheet's sections."""
    fix = "publish a datasheet (Gebru et al.: motivation, composition, collection, preprocessing, uses, ...)"
    sheet = ev.get(Component.DATA_CARD)
    info = ev.get(Component.DATA_INFORMATION)
    sections = [f for f in _facts(ev, "datasheet_sections")]
    files = [loc for loc in sheet.locations if loc.path and not loc.lines]
    if sheet.status in (Status.PRESENT, Status.PARTIAL) and files:
        best = max(sections, key=lambda f: len(f.value.get("sections") or ()), default=None)
        found = [str(x) for x in (best.value.get("sections") or ())] if best else []
        detail = f"{describe(sheet)}; datasheet sections: {', '.join(found) or 'none'}"
        if len(found) >= _GEBRU_MIN:
            return _Dim(OPEN, False, detail, locations_of(best, sheet), None)
        if best is None:
            return _Dim(CLOSED, True, f"unknown: {detail} (data card not read)", locations_of(sheet), fix)
        if found:
            return _Dim(PARTIAL, False, detail, locations_of(best, sheet), fix)
        # A data folder's README that answers none of a datasheet's questions (a pointer, a list of
        # evaluation sets) gives no insight on collection or curation.
        return _Dim(CLOSED, False, f"{detail}: not a datasheet", locations_of(best, sheet), fix)
    if sheet.status is Status.UNKNOWN:
        return _Dim(CLOSED, True, f"unknown: {describe(sheet)}", locations_of(sheet), fix)
    named = [d for d in ev.datasets if d.get("id")]
    if named:
        return _Dim(
            CLOSED,
            True,
            f"unknown: the training datasets are named ({', '.join(str(d['id']) for d in named[:3])}); their "
            "datasheets would be their own dataset cards, outside this release",
            tuple(entry_location(d) for d in named[:3]),
            fix,
        )
    if info.status is Status.UNKNOWN:
        return _Dim(CLOSED, True, f"unknown: {describe(info)}", locations_of(info), fix)
    inside = "" if sheet.status is Status.ABSENT else " (a data section in the model card is not a datasheet)"
    return _Dim(CLOSED, False, f"no datasheet{inside}: {describe(sheet)}", locations_of(sheet), fix)


@dataclass(frozen=True)
class _Licensed:
    """A released part and how its licences are judged for the Index's licence dimensions."""

    name: str
    judgement: LicenseJudgement
    partly_open: bool  # at least one of its licences is open
    released: bool  # the part is released (here or elsewhere); an unreleased part is not judged


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
        return _Licensed(name, j, False, False)
    parts = ([judge_component(ce)] if ce.licenses else []) + extra
    j = combine(parts)
    if j.state is LicenseState.NONE and ce.status is Status.UNKNOWN:
        j = LicenseJudgement(LicenseState.UNKNOWN, (f"{name}: {ce.status}",), ce.locations)
    singles = [judge_license(a.license) for a in ce.licenses] + extra
    return _Licensed(name, j, any(x.state is LicenseState.OPEN for x in singles), True)


def license_level(parts: list[_Licensed], *, osi_only: bool = False) -> tuple[str, bool]:
    """The readme rule, "as available": of the weights, training code and training data *that are
    released*, open = all openly licensed; partial = at least two (or every released one, when fewer are
    released) at least partly open; closed otherwise, and when nothing is released. A part that is not
    released is judged by the availability dimensions, not here. Returns (level, undecided): undecided
    means unknown licences could raise a closed level."""

    def full(p: _Licensed) -> bool:
        return p.judgement.state is LicenseState.OPEN and (p.judgement.osi_only or not osi_only)

    def partly(p: _Licensed) -> bool:
        return full(p) or (p.partly_open and not osi_only)

    released = [p for p in parts if p.released]
    if not released:
        return CLOSED, False
    need = min(2, len(released))
    unknown = [p for p in released if p.judgement.state is LicenseState.UNKNOWN]
    if all(full(p) for p in released):
        return OPEN, False
    if sum(partly(p) for p in released) >= need:
        # undecided when the unknown licences alone stand between this and open
        return PARTIAL, bool(unknown) and all(full(p) or p in unknown for p in released)
    could_reach = sum(partly(p) for p in released) + len(unknown) >= need
    return CLOSED, could_reach and bool(unknown)


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
    fix = None if level == OPEN else "license the released weights, training code and training data openly"
    if undecided:
        return _Dim(CLOSED, True, f"unknown: {detail}", locs, fix), note
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
            value=UNKNOWN if d.unknown else d.level,
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
        notes.append(
            f"Unknown from these artifacts, scored 0 as the Index scores a missing value (the score is a "
            f"lower bound): {', '.join(unknown)}."
        )
    counts = {
        lvl: sum(1 for d in dims.values() if d.level == lvl and not d.unknown)
        for lvl in (OPEN, PARTIAL, CLOSED)
    }
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
        extra={
            "categories": categories,
            "dimensions": {k: UNKNOWN if d.unknown else d.level for k, d in dims.items()},
        },
    )
