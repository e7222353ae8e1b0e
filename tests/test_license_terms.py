"""licenses/terms.py: one answer to "is this licence free, and what does each restriction take?".

The walk checks every licence id the shipped data knows through every framework's own licence
criterion; the named cases are the disagreements issue 12 found, as regression tests.
"""

from __future__ import annotations

import dataclasses

import pytest

from openness.frameworks import common, debian_ml, eu_ai_act, osai_index, osaid
from openness.frameworks import mof_catalog as cat
from openness.licenses import analyze_id, analyze_text, license_info, terms
from openness.licenses.clause_patterns import KINDS
from openness.licenses.clauses import find_restrictions
from openness.licenses.knowledge import knowledge
from openness.model import (
    AppliedLicense,
    Assessment,
    Component,
    ComponentEvidence,
    Evidence,
    Freedom,
    LicenseResult,
    Location,
    Outcome,
    RestrictionKind,
    Status,
)

_OUTCOME = {Outcome.PASS: True, Outcome.FAIL: False, Outcome.UNKNOWN: None}
_STATE = {
    common.LicenseState.OPEN: True,
    common.LicenseState.NOT_OPEN: False,
    common.LicenseState.UNKNOWN: None,
}

# MOT (the MOF's tool) counts open only the ids on its own published lists; the MOF framework mirrors
# them verbatim (mof_catalog.py). Where it is narrower than the freedoms, the difference is MOT's, named
# here: its SPDX snapshot predates these OSI/FSF flags or ids (NOT_OPEN_IN_MOT), or its open-data list
# does not carry these free licences. MOT never counts open a licence that takes a freedom away.
MOT_NARROWER = cat.NOT_OPEN_IN_MOT | {
    "CC-BY-SA-3.0-DE", "CC-BY-SA-3.0-IGO", "CC-PDDC", "CC-PDM-1.0", "PDDL-1.0", "OGL-UK-1.0",
    "DL-DE-BY-2.0", "DL-DE-ZERO-2.0", "NLOD-1.0", "NLOD-2.0", "etalab-2.0",
}  # fmt: skip


def _weights(result: LicenseResult) -> Evidence:
    w = ComponentEvidence(
        Component.PARAMETERS_FINAL,
        Status.PRESENT,
        (Location("model.safetensors"),),
        (AppliedLicense(result, True, "file name LICENSE"),),
    )
    return Evidence("t", {Component.PARAMETERS_FINAL: w})


def _crit(a: Assessment, cid: str) -> Outcome:
    return next(c for c in a.criteria if c.id == cid).outcome


def _answers(result: LicenseResult) -> dict[str, bool | None]:
    """Each framework's own answer to "are the weights under free terms?"."""
    ev = _weights(result)
    w = ev.get(Component.PARAMETERS_FINAL)
    return {
        "osaid": _OUTCOME[_crit(osaid.assess(ev), "model.parameters")],
        "debian-ml": _OUTCOME[_crit(debian_ml.assess(ev), "model-license")],
        "eu-ai-act": _OUTCOME[_crit(eu_ai_act.assess(ev), "foss-license")],
        "osai-index": _STATE[osai_index._licensed("weights", w, []).judgement.state],
    }


def test_every_known_licence_gets_one_freedom_answer_from_every_framework() -> None:
    disagree: dict[str, object] = {}
    mof: list[str] = []
    ids = list(knowledge().infos)
    assert len(ids) > 2000
    for lid in ids:
        result = analyze_id(lid, Location("LICENSE"))
        free = terms.free_terms(result)
        answers = _answers(result)
        if any(v != free for v in answers.values()):
            disagree[lid] = (free, answers)
        if cat.is_open_license(lid) and free is not True:
            mof.append(f"{lid}: open for MOF, {free} for the freedoms")
        elif free is True and not cat.is_open_license(lid) and lid not in MOT_NARROWER:
            mof.append(f"{lid}: free, not open for MOF")
    assert not disagree, list(disagree.items())[:10]
    assert not mof, mof[:10]


@pytest.mark.parametrize("lid", ["OGL-UK-3.0", "OGL-Canada-2.0", "CC-PDDC", "CC-BY-3.0-DE", "CC-BY-SA-2.0"])
def test_open_data_licences_are_free_for_every_framework(lid: str) -> None:
    # Old code: free for OSAID (evidence/terms.py) but "not open" for Debian ML, EU AI Act, OSAI Index.
    result = analyze_id(lid, Location("LICENSE"))
    assert terms.free_terms(result) is True
    assert common.judge_license(result).state is common.LicenseState.OPEN
    assert set(_answers(result).values()) == {True}


def test_free_lists_name_only_ids_the_data_knows() -> None:
    # Old code listed ODC-PDDL-1.0 and LicenseRef-OpenMDW-1.0, which resolve to no licence.
    for lid in sorted(terms.OPEN_DATA_LICENSES | terms.PUBLIC_DOMAIN):
        info = license_info(lid)
        assert info is not None and info.id == lid, lid


NC_TEXT = """Example Model Licence

1. You may use, copy and modify the Model for non-commercial purposes only.
2. THE MODEL IS PROVIDED AS IS.
"""


