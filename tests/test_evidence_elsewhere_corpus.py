"""Issue 10 over the real corpus: weights published elsewhere, terms by scope, and the OSI
validation-phase verdicts (passes never rejected, fails rejected for the reason OSI gives)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from corpus_release import rebuild, release_ids
from openness.frameworks import mof, osaid
from openness.model import Assessment, Component, Evidence, Outcome, Report, Status
from openness.pipeline import audit

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
_TMP = Path(tempfile.mkdtemp(prefix="elsewhere-corpus-"))
T5 = "google-research__text-to-text-transfer-transformer"
OSI_PASSES = ("EleutherAI__pythia", "allenai__OLMo", "LLM360__amber-train", T5)


@cache
def _report(release: str) -> Report:
    return audit(str(rebuild(CORPUS / release, _TMP / release)), frameworks=["osaid", "mof"])


def _crit(a: Assessment, cid: str) -> osaid.Criterion:
    return next(c for c in a.criteria if c.id == cid)


@pytest.fixture
def report(corpus_dir: Path) -> Callable[[str], Report]:
    return _report


def test_t5_weights_are_in_buckets_not_absent(report: Callable[[str], Report]) -> None:
    r = report(T5)
    w = r.evidence.get(Component.PARAMETERS_FINAL)
    assert w.published_elsewhere and w.elsewhere[0].place.startswith("gs://t5-data/pretrained_models/")
    params = _crit(r.assessments["osaid"], "model.parameters")
    assert params.outcome is Outcome.UNKNOWN and "gs://t5-data" in params.detail
    t = r.evidence.get(Component.TRAINING_CODE)
    assert t.status is Status.PRESENT and "Mesh TensorFlow" in t.detail


@pytest.mark.parametrize("release", OSI_PASSES)
def test_osi_validation_passes_are_never_rejected(report: Callable[[str], Report], release: str) -> None:
    a = report(release).assessments["osaid"]
    failing = [(c.id, c.detail) for c in a.criteria if c.outcome in (Outcome.FAIL, Outcome.PARTIAL)]
    assert a.status != osaid.NOT_OPEN, failing


def test_osi_validation_fails_are_rejected_for_osis_reason(report: Callable[[str], Report]) -> None:
    llama = report("meta-llama__llama").assessments["osaid"]
    assert llama.status == osaid.NOT_OPEN
    use = _crit(llama, "freedom.use")
    assert use.outcome is Outcome.FAIL and any(loc.path == "LICENSE" and loc.lines for loc in use.evidence)
    for release in ("xai-org__grok-1", "mistralai__mistral-src", "mistralai__mistral-inference"):
        a = report(release).assessments["osaid"]
        assert a.status == osaid.NOT_OPEN, release
        assert _crit(a, "code.training").outcome is Outcome.FAIL, release
        assert _crit(a, "data.information").outcome in (Outcome.FAIL, Outcome.UNKNOWN), release


@pytest.mark.parametrize("release", ["deepseek-ai__DeepSeek-LLM", "deepseek-ai__DeepSeek-V3"])
def test_deepseek_fails_on_its_model_licence(report: Callable[[str], Report], release: str) -> None:
    a = report(release).assessments["osaid"]
    params = _crit(a, "model.parameters")
    assert params.outcome is Outcome.FAIL and any(loc.path == "LICENSE-MODEL" for loc in params.evidence)
    use = _crit(a, "freedom.use")
    assert use.outcome is Outcome.FAIL and any(
        loc.path == "LICENSE-MODEL" and loc.lines for loc in use.evidence
    )
    assert "LICENSE-MODEL" in report(release).evidence.summary


def test_deepseek_r1_weights_are_mit_by_its_statement(report: Callable[[str], Report]) -> None:
    ev = report("deepseek-ai__DeepSeek-R1").evidence
    w = ev.get(Component.PARAMETERS_FINAL)
    assert any(a.scope_certain and a.license.match and a.license.match.id == "MIT" for a in w.licenses)


def _foreign_paths(ev: Evidence) -> set[str]:
    from openness.evidence.scope import foreign

    return {r.location.path for r in ev.licenses if r.location.path and foreign(r.location.path)}


def _with_foreign_licences() -> list[str]:
    """Releases whose tree lists a licence file of another project or model (cheap: TREE.txt only)."""
    from corpus_release import read_tree
    from openness.evidence.scope import foreign

    out = []
    for release in release_ids(CORPUS):
        paths = [e.path for e in read_tree(CORPUS / release)]
        if any(foreign(p) and ("licen" in p.lower() or "copying" in p.lower()) for p in paths):
            out.append(release)
    return out


def test_no_freedom_fails_on_another_models_licence(corpus_dir: Path) -> None:
    releases = _with_foreign_licences()
    assert "allenai__open-instruct" in releases
    for release in releases:
        r = _report(release)
        foreign = _foreign_paths(r.evidence)
        if not foreign:
            continue
        for c in r.assessments["osaid"].criteria:
            if c.id.startswith("freedom.") and c.outcome is Outcome.FAIL:
                assert not {loc.path for loc in c.evidence} & foreign, (release, c.id, c.detail)


def test_mof_readme_card_takes_the_repository_licence(report: Callable[[str], Report]) -> None:
    """MOT classifies Pythia Class I; from artifacts its README model card, data card and results
    are under the repository's Apache-2.0, never 'listed but unlicensed'."""
    a = report("EleutherAI__pythia").assessments["mof"]
    by_id = {c.id: c.value for c in a.criteria}
    for cid in ("model-card", "data-card", "evaluation-results", "training-code"):
        assert by_id[cid]["status"] == "included", (cid, by_id[cid])
        assert by_id[cid]["license"] == "Apache-2.0"
    assert mof.ID == "mof"
