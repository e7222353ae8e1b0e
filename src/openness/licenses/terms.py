"""One answer to "is this licence free, and which freedoms does each restriction take?".

Every framework (OSAID, Debian ML-Policy, EU AI Act, OSAI Index, the MOF record's open check), the
evidence builder and the findings ask this module; none keeps its own list or rule. Pure: reads only
the shipped licence knowledge.

- **Free licences** (use, study, modify, share, for any purpose): OSI-approved or FSF-libre (flags of
  the SPDX list), Open Definition conformant data/content licences the SPDX flags do not cover
  (``OPEN_DATA_LICENSES``), and public-domain dedications (``PUBLIC_DOMAIN``). A curated AI licence
  marked restrictive, or an SPDX licence on none of those lists, is not free; a licence known only to
  ScanCode (no OSI/FSF review) is *unknown*, never guessed free.
- **What a restriction takes**: ``clause_patterns.KINDS[kind].freedoms``, the only table, whether the
  restriction was read in a licence text or inferred from a licence id (``cc-by-nc-4.0``).
- **Conditions that do not block** (``ATTRIBUTION_LIKE``, from ``KINDS[kind].blocks``): branding /
  attribution (OSD 4 and AI Act recital 102 allow requiring credit or a name).
- **OSI status of a modified text**: unknown (``None``): the changes need a reader, not a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from openness import lazy_re
from openness.licenses.clause_patterns import KINDS
from openness.model import Freedom, LicenseMatch, LicenseResult, Restriction, RestrictionKind

# Open Definition conformant licences (opendefinition.org/licenses) that grant the four freedoms on
# data and content, whether or not SPDX flags them FSF-libre (CC BY 4.0 is; its 3.0 ports are not).
# OSAID asks "OSI-approved terms" for parameters and data information and OSI publishes no list for
# them, so the freedoms are the test. Creative Commons ports are the same licence in another
# jurisdiction. Every id here must resolve in the shipped data (a test holds it to that).
OPEN_DATA_LICENSES: frozenset[str] = frozenset(
    {
        "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
        "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
        "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5",
        "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-3.0-DE", "CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
        "ODC-By-1.0", "ODbL-1.0",
        "OGL-UK-1.0", "OGL-UK-2.0", "OGL-UK-3.0", "OGL-Canada-2.0",
        "DL-DE-BY-2.0", "DL-DE-ZERO-2.0", "NLOD-1.0", "NLOD-2.0", "etalab-2.0",
        "OpenMDW-1.0",
    }
)  # fmt: skip

# Public-domain dedications and marks: no conditions at all.
PUBLIC_DOMAIN: frozenset[str] = frozenset({"CC0-1.0", "CC-PDDC", "CC-PDM-1.0", "PDDL-1.0", "Unlicense"})

# Kinds that take no freedom away: conditions like attribution, which keep a licence free.
ATTRIBUTION_LIKE: frozenset[RestrictionKind] = frozenset(k for k, info in KINDS.items() if not info.blocks)

# When the engine reports no clause (an id from a card field), the id itself tells what the licence
# restricts. First match wins.
_ID_RESTRICTIONS: tuple[tuple[re.Pattern[str], RestrictionKind, str], ...] = (
    (
        lazy_re.compile(r"(^|[-_ ])nc([-_ ]|$)|non[-_ ]?commercial", re.I),
        RestrictionKind.NON_COMMERCIAL,
        "non-commercial licence",
    ),
    (
        lazy_re.compile(r"(^|[-_ ])nd([-_ ]|$)|no[-_ ]?deriv", re.I),
        RestrictionKind.NO_DERIVATIVES,
        "no derivatives allowed",
    ),
    (
        lazy_re.compile(r"rail|responsible ai", re.I),
        RestrictionKind.FIELD_OF_USE,
        "RAIL licence: use-based restrictions (field of use)",
    ),
    (
        lazy_re.compile(r"llama|gemma|deepseek|qwen|yi-license|baichuan|falcon|internlm|glm|tongyi", re.I),
        RestrictionKind.FIELD_OF_USE,
        "custom model licence with an acceptable-use policy",
    ),
    (
        lazy_re.compile(r"research[-_ ]only|academic", re.I),
        RestrictionKind.RESEARCH_ONLY,
        "research-only licence",
    ),
)


# --------------------------------------------------------------------------- restrictions


def taken(restriction: Restriction) -> frozenset[Freedom]:
    """The freedoms a restriction takes away: its kind's, wherever it was read."""
    return KINDS[restriction.kind].freedoms


def blocks(kind: RestrictionKind) -> bool:
    """Whether a kind of restriction takes a freedom (attribution-like conditions do not)."""
    return kind not in ATTRIBUTION_LIKE


def license_id(result: LicenseResult) -> str | None:
    m = result.match
    return m.id if m else result.expression


def restrictions(result: LicenseResult) -> tuple[Restriction, ...]:
    """The engine's restrictions, or those the licence id implies when it reported none."""
    if result.restrictions:
        return result.restrictions
    return implied_restrictions(result)


