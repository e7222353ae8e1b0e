"""The terminal report: verdicts first (one wrapped line per framework, with the reason that decided
it), a summary mode that stops there, and headlines that come from the frameworks' rules."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest

from openness.frameworks import registry
from openness.model import Assessment, Criterion, Outcome, Report
from openness.pipeline import audit
from openness.render.common import REASON_MAX, blocker, deciding_reason
from openness.render.text import render_text

ROOT = Path(__file__).resolve().parent.parent
OPENWASHED = ROOT / "examples" / "openwashed-lm"
TINY = ROOT / "examples" / "tiny-open-lm"


@pytest.fixture(scope="module")
def openwashed() -> Report:
    return audit(str(OPENWASHED))


@pytest.fixture(scope="module")
def tiny() -> Report:
    return audit(str(TINY))


def _flat(text: str) -> str:
    """The report with its wrapping undone: words joined by single spaces."""
    return " ".join(text.split())


def test_verdicts_come_first_one_entry_per_framework(openwashed: Report) -> None:
    out = render_text(openwashed)
    first_detail = out.index("OSI Open Source AI Definition 1.0:")
    block = out[out.index("Verdicts") : first_detail]
    for fid in openwashed.assessments:
        assert re.search(rf"^ *\S+ {re.escape(fid)} ", block, re.M), fid
    assert "Across frameworks" not in out  # the old table at the bottom is gone
    assert out.index("Verdicts") < out.index("Findings")


def test_deciding_reason_is_wrapped_not_cut_at_80_columns(openwashed: Report) -> None:
    out = _flat(render_text(openwashed, width=80))
    osaid = openwashed.assessments["osaid"]
    reason = blocker(osaid)
    assert len(reason) > 13 and len(reason) <= REASON_MAX
    assert f"not-open-source-ai (0/11 met) — {reason}" in out
    assert all(len(line) <= 80 for line in render_text(openwashed, width=80).splitlines())


def test_summary_is_only_the_heading_and_verdicts(openwashed: Report) -> None:
    out = render_text(openwashed, summary=True)
    assert out.startswith("openness audit ")
    assert "Verdicts" in out
    for later in ("What would have to change", "Findings", "Notes (", "OSI Open Source AI Definition 1.0:"):
        assert later not in out
    assert len(out.splitlines()) <= 3 + 3 * len(openwashed.assessments)
    assert render_text(openwashed).startswith(out.rstrip("\n"))


def test_passing_verdict_gives_its_summary_as_reason(tiny: Report) -> None:
    osaid = tiny.assessments["osaid"]
    assert registry.standing(osaid) is Outcome.PASS
    assert deciding_reason(osaid) == " ".join(osaid.summary.split())
    assert "✓ osaid" in render_text(tiny, summary=True)


def test_long_reason_is_cut_on_a_word_with_an_ellipsis() -> None:
    crit = Criterion("x", "Long", Outcome.FAIL, "word " * 100)
    a = Assessment("osaid", "OSAID", "1.0", "not-open-source-ai", (crit,))
    reason = deciding_reason(a)
    assert len(reason) <= REASON_MAX and reason.endswith("…") and not reason.endswith(" …")
    assert reason.startswith("Long: word word")


def test_wording_says_may_cover_it_once(openwashed: Report) -> None:
    out = _flat(render_text(openwashed))
    assert not re.search(r"may cover it: [^)]*may cover it", out)


# --------------------------------------------------------------------------- headline / progress


def test_framework_set_headline_and_progress_win(openwashed: Report) -> None:
    mof = openwashed.assessments["mof"]
    assert registry.headline(mof) == "Unclassified"
    own = dataclasses.replace(mof, headline="Class 9 (own words)", progress="nearly there")
    assert registry.headline(own) == "Class 9 (own words)"
    assert registry.progress(own) == "nearly there"
    report = dataclasses.replace(openwashed, assessments={**openwashed.assessments, "mof": own})
    out = render_text(report, summary=True)
    assert "Class 9 (own words) (nearly there)" in out


def test_default_headlines_follow_each_framework(tiny: Report, openwashed: Report) -> None:
    assert registry.headline(tiny.assessments["mof"]) == "Class 3"
    assert registry.standing(tiny.assessments["mof"]) is Outcome.PARTIAL
    assert registry.progress(tiny.assessments["osaid"]) == "14/14 met"
    assert registry.progress(openwashed.assessments["mof"]) == "C3:0% C2:0% C1:0%"
    assert registry.progress(openwashed.assessments["osai-index"]) == ""  # the headline is the score
    assert registry.progress(openwashed.assessments["reproducibility"]).startswith("score ")
    assert registry.standing(openwashed.assessments["osai-index"]) is Outcome.NOT_APPLICABLE


def test_standing_table_names_only_statuses_the_frameworks_define() -> None:
    """A status renamed in a framework module must not silently turn its verdict 'unknown'."""
    for fid, table in registry._STANDING.items():
        module = importlib.import_module(registry.REGISTRY[fid])
        defined = {v for v in vars(module).values() if isinstance(v, str)}
        if fid == "mof":
            defined |= {"class-1", "class-2", "class-3", "unclassified"}  # built by mof.status_of
        assert set(table) <= defined, fid


def test_unknown_status_stands_unknown_never_pass() -> None:
    a = Assessment("osaid", "OSAID", "1.0", "something-new", ())
    assert registry.standing(a) is Outcome.UNKNOWN
