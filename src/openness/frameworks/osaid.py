"""OSI Open Source AI Definition 1.0, as a pure function of the evidence.

Rules (docs/frameworks/osaid.md): the preferred form to make modifications is data
information + code + parameters (all three required). The 1.0 checklist's required
components: Data (datasets, research paper, technical report, data card: the means of
meeting the data-information requirements, under OSI-approved terms); Code (data
pre-processing; training, validation and testing; inference; supporting libraries and
tools, under OSI-approved licences); Model (architecture under an OSI-approved licence;
parameters under OSI-approved terms). Terms are OSI-approved when they grant the four
freedoms: use, study, modify, share, for any purpose.

Verdict: ``not-open-source-ai`` when something required is known absent, incomplete or
under terms that take a freedom away; else ``insufficient-evidence`` when something is
unknown; else ``open-source-ai``.
"""

from __future__ import annotations

from collections.abc import Iterable

from openness.frameworks.common import uncertain_scope
from openness.licenses import terms
from openness.model import (
    AppliedLicense,
    Assessment,
    Component,
    ComponentEvidence,
    Criterion,
    Evidence,
    Freedom,
    Location,
    Outcome,
    Restriction,
    Status,
)

ID = "osaid"
NAME = "OSI Open Source AI Definition"
VERSION = "1.0"

OPEN = "open-source-ai"
NOT_OPEN = "not-open-source-ai"
INSUFFICIENT = "insufficient-evidence"

# (criterion id, title, component, legal test, fix when missing)
_CODE_ROWS = (
    (
        "code.data-preprocessing",
        "Code: data pre-processing",
        Component.DATA_PREPROCESSING_CODE,
        "publish the code that processed and filtered the training data",
    ),
    (
        "code.training",
        "Code: training, validation and testing",
        Component.TRAINING_CODE,
        "publish the training code with its arguments and settings, and the validation/testing code",
    ),
    ("code.inference", "Code: inference", Component.INFERENCE_CODE, "publish the inference code"),
    (
        "code.supporting-libraries",
        "Code: supporting libraries and tools",
        Component.SUPPORTING_LIBRARIES,
        "publish or name the supporting libraries and tools (tokenizers, hyperparameter search...)",
    ),
)
_DATA_ROWS = (
    ("data.datasets", "Data: datasets", Component.DATASETS),
    ("data.research-paper", "Data: research paper", Component.RESEARCH_PAPER),
    ("data.technical-report", "Data: technical report", Component.TECHNICAL_REPORT),
    ("data.data-card", "Data: data card", Component.DATA_CARD),
)
_FREEDOM_TEXT = {
    Freedom.USE: "use the system for any purpose without asking permission",
    Freedom.STUDY: "study how the system works and inspect its components",
    Freedom.MODIFY: "modify the system for any purpose, including to change its output",
    Freedom.SHARE: "share the system, modified or not, for any purpose",
}


def _blocking(applied: AppliedLicense) -> tuple[Restriction, ...]:
    return terms.blocking(applied.license)


def _lic_label(a: AppliedLicense) -> str:
    m = a.license.match
    ident = m.id if m else (a.license.expression or "unidentified licence")
    return f"{ident} at {a.license.location}"


def _legal(ev: ComponentEvidence, test: str) -> tuple[Outcome, str, tuple[Location, ...]]:
    """Judge a present component's licences. test: "license" (OSI list) or "terms" (freedoms)."""
    locs = tuple(a.license.location for a in ev.licenses)
    if not ev.licenses:
        return Outcome.FAIL, "no licence covers it (all rights reserved)", locs
    bad: list[str] = []
    unknown: list[str] = []
    for a in ev.licenses:
        blocking = _blocking(a)
        ok = terms.osi_license(a.license) if test == "license" else terms.free_terms(a.license)
        if blocking:
            kinds = ", ".join(sorted({str(r.kind) for r in blocking}))
            bad.append(
                f"{_lic_label(a)} restricts {kinds}"
                + ("" if a.scope_certain else f" ({uncertain_scope(a.reason)})")
            )
            locs += tuple(r.location for r in blocking)
        elif ok is False:
            what = "not OSI-approved" if test == "license" else "does not grant the four freedoms"
            bad.append(
                f"{_lic_label(a)} is {what}" + ("" if a.scope_certain else f" ({uncertain_scope(a.reason)})")
            )
        elif ok is None:
            why = "; ".join(a.license.notes) or _undecided(a)
            unknown.append(f"{_lic_label(a)}: {why}")
    if bad:
        return Outcome.FAIL, "; ".join(bad), tuple(dict.fromkeys(locs))
    if unknown:
        return Outcome.UNKNOWN, "; ".join(unknown), locs
    kind = "OSI-approved licence" if test == "license" else "terms granting the four freedoms"
    ids = ", ".join(dict.fromkeys(_lic_label(a) for a in ev.licenses))
    return Outcome.PASS, f"{kind}: {ids}", locs