def implied_restrictions(result: LicenseResult) -> tuple[Restriction, ...]:
    """What a licence id says it restricts ("cc-by-nc-4.0": non-commercial), for a free-less id."""
    ident = license_id(result)
    m = result.match
    if not ident or m is None or (not m.modified and match_free(m) is True):
        return ()
    for rx, kind, summary in _ID_RESTRICTIONS:
        if rx.search(ident) or rx.search(m.name or ""):
            info = KINDS[kind]
            return (
                Restriction(
                    kind,
                    result.location,
                    ident,
                    f"{summary} (inferred from the licence id {ident})",
                    info.freedoms,
                    info.osd,
                ),
            )
    return ()


def blocking(result: LicenseResult) -> tuple[Restriction, ...]:
    """Restrictions (read or implied) that take a freedom away."""
    return tuple(r for r in restrictions(result) if blocks(r.kind))


# --------------------------------------------------------------------------- licences


@lru_cache(maxsize=4096)
def _curated_restrictive(license_id: str) -> bool:
    from openness.licenses.interface import license_info

    info = license_info(license_id)
    return info is not None and info.restrictive


def id_free(license_id: str, osi: bool | None, fsf: bool | None) -> bool | None:
    """Is this known licence free? True: OSI-approved, FSF-libre, open data or public domain.
    False: curated as restrictive, or reviewed by SPDX and on no free list. None: not reviewed."""
    if osi or fsf or license_id in OPEN_DATA_LICENSES or license_id in PUBLIC_DOMAIN:
        return True
    if _curated_restrictive(license_id):
        return False
    if osi is False and fsf is False:
        return False
    return None


def match_free(m: LicenseMatch) -> bool | None:
    return id_free(m.id, m.osi_approved, m.fsf_libre)


@dataclass(frozen=True)
class Terms:
    """The answer for one licence result: free (four freedoms), OSI-approved (code test), why."""

    free: bool | None
    osi: bool | None
    reasons: tuple[str, ...]
    blocking: tuple[Restriction, ...] = ()


def _label(result: LicenseResult) -> str:
    m = result.match
    if m is not None:
        return result.expression or m.id
    return str(result.location)


def is_choice(expression: str | None) -> bool:
    """True for a top-level SPDX disjunction ("MIT OR Apache-2.0"), parsed with license-expression."""
    if not expression or " OR " not in expression.upper():
        return False
    from license_expression import OR

    from openness.licenses.expression import spdx_parse

    return isinstance(spdx_parse(expression), OR)


def judge(result: LicenseResult) -> Terms:
    """Free terms and OSI status of one licence result, in one order every caller shares:
    a blocking restriction (read or implied) decides; then unidentified or modified is unknown;
    then a free alternative of an ``OR``; then the licences' own standing."""
    label = _label(result)
    bad = blocking(result)
    if bad:
        kinds = ", ".join(sorted({str(r.kind) for r in bad}))
        return Terms(False, False, (f"{label} restricts: {kinds}",), bad)
    if not result.matches:
        why = "; ".join(result.notes) or "text not identified"
        return Terms(None, None, (f"licence at {result.location} unidentified ({why})",))
    if any(m.modified for m in result.matches):
        return Terms(None, None, (f"{label} is modified from its reference text; the changes need review",))
    flags = [match_free(m) for m in result.matches]
    if is_choice(result.expression) and any(f is True for f in flags):
        # "A OR B": the recipient may take the free alternative (an OSI one when there is one).
        free = [m for m, f in zip(result.matches, flags, strict=True) if f is True]
        chosen = next((m for m in free if m.osi_approved), free[0])
        return Terms(True, chosen.osi_approved is True, (f"{label}: {chosen.id} may be chosen",))
    osi_flags = [m.osi_approved for m in result.matches]
    osi = all(f is True for f in osi_flags) or (False if any(f is False for f in osi_flags) else None)
    if all(f is True for f in flags):
        kind = "OSI-approved" if osi else "a free/open licence (not OSI-approved)"
        return Terms(True, osi, (f"{label} is {kind}",))
    if any(f is False for f in flags):
        ids = ", ".join(m.id for m, f in zip(result.matches, flags, strict=True) if f is False)
        return Terms(
            False,
            osi,
            (f"{ids} is neither OSI-approved nor FSF-libre nor an open-data licence",),
        )
    return Terms(None, osi, (f"{label}: whether it is free is not known",))


def free_terms(result: LicenseResult) -> bool | None:
    """Parameters/data test: terms granting use, study, modify and share. None: cannot tell."""
    return judge(result).free


def osi_license(result: LicenseResult) -> bool | None:
    """Code test: an OSI-approved licence, unmodified, nothing blocking. None: cannot tell
    (unidentified, modified from the reference text, or not reviewed by OSI)."""
    return judge(result).osi


def restrictive(result: LicenseResult) -> bool:
    """Known to take a freedom away (used to decide what an unpinned scope counts against)."""
    return judge(result).free is False
