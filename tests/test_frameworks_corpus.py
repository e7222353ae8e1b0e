"""The four frameworks on real releases from ../shared/corpus, against what manifest.yaml says of them.

Each release is rebuilt as a directory (real names and sizes, copied licence/README texts) and audited
through the whole pipeline; expectations are the manifest's `openness_expectation` and the published
cross-framework pattern in frameworks.md section 7.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from corpus_release import rebuild
from openness.model import Report
from openness.pipeline import audit

IDS = ["osai-index", "debian-ml", "eu-ai-act", "reproducibility"]

# Manifest: "fully open (data, code, configs, weights)" / "strong candidate for OSAID-conformant".
FULLY_OPEN = ("allenai__OLMo", "EleutherAI__pythia", "LLM360__amber-train", "huggingface__smollm")
# Manifest: open weights, no training code or data.
WEIGHTS_ONLY = (
    "meta-llama__llama",
    "microsoft__Phi-4-reasoning-vision-15B",
    "deepseek-ai__DeepSeek-R1",
    "QwenLM__Qwen3",
    "ibm-granite__granite-3.0-language-models",
    "xai-org__grok-1",
)
# Manifest: weights under an Apache-2.0 or MIT licence, "no training code/data".
FREE_WEIGHTS_NO_DATA = (
    "deepseek-ai__DeepSeek-R1",
    "QwenLM__Qwen3",
    "ibm-granite__granite-3.0-language-models",
)


@pytest.fixture(scope="module")
def audited(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Report]:
    root = tmp_path_factory.mktemp("corpus")
    cache: dict[str, Report] = {}

    def get(release_id: str) -> Report:
        if release_id not in cache:
            directory = rebuild(corpus_dir / release_id, root / release_id)
            cache[release_id] = audit(str(directory), frameworks=IDS)
        return cache[release_id]

    return get


def test_manifest_lists_the_releases_used_here(corpus_dir: Path) -> None:
    manifest = yaml.safe_load((corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))
    expectations = {r["id"]: r.get("openness_expectation", "") for r in manifest["releases"]}
    for rid in FULLY_OPEN:
        assert "open" in expectations[rid], rid
    for rid in WEIGHTS_ONLY:
        assert "open-weights" in expectations[rid] or "no training code" in expectations[rid], rid


def test_osai_index_ranks_fully_open_releases_above_weights_only(audited: Callable[[str], Report]) -> None:
    open_scores = {rid: audited(rid).assessments["osai-index"].score for rid in FULLY_OPEN}
    closed_scores = {rid: audited(rid).assessments["osai-index"].score for rid in WEIGHTS_ONLY}
    assert min(s or 0 for s in open_scores.values()) > max(s or 0 for s in closed_scores.values()), (
        open_scores,
        closed_scores,
    )


@pytest.mark.parametrize("release_id", ["allenai__OLMo", "LLM360__amber-train", "huggingface__smollm"])
def test_osai_index_training_code_is_open_where_the_repo_holds_it(
    audited: Callable[[str], Report], release_id: str
) -> None:
    a = audited(release_id).assessments["osai-index"]
    c = next(c for c in a.criteria if c.id == "trainingcode")
    assert c.value == "open"
    assert c.evidence, "the training code's files are cited"


@pytest.mark.parametrize("release_id", WEIGHTS_ONLY)
def test_weights_only_releases_cannot_be_reproduced(
    audited: Callable[[str], Report], release_id: str
) -> None:
    report = audited(release_id)
    repro = report.assessments["reproducibility"]
    assert repro.status == "not-reproducible"
    assert repro.score is not None and repro.score < 0.5
    # The same missing training code closes the index's training-code dimension.
    assert report.assessments["osai-index"].to_dict()["dimensions"]["trainingcode"] == "closed"


@pytest.mark.parametrize("release_id", FREE_WEIGHTS_NO_DATA)
def test_free_weights_without_data_are_toxic_candy(audited: Callable[[str], Report], release_id: str) -> None:
    a = audited(release_id).assessments["debian-ml"]
    assert a.status == "toxiccandy-model"
    model = next(c for c in a.criteria if c.id == "model-license")
    assert model.evidence, "the licence behind the verdict is cited"


@pytest.mark.parametrize("release_id", FULLY_OPEN)
def test_fully_open_releases_are_documented_for_reproduction(
    audited: Callable[[str], Report], release_id: str
) -> None:
    a = audited(release_id).assessments["reproducibility"]
    factors = a.to_dict()["factors"]
    assert factors["architecture"] in ("present", "partial")
    assert a.score is not None and a.score >= 0.5
