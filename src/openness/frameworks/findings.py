"""Findings over the evidence and the assessments: open-washing, conflicting licence
declarations, missing licence files, split licensing, lineage conflicts, unreadable evidence.
Pure: no I/O. Every finding cites the evidence on each side."""

from __future__ import annotations

from collections.abc import Mapping

from openness.evidence.builder import MISSING_LINK_PREFIX
from openness.evidence.licensing import GROUP_OF
from openness.licenses.terms import free_terms, license_id, restrictive
from openness.model import (
    Assessment,
    Claim,
    Component,
    Evidence,
    Finding,
    LicenseKind,
    LicenseResult,
    Location,
    Outcome,
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


def _self_claims(evidence: Evidence) -> list[Claim]:
    return [
        c
        for c in evidence.claims
        if c.kind in ("open-source", "tag")
        or (c.kind == "badge" and "open" in c.value.lower() and "source" in c.value.lower())
    ]


def _open_washing(evidence: Evidence, osaid: Assessment | None) -> list[Finding]:
    claims = _self_claims(evidence)
    if not claims or osaid is None or osaid.status == "open-source-ai":
        return []
    bad = [c for c in osaid.criteria if c.outcome in (Outcome.FAIL, Outcome.PARTIAL)]
    unknown = [c for c in osaid.criteria if c.outcome is Outcome.UNKNOWN]
    said = "; ".join(f'"{c.value}" ({c.location})' for c in claims[:3])
    locs = [c.location for c in claims[:5]]
    if bad:
        reasons = "; ".join(f"{c.title}: {c.detail}" for c in bad[:4])
        for c in bad[:6]:
            locs.extend(c.evidence[:2])
        return [
            Finding(
                "open-washing",
                "high",
                f"the release calls itself open source ({said}) but is not Open Source AI under OSAID 1.0: "
                f"{reasons}",
                tuple(dict.fromkeys(locs)),
            )
        ]
    reasons = ", ".join(c.id for c in unknown[:6])
    for c in unknown[:6]:
        locs.extend(c.evidence[:1])
    return [
        Finding(
            "open-washing",
            "medium",
            f"the release calls itself open source ({said}) but the evidence does not show "
            "it meets OSAID 1.0 "
            f"(unknown: {reasons})",
            tuple(dict.fromkeys(locs)),
        )
    ]


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
                    "license-conflict",
                    "low",
                    f"the card declares {cid} ({card.location}) but the licence file is {others}",
                    (card.location, *(r.location for r in differing[:3])),
                )
            )
        if clashing:
            others = "; ".join(f"{license_id(r)} in {r.location}" for r in clashing[:3])
            sev = "high" if any(restrictive(r) for r in clashing) and not restrictive(card) else "medium"
            out.append(
                Finding(
                    "license-conflict",
                    sev,
                    f"the card declares {cid} ({card.location}) but the licence file says otherwise: "
                    f"{others}",
                    (card.location, *(r.location for r in clashing[:3])),
                )
            )
    # README/card prose vs files: "released under Apache 2.0" next to a restrictive LICENSE
    for claim in evidence.claims:
        if claim.kind not in ("badge", "license-mention", "component-license"):
            continue
        group, _, ident = (
            claim.value.partition("=") if claim.kind == "component-license" else ("", "", claim.value)
        )
        low = ident.lower()
        relevant = root_files
        if group:
            relevant = [r for r in files if _covers_group(evidence, r, group)]
        if not relevant or any(low in _ids(r) for r in relevant):
            continue
        conflicting = [r for r in relevant if restrictive(r)]
        if conflicting and low in (
            "apache-2.0",
            "mit",
            "bsd-3-clause",
            "bsd-2-clause",
            "cc-by-4.0",
            "cc0-1.0",
            "gpl-3.0",
        ):
            what = f"the {group}" if group else "the release"
            out.append(
                Finding(
                    "license-conflict",
                    "high",
                    f"{claim.location} says {what} is under {ident}, but {license_id(conflicting[0])} "
                    f"({conflicting[0].location}) restricts it",
                    (claim.location, conflicting[0].location),
                )
            )
    return out


def _covers_group(evidence: Evidence, result: LicenseResult, group: str) -> bool:
    for c, ev in evidence.components.items():
        if GROUP_OF.get(c) == group and any(a.license is result and a.scope_certain for a in ev.licenses):
            return True
    return False


def _missing_license_links(evidence: Evidence) -> list[Finding]:
    """The builder notes licence links whose target is not listed (it holds the listing)."""
    return [
        Finding("missing-license-file", "medium", n.message, (n.location,))
        for n in evidence.notes
        if MISSING_LINK_PREFIX in n.message and n.location is not None
    ]


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
            "split-licensing", "info", "components are under different licences: " + "; ".join(parts), locs
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
                "lineage-conflict",
                "high",
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
        if n.location is not None
        and ("unreadable" in n.message or "could not be read" in n.message or "not valid UTF-8" in n.message)
    ]
    if not locs:
        return []
    return [
        Finding(
            "unreadable-evidence",
            "medium",
            f"{len(locs)} file(s) could not be read; what they would show is unknown, not passed",
            tuple(dict.fromkeys(locs)),
        )
    ]