def _undecided(a: AppliedLicense) -> str:
    changed = [loc for m in a.license.matches if m.modified for loc in m.changes]
    if changed:
        where = ", ".join(str(loc) for loc in changed[:4])
        return f"modified from the reference text (changes at {where}); the changes need review"
    if a.license.matches:
        return "whether its terms are free is not known"
    return "not identified"


def _element(cid: str, title: str, ev: ComponentEvidence, test: str, fix_missing: str) -> Criterion:
    """A required element: present, and under the right legal terms."""
    what = "OSI-approved licence" if test == "license" else "OSI-approved terms (the four freedoms)"
    seen = f"{ev.status}: {ev.detail}" if ev.detail else str(ev.status)
    if ev.declared:
        seen += " (declared, not verified on artifacts)"
    if ev.status is Status.ABSENT:
        return Criterion(
            cid, title, Outcome.FAIL, f"absent ({ev.detail or 'not found'})", ev.locations, fix_missing
        )
    if ev.status is Status.UNKNOWN:
        if ev.licenses:
            # Not inspected (published elsewhere), but its terms were read here: terms that take a
            # freedom away fail it whatever the files hold (DeepSeek's LICENSE-MODEL).
            outcome, legal, locs = _legal(ev, test)
            if outcome is Outcome.FAIL:
                return Criterion(
                    cid,
                    title,
                    Outcome.FAIL,
                    f"{legal}; {ev.detail}" if ev.detail else legal,
                    tuple(dict.fromkeys(locs + ev.locations)),
                    f"release it under an {what}",
                    value=_ids(ev.licenses),
                )
        settle = f"; inspecting {ev.elsewhere[0].place} would settle it" if ev.elsewhere else ""
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            f"cannot tell: {ev.detail or 'not inspected'}{settle}",
            ev.locations,
            f"make it inspectable: {fix_missing}",
        )
    outcome, legal, locs = _legal(ev, test)
    evidence = tuple(dict.fromkeys(ev.locations + locs))
    if outcome is Outcome.FAIL:
        return Criterion(
            cid,
            title,
            Outcome.FAIL,
            f"{seen}; {legal}",
            evidence,
            f"release it under an {what}",
            value=_ids(ev.licenses),
        )
    if ev.status is Status.PARTIAL:
        return Criterion(
            cid,
            title,
            Outcome.PARTIAL,
            f"incomplete: {ev.detail}; {legal}",
            evidence,
            f"complete it: {fix_missing}",
            value=_ids(ev.licenses),
        )
    if outcome is Outcome.UNKNOWN:
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            f"{seen}; licence cannot be judged: {legal}",
            evidence,
            f"state its licence clearly (an {what})",
            value=_ids(ev.licenses),
        )
    return Criterion(cid, title, Outcome.PASS, f"{seen}; {legal}", evidence, value=_ids(ev.licenses))


def _ids(applied: Iterable[AppliedLicense]) -> list[str]:
    out: list[str] = []
    for a in applied:
        m = a.license.match
        ident = m.id if m else "unidentified"
        if ident not in out:
            out.append(ident)
    return out


def _data_row(cid: str, title: str, ev: ComponentEvidence) -> Criterion:
    """One of the checklist's data components: a means to the data information, not required alone."""
    if ev.status in (Status.ABSENT, Status.UNKNOWN):
        return Criterion(
            cid,
            title,
            Outcome.NOT_APPLICABLE,
            f"{ev.status}: not required on its own; the data-information requirement is judged as a whole",
            ev.locations,
        )
    outcome, legal, locs = _legal(ev, "terms") if ev.licenses else (Outcome.PASS, "no separate licence", ())
    evidence = tuple(dict.fromkeys(ev.locations + locs))
    if outcome is Outcome.FAIL and ev.licenses:
        return Criterion(
            cid,
            title,
            Outcome.FAIL,
            f"{ev.status}: {ev.detail}; {legal}",
            evidence,
            "publish it under OSI-approved terms (e.g. CC-BY-4.0, CDLA-Permissive-2.0)",
            value=_ids(ev.licenses),
        )
    if outcome is Outcome.UNKNOWN:
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            f"{ev.status}: {ev.detail}; {legal}",
            evidence,
            "state the terms it is published under",
            value=_ids(ev.licenses),
        )
    return Criterion(
        cid, title, Outcome.PASS, f"{ev.status}: {ev.detail}; {legal}", evidence, value=_ids(ev.licenses)
    )


