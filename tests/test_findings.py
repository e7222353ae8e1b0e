"""Findings: open-washing, conflicting declarations, missing licence files, split licensing,
lineage conflicts, unreadable evidence. Releases in tmp_path, the examples, the corpus."""

from __future__ import annotations

import tempfile
from pathlib import Path

from openness.evidence import build_evidence
from openness.frameworks import osaid
from openness.frameworks.findings import find, judge_claim
from openness.inventory import build_inventory
from openness.model import (
    AppliedLicense,
    Claim,
    ClaimSubject,
    Component,
    ComponentEvidence,
    Evidence,
    Finding,
    HubMetadata,
    Inventory,
    LicenseKind,
    LicenseMatch,
    LicenseResult,
    Location,
    Restriction,
    RestrictionKind,
    Snapshot,
    Status,
)
from openness.sources import SourceOptions, open_target
from test_evidence_support import GENERATE_PY, MIT_TEXT, evidence_of, safetensors_bytes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def findings_of(ev: Evidence) -> tuple[Finding, ...]:
    return find(ev, {"osaid": osaid.assess(ev)})


def kinds(found: tuple[Finding, ...]) -> list[str]:
    return [f.kind for f in found]


def test_open_washed_example_cites_both_sides() -> None:
    ev = build_evidence(build_inventory(open_target(str(EXAMPLES / "openwashed-lm"), SourceOptions())))
    (wash,) = [f for f in findings_of(ev) if f.kind == "open-washing"]
    assert wash.severity == "high"
    said = [loc for loc in wash.locations if loc.path == "README.md" and loc.lines]
    assert said, wash.locations  # the "fully open source" sentence
    assert "not Open Source AI" in wash.message and "Code: training" in wash.message
    assert any(loc.path != "README.md" or loc.key for loc in wash.locations)  # the failing side, too


def test_fully_open_example_has_no_open_washing() -> None:
    ev = build_evidence(build_inventory(open_target(str(EXAMPLES / "tiny-open-lm"), SourceOptions())))
    found = findings_of(ev)
    if osaid.assess(ev).status == "open-source-ai":
        assert "open-washing" not in kinds(found)
    assert "license-conflict" not in kinds(found)


def test_claim_without_failure_is_not_open_washing(tmp_path: Path) -> None:
    ev = evidence_of(tmp_path, {"README.md": "# M\n\nJust some code.\n", "generate.py": GENERATE_PY})
    assert "open-washing" not in kinds(findings_of(ev))  # fails OSAID, but never claims to be open source


def test_missing_licence_file_link(tmp_path: Path) -> None:
    readme = "# M\n\nSee [the licence](LICENSE.md) and [weights terms](docs/MODEL_LICENSE.txt).\n"
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "generate.py": GENERATE_PY})
    missing = [f for f in findings_of(ev) if f.kind == "missing-license-file"]
    assert [f.locations[0] for f in missing] == [Location("README.md", (3, 3))] * 2
    assert "LICENSE.md" in missing[0].message and "docs/MODEL_LICENSE.txt" in missing[1].message


def test_split_licensing_stated_per_component(tmp_path: Path) -> None:
    readme = (
        "# M\n\nThe code is released under the MIT License. "
        "The model weights are licensed under CC-BY-NC-4.0.\n"
    )
    ev = evidence_of(
        tmp_path, {"README.md": readme, "generate.py": GENERATE_PY, "model.safetensors": safetensors_bytes()}
    )
    (split,) = [f for f in findings_of(ev) if f.kind == "split-licensing"]
    assert "code: MIT" in split.message and "weights: CC-BY-NC-4.0" in split.message
    assert Location("README.md", (3, 3)) in split.locations


def _restricted(path: str) -> LicenseResult:
    clause = Restriction(
        RestrictionKind.USER_THRESHOLD,
        Location(path, (40, 44)),
        "700 million users",
        "licence needed above 700M users",
    )
    return LicenseResult(
        Location(path, (1, 80)),
        LicenseKind.LICENSE,
        (LicenseMatch("LicenseRef-Community", "Community License", 0.98, "curated", osi_approved=False),),
        (clause,),
    )


def test_card_licence_conflicts_with_licence_file() -> None:
    card = LicenseResult(
        Location("README.md", key="card:license"),
        LicenseKind.LICENSE,
        (LicenseMatch("Apache-2.0", "Apache License 2.0", 1.0, "id", osi_approved=True),),
        expression="Apache-2.0",
    )
    file = _restricted("LICENSE")
    ev = Evidence(target="t", components={}, licenses=(file, card))
    (conflict,) = [f for f in find(ev, {}) if f.kind == "license-conflict"]
    assert conflict.severity == "high"
    assert conflict.locations == (card.location, file.location)
    assert "Apache-2.0" in conflict.message and "LicenseRef-Community" in conflict.message


