"""Training code in a folder whose README opens as a fine-tuning guide is fine-tuning material
(Snowflake Arctic's training/: "how to do lora training of arctic", "# Fine-Tuning Support for Llama
3.1 405B"; StarCoder's chat/: "# Fine-tuning StarCoder for chat-based applications"): ``partial``, not
the code that trained the model. A README about training in general ("a package for training,
finetuning, evaluating", llm-foundry) or pre-training is not such a guide. Built in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

from openness.model import Component, Status
from test_evidence_support import evidence_of

TRAIN_PY = (
    "import torch\n\ndef train(model, batch, optimizer):\n    loss = model(batch).mean()\n"
    "    loss.backward()\n    optimizer.step()\n"
)


def test_training_folder_of_lora_guides_is_partial(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": "# Arctic\n",
            "training/arctic/README.md": "Watch this space for how to do lora training of arctic.\n",
            "training/arctic/lora_script.py": TRAIN_PY,
            "training/llama3.1/README.md": "# Fine-Tuning Support for Llama 3.1 405B\n\nA tutorial.\n",
            "training/llama3.1/lora_script.py": TRAIN_PY,
        },
    )
    train = ev.get(Component.TRAINING_CODE)
    assert train.status is Status.PARTIAL and "only fine-tuning" in train.detail


def test_a_readme_about_training_in_general_is_no_guide(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": "# Foundry\n",
            "foundry/README.md": "# Source code\n\nA package for training, finetuning and serving LLMs.\n",
            "foundry/train.py": TRAIN_PY,
            "pretrain/README.md": "# Pre-training and fine-tuning\n",
            "pretrain/run.py": TRAIN_PY,
        },
    )
    assert ev.get(Component.TRAINING_CODE).status is Status.PRESENT
