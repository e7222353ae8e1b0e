"""The ``mof`` framework on real releases from ../shared/corpus, rebuilt as directories and audited
through the whole pipeline; and the MOF record each amounts to, written and read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from corpus_release import rebuild
from openness.frameworks import mof
from openness.model import Evidence, Outcome, Report
from openness.pipeline import audit
from openness.render.mof import render_mof

# Manifest: fully open, and the repository holds the training code.
OPEN_WITH_TRAINING_CODE = ("allenai__OLMo", "LLM360__amber-train", "huggingface__smollm")
# Manifest: Llama 2 Community License, inference code only.
LLAMA = "meta-llama__llama"


@pytest.fixture(scope="module")
def audited(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Report]:
    root = tmp_path_factory.mktemp("mof-corpus")
    cache: dict[str, Report] = {}

    def get(release_id: str) -> Report:
        if release_id not in cache:
            directory = rebuild(corpus_dir / release_id, root / release_id)
            cache[release_id] = audit(str(directory), frameworks=["mof"])
        return cache[release_id]

    return get


def _criteria(report: Report) -> dict[str, dict[str, object]]:
    return {c.id: {"outcome": c.outcome, **c.value} for c in report.assessments["mof"].criteria}


@pytest.mark.parametrize("release_id", OPEN_WITH_TRAINING_CODE)
def test_training_code_in_the_repo_is_listed_with_its_licence(
    audited: Callable[[str], Report], release_id: str
) -> None:
    c = _criteria(audited(release_id))["training-code"]
    assert c["status"] in ("included", "invalid"), c
    # Apache-2.0 or MIT: included, unless the licence engine found the text modified
    assert any(lid in str(c["license"]) for lid in ("Apache-2.0", "MIT")), c
    assert (c["outcome"] is Outcome.PASS) == (c["status"] == "included")


def test_weights_outside_the_repo_are_unknown_not_missing(audited: Callable[[str], Report]) -> None:
    for release_id in (*OPEN_WITH_TRAINING_CODE, LLAMA):
        c = _criteria(audited(release_id))["model-parameters-final"]
        assert c["outcome"] in (Outcome.UNKNOWN, Outcome.PASS, Outcome.FAIL)
        if c["status"] == "missing":
            assert c["outcome"] is Outcome.UNKNOWN, release_id


def test_llama_licence_keeps_every_listed_component_out(audited: Callable[[str], Report]) -> None:
    report = audited(LLAMA)
    a = report.assessments["mof"]
    assert a.status == "unclassified" and a.extra["progress"]["3"] == 0.0
    listed = [c for c in _criteria(report).values() if c["status"] not in ("missing", "not-listed")]
    assert listed and all(c["status"] != "included" for c in listed)
    assert any("llama" in str(c["license"]).lower() for c in listed)


@pytest.mark.parametrize("release_id", [*OPEN_WITH_TRAINING_CODE, LLAMA])
def test_written_record_reads_as_assessed(
    audited: Callable[[str], Report], mot_dir: Path, release_id: str
) -> None:
    report = audited(release_id)
    doc = yaml.safe_load(render_mof(report))
    schema = json.loads((mot_dir / "config" / "mof_schema.json").read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, schema)
    again = mof.assess(Evidence("again.yml", {}, declared=doc))
    assessed = report.assessments["mof"]
    assert again.extra["class"] == assessed.extra["class"]
    assert again.extra["progress"] == assessed.extra["progress"]
