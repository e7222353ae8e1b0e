"""Findings over the evidence and the assessments: open-washing, conflicting licence
declarations, missing licence files, split licensing, lineage conflicts, unreadable evidence.
Pure: no I/O. Every finding cites the evidence on each side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openness.evidence.licensing import GROUP_OF
from openness.licenses.terms import blocking, free_terms, judge, license_id, restrictive
from openness.model import (
    AppliedLicense,
    Assessment,
    Claim,
    ClaimKind,
    ClaimSubject,
    Component,
    ComponentEvidence,
    Evidence,
    Finding,
    FindingKind,
    LicenseKind,
    LicenseResult,
    Location,
    Note,
    NoteKind,
    Outcome,
    Severity,
    Status,
)

_OSAID = "osaid"


def find(evidence: Evidence, assessments: Mapping[str, Assessment]) -> tuple[Finding, ...]:
    out: list[Finding] = []
    out.extend(_open_washing(evidence, assessments.get(_OSAID)))
    out.extend(_license_conflicts(evidence))
    out.extend(_missing_license_links(evidence))
    out.extend(_split_licensing(evidence))
    out.extend(_lineage_conflicts(evidence))
    out.extend(_unreadable(evidence))
    return tuple(out)


# What each subject of an "open source" claim is about. A model is its weights (the code that runs
# them is "code"); the release is every part it ships. Components come from licensing.GROUPS, the one
# table of which component belongs to the weights, the code or the data.
_SUBJECT_GROUPS: Mapping[ClaimSubject, tuple[str, ...]] = {
    ClaimSubject.MODEL: ("weights",),
    ClaimSubject.WEIGHTS: ("weights",),
    ClaimSubject.CODE: ("code",),
    ClaimSubject.DATA: ("data",),
    ClaimSubject.RELEASE: ("weights", "code", "data"),
}
# Within a group, the parts a claim is about: the tokenizer or metadata do not make the model, and a
# list of dependencies, hyperparameters or seeds are not "the code".
_JUDGED = frozenset(
    {
        Component.PARAMETERS_FINAL,
        Component.MODEL_ARCHITECTURE,
        Component.DATA_PREPROCESSING_CODE,
        Component.TRAINING_CODE,
        Component.INFERENCE_CODE,
        Component.EVALUATION_CODE,
        Component.DATASETS,
        Component.EVALUATION_DATA,
    }
)
_SHOWN = 3  # claims quoted in a finding's message
_CITED = 5  # claim locations cited per finding


@dataclass(frozen=True)
class ClaimJudgement:
    """One open-source claim weighed against the terms of its subject.

    ``free``: True when every licence on the subject grants the four freedoms, False when one takes
    a freedom away, None when the terms are unknown (nothing attached, or a licence the engine cannot
    judge): an unknown never makes a claim open-washing."""

    claim: Claim
    subject: ClaimSubject
    free: bool | None
    licenses: tuple[AppliedLicense, ...]  # the licences the answer rests on (restricting ones first)
    reason: str


def self_claims(evidence: Evidence) -> list[Claim]:
    """Claims that a part of this release is open source (phrases, badges, tags), with a subject."""
    kinds = (ClaimKind.OPEN_SOURCE, ClaimKind.TAG)
    return [c for c in evidence.claims if c.kind in kinds and _subject(c) is not None]


def _subject(claim: Claim) -> ClaimSubject | None:
    subject = getattr(claim, "subject", None)
    if subject is None and claim.kind == ClaimKind.TAG:
        return ClaimSubject.RELEASE  # a tag made before subjects existed
    if subject is ClaimSubject.OTHER:
        return None
    return subject


def _subject_components(evidence: Evidence, subject: ClaimSubject) -> list[ComponentEvidence]:
    out: list[ComponentEvidence] = []
    for c, ev in evidence.components.items():
        group = GROUP_OF.get(c)
        if group not in _SUBJECT_GROUPS[subject]:
            continue
        if c not in _JUDGED:
            continue
        # A part the release does not have has no terms to weigh; one kept elsewhere (weights on a
        # hub) or named with a licence (a hub dataset) does.
        if ev.status is Status.ABSENT and not ev.licenses:
            continue
        if group != "weights" and ev.status not in (Status.PRESENT, Status.PARTIAL) and not ev.licenses:
            continue
        out.append(ev)
    return out


def _component_terms(ev: ComponentEvidence) -> tuple[bool | None, tuple[AppliedLicense, ...]]:
    """Licences whose scope is certain decide; without one, those that may cover the part do
    (licensing attaches a restrictive licence of uncertain scope so that it counts against it)."""
    certain = tuple(a for a in ev.licenses if a.scope_certain)
    pool = certain or tuple(ev.licenses)
    verdicts = [(a, free_terms(a.license)) for a in pool]
    bad = tuple(a for a, f in verdicts if f is False)
    if bad:
        return False, bad
    if verdicts and all(f is True for _, f in verdicts):
        return True, pool
    return None, tuple(a for a, f in verdicts if f is None)


def judge_claim(evidence: Evidence, claim: Claim) -> ClaimJudgement | None:
    """Weigh one claim against the terms of what it is about; None when it is no open-source claim."""
    subject = _subject(claim)
    if subject is None or claim.kind not in (ClaimKind.OPEN_SOURCE, ClaimKind.TAG):
        return None
    parts = _subject_components(evidence, subject)
    answers = [(ev, *_component_terms(ev)) for ev in parts]
    bad = [(ev, lic) for ev, free, lic in answers if free is False]
    if bad:
        cited = tuple(dict.fromkeys(a for _, lic in bad for a in lic))
        what = "; ".join(f"{ev.component}: {_terms_text(a)}" for ev, lic in bad[:3] for a in lic[:1])
        return ClaimJudgement(claim, subject, False, cited, what)
    if answers and all(free is True for _, free, _ in answers):
        cited = tuple(dict.fromkeys(a for _, _, lic in answers for a in lic))
        return ClaimJudgement(claim, subject, True, cited, "every licence on it is free")
    unknown = [ev for ev, free, _ in answers if free is None]
    if not parts:
        why = f"nothing in the evidence shows the {subject}'s terms"
    else:
        why = "; ".join(
            f"{ev.component}: {'no licence attached' if not ev.licenses else 'licence not judged'}"
            for ev in unknown[:3]
        )
    return ClaimJudgement(claim, subject, None, (), why)


def _terms_text(a: AppliedLicense) -> str:
    terms = judge(a.license)
    where = "" if a.scope_certain else " (may cover it: its scope is not pinned down)"
    return f"{'; '.join(terms.reasons)} at {a.license.location}{where}"


def _open_washing(evidence: Evidence, osaid: Assessment | None) -> list[Finding]:
    """Open-washing: a claim that a part of this release is open source while that part's known
    terms take a freedom away. Judged claim by claim, each against its own subject: thanks to other
    projects, promises, or a claim about a part that is openly licensed are never findings, and
    neither is what the evidence cannot show (unknown terms are a "cannot check" note, no more)."""
    judged = [j for j in (judge_claim(evidence, c) for c in self_claims(evidence)) if j is not None]
    washed = [j for j in judged if j.free is False]
    out: list[Finding] = []
    if washed:
        said = "; ".join(f'{j.subject}: "{j.claim.value}" ({j.claim.location})' for j in washed[:_SHOWN])
        reasons = "; ".join(dict.fromkeys(j.reason for j in washed))
        locs = [j.claim.location for j in washed[:_CITED]]
        for j in washed:
            for a in j.licenses:
                locs.append(a.license.location)
                locs.extend(r.location for r in blocking(a.license)[:2])
        certain = any(a.scope_certain for j in washed for a in j.licenses)
        message = f"the release calls its parts open source ({said}) but their terms restrict them: {reasons}"
        if osaid is not None and osaid.status != "open-source-ai":
            failing = [c for c in osaid.criteria if c.outcome in (Outcome.FAIL, Outcome.PARTIAL)]
            if failing:
                message += "; it is not Open Source AI under OSAID 1.0 either: " + "; ".join(
                    f"{c.title}: {c.detail}" for c in failing[:4]
                )
        out.append(
            Finding(
                FindingKind.OPEN_WASHING,
                Severity.HIGH if certain else Severity.MEDIUM,
                message,
                tuple(dict.fromkeys(locs)),
            )
        )
    unchecked = [
        j for j in judged if j.free is None and j.claim.location not in {w.claim.location for w in washed}
    ]
    if unchecked:
        said = "; ".join(
            f'{j.subject}: "{j.claim.value}" ({j.claim.location}): {j.reason}' for j in unchecked[:_SHOWN]
        )
        out.append(
            Finding(
                FindingKind.OPEN_CLAIM_UNVERIFIED,
                Severity.INFO,
                f"the release calls parts of itself open source but their terms are unknown, so the claim "
                f"cannot be checked ({said})",
                tuple(dict.fromkeys(j.claim.location for j in unchecked[:_CITED])),
            )
        )
    return out


def _file_licenses(evidence: Evidence) -> list[LicenseResult]:
    return [r for r in evidence.licenses if r.location.path and r.location.key is None and r.matches]


def _card_licenses(evidence: Evidence) -> list[LicenseResult]:
    return [r for r in evidence.licenses if r.location.key == "card:license"]


def _ids(r: LicenseResult) -> set[str]:
    return {m.id.lower() for m in r.matches}


def _license_conflicts(evidence: Evidence) -> list[Finding]:
    out: list[Finding] = []
    files = _file_licenses(evidence)
    root_files = [r for r in files if r.location.path and "/" not in r.location.path]
    for card in _card_licenses(evidence):
        cid = license_id(card)
        if card.match is None:
            continue
        clashing = [
            r
            for r in root_files
            if not (_ids(r) & _ids(card))
            and (restrictive(r) != restrictive(card) or free_terms(r) != free_terms(card))
        ]
        differing = [  # both free, yet not the licence the card names: worth a look, no more
            r
            for r in root_files
            if r.kind is LicenseKind.LICENSE
            and r not in clashing
            and r.matches
            and not (_ids(r) & _ids(card))
        ]
        if differing and not clashing:
            others = "; ".join(f"{license_id(r)} in {r.location}" for r in differing[:3])
            out.append(
                Finding(
                    FindingKind.LICENSE_CONFLICT,
                    Severity.LOW,
                    f"the card declares {cid} ({card.location}) but the licence file is {others}",
                    (card.location, *(r.location for r in differing[:3])),
                )
            )
        if clashing:
            others = "; ".join(f"{license_id(r)} in {r.location}" for r in clashing[:3])
            worse = any(restrictive(r) for r in clashing) and not restrictive(card)
            sev = Severity.HIGH if worse else Severity.MEDIUM
            out.append(
                Finding(
                    FindingKind.LICENSE_CONFLICT,
                    sev,
                    f"the card declares {cid} ({card.location}) but the licence file says otherwise: "
                    f"{others}",
                    (card.location, *(r.location for r in clashing[:3])),
                )
            )
    # README/card prose vs files: "released under Apache 2.0" next to a restrictive LICENSE
    for claim in evidence.claims:
        if claim.kind not in (ClaimKind.BADGE, ClaimKind.LICENSE_MENTION, ClaimKind.COMPONENT_LICENSE):
            continue
        group, _, ident = (
            claim.value.partition("=") if claim.kind == ClaimKind.COMPONENT_LICENSE else ("", "", claim.value)
        )
        low = ident.lower()
        relevant = root_files
        if group:
            relevant = [r for r in files if _covers_group(evidence, r, group)]
        if not relevant or any(low in _ids(r) for r in relevant):
            continue
        conflicting = [r for r in relevant if restrictive(r)]
        if conflicting and _free_id(ident):
            what = f"the {group}" if group else "the release"
            out.append(
                Finding(
                    FindingKind.LICENSE_CONFLICT,
                    Severity.HIGH,
                    f"{claim.location} says {what} is under {ident}, but {license_id(conflicting[0])} "
                    f"({conflicting[0].location}) restricts it",
                    (claim.location, conflicting[0].location),
                )
            )
    return out


def _free_id(ident: str) -> bool:
    """Whether a licence named in prose is free terms, as ``licenses.terms`` (the one answer) says."""
    from openness.licenses import analyze_id

    return free_terms(analyze_id(ident, Location(key="claim"))) is True


def _covers_group(evidence: Evidence, result: LicenseResult, group: str) -> bool:
    for c, ev in evidence.components.items():
        if GROUP_OF.get(c) == group and any(a.license is result and a.scope_certain for a in ev.licenses):
            return True
    return False


def _missing_license_links(evidence: Evidence) -> list[Finding]:
    """The builder notes licence links whose target is not listed (it holds the listing)."""
    return [
        Finding(FindingKind.MISSING_LICENSE_FILE, Severity.MEDIUM, n.message, (n.location,))
        for n in evidence.notes
        if n.location is not None and n.kind is NoteKind.MISSING_FILE
    ]


# Notes saying content could not be read: unreadable files, and a gated repository's files that failed
# to download without granted access. Asked by kind only; no message text is read.
_UNREAD_KINDS = frozenset({NoteKind.UNREADABLE, NoteKind.GATED})


def _unread_note(note: Note) -> bool:
    return note.kind in _UNREAD_KINDS


def _split_licensing(evidence: Evidence) -> list[Finding]:
    per_group: dict[str, dict[str, Location]] = {}
    for c, ev in evidence.components.items():
        group = GROUP_OF.get(c)
        if group not in ("weights", "code", "data"):
            continue
        if c not in (
            Component.PARAMETERS_FINAL,
            Component.TRAINING_CODE,
            Component.INFERENCE_CODE,
            Component.MODEL_ARCHITECTURE,
            Component.DATASETS,
        ):
            continue
        for a in ev.licenses:
            ident = license_id(a.license)
            if ident and a.scope_certain:
                per_group.setdefault(str(group), {}).setdefault(ident, a.license.location)
    if len(per_group) < 2:
        return []
    sets = {g: frozenset(ids) for g, ids in per_group.items()}
    if len(set(sets.values())) < 2:
        return []
    parts = [f"{g}: {', '.join(sorted(ids))}" for g, ids in per_group.items()]
    locs = tuple(dict.fromkeys(loc for ids in per_group.values() for loc in ids.values()))
    return [
        Finding(
            FindingKind.SPLIT_LICENSING,
            Severity.INFO,
            "components are under different licences: " + "; ".join(parts),
            locs,
        )
    ]


def _lineage_conflicts(evidence: Evidence) -> list[Finding]:
    cards = [r for r in _card_licenses(evidence) if r.match is not None]
    if not cards or not evidence.lineage:
        return []
    declared = cards[0]
    if restrictive(declared) or free_terms(declared) is not True:
        return []
    out: list[Finding] = []
    for base in evidence.lineage:
        if not base.get("restricted"):
            continue
        loc = base.get("location")
        base_loc = (
            Location(path=loc.get("path"), key=loc.get("key"))
            if isinstance(loc, Mapping)
            else Location(key=f"lineage:{base.get('id')}")
        )
        out.append(
            Finding(
                FindingKind.LINEAGE_CONFLICT,
                Severity.HIGH,
                f"declares {license_id(declared)} ({declared.location}) but derives from {base.get('id')} "
                f"under {base.get('license_id') or base.get('license')}, whose restrictions carry over",
                (declared.location, base_loc),
            )
        )
    return out


def _unreadable(evidence: Evidence) -> list[Finding]:
    locs = [
        n.location
        for n in evidence.notes
        if n.location is not None and _unread_note(n)
    ]
    if not locs:
        return []
    return [
        Finding(
            FindingKind.UNREADABLE_EVIDENCE,
            Severity.MEDIUM,
            f"{len(locs)} file(s) could not be read; what they would show is unknown, not passed",
            tuple(dict.fromkeys(locs)),
        )
    ]