def test_readme_prose_conflicts_with_restrictive_file() -> None:
    file = _restricted("LICENSE")
    claim = Claim("license-mention", "Apache-2.0", Location("README.md", (9, 9)))
    weights = ComponentEvidence(
        Component.PARAMETERS_FINAL,
        Status.PRESENT,
        (Location("m.safetensors"),),
        (AppliedLicense(file, True, "root"),),
    )
    ev = Evidence(
        target="t", components={Component.PARAMETERS_FINAL: weights}, licenses=(file,), claims=(claim,)
    )
    (conflict,) = [f for f in find(ev, {}) if f.kind == "license-conflict"]
    assert conflict.locations == (claim.location, file.location)


def test_lineage_conflict() -> None:
    hub = HubMetadata(
        repo_id="acme/derived",
        card_data={"license": "apache-2.0", "base_model": "meta/base"},
        extra={
            "lineage": [{"id": "meta/base", "license": "cc-by-nc-4.0", "depth": 1, "key": "card:base_model"}]
        },
    )
    ev = build_evidence(Inventory(Snapshot(target="hf:acme/derived", kind="hf", files=(), hub=hub), ()))
    (lineage,) = [f for f in findings_of(ev) if f.kind == "lineage-conflict"]
    assert "meta/base" in lineage.message and "apache" in lineage.message.lower()
    assert lineage.locations[0].key == "card:license"


def test_unreadable_evidence(tmp_path: Path) -> None:
    ev = evidence_of(tmp_path, {"LICENSE": b"\x81\xfe\xff" * 500, "generate.py": GENERATE_PY})
    (unread,) = [f for f in findings_of(ev) if f.kind == "unreadable-evidence"]
    assert unread.locations == (Location("LICENSE"),)


def _corpus_findings(corpus_dir: Path, release: str) -> tuple[Finding, ...]:
    from corpus_release import rebuild

    root = rebuild(corpus_dir / release, Path(tempfile.mkdtemp(prefix="findings-")) / release)
    ev = build_evidence(build_inventory(open_target(str(root), SourceOptions())))
    return findings_of(ev)


def test_corpus_split_licences_deepseek_v3(corpus_dir: Path) -> None:
    """DeepSeek-V3: LICENSE-CODE (MIT) and LICENSE-MODEL (DeepSeek licence), stated per component."""
    found = _corpus_findings(corpus_dir, "deepseek-ai__DeepSeek-V3")
    (split,) = [f for f in found if f.kind == "split-licensing"]
    assert "code: MIT" in split.message and "weights:" in split.message
    assert {loc.path for loc in split.locations} == {"LICENSE-CODE", "LICENSE-MODEL"}


def test_corpus_qwen_third_party_tool_is_no_claim(corpus_dir: Path) -> None:
    """Qwen2.5 was flagged for "[TensorRT-LLM](...) is an open-source LLM inference engine from
    NVIDIA" (README.md:358): a sentence about someone else's tool, a false alarm."""
    found = _corpus_findings(corpus_dir, "QwenLM__Qwen2.5")
    assert not [f for f in found if f.kind == "open-washing"]


def test_corpus_open_washing_deepseek_v3(corpus_dir: Path) -> None:
    """DeepSeek-V3 calls its weights "the currently strongest open-source base model" (README.md:76)
    while LICENSE-MODEL restricts their use: a miss before claims were weighed against their subject."""
    found = _corpus_findings(corpus_dir, "deepseek-ai__DeepSeek-V3")
    (wash,) = [f for f in found if f.kind == "open-washing"]
    assert wash.locations[0] == Location("README.md", (76, 76))
    assert Location("LICENSE-MODEL", (1, 91)) in wash.locations
    assert "model-parameters-final" in wash.message and "field-of-use" in wash.message


def test_corpus_truly_open_apache_weights_is_no_open_washing(corpus_dir: Path) -> None:
    """Snowflake Arctic: "Truly Open: Apache 2.0 license provides ungated access to weights and code"
    (README.md:46). The parts it names are Apache-2.0: a false alarm when the finding asked OSAID
    about the whole release. Its data recipes' terms are unknown: a "cannot check" note only."""
    found = _corpus_findings(corpus_dir, "Snowflake-Labs__snowflake-arctic")
    assert not [f for f in found if f.kind == "open-washing"]
    (unverified,) = [f for f in found if f.kind == "open-claim-unverified"]
    assert unverified.severity == "info" and unverified.locations == (Location("README.md", (46, 46)),)


def test_card_and_file_name_different_free_licences(tmp_path: Path) -> None:
    card = "---\nlicense: apache-2.0\n---\n# M\n"
    ev = evidence_of(tmp_path, {"README.md": card, "LICENSE": MIT_TEXT, "generate.py": GENERATE_PY})
    found = [f for f in findings_of(ev) if f.kind == "license-conflict"]
    if ev.licenses[0].matches and ev.licenses[0].matches[0].id == "MIT":  # the engine read the MIT text
        assert [f.severity for f in found] == ["low"]
        assert found[0].locations[0].key == "card:license"
    else:
        assert not found


