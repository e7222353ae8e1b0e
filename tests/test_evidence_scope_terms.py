"""Terms by scope (issue 10): licence files named for a part, terms stated in prose (English and
Chinese), other models' and vendored licences, training through public frameworks; with the
near-misses of each."""

from __future__ import annotations

from pathlib import Path

from openness.frameworks import osaid
from openness.model import Component, Evidence, Outcome, Status
from test_evidence_support import MIT_TEXT, TRAIN_PY, evidence_of

W = Component.PARAMETERS_FINAL
MODEL_LICENSE = """ACME Model License Agreement

1. The Model may be used for research and non-commercial purposes only.
2. You may not use the Model or its outputs to train other models.
3. The licensor may revoke this license at any time.
"""
HUB_README = "# ACME\n\nThe model weights are available at [acme-7b](https://huggingface.co/acme/acme-7b).\n"


def _crit(ev: Evidence, cid: str) -> osaid.Criterion:
    return next(c for c in osaid.assess(ev).criteria if c.id == cid)


def _licence_paths(ev: Evidence, c: Component) -> set[str | None]:
    return {a.license.location.path for a in ev.get(c).licenses}


def test_model_licence_file_governs_weights_kept_elsewhere(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": HUB_README,
            "LICENSE-CODE": MIT_TEXT,
            "LICENSE-MODEL": MODEL_LICENSE,
            "train.py": TRAIN_PY,
        },
    )
    assert ev.get(W).published_elsewhere
    assert "LICENSE-MODEL" in _licence_paths(ev, W)
    use = _crit(ev, "freedom.use")
    assert use.outcome is Outcome.FAIL
    assert any(loc.path == "LICENSE-MODEL" for loc in use.evidence)
    params = _crit(ev, "model.parameters")
    assert params.outcome is Outcome.FAIL and "LICENSE-MODEL" in params.detail
    assert "LICENSE-MODEL" in ev.summary and "hf:acme/acme-7b" in ev.summary


def test_prose_terms_bind_to_the_weights(tmp_path: Path) -> None:
    readme = (
        HUB_README + "\nCommercial use of the model weights requires registration and written permission.\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    use = _crit(ev, "freedom.use")
    assert use.outcome is Outcome.FAIL
    assert any(loc.path == "README.md" and loc.lines == (5, 5) for loc in use.evidence)


def test_terms_to_accept_keep_freedoms_unknown(tmp_path: Path) -> None:
    readme = HUB_README + "\nYou must accept the model's license terms before you can download the weights.\n"
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    for f in ("use", "share"):
        assert _crit(ev, f"freedom.{f}").outcome is Outcome.UNKNOWN


def test_chinese_statement(tmp_path: Path) -> None:
    readme = HUB_README + "\n本模型权重仅限学术研究使用，商用需申请授权。\n"
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    assert _crit(ev, "freedom.use").outcome is Outcome.FAIL


def test_sentences_about_dependencies_or_data_bind_nothing(tmp_path: Path) -> None:
    readme = (
        HUB_README
        + "\nThe tokenizer library we depend on is for research purposes only.\n"
        + "The evaluation datasets are for non-commercial use only.\n"
        + "Our weights are derived from a base model that is non-commercial only.\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    assert _licence_paths(ev, W) <= {"LICENSE"}
    assert _crit(ev, "freedom.use").outcome is not Outcome.FAIL


def test_other_models_licences_bind_nothing(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": HUB_README,
            "LICENSE": MIT_TEXT,
            "train.py": TRAIN_PY,
            "assets/model_licenses/opt_license.txt": MODEL_LICENSE,
            "docs/license_header.txt": MODEL_LICENSE,
        },
    )
    for c, e in ev.components.items():
        paths = {a.license.location.path for a in e.licenses}
        assert not paths & {"assets/model_licenses/opt_license.txt", "docs/license_header.txt"}, c
    assert any(
        "assets/model_licenses/opt_license.txt" in n.message and "binds nothing" in n.message
        for n in ev.notes
    )
    for f in ("use", "study", "modify", "share"):
        crit = _crit(ev, f"freedom.{f}")
        assert not {loc.path for loc in crit.evidence} & {"assets/model_licenses/opt_license.txt"}
        if f != "study":  # study fails on the missing components, not on a licence
            assert crit.outcome is not Outcome.FAIL


def test_vendored_licence_covers_only_its_folder(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": HUB_README,
            "LICENSE": MIT_TEXT,
            "train.py": TRAIN_PY,
            "third_party/fastlib/LICENSE": MODEL_LICENSE,
            "third_party/fastlib/train_utils.py": TRAIN_PY,
        },
    )
    assert "third_party/fastlib/LICENSE" not in _licence_paths(ev, W)
    assert "third_party/fastlib/LICENSE" in _licence_paths(ev, Component.TRAINING_CODE)


