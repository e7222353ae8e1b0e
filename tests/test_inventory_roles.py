"""File roles that need a reason a reviewer accepts (issue 11), on releases built in tmp_path.

Each false positive and negative named in the issue is one test here, with the real path it came
from (whisper's ``data/meanwhile.json``, Snowflake Arctic's ``inference/.../synth-1k.jsonl``, RWKV's
``demo.jsonl`` and v8 experiment runs, open-instruct's ``docs/.../dataset/*.png``, Pythia's
``training_maps.tsv``, CogVideo's ``inference/encoded.pt``, mistral-inference's ``lora.py``). Next to
each, the case the rule must not break (a real dataset, real weights, real training code). Every
role decision carries its reason (``Classified.reason``), and the reason names what decided.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from inventory_helpers import inventory as _inventory
from inventory_helpers import item as _item
from openness.model import Classified, CodeRole, Location, Note, NoteKind, Role


def _write(root: Path, rel: str, content: bytes | str = b"", size: int | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    if size is not None:
        os.truncate(path, size)  # sparse: the listed size is what the rules see
    return path




# --------------------------------------------------------------------------- datasets

NOT_DATASETS = [
    # (path, content, size, what the reason must name)
    ("data/meanwhile.json", '{"segments": []}', 66 * 1024, "66 KB"),  # openai/whisper: a test fixture
    ("inference/llama3.1/synth-1k.jsonl", '{"prompt": "hi"}\n', 77 * 1024, "inference/"),  # arctic
    ("RWKV-v5/demo.jsonl", '{"text": "demo"}\n', 294 * 1024, "demo"),  # RWKV-LM: a format example
    ("docs/algorithms/dataset/grpo_overview.png", b"\x89PNG\r\n\x1a\n", 40 * 1024, "docs/"),  # open-instruct
    ("polypythias/data/training_maps.tsv", "seed\tmap\n", 14 * 1024, "maps"),  # pythia: a lookup table
]


@pytest.mark.parametrize(("path", "content", "size", "named"), NOT_DATASETS)
def test_small_or_example_data_is_not_the_training_dataset(
    tmp_path: Path, path: str, content: str | bytes, size: int, named: str
) -> None:
    _write(tmp_path, path, content, size)
    item = _item(_inventory(tmp_path), path)
    assert item.role is not Role.DATASET, item.reason
    assert named in item.reason


DATASETS = [
    ("data/train.jsonl", '{"text": "a"}\n', 3 * 1024),  # JSON Lines in a data folder: records
    ("data/wiki.txt", "text\n", 2 << 20),  # big enough to be data whatever its name
    ("data/meanwhile.json", "[]", 2 << 20),  # the same name at 2 MB is bulk data
    ("data/sft_data/alpaca_data_zh_51k_sample_1k.jsonl", "{}\n", 349 * 1024),  # a sample named as data
    ("corpus/val.txt", "x\n", 10 * 1024),  # named as a split
]


@pytest.mark.parametrize(("path", "content", "size"), DATASETS)
def test_data_named_or_sized_as_data_stays_a_dataset(
    tmp_path: Path, path: str, content: str, size: int
) -> None:
    _write(tmp_path, path, content, size)
    item = _item(_inventory(tmp_path), path)
    assert item.role is Role.DATASET, item.reason


# --------------------------------------------------------------------------- weights


def test_analysis_pickles_under_an_output_folder_are_not_weights(tmp_path: Path) -> None:
    path = "scripts/probe_output/layer3/activations_mean.pkl"
    _write(tmp_path, path, pickle.dumps({"layer": 3, "mean": [0.1, 0.2]}, protocol=4))
    inv = _inventory(tmp_path)
    item = _item(inv, path)
    assert item.role is Role.OTHER, item.reason
    assert "probe_output/" in item.reason
    # Still a pickle: scanned and flagged, never loaded, whatever its role.
    assert item.weights is not None and item.weights.unsafe
    assert any(n.kind is NoteKind.UNSAFE for n in inv.notes)


def test_encoded_inputs_saved_with_torch_are_not_weights(tmp_path: Path) -> None:
    _write(tmp_path, "inference/encoded.pt", b"PK\x03\x04" + b"\x00" * 60, 3 << 20)  # CogVideo
    item = _item(_inventory(tmp_path), "inference/encoded.pt")
    assert item.role is Role.OTHER, item.reason
    assert "encoded" in item.reason


@pytest.mark.parametrize(
    ("path", "size"),
    [
        ("RWKV-v8/251016_rosa_1bit_run.pth", 12549),  # RWKV-LM: date-stamped experiment runs
        ("RWKV-v8/251024_rosaQKV_L2_digit20.pth", 2297197),
        ("experiments/ablation_lr/probe.pth", 300 << 20),  # any size under an experiments folder
    ],
)
def test_experiment_torch_files_are_not_the_released_weights(tmp_path: Path, path: str, size: int) -> None:
    _write(tmp_path, path, b"PK\x03\x04", size)
    item = _item(_inventory(tmp_path), path)
    assert item.role is Role.OTHER, item.reason
    assert "experiment" in item.reason


@pytest.mark.parametrize(
    ("path", "size"),
    [
        ("RWKV-4-Pile-169M-20220807-8023.pth", 400 << 20),  # a release named with its date: big
        ("sam_vit_b_01ec64.pth", 10 << 20),  # no model word, no experiment name: weights
        ("experiments/run1/model_best.pth", 5 << 20),  # named as a model
        ("model.pkl", 1024),
        ("export.pkl", 1024),  # fastai's exported learner
    ],
)
def test_weights_named_as_models_stay_weights(tmp_path: Path, path: str, size: int) -> None:
    _write(tmp_path, path, b"PK\x03\x04", size)
    item = _item(_inventory(tmp_path), path)
    assert item.role is Role.WEIGHTS, item.reason


# --------------------------------------------------------------------------- training code

_LORA_MODULE = '''"""LoRA adapters applied to a loaded model."""
import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, rank: int) -> None:
        super().__init__()
        self.lora_A = nn.Linear(in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, out_features, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lora_B(self.lora_A(x))
'''


def test_lora_module_of_an_inference_package_is_not_training_code(tmp_path: Path) -> None:
    path = "src/mistral_inference/lora.py"  # mistral-inference
    _write(tmp_path, path, _LORA_MODULE)
    item = _item(_inventory(tmp_path), path)
    assert CodeRole.TRAINING not in item.code_roles, item.reason
    assert CodeRole.INFERENCE in item.code_roles


def test_lora_training_script_is_still_training_code(tmp_path: Path) -> None:
    _write(tmp_path, "finetune/lora.py", _LORA_MODULE)
    _write(tmp_path, "scripts/train_lora.py", "import torch\n")
    inv = _inventory(tmp_path)
    assert CodeRole.TRAINING in _item(inv, "finetune/lora.py").code_roles
    assert CodeRole.TRAINING in _item(inv, "scripts/train_lora.py").code_roles


@pytest.mark.parametrize(
    ("path", "content"),
    [
        (
            "generate.py",
            "# Usage:\n#   torchrun --nproc_per_node 1 generate.py --ckpt_dir ckpt/ --prompt hi\n"
            "import torch\n\n\ndef main():\n    pass\n",
        ),
        (
            "serve.py",
            '"""Serve the model.\n\n    torchrun --nproc-per-node 2 serve.py --port 8000\n"""\n'
            "import json\n",
        ),
    ],
)
def test_torchrun_usage_note_is_not_a_training_signal(tmp_path: Path, path: str, content: str) -> None:
    _write(tmp_path, path, content)
    item = _item(_inventory(tmp_path), path)
    assert CodeRole.TRAINING not in item.code_roles, item.reason
    assert CodeRole.INFERENCE in item.code_roles


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("scripts/run.sh", "#!/bin/sh\ntorchrun --nproc_per_node 8 main.py\n"),  # a launch command
        ("main.py", "# torchrun --nproc_per_node 8 main.py --config configs/pretrain.yaml\nimport os\n"),
    ],
)
def test_launching_training_is_still_training(tmp_path: Path, path: str, content: str) -> None:
    _write(tmp_path, path, content)
    item = _item(_inventory(tmp_path), path)
    assert CodeRole.TRAINING in item.code_roles, item.reason
    assert item.locations  # the launcher line is the evidence


# --------------------------------------------------------------------------- inference code

_README = """# tinywhisper

