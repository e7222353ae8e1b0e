"""The examples through the whole audit: what each was made to show."""

from __future__ import annotations

from pathlib import Path

from openness.pipeline import audit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_openwashed_example_is_caught() -> None:
    report = audit(str(EXAMPLES / "openwashed-lm"))
    assert report.assessments["osaid"].status == "not-open-source-ai"
    washing = [f for f in report.findings if f.kind == "open-washing"]
    assert washing and any(loc.path == "README.md" for loc in washing[0].locations)
    kinds = {
        str(r.kind)
        for lr in report.evidence.licenses
        if lr.location.path == "LICENSE"
        for r in lr.restrictions
    }
    assert {"user-threshold", "output-use", "branding", "field-of-use"} <= kinds
    assert not report.evidence.facts_for("rebuild")


def test_open_example_carries_a_verified_rebuild() -> None:
    report = audit(str(EXAMPLES / "tiny-open-lm"))
    (fact,) = report.evidence.facts_for("rebuild")
    assert fact.value["result"] == "identical"
    assert fact.location.path == "rebuild-attestation.json"
    assert all(not lr.restrictions for lr in report.evidence.licenses)
