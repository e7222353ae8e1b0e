"""Small helpers shared by framework modules: is a licence free, what a status maps to, fact values.

Kept deliberately small and stable: other framework authors may import it. Pure functions only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openness import lazy_re
from openness.licenses import terms
from openness.model import (
    AppliedLicense,
    Component,
    ComponentEvidence,
    Evidence,
    Fact,
    LicenseResult,
    Location,
    Outcome,
    Restriction,
    Status,
)


class LicenseState(StrEnum):
    OPEN = "open"  # every licence identified, OSI-approved or FSF-libre (or open data), nothing restricts
    NOT_OPEN = "not-open"  # identified, and not free (restrictions, or not on any free list)
    NONE = "none"  # nothing licenses it: all rights reserved
    UNKNOWN = "unknown"  # a licence is there but could not be identified or judged


@dataclass(frozen=True)
class LicenseJudgement:
    """Whether some licences are free, why, and where they are."""

    state: LicenseState
    reasons: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    ids: tuple[str, ...] = ()
    osi_only: bool = False  # OPEN and every licence is OSI-approved (the stricter reading)
    restrictions: tuple[Restriction, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else str(self.state)


def blocking_restrictions(result: LicenseResult) -> tuple[Restriction, ...]:
    """Restrictions that take a freedom away (read in the text or implied by the id)."""
    return terms.blocking(result)


def judge_license(result: LicenseResult) -> LicenseJudgement:
    """Is this one licence free (use, study, modify, share for any purpose)?

    The answer is ``licenses.terms.judge``'s, shaped for the frameworks: every framework gives the
    same freedom answer for the same licence.
    """
    t = terms.judge(result)
    state = {True: LicenseState.OPEN, False: LicenseState.NOT_OPEN, None: LicenseState.UNKNOWN}[t.free]
    locs = tuple(dict.fromkeys((result.location, *(r.location for r in terms.restrictions(result)))))
    return LicenseJudgement(
        state,
        t.reasons,
        locs,
        tuple(m.id for m in result.matches),
        osi_only=t.free is True and t.osi is True,
        restrictions=t.blocking,
    )


def judge_id(value: str, location: Location) -> LicenseJudgement:
    """Judge a bare licence id or SPDX expression (e.g. a dataset's or base model's licence field)."""
    from openness.licenses import analyze_id  # pure lookup over bundled licence data

    return judge_license(analyze_id(value, location))


def combine(judgements: Sequence[LicenseJudgement]) -> LicenseJudgement:
    """Several licences on one thing: any non-free one decides; then unknown; all open is open."""
    if not judgements:
        return LicenseJudgement(LicenseState.NONE, ("no licence found",))
    reasons = tuple(r for j in judgements for r in j.reasons)
    locs = tuple(dict.fromkeys(loc for j in judgements for loc in j.locations))
    ids = tuple(dict.fromkeys(i for j in judgements for i in j.ids))
    restr = tuple(r for j in judgements for r in j.restrictions)
    for state in (LicenseState.NOT_OPEN, LicenseState.UNKNOWN, LicenseState.NONE):
        if any(j.state is state for j in judgements):
            return LicenseJudgement(state, reasons, locs, ids, restrictions=restr)
    return LicenseJudgement(
        LicenseState.OPEN, reasons, locs, ids, osi_only=all(j.osi_only for j in judgements)
    )


def judge_applied(applied: Iterable[AppliedLicense]) -> LicenseJudgement:
    """Judge the licences attached to a component.

    Uncertain attachments count against it when not free, but never for it: a free licence that
    only *may* cover a component (weights hosted elsewhere under a repository-wide LICENSE, say)
    leaves the component's terms unknown, so no verdict passes on a guess.
    """
    applied = list(applied)
    judgements: list[LicenseJudgement] = []
    for a in applied:
        j = judge_license(a.license)
        if not a.scope_certain and j.state is not LicenseState.OPEN:
            j = LicenseJudgement(
                j.state,
                tuple(f"{r} ({uncertain_scope(a.reason)})" for r in j.reasons),
                j.locations,
                j.ids,
                j.osi_only,
                j.restrictions,
            )
        judgements.append(j)
    result = combine(judgements)
    if result.state is LicenseState.OPEN and not any(a.scope_certain for a in applied):
        return LicenseJudgement(
            LicenseState.UNKNOWN,
            tuple(
                f"{r} — but nothing ties it to this component ({uncertain_scope(a.reason)})"
                for a, j in zip(applied, judgements, strict=True)
                for r in j.reasons
            ),
            result.locations,
            result.ids,
        )
    return result


def uncertain_scope(reason: str) -> str:
    """The words for a licence whose reach is not pinned, said once ("may cover it: ...")."""
    return reason if "may cover" in reason else f"may cover it: {reason}"


def judge_component(ev: ComponentEvidence) -> LicenseJudgement:
    return judge_applied(ev.licenses)


def entry_location(entry: Mapping[str, Any]) -> Location:
    """Where a lineage or dataset entry was found (its ``location``: a Location, dict or path)."""
    loc = entry.get("location")
    if isinstance(loc, Location):
        return loc
    if isinstance(loc, Mapping):
        return Location(path=loc.get("path"), key=loc.get("key"), origin=loc.get("origin"))
    if isinstance(loc, str):
        return Location(path=loc)
    return Location(key=f"lineage:{entry.get('id', '?')}")


def entry_license(entry: Mapping[str, Any]) -> LicenseJudgement:
    """Judge the licence a lineage or dataset entry names (a LicenseResult or an id string).

    Hub entries say ``other`` and put the real name in ``license_name``; an entry the evidence stage
    already found ``restricted`` stays not open whatever the id lookup says.
    """
    value = entry.get("license", entry.get("licence"))
    loc = entry_location(entry)
    name = entry.get("license_name")
    if value == "other" and isinstance(name, str) and name.strip():
        value = name
    if isinstance(value, LicenseResult):
        j = judge_license(value)
    elif isinstance(value, str) and value.strip():
        j = judge_id(value.strip(), loc)
    else:
        return LicenseJudgement(
            LicenseState.UNKNOWN, (f"{entry.get('id', 'entry')}: licence not stated",), (loc,)
        )
    if entry.get("restricted") is True and j.state is not LicenseState.NOT_OPEN:
        kinds = ", ".join(str(k) for k in entry.get("restrictions") or ()) or "use"
        return LicenseJudgement(
            LicenseState.NOT_OPEN,
            (f"{entry.get('id', 'entry')}: {value} restricts: {kinds}",),
            j.locations,
            j.ids,
        )
    return j


def named_dataset_licenses(evidence: Evidence) -> list[LicenseJudgement]:
    """Licences of the datasets a card names, to judge alongside the ``datasets`` component's own.

    A named dataset without a stated licence counts as unknown only when the release's data carries no
    licence of its own: a card naming the corpus it ships (covered by the data's licence) is common.
    """
    own = bool(evidence.get(Component.DATASETS).licenses)
    out: list[LicenseJudgement] = []
    for entry in evidence.datasets:
        stated = entry.get("license", entry.get("licence"))
        if own and not stated:
            continue
        out.append(entry_license(entry))
    return out


def declared_note(evidence: Evidence) -> tuple[str, ...]:
    """A note when verdicts rest on a questionnaire's answers (MOF YAML) rather than on artifacts."""
    declared = sorted(str(c) for c, ev in evidence.components.items() if ev.declared)
    if not declared:
        return ()
    return (
        f"{len(declared)} component(s) are declared by a questionnaire, not seen in artifacts "
        f"({', '.join(declared[:6])}{', ...' if len(declared) > 6 else ''}); the verdict is only as good as "
        "those answers.",
    )


def rebuild_result(value: object) -> str:
    """The result of a ``rebuild`` fact: a string, or a mapping with a ``result`` key.

    Values: identical, within-tolerance, diverged, failed, or unverified (the attestation's subjects do
    not match the release's files).
    """
    if isinstance(value, Mapping):
        return str(value.get("result", "unknown"))
    return str(value)


def rebuild_mode(value: object) -> str:
    """``full`` (from the data) or ``segment`` (from a released checkpoint, a bounded number of steps)."""
    if isinstance(value, Mapping):
        return str(value.get("mode") or "full")
    return "full"


# --------------------------------------------------------------------------- statuses and facts

STATUS_OUTCOME: Mapping[Status, Outcome] = {
    Status.PRESENT: Outcome.PASS,
    Status.PARTIAL: Outcome.PARTIAL,
    Status.ABSENT: Outcome.FAIL,
    Status.UNKNOWN: Outcome.UNKNOWN,
}

_RANK = {Status.ABSENT: 0, Status.UNKNOWN: 1, Status.PARTIAL: 2, Status.PRESENT: 3}


def best_status(*statuses: Status) -> Status:
    """The most open of several statuses (present > partial > unknown > absent)."""
    return max(statuses, key=lambda s: _RANK[s]) if statuses else Status.UNKNOWN


def describe(ev: ComponentEvidence) -> str:
    """One line: component, status and what was seen."""
    tail = f": {ev.detail}" if ev.detail else ""
    flag = " (declared only)" if ev.declared else ""
    return f"{ev.component} {ev.status}{flag}{tail}"


def locations_of(
    *items: ComponentEvidence | Fact | LicenseJudgement | Location | None,
) -> tuple[Location, ...]:
    """The evidence behind some components, facts and licence judgements, deduplicated in order."""
    out: list[Location] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, Location):
            out.append(item)
        elif isinstance(item, ComponentEvidence):
            out.extend(item.locations)  # its licences' locations come with a LicenseJudgement
        elif isinstance(item, Fact):
            out.append(item.location)
        else:
            out.extend(item.locations)
    return tuple(dict.fromkeys(out))


def first_fact(evidence: Evidence, *keys: str) -> Fact | None:
    """The first stated (not estimated) fact under the first key that has one, else an estimated one.

    Several keys name aliases in order of preference (e.g. ``seed``, ``random_seed``).
    """
    facts = tuple(f for key in keys for f in evidence.facts_for(key))
    stated = [f for f in facts if not f.estimated]
    pool = stated or list(facts)
    return pool[0] if pool else None


_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12, "p": 1e15}
_QUANTITY = lazy_re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?(?:e[+-]?[0-9]+)?)\s*([kmbgtp])?", re.IGNORECASE)


def as_number(value: Any) -> float | None:
    """A count from a fact value: 7000000000, 7e9, "7B", "1.5T tokens", "2,000,000"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if isinstance(value, Mapping):
        for key in ("value", "total", "count"):
            if key in value:
                return as_number(value[key])
        return None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("_", "")
    if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", text):
        return float(text.replace(",", ""))
    m = _QUANTITY.match(text)
    if m is None:
        return None
    number = float(m.group(1).replace(",", "."))
    return number * _SUFFIX[m.group(2).lower()] if m.group(2) else number
