"""Every registered framework: importable, well-formed, registered under its own id, working end to end."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

import openness.frameworks as frameworks_pkg
from openness.frameworks.registry import REGISTRY, get
from openness.model import Assessment, Evidence, Outcome
from openness.pipeline import audit
from test_frameworks_support import fully_open

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OUR_IDS = ("osai-index", "debian-ml", "eu-ai-act", "reproducibility")


@pytest.mark.parametrize("framework_id", list(REGISTRY))
def test_registered_module_is_well_formed(framework_id: str) -> None:
    module = importlib.import_module(REGISTRY[framework_id])
    for name in ("ID", "NAME", "VERSION"):
        assert isinstance(getattr(module, name), str) and getattr(module, name), name
    assert framework_id == module.ID
    assert callable(module.assess)
    assert get(framework_id) is module


def test_every_framework_module_is_registered() -> None:
    # A framework module is one that exposes ID and assess; helpers (registry, common, findings...) do not.
    registered = set(REGISTRY.values())
    for info in pkgutil.iter_modules(frameworks_pkg.__path__, prefix="openness.frameworks."):
        module = importlib.import_module(info.name)
        if hasattr(module, "ID") and callable(getattr(module, "assess", None)):
            assert info.name in registered, f"{info.name} defines a framework but is not in REGISTRY"


@pytest.mark.parametrize("framework_id", list(REGISTRY))
def test_every_framework_answers_on_empty_evidence(framework_id: str) -> None:
    a = get(framework_id).assess(Evidence(target="empty", components={}))
    assert isinstance(a, Assessment)
    assert a.framework == framework_id
    assert a.criteria
    # Nothing passes on missing evidence.
    assert all(c.outcome is not Outcome.PASS for c in a.criteria)
    json.dumps(a.to_dict())


# ------------------------------------------------------------------------------ small releases in tmp_path


def _open_release(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "README.md").write_text(
        "---\nlicense: apache-2.0\ndatasets:\n  - local-corpus\n---\n# tiny\n\n"
        "A tiny character model.\n\n## Training data\n\nThe corpus in `data/train.txt`, written for this "
        "release, released under CC0-1.0.\n\n## Training\n\nRun `python train.py`. Trained on a "
        "laptop CPU; random seed 7.\n",
        encoding="utf-8",
    )
    (root / "DATA_CARD.md").write_text(
        "# Data card\n\nProvenance: written by hand. Processing: lower-cased. No labels.\n", encoding="utf-8"
    )
    (root / "data" / "train.txt").write_text("hello world\n" * 50, encoding="utf-8")
    (root / "model.py").write_text(
        "import numpy as np\n\n\nclass Model:\n    def forward(self, x):\n        return x @ self.w\n",
        encoding="utf-8",
    )
    (root / "train.py").write_text(
        "import numpy as np\nfrom model import Model\n\nnp.random.seed(7)\n\n\ndef train(lr=0.1, epochs=3):\n"
        "    for epoch in range(epochs):\n        loss = 0.0\n        grad = 0.0\n        # optimizer step\n",
        encoding="utf-8",
    )
    (root / "generate.py").write_text(
        "from model import Model\n\n\ndef generate(prompt):\n    return prompt\n", encoding="utf-8"
    )
    (root / "config.json").write_text(json.dumps({"hidden_size": 8, "vocab_size": 30}), encoding="utf-8")
    (root / "train_config.yaml").write_text("learning_rate: 0.1\nbatch_size: 8\nseed: 7\n", encoding="utf-8")
    (root / "requirements.txt").write_text("numpy==1.26.4\nsafetensors==0.4.5\n", encoding="utf-8")
    save_file({"w": np.zeros((4, 4), dtype=np.float32)}, str(root / "model.safetensors"))
    return root


def _restricted_release(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "README.md").write_text(
        "---\nlicense: cc-by-nc-4.0\n---\n# weights only\n\nOpen source model! Non-commercial use only.\n",
        encoding="utf-8",
    )
    (root / "config.json").write_text(json.dumps({"hidden_size": 8}), encoding="utf-8")
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(root / "model.safetensors"))
    return root


def test_open_release_in_tmp_path(tmp_path: Path) -> None:
    report = audit(str(_open_release(tmp_path / "open")), frameworks=list(OUR_IDS))
    osai = report.assessments["osai-index"]
    dims = osai.to_dict()["dimensions"]
    assert dims["weights_endmodel"] == "open"
    assert dims["trainingcode"] == "open"
    assert dims["datasources_endmodel"] == "open"
    assert dims["licenses"] == "open"  # Apache-2.0 weights and code, CC0-1.0 data
    # No paper with a venue in this tiny release: the Index scores that dimension 0 (score 0.708).
    assert osai.score is not None and osai.score >= 0.7
    deb = report.assessments["debian-ml"]
    assert next(c for c in deb.criteria if c.id == "model-license").outcome is Outcome.PASS
    assert deb.status == "free-model"
    eu = report.assessments["eu-ai-act"]
    assert eu.status == "exemption-may-apply"
    repro = report.assessments["reproducibility"]
    factors = repro.to_dict()["factors"]
    assert factors["training-data"] == "present"
    assert factors["library-versions"] == "present"
    assert factors["random-seeds"] == "present"
    assert repro.status == "rebuildable"


def test_restricted_release_in_tmp_path(tmp_path: Path) -> None:
    report = audit(str(_restricted_release(tmp_path / "nc")), frameworks=list(OUR_IDS))
    deb = report.assessments["debian-ml"]
    assert deb.status == "non-free-model"
    model = next(c for c in deb.criteria if c.id == "model-license")
    assert "CC-BY-NC-4.0" in model.detail
    assert any(loc.path == "README.md" for loc in model.evidence)
    eu = report.assessments["eu-ai-act"]
    assert eu.status == "exemption-does-not-apply"
    assert report.assessments["reproducibility"].status == "not-reproducible"
    osai = report.assessments["osai-index"].to_dict()
    assert osai["dimensions"]["trainingcode"] == "closed"
    assert osai["dimensions"]["licenses"] == "closed"


@pytest.mark.parametrize("framework_id", OUR_IDS)
def test_questionnaire_answers_are_flagged_as_declared(mot_dir: Path, framework_id: str) -> None:
    record = mot_dir / "models" / "OLMo-7B-hf.yml"
    a = audit(str(record), frameworks=[framework_id]).assessments[framework_id]
    assert any("declared by a questionnaire" in n for n in a.notes)
    assert not any("declared by a questionnaire" in n for n in get(framework_id).assess(fully_open()).notes)


def test_examples_sit_at_both_ends() -> None:
    open_report = audit(str(EXAMPLES / "tiny-open-lm"), frameworks=list(OUR_IDS))
    washed = audit(str(EXAMPLES / "openwashed-lm"), frameworks=list(OUR_IDS))
    assert open_report.assessments["debian-ml"].status == "free-model"
    assert washed.assessments["debian-ml"].status == "non-free-model"
    assert open_report.assessments["eu-ai-act"].status == "exemption-may-apply"
    assert washed.assessments["eu-ai-act"].status == "exemption-does-not-apply"
    # The fully open example carries a rebuild attestation that matches its weights.
    repro = open_report.assessments["reproducibility"]
    assert repro.status == "reproducible-verified"
    assert any(c.id == "rebuild" and c.outcome is Outcome.PASS for c in repro.criteria)
    assert washed.assessments["reproducibility"].status == "not-reproducible"
    o, w = open_report.assessments["osai-index"], washed.assessments["osai-index"]
    assert o.score is not None and w.score is not None and o.score > w.score
    assert o.to_dict()["dimensions"]["licenses"] == "open"
    assert w.to_dict()["dimensions"]["licenses"] == "closed"
    # The open-washed licence's restricting lines are cited.
    foss = next(c for c in washed.assessments["eu-ai-act"].criteria if c.id == "foss-license")
    assert any(loc.path == "LICENSE" and loc.lines for loc in foss.evidence)