def _data_information(evidence: Evidence) -> Criterion:
    ev = evidence.get(Component.DATA_INFORMATION)
    fix = (
        "publish data information: a complete description of all training data (provenance, scope, how it "
        "was obtained and selected, labelling, processing and filtering) and the list of public and "
        "obtainable data with where to get it"
    )
    if not ev.licenses:
        # Data information usually lives in the card or a paper with no licence of its own:
        # judge what it covers; the terms of the datasets and documents are judged in their rows.
        outcome = {
            Status.PRESENT: Outcome.PASS,
            Status.PARTIAL: Outcome.PARTIAL,
            Status.ABSENT: Outcome.FAIL,
            Status.UNKNOWN: Outcome.UNKNOWN,
        }[ev.status]
        detail = ev.detail or str(ev.status)
        return Criterion(
            "data.information",
            "Data information",
            outcome,
            detail,
            ev.locations,
            None if outcome is Outcome.PASS else fix,
        )
    return _element("data.information", "Data information", ev, "terms", fix)


def _freedom(f: Freedom, evidence: Evidence) -> Criterion:
    """A freedom is lost when any licence on a required element restricts it (each clause cited)."""
    cid, title = f"freedom.{f}", f"Freedom to {f}"
    # (kind, summary) -> [location, certain anywhere]; a clause in a release file wins over the
    # same clause located in the engine's reference text (no path).
    clauses: dict[tuple[str, str], tuple[Location, bool]] = {}
    cited: list[str] = []
    locs: list[Location] = []
    unknown: list[str] = []
    required = _required_components()
    for c in required:
        ev = evidence.get(c)
        for a in ev.licenses:
            for r in _blocking(a):
                if f not in terms.taken(r):
                    continue
                key = (str(r.kind), r.summary)
                loc, certain = clauses.get(key, (r.location, a.scope_certain))
                if r.location.path and not loc.path:
                    loc = r.location
                clauses[key] = (loc, certain or a.scope_certain)
            if a.license.match is None and ev.status is not Status.ABSENT:
                unknown.append(f"{c}: {_lic_label(a)}")
        unlicensed = ev.status is Status.PRESENT and not ev.licenses and not ev.declared
        if unlicensed and c is not Component.DATA_INFORMATION and f in (Freedom.MODIFY, Freedom.SHARE):
            cited.append(f"{c} has no licence: copying, modifying and sharing are not granted")
            locs.extend(ev.locations[:1])
    for (_, summary), (loc, certain) in clauses.items():
        scope = "" if certain else " [scope uncertain: counted against it]"
        cited.append(f"{summary} ({loc}){scope}")
        locs.append(loc)
    if f is Freedom.STUDY:
        missing = [str(c) for c in required if evidence.get(c).status is Status.ABSENT]
        if missing and not cited:
            return Criterion(
                cid,
                title,
                Outcome.FAIL,
                f"components needed to study the system are not available: {', '.join(missing)}",
                tuple(locs),
                "publish the missing components",
            )
    if cited:
        return Criterion(
            cid,
            title,
            Outcome.FAIL,
            f"{_FREEDOM_TEXT[f]}: restricted by " + "; ".join(cited[:8]),
            tuple(dict.fromkeys(locs)),
            f"remove the clauses restricting the freedom to {f}",
            value=len(cited),
        )
    if unknown:
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            "licences not identified: " + "; ".join(unknown[:5]),
            tuple(locs),
            "use identifiable licences (SPDX ids or standard texts)",
        )
    unread = _terms_not_read(evidence, required)
    if unread:
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            f"{_FREEDOM_TEXT[f]}: the terms of "
            + "; ".join(text for text, _ in unread[:5])
            + " were not read",
            tuple(dict.fromkeys(loc for _, where in unread for loc in where)),
            "state the terms of every component (a licence file named for it, or a statement naming "
            "its licence)",
        )
    if not any(evidence.get(c).licenses for c in required):
        return Criterion(
            cid,
            title,
            Outcome.UNKNOWN,
            "no licence terms found on any required element",
            (),
            "license the release under OSI-approved terms",
        )
    # A pass rests on the licences that were read: cite them.
    read = [a for c in required for a in evidence.get(c).licenses]
    cited_locs = tuple(dict.fromkeys(a.license.location for a in read))
    labels = ", ".join(dict.fromkeys(_lic_label(a) for a in read))
    return Criterion(
        cid,
        title,
        Outcome.PASS,
        f"{_FREEDOM_TEXT[f]}: no licence clause restricts it (licences read: {labels})",
        cited_locs,
    )