Speech recognition.

## Usage

```python
import tinywhisper

model = tinywhisper.load_model("base")
result = model.transcribe("audio.mp3")
print(result["text"])
```
"""


def test_package_the_readme_runs_is_inference_code(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", _README)
    _write(tmp_path, "tinywhisper/__init__.py", "from .tinywhisper import load_model\n")
    _write(tmp_path, "tinywhisper/tinywhisper.py", "def load_model(name):\n    return name\n")
    _write(tmp_path, "tinywhisper/audio.py", "SAMPLE_RATE = 16000\n")
    inv = _inventory(tmp_path)
    module = _item(inv, "tinywhisper/tinywhisper.py")
    assert CodeRole.INFERENCE in module.code_roles, module.reason
    assert CodeRole.SUPPORT not in module.code_roles
    assert "README" in module.reason and "import tinywhisper" in module.reason
    assert Location(path="README.md", lines=(8, 8)) in module.locations
    assert CodeRole.INFERENCE in _item(inv, "tinywhisper/__init__.py").code_roles
    # A module the example does not import keeps its own roles.
    assert CodeRole.INFERENCE not in _item(inv, "tinywhisper/audio.py").code_roles
    assert inv.code(CodeRole.INFERENCE)


@pytest.mark.parametrize(
    "readme",
    [
        # imported, never run: library plumbing
        "# x\n\n```python\nfrom tinywhisper.registry import loggers\nloggers.register('a')\n```\n",
        # prose, not a code block
        "# x\n\nimport tinywhisper and call model.transcribe(audio) to get text.\n",
        # a different package of the same prefix
        "# x\n\n```python\nimport tinywhisperx\nmodel = tinywhisperx.load_model('a')\n```\n",
    ],
)
def test_readme_mentions_that_do_not_run_the_package_change_nothing(tmp_path: Path, readme: str) -> None:
    _write(tmp_path, "README.md", readme)
    _write(tmp_path, "tinywhisper/tinywhisper.py", "def load_model(name):\n    return name\n")
    _write(tmp_path, "tinywhisper/registry.py", "loggers = {}\n")
    inv = _inventory(tmp_path)
    assert not inv.code(CodeRole.INFERENCE)


def test_hostile_readme_usage_scan_is_bounded(tmp_path: Path) -> None:
    """A README of many fences and imports, and thousands of modules, is scanned quickly."""
    block = "```python\n" + "import pkg{0}\nmodel.generate(x)\n" * 2000 + "```\n"
    _write(tmp_path, "README.md", "# x\n" + "".join(block.format(i) for i in range(50)) + "```\n" * 5000)
    for i in range(300):
        _write(tmp_path, f"pkg{i}/__init__.py", "")
    start = time.perf_counter()
    inv = _inventory(tmp_path)
    assert time.perf_counter() - start < 10
    assert _item(inv, "pkg0/__init__.py").role is Role.CODE


# --------------------------------------------------------------------------- reasons and notes


def test_every_role_has_a_one_line_reason(tmp_path: Path) -> None:
    for path, content, size, _ in NOT_DATASETS:
        _write(tmp_path, path, content, size)
    _write(tmp_path, "model.safetensors", b"")
    _write(tmp_path, "LICENSE", "MIT License\n")
    inv = _inventory(tmp_path)
    for item in inv.items:
        assert item.reason and "\n" not in item.reason
        assert item.reason == "; ".join(item.reasons)
    assert Classified(_item(inv, "LICENSE").entry, Role.OTHER).reason == "other (no reason recorded)"


def test_notes_say_what_they_are_about(tmp_path: Path) -> None:
    root = tmp_path / "release"
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'ab' * 32}\nsize 1234567\n"
    _write(root, "weights/model.safetensors", pointer)
    (root / "outside").symlink_to(tmp_path)
    _write(root, "README.md", "# x\n")
    inv = _inventory(root)
    notes = inv.snapshot.notes + inv.notes
    kinds = {n.kind for n in notes}
    assert NoteKind.SKIPPED in kinds  # the symlink out of the release
    assert NoteKind.ELSEWHERE in kinds  # the Git LFS pointer
    assert all(n.to_dict()["kind"] == str(n.kind) for n in notes)
    # Callers that predate kinds still construct notes.
    legacy = Note("warning", "something", Location(path="x"))
    assert legacy.kind is NoteKind.OTHER and legacy.to_dict()["kind"] == "other"


def test_empty_release_note_is_of_kind_empty(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    inv = _inventory(tmp_path / "empty")
    assert [n.kind for n in inv.notes] == [NoteKind.EMPTY]
