"""One line for the reader: where the weights are, under which terms, what could not be inspected.

A typical git-host release keeps its weights on a hub or in a bucket; the verdicts then rest on
what the tree says about them. This line says it once, from the evidence alone (no I/O), so every
renderer shows the same answer (``Evidence.summary``)."""

from __future__ import annotations

from collections.abc import Mapping

from openness.licenses.terms import blocking, license_id
from openness.model import AppliedLicense, Component, ComponentEvidence, PlaceKind, Publication, Status

MAX_SHOWN = 2


def _terms(licences: tuple[AppliedLicense, ...]) -> str:
    certain = [a for a in licences if a.scope_certain]
    maybe = [a for a in licences if not a.scope_certain]
    parts: list[str] = []
    for a in certain[:MAX_SHOWN]:
        ident = license_id(a.license) or "unidentified terms"
        kinds = sorted({str(r.kind) for r in blocking(a.license)})
        restricts = f", restricts {', '.join(kinds)}" if kinds else ""
        parts.append(f"{ident} ({a.license.location}{restricts})")
    if parts:
        return "; ".join(parts)
    if maybe:
        a = maybe[0]
        ident = license_id(a.license) or "unidentified terms"
        return f"not stated ({ident} at {a.license.location} may cover them; nothing ties it to them)"
    return "none read"


def _place(p: Publication, at: bool = True) -> str:
    if p.kind is PlaceKind.DOWNLOAD_SCRIPT:
        return f"what {p.place} downloads"
    return f"{p.place} ({p.stated_at})" if at else p.place


def weights_line(components: Mapping[Component, ComponentEvidence]) -> str:
    """'Weights: published elsewhere at gs://… (README.md:439) (+4 more); terms: …; not inspected: …'."""
    ev = components.get(Component.PARAMETERS_FINAL)
    if ev is None:
        return "Weights: not inspected"
    terms = _terms(ev.licenses)
    if ev.status in (Status.PRESENT, Status.PARTIAL):
        where = ", ".join(str(loc) for loc in ev.locations[:MAX_SHOWN]) or "in the release"
        more = f" (+{len(ev.locations) - MAX_SHOWN} more)" if len(ev.locations) > MAX_SHOWN else ""
        gap = "nothing" if ev.status is Status.PRESENT else ev.detail
        return f"Weights: in the release ({where}{more}); terms: {terms}; not inspected: {gap}"
    if ev.elsewhere:
        shown = "; ".join(_place(p) for p in ev.elsewhere[:MAX_SHOWN])
        more = f" (+{len(ev.elsewhere) - MAX_SHOWN} more)" if len(ev.elsewhere) > MAX_SHOWN else ""
        followed = [p for p in ev.elsewhere if p.followed]
        gap = (
            "the weights' files (followed for metadata only)"
            if followed
            else f"the weights, {_place(ev.elsewhere[0], at=False)}"
        )
        return f"Weights: published elsewhere: {shown}{more}; terms: {terms}; not inspected: {gap}"
    if ev.status is Status.UNKNOWN:
        why = ev.detail or "not inspected"
        return f"Weights: unknown ({why}); terms: {terms}; not inspected: the weights"
    return f"Weights: not found in the release or named elsewhere; terms: {terms}; not inspected: nothing"


__all__ = ["weights_line"]