def _terms_not_read(
    evidence: Evidence, required: Iterable[Component]
) -> list[tuple[str, tuple[Location, ...]]]:
    """Required components whose own terms were never read: no licence is tied to them with
    certainty (only a repository licence that *may* cover weights kept elsewhere, say). A freedom
    cannot pass on them: each is named with where it is, so the reader knows what would settle it."""
    out: list[tuple[str, tuple[Location, ...]]] = []
    for c in required:
        ev = evidence.get(c)
        if c is Component.DATA_INFORMATION or ev.status is Status.ABSENT or ev.declared:
            continue
        if ev.status is Status.UNKNOWN and not ev.elsewhere and not ev.licenses:
            continue  # not seen at all: its own criterion says so
        if any(a.scope_certain and a.license.match is not None for a in ev.licenses):
            continue
        if ev.status is Status.PRESENT and not ev.licenses:
            continue  # no licence at all: "has no licence" is judged above
        where = f" (published at {ev.elsewhere[0].place})" if ev.elsewhere else ""
        locs = tuple(p.stated_at for p in ev.elsewhere[:2]) or ev.locations[:1]
        out.append((f"{c}{where}", locs))
    return out


def _required_components() -> tuple[Component, ...]:
    return (
        Component.DATA_INFORMATION,
        *(c for _, _, c, _ in _CODE_ROWS),
        Component.MODEL_ARCHITECTURE,
        Component.PARAMETERS_FINAL,
    )


def assess(evidence: Evidence) -> Assessment:
    criteria: list[Criterion] = [_data_information(evidence)]
    criteria.extend(_data_row(cid, title, evidence.get(c)) for cid, title, c in _DATA_ROWS)
    criteria.extend(
        _element(cid, title, evidence.get(c), "license", fix) for cid, title, c, fix in _CODE_ROWS
    )
    criteria.append(
        _element(
            "model.architecture",
            "Model: architecture",
            evidence.get(Component.MODEL_ARCHITECTURE),
            "license",
            "publish the model architecture code",
        )
    )
    criteria.append(
        _element(
            "model.parameters",
            "Model: parameters",
            evidence.get(Component.PARAMETERS_FINAL),
            "terms",
            "publish the final model parameters (weights)",
        )
    )
    criteria.extend(_freedom(f, evidence) for f in Freedom)

    outcomes = {c.outcome for c in criteria}
    if Outcome.FAIL in outcomes or Outcome.PARTIAL in outcomes:
        status = NOT_OPEN
    elif Outcome.UNKNOWN in outcomes:
        status = INSUFFICIENT
    else:
        status = OPEN
    failing = [c for c in criteria if c.outcome in (Outcome.FAIL, Outcome.PARTIAL)]
    unknown = [c for c in criteria if c.outcome is Outcome.UNKNOWN]
    if status == OPEN:
        summary = "meets OSAID 1.0: data information, code and parameters available under OSI-approved terms"
    elif status == NOT_OPEN:
        summary = f"not Open Source AI: {len(failing)} requirement(s) fail: " + ", ".join(
            c.id for c in failing[:6]
        )
    else:
        summary = "cannot decide: evidence missing for " + ", ".join(c.id for c in unknown[:6])
    fixes = tuple(dict.fromkeys(c.fix for c in failing + unknown if c.fix))
    notes: list[str] = []
    if any(evidence.get(c).declared for c in _required_components()):
        notes.append("some elements rest on declarations (MOF YAML), not on inspected artifacts")
    if any(not a.scope_certain for c in _required_components() for a in evidence.get(c).licenses):
        notes.append(
            "some licences could not be pinned to a component; restrictive ones count against every "
            "component they may cover"
        )
    passed = sum(1 for c in criteria if c.outcome is Outcome.PASS)
    judged = sum(1 for c in criteria if c.outcome is not Outcome.NOT_APPLICABLE)
    return Assessment(
        framework=ID,
        name=f"{NAME} {VERSION}",
        version=VERSION,
        status=status,
        criteria=tuple(criteria),
        summary=summary,
        score=round(passed / judged, 3) if judged else None,
        fixes=fixes,
        notes=tuple(notes),
    )
