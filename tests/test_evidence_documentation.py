"""evidence/documentation.py: what a release documents about itself, built in tmp_path.

The paper "linked" is often someone else's (the Model Cards paper, MMLU, Megatron-LM for BLOOM): only a paper
the release presents as its own is a publication, peer-reviewed only with a venue. Training hardware is what
training ran on, not what inference runs on. Code documentation is per step.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from openness.model import Fact
from openness.pipeline import audit


def release(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def facts(root: Path, key: str) -> list[Fact]:
    report = audit(str(root), frameworks=["osai-index"])
    return [f for f in report.evidence.facts if f.key == key]


def pubs(root: Path) -> dict[str, dict[str, Any]]:
    return {f.value["id"]: {**f.value, "location": f.location} for f in facts(root, "publication")}


def test_papers_of_others_are_not_the_releases_own(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n\n"
            "Following [Model Cards for Model Reporting (Mitchell et al.)]"
            "(https://arxiv.org/abs/1810.03993), "
            "we describe the model.\n\n"
            "It was trained with [Megatron-LM](https://arxiv.org/abs/1909.08053) on our data.\n\n"
            "## Evaluation\n\nWe report [MMLU](https://arxiv.org/abs/2009.03300) accuracy.\n",
        },
    )
    assert pubs(root) == {}


def test_the_releases_own_paper_link_and_citation(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n\n[[Paper]](https://arxiv.org/abs/2212.04356)\n\n"
            "Data in the style of the [self-instruct paper](https://arxiv.org/abs/2212.10560).\n\n"
            "## Citation\n\n```bibtex\n@inproceedings{tiny2023,\n  title={Tiny},\n"
            "  booktitle={Proceedings of the 40th International Conference on Machine Learning (ICML)},\n"
            "  year={2023}\n}\n```\n\n"
            "```bibtex\n@article{tiny2024,\n  title={Tiny 2},\n"
            "  journal={arXiv preprint arXiv:2401.00001},\n}\n```\n"
            "\n```bibtex\n@misc{tinyrepo,\n  howpublished={GitHub repository},\n}\n```\n",
        },
    )
    found = pubs(root)
    assert found["arXiv:2212.04356"]["kind"] == "preprint"
    assert found["arXiv:2212.04356"]["location"].lines == (3, 3)
    assert "arXiv:2212.10560" not in found  # someone else's paper, linked in passing
    assert found["bibtex:tiny2023"]["kind"] == "peer-reviewed"
    assert "ICML" in found["bibtex:tiny2023"]["venue"]
    assert found["arXiv:2401.00001"]["kind"] == "preprint"  # journal={arXiv preprint ...} is no venue
    assert not any("tinyrepo" in k for k in found)  # a repository cited is not a paper


def test_citation_cff_with_a_journal_is_peer_reviewed(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n",
            "CITATION.cff": "cff-version: 1.2.0\npreferred-citation:\n  type: article\n"
            "  doi: 10.1145/3458723\n  journal: Communications of the ACM\n",
        },
    )
    found = pubs(root)
    assert found["doi:10.1145/3458723"]["kind"] == "peer-reviewed"
    assert found["doi:10.1145/3458723"]["location"].path == "CITATION.cff"


def test_training_hardware_is_what_training_ran_on(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n\n## Inference\n\nRuns on a single RTX 4090 at 30 tokens/s.\n\n"
            "Fine-tuning is supported on Ascend NPU out of the box.\n\n"
            "We will publish how the model was trained on H100s.\n\n"
            "## Training\n\n"
            "Below is a command that fine-tunes the model on a machine with 4 A100 80G GPUs.\n",
        },
    )
    got = facts(root, "training_hardware")
    assert [f.location.lines for f in got] == [(13, 13)]
    assert "4 A100" in got[0].value


def test_training_hardware_from_the_pages_that_document_training(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n\nSee `pretraining/` for how it was built.\n",
            "pretraining/README.md": "# Pretraining\n\nRun `python pretrain.py`.\n\n"
            "The model was trained on 384 H100 GPUs for 24 days.\n",
            "pretraining/pretrain.py": "import torch\n\nloss.backward()\noptimizer.step()\n",
        },
    )
    got = facts(root, "training_hardware")
    assert got and got[0].location.path == "pretraining/README.md" and got[0].location.lines == (5, 5)


def test_code_documentation_per_step(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n\n## Training\n\nRun `python train.py --lr 3e-4`.\n",
            "train.py": "import torch\n\nfor batch in loader:\n    loss.backward()\n    optimizer.step()\n",
            "data/preprocess.py": "import json\n\ndef tokenize(x):\n    return x.split()\n",
        },
    )
    got = facts(root, "code_documentation")
    assert len(got) == 1
    train = got[0].value.get("training-code")
    assert train and train["documented"] >= 1 and any("README.md:5" in w for w in train["where"])
    assert got[0].location.path == "README.md" and got[0].location.lines == (5, 5)


def test_datasheet_sections_by_heading_and_label(tmp_path: Path) -> None:
    root = release(
        tmp_path,
        {
            "README.md": "# Tiny\n",
            "DATA_CARD.md": "# Data card\n\n## Motivation\n\nWhy.\n\n## Composition\n\nWhat.\n\n"
            "Provenance: crawled in 2024.\n\n**Uses**: research.\n",
        },
    )
    got = facts(root, "datasheet_sections")
    assert got, "the data card is read"
    assert set(got[0].value["sections"]) >= {"motivation", "composition", "collection", "uses"}


def test_hostile_cards_are_bounded(tmp_path: Path) -> None:
    # An unclosed bibtex entry, a 1 MB line of accelerator names, a deep brace nest: read fast, no traceback.
    body = "# Tiny\n\n## Citation\n\n@article{x,\n" + "  title={{{{{{{{{{a}}}\n" * 5000
    body += "trained on " + "A100 " * 200_000 + "\n"
    root = release(tmp_path, {"README.md": body})
    started = time.perf_counter()
    got = facts(root, "training_hardware") + facts(root, "publication")
    assert time.perf_counter() - started < 20
    assert all(len(str(f.value)) < 400 for f in got)
