"""Reading a LicenseResult's terms: OSI-approved? free terms (the four freedoms)? what does
it restrict? Shared by the evidence builder, the frameworks and the findings; pure.

The licence engine reports restrictions clause by clause. When it identifies a licence
but reports no clause (an id from a card field, say "cc-by-nc-4.0"), the id itself tells
what the licence restricts; ``implied_restrictions`` spells that out so verdicts can cite it.
"""

from __future__ import annotations

import re

from openness.model import Freedom, LicenseResult, Restriction, RestrictionKind

# Data/content licences that grant the four freedoms without being on the OSI list
# (the MOF's open data licences, plus OpenMDW). OSAID asks "OSI-approved terms" for
# parameters and data information; OSI publishes no list, so the freedoms are the test.
FREE_DATA_LICENSES = frozenset(
    x.lower()
    for x in (
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0",
        "PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-UK-3.0",
        "OGL-Canada-2.0",
        "OpenMDW-1.0",
        "LicenseRef-OpenMDW-1.0",
        "Unlicense",
        "CC-PDDC",
    )
)

# Fallback when a restriction carries no freedoms of its own.
KIND_FREEDOMS: dict[RestrictionKind, frozenset[Freedom]] = {
    RestrictionKind.NON_COMMERCIAL: frozenset({Freedom.USE, Freedom.SHARE}),
    RestrictionKind.USER_THRESHOLD: frozenset({Freedom.USE}),
    RestrictionKind.FIELD_OF_USE: frozenset({Freedom.USE, Freedom.MODIFY}),
    RestrictionKind.OUTPUT_USE: frozenset({Freedom.USE, Freedom.MODIFY}),
    RestrictionKind.TERRITORY: frozenset({Freedom.USE, Freedom.SHARE}),
    RestrictionKind.BRANDING: frozenset({Freedom.SHARE}),
    RestrictionKind.REVOCABLE: frozenset(Freedom),
    RestrictionKind.NO_DERIVATIVES: frozenset({Freedom.MODIFY, Freedom.SHARE}),
    RestrictionKind.RESEARCH_ONLY: frozenset({Freedom.USE, Freedom.SHARE}),
    RestrictionKind.REGISTRATION: frozenset({Freedom.USE}),
}

_ID_RESTRICTIONS: tuple[tuple[re.Pattern[str], RestrictionKind, str], ...] = (
    (
        re.compile(r"(^|[-_ ])nc([-_ ]|$)|non[-_ ]?commercial", re.I),
        RestrictionKind.NON_COMMERCIAL,
        "non-commercial licence",
    ),
    (
        re.compile(r"(^|[-_ ])nd([-_ ]|$)|no[-_ ]?deriv", re.I),
        RestrictionKind.NO_DERIVATIVES,
        "no derivatives allowed",
    ),
    (
        re.compile(r"rail|responsible ai", re.I),
        RestrictionKind.FIELD_OF_USE,
        "RAIL licence: use-based restrictions (field of use)",
    ),
    (
        re.compile(r"llama|gemma|deepseek|qwen|yi-license|baichuan|falcon|internlm|glm|tongyi", re.I),
        RestrictionKind.FIELD_OF_USE,
        "custom model licence with an acceptable-use policy",
    ),
    (re.compile(r"research[-_ ]only|academic", re.I), RestrictionKind.RESEARCH_ONLY, "research-only licence"),
)


def license_id(result: LicenseResult) -> str | None:
    m = result.match
    return m.id if m else result.expression


def restrictions(result: LicenseResult) -> tuple[Restriction, ...]:
    """The engine's restrictions, or those the licence id implies when it reported none."""
    if result.restrictions:
        return result.restrictions
    return implied_restrictions(result)


def implied_restrictions(result: LicenseResult) -> tuple[Restriction, ...]:
    ident = license_id(result)
    if not ident:
        return ()
    m = result.match
    if m is not None and m.osi_approved and not m.modified:
        return ()
    if ident.lower() in FREE_DATA_LICENSES:
        return ()
    out: list[Restriction] = []
    for rx, kind, summary in _ID_RESTRICTIONS:
        if rx.search(ident) or (m is not None and rx.search(m.name or "")):
            out.append(
                Restriction(
                    kind,
                    result.location,
                    ident,
                    f"{summary} (inferred from the licence id {ident})",
                    KIND_FREEDOMS[kind],
                )
            )
            break
    return tuple(out)


def limited(restriction: Restriction) -> frozenset[Freedom]:
    return restriction.freedoms or KIND_FREEDOMS.get(restriction.kind, frozenset(Freedom))


def osi_license(result: LicenseResult) -> bool | None:
    """Code test: an OSI-approved licence, unmodified, nothing restricted. None: cannot tell."""
    if not result.matches:
        return None
    if restrictions(result):
        return False
    if any(m.modified for m in result.matches):
        return None  # changed from the reference text: the changes need a reader, not a verdict
    return result.osi_approved


def free_terms(result: LicenseResult) -> bool | None:
    """Parameters/data test: terms granting use, study, modify and share. None: cannot tell."""
    if not result.matches:
        return None
    if restrictions(result):
        return False
    if result.osi_approved:
        return True
    ids = [m.id.lower() for m in result.matches]
    if ids and all(i in FREE_DATA_LICENSES for i in ids):
        return True
    if any(m.osi_approved is False and m.fsf_libre is False for m in result.matches):
        return False
    if any(m.modified for m in result.matches):
        return None
    flags = [m.osi_approved or m.fsf_libre for m in result.matches]
    if all(flags):
        return True
    return None


def restrictive(result: LicenseResult) -> bool:
    """Known to take a freedom away (used to decide what an unpinned scope counts against)."""
    return free_terms(result) is False