CEREBRAS_README = """# CrystalCoder

CrystalCoder was pre-trained with the public Cerebras Model Zoo; the exact configs are in `pretrain/params`.
"""


def test_training_through_a_public_framework(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": CEREBRAS_README,
            "LICENSE": MIT_TEXT,
            "pretrain/params/stage1/params.yaml": "train_input:\n  batch_size: 2048\n",
        },
    )
    t = ev.get(Component.TRAINING_CODE)
    assert t.status is Status.PRESENT and "Cerebras Model Zoo" in t.detail
    assert any(a.license.location.key == "library:Cerebras Model Zoo" and a.scope_certain for a in t.licenses)
    assert any(loc.path == "pretrain/params/stage1/params.yaml" for loc in t.locations)
    assert _crit(ev, "code.training").outcome is Outcome.PASS


def test_framework_near_misses(tmp_path: Path) -> None:
    # named as a tool for users to fine-tune with: not what trained the model
    ev = evidence_of(
        tmp_path / "a",
        {
            "README.md": "# M\n\nYou can fine-tune the model with frameworks like Axolotl for training.\n",
            "configs/sft.yaml": "lr: 1\n",
        },
    )
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT
    # named, but no configuration shipped
    ev = evidence_of(
        tmp_path / "b",
        {"README.md": CEREBRAS_README.replace("the exact configs are in `pretrain/params`", "")},
    )
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT
    # tooling YAML is not a training config
    ev = evidence_of(tmp_path / "c", {"README.md": CEREBRAS_README, ".github/workflows/ci.yml": "on: push\n"})
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT


def test_a_linked_paper_is_not_under_the_trees_restrictive_licence(tmp_path: Path) -> None:
    readme = (
        HUB_README
        + "\nRead our paper: https://arxiv.org/abs/2309.16609\n\n"
        + "See the [analysis](https://github.com/o/a/blob/main/README.md#x) of the weights.\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MODEL_LICENSE, "train.py": TRAIN_PY})
    paper = ev.get(Component.RESEARCH_PAPER)
    assert paper.status is Status.PRESENT and not paper.licenses
    assert all("github.com" not in p.place for p in ev.get(W).elsewhere)


def test_weights_licence_in_the_licences_own_wording(tmp_path: Path) -> None:
    """GPT-J's README: 'The weights of GPT-J-6B are licensed under version 2.0 of the Apache License.'
    The weights' terms are that sentence's (cited), not the code's MIT file that 'may cover' them."""
    readme = (
        "# GPT-J\n\nDownload the weights: https://the-eye.eu/public/AI/GPT-J-6B/step_383500_slim.tar.zstd\n"
        "\n## License\n\nThe weights of GPT-J-6B are licensed under version 2.0 of the Apache License.\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    assert ev.get(W).published_elsewhere
    applied = [a for a in ev.get(W).licenses if a.license.location.path == "README.md"]
    assert applied and applied[0].license.match is not None and applied[0].license.match.id == "Apache-2.0"
    assert "Apache-2.0 (README.md:7)" in ev.summary
