"""Model code defined below a module's first 4 KB (issue 11 item 3).

A package module whose head is a licence header, a docstring, imports and helpers, with its model class
and ``generate`` method further down, read as supporting code ("no inference code") when only the head
was read. A Python module that imports a deep-learning framework and whose head leaves those roles unseen
is read up to ``classify.CODE_DEEP_READ``; only architecture and inference are taken from the deeper
read, and everything else keeps the head-only read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.evidence import build_evidence
from openness.inventory import build_inventory, classify
from openness.model import Classified, CodeRole, Component, FileEntry, Inventory, Status
from openness.sources.interface import SourceOptions
from openness.sources.local import open_snapshot

HEADER = "# Copyright 2026 The Authors. Licensed under the Apache License, Version 2.0.\n" * 30
HELPERS = "".join(f"def helper_{n}(x):\n    return x + {n}\n\n\n" for n in range(120))
MODEL = """
class TinyLM(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        return self.proj(x)

    def train(self, mode=True):
        return super().train(mode)

    @torch.no_grad()
    def generate(self, ids, steps):
        for _ in range(steps):
            ids = self.forward(ids)
        return ids
"""


def _module(imports: str, filler: str = HELPERS) -> str:
    return HEADER + '"""The tiny model."""\n\n' + imports + "\n\n" + filler + MODEL


def _inventory(root: Path) -> Inventory:
    return build_inventory(open_snapshot(str(root), SourceOptions()))


def _item(root: Path, path: str) -> Classified:
    (item,) = [i for i in _inventory(root).items if i.entry.path == path]
    return item


def test_model_class_past_the_head_is_architecture_and_inference(tmp_path: Path) -> None:
    text = _module("import torch\nfrom torch import nn")
    assert text.index("class TinyLM") > classify.CODE_READ  # the head alone cannot see it
    (tmp_path / "tinylm").mkdir()
    (tmp_path / "tinylm" / "tinylm.py").write_text(text)
    (tmp_path / "README.md").write_text("# tinylm\n")
    item = _item(tmp_path, "tinylm/tinylm.py")
    assert {CodeRole.ARCHITECTURE, CodeRole.INFERENCE} <= item.code_roles
    assert CodeRole.SUPPORT not in item.code_roles
    # A model's train(mode) override deep in the module is not a training script.
    assert CodeRole.TRAINING not in item.code_roles
    assert any("past the head" in r for r in item.reasons)
    ev = build_evidence(_inventory(tmp_path))
    assert ev.get(Component.INFERENCE_CODE).status is Status.PRESENT
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT


def test_only_framework_modules_are_read_further(tmp_path: Path) -> None:
    """A module that imports no deep-learning framework keeps the head-only read."""
    (tmp_path / "tool.py").write_text(_module("import os\nimport json"))
    item = _item(tmp_path, "tool.py")
    assert item.code_roles == frozenset({CodeRole.SUPPORT})


def test_the_deeper_read_is_bounded(tmp_path: Path) -> None:
    """A model class past ``CODE_DEEP_READ`` stays unseen: the read is bounded, not the whole file."""
    filler = "# padding\n" * (classify.CODE_DEEP_READ // 10 + 100)
    (tmp_path / "big.py").write_text(_module("import torch\nfrom torch import nn", filler))
    item = _item(tmp_path, "big.py")
    assert CodeRole.ARCHITECTURE not in item.code_roles


def test_a_settled_head_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "import torch\nfrom torch import nn\n" + MODEL + HELPERS * 4
    (tmp_path / "model.py").write_text(text)
    reads: list[int] = []
    real = classify._Context.read_text

    def counting(self: classify._Context, entry: FileEntry, limit: int) -> str | None:
        reads.append(limit)
        return real(self, entry, limit)

    monkeypatch.setattr(classify._Context, "read_text", counting)
    item = _item(tmp_path, "model.py")
    assert {CodeRole.ARCHITECTURE, CodeRole.INFERENCE} <= item.code_roles
    assert reads == [classify.CODE_READ]