# ---------------------------------------------------------------- open-washing: claims weighed by subject


def _weights_release(tmp_path: Path, readme_body: str, card_license: str) -> Evidence:
    readme = f"---\nlicense: {card_license}\n---\n# Acme-7B\n\n{readme_body}\n"
    return evidence_of(
        tmp_path,
        {"README.md": readme, "model.safetensors": safetensors_bytes(), "generate.py": GENERATE_PY},
    )


def test_weights_claim_against_non_commercial_weights(tmp_path: Path) -> None:
    ev = _weights_release(tmp_path, "We open-source the model weights on the Hub.", "cc-by-nc-4.0")
    (wash,) = [f for f in findings_of(ev) if f.kind == "open-washing"]
    assert wash.severity == "high"
    assert wash.locations[0] == Location("README.md", (6, 6))
    assert "weights" in wash.message and "non-commercial" in wash.message
    assert any(loc.key == "card:license" for loc in wash.locations)  # the terms it is weighed against


def test_weights_claim_against_apache_weights_is_no_finding(tmp_path: Path) -> None:
    """The release still fails OSAID (no training code, no data information): not open-washing."""
    ev = _weights_release(tmp_path, "We open-source the model weights on the Hub.", "apache-2.0")
    assert osaid.assess(ev).status != "open-source-ai"
    assert not [f for f in findings_of(ev) if f.kind in ("open-washing", "open-claim-unverified")]


def test_thanks_and_promises_are_no_claims(tmp_path: Path) -> None:
    body = (
        "Thanks to this fantastic open-source project, we trained Acme-7B in a week.\n\n"
        "We will open source the dataset after review.\n\n"
        "Acme-7B outperforms other open-source models of its size."
    )
    ev = _weights_release(tmp_path, body, "cc-by-nc-4.0")
    assert not [c for c in ev.claims if c.kind == "open-source"]
    assert not [f for f in findings_of(ev) if f.kind == "open-washing"]


def test_code_claim_is_weighed_against_the_code_only(tmp_path: Path) -> None:
    body = "The inference code is open source under the MIT License; the weights are for research only."
    ev = evidence_of(
        tmp_path,
        {
            "README.md": f"# Acme\n\n{body}\n",
            "LICENSE": MIT_TEXT,
            "LICENSE-MODEL": "Research use only. Commercial use is prohibited.\n",
            "model.safetensors": safetensors_bytes(),
            "generate.py": GENERATE_PY,
        },
    )
    (claim,) = [c for c in ev.claims if c.kind == "open-source"]
    assert claim.subject is ClaimSubject.CODE
    assert not [f for f in findings_of(ev) if f.kind == "open-washing"]


def test_unknown_terms_give_a_cannot_check_note_never_open_washing(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {"README.md": "# Acme\n\nAcme-7B is a fully open-source model.\n", "generate.py": GENERATE_PY},
    )
    found = findings_of(ev)
    assert not [f for f in found if f.kind == "open-washing"]
    (note,) = [f for f in found if f.kind == "open-claim-unverified"]
    assert note.severity == "info" and note.locations == (Location("README.md", (3, 3)),)


def test_licence_of_uncertain_scope_is_a_medium_finding() -> None:
    """Weights published elsewhere, a restrictive repository licence that may cover them."""
    lic = _restricted("LICENSE")
    weights = ComponentEvidence(
        Component.PARAMETERS_FINAL, Status.UNKNOWN, (), (AppliedLicense(lic, False, "may cover it"),)
    )
    claim = Claim("open-source", "is open-source", Location("README.md", (4, 4)), ClaimSubject.MODEL)
    ev = Evidence(
        target="t", components={Component.PARAMETERS_FINAL: weights}, licenses=(lic,), claims=(claim,)
    )
    (wash,) = [f for f in find(ev, {}) if f.kind == "open-washing"]
    assert wash.severity == "medium" and "may cover it" in wash.message
    assert wash.locations[:2] == (claim.location, lic.location)
    assert Location("LICENSE", (40, 44)) in wash.locations  # the clause that restricts


def test_claims_about_other_things_are_never_judged() -> None:
    lic = _restricted("LICENSE")
    weights = ComponentEvidence(
        Component.PARAMETERS_FINAL, Status.PRESENT, (), (AppliedLicense(lic, True, "root"),)
    )
    other = Claim("open-source", "tools are open sourced", Location("README.md", (2, 2)), ClaimSubject.OTHER)
    ev = Evidence(target="t", components={Component.PARAMETERS_FINAL: weights}, claims=(other,))
    assert judge_claim(ev, other) is None
    assert not [f for f in find(ev, {}) if f.kind.startswith("open")]