def test_non_commercial_takes_the_same_freedoms_from_an_id_and_from_a_text() -> None:
    # Old code: {use, share} from the id cc-by-nc-4.0, {use, modify, share} from a licence text.
    by_id = analyze_id("cc-by-nc-4.0", Location("README.md", key="card:license"))
    by_text = analyze_text(NC_TEXT, Location("LICENSE", (1, 4)))
    (r_id,) = terms.blocking(by_id)
    (r_text,) = terms.blocking(by_text)
    assert r_id.kind is r_text.kind is RestrictionKind.NON_COMMERCIAL
    assert terms.taken(r_id) == terms.taken(r_text) == KINDS[RestrictionKind.NON_COMMERCIAL].freedoms
    assert r_id.freedoms == r_text.freedoms
    for result in (by_id, by_text):
        a = osaid.assess(_weights(result))
        assert _crit(a, "freedom.modify") is Outcome.FAIL
        assert _crit(a, "freedom.study") is not Outcome.FAIL  # non-commercial does not hide the model


@pytest.mark.parametrize("kind", list(RestrictionKind))
def test_every_kind_takes_what_the_one_table_says(kind: RestrictionKind) -> None:
    # Old code: KIND_FREEDOMS (evidence/terms.py) differed from KINDS for branding, user-threshold,
    # field-of-use and non-commercial.
    import importlib.util

    assert importlib.util.find_spec("openness.evidence.terms") is None  # the old copy is gone
    assert not hasattr(osaid, "_NOT_BLOCKING") and not hasattr(common, "OPEN_DATA_LICENSES")
    r = dataclasses.replace(
        find_restrictions("You may use the Model for non-commercial purposes only.")[0],
        kind=kind,
        freedoms=frozenset({Freedom.STUDY}),  # a stray field does not override the table
    )
    assert terms.taken(r) == KINDS[kind].freedoms
    assert terms.blocks(kind) is KINDS[kind].blocks
    assert (kind in terms.ATTRIBUTION_LIKE) is (kind is RestrictionKind.BRANDING)


def test_a_modified_osi_licence_is_unknown_not_failed() -> None:
    # Old code: LicenseResult.osi_approved False, terms.osi_license None; free_terms even True
    # for a modified open-data licence.
    for lid in ("MIT", "CC-BY-4.0"):
        base = analyze_id(lid, Location("LICENSE"))
        changed = dataclasses.replace(
            base, matches=tuple(dataclasses.replace(m, modified=True) for m in base.matches)
        )
        assert terms.osi_license(changed) is None
        assert terms.free_terms(changed) is None
        assert common.judge_license(changed).state is common.LicenseState.UNKNOWN
        assert set(_answers(changed).values()) == {None}


def test_branding_alone_keeps_an_osi_licence_osi_for_the_code_test() -> None:
    # Old code: osi_license counted a branding clause as a restriction (False) while judge_license
    # and OSAID's own blocking rule let it through.
    mit = analyze_id("MIT", Location("LICENSE"))
    brand = find_restrictions('You shall prominently display "Built with Foo" on your product website.')
    assert brand and brand[0].kind is RestrictionKind.BRANDING
    branded = dataclasses.replace(mit, restrictions=brand)
    assert terms.osi_license(branded) is True and terms.free_terms(branded) is True


def test_a_curated_restrictive_licence_without_clauses_is_not_free() -> None:
    # Old code: free_terms None (unknown), judge_license "not open".
    lid = next(
        i for i in knowledge().infos
        if knowledge().infos[i].restrictive and not knowledge().infos[i].has_text
    )
    result = analyze_id(lid, Location("LICENSE"))
    assert terms.free_terms(result) is False
    assert set(_answers(result).values()) == {False}


def test_a_choice_with_a_free_alternative_is_free_everywhere() -> None:
    result = analyze_id("MIT OR CC-BY-NC-4.0", Location("LICENSE"))
    assert terms.free_terms(result) is True and terms.osi_license(result) is True
    assert set(_answers(result).values()) == {True}


COMMERCIAL_SECTION = """Example Model License

## Permitted Use

You may use, reproduce and modify the Model for research and personal projects.

## Commercial Use

No commercial rights are granted.

## Warranty

THE MODEL IS PROVIDED "AS IS".
"""


def test_no_commercial_rights_granted_is_a_non_commercial_restriction() -> None:
    # Old code: missed (no restriction), so the unidentified licence was merely "unknown".
    found = find_restrictions(COMMERCIAL_SECTION, "LICENSE")
    assert [(r.kind, r.location.lines) for r in found] == [(RestrictionKind.NON_COMMERCIAL, (9, 9))]
    result = analyze_text(COMMERCIAL_SECTION, Location("LICENSE", (1, 13)))
    assert terms.free_terms(result) is False
    assert set(_answers(result).values()) == {False}
    for phrasing in (
        "No commercial licence is hereby granted.",
        "No license is granted for commercial use of the Model.",
    ):
        assert [r.kind for r in find_restrictions(phrasing)] == [RestrictionKind.NON_COMMERCIAL], phrasing
    for harmless in (
        "No trademark rights are granted.",
        "No patent rights are granted by implication.",
        "Both commercial and non-commercial use are permitted; no commercial rights are granted beyond "
        "the rights above.",
    ):
        kinds = [r.kind for r in find_restrictions(harmless)]
        assert RestrictionKind.NON_COMMERCIAL not in kinds, harmless
