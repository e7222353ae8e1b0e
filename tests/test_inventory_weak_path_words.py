"""Weak path words need content: code roles from real releases the tests had not seen (issue 11).

Each case rebuilds, in ``tmp_path``, the file names and the lines that matter of a release a reviewer
audited (Llama 2's ``download.sh``, GPT-J's ``transformer_shard.py`` and ``create_finetune_tfrecords.py``,
LLaVA's ``llava/eval/``), and the near misses that must keep their role.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inventory_helpers import inventory as _inventory
from inventory_helpers import item as _item
from openness.model import CodeRole, Role


def _write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)




# Llama 2's download.sh: fetches the weights after a presigned URL (lines as in the release, shortened).
LLAMA_DOWNLOAD = """#!/usr/bin/env bash
set -e
read -p "Enter the URL from email: " PRESIGNED_URL
TARGET_FOLDER="."
echo "Downloading tokenizer"
wget --continue ${PRESIGNED_URL/'*'/"tokenizer.model"} -O ${TARGET_FOLDER}"/tokenizer.model"
for m in ${MODEL_SIZE//,/ }
do
    SHARD=0
    for s in $(seq -f "0%g" 0 ${SHARD})
    do
        wget ${PRESIGNED_URL/'*'/"${MODEL_PATH}/consolidated.${s}.pth"} -O "consolidated.${s}.pth"
    done
    wget ${PRESIGNED_URL/'*'/"${MODEL_PATH}/params.json"} -O ${TARGET_FOLDER}"/${MODEL_PATH}/params.json"
done
"""


def test_weights_download_script_is_not_preprocessing(tmp_path: Path) -> None:
    _write(tmp_path, "download.sh", LLAMA_DOWNLOAD)
    item = _item(_inventory(tmp_path), "download.sh")
    assert item.role is Role.DOWNLOAD_SCRIPT
    assert CodeRole.PREPROCESSING not in item.code_roles, item.reasons
    assert any(r.startswith("fetches model weights") for r in item.reasons), item.reasons
    # The reason is true: it does not also claim "no ... signal: supporting code".
    assert not any("no training, inference" in r for r in item.reasons)


@pytest.mark.parametrize(
    ("path", "content"),
    [
        # A dataset from the Hub: a data download, under a weak name.
        (
            "scripts/download_data.sh",
            "#!/bin/sh\nset -e\nhuggingface-cli download --repo-type dataset org/corpus --local-dir data/\n",
        ),
        # Plain data files fetched with wget.
        (
            "scripts/download_data.sh",
            "#!/bin/sh\nmkdir -p data\nwget https://example.org/corpus/train.jsonl.gz -P data/\n",
        ),
    ],
)
def test_dataset_download_script_stays_preprocessing(tmp_path: Path, path: str, content: str) -> None:
    _write(tmp_path, path, content)
    item = _item(_inventory(tmp_path), path)
    assert CodeRole.PREPROCESSING in item.code_roles, item.reasons
    assert item.role is Role.CODE  # fetches data, not weights: no weights "published elsewhere"
    assert any(r.startswith("preprocessing: path word") and "(line 3)" in r for r in item.reasons)


def test_a_script_named_for_data_doing_nothing_with_data_is_support(tmp_path: Path) -> None:
    # LLaVA's generate_webpage_data_from_table.py was preprocessing for the word "data" alone.
    _write(tmp_path, "scripts/data_env.sh", "#!/bin/sh\npip install -e .\n")
    item = _item(_inventory(tmp_path), "scripts/data_env.sh")
    assert item.code_roles == {CodeRole.SUPPORT}


GPTJ_SHARD = """import haiku as hk
import jax
import optax


class CausalTransformerShard(hk.Module):
    def __init__(self, config):
        super().__init__()

    def eval(self, context, target):
        return self.loss(context, target)


def train(state, ctx, tgt):
    return state
"""

GPTJ_TFRECORDS = """import argparse
import os

import ftfy
import tensorflow as tf
from lm_dataformat import Reader
from transformers import GPT2TokenizerFast


def write_tfrecord(sequences, fp):
    with tf.io.TFRecordWriter(fp) as writer:
        for seq in sequences:
            writer.write(seq)
"""


def test_model_sharding_is_not_preprocessing_and_the_data_script_is(tmp_path: Path) -> None:
    _write(tmp_path, "mesh_transformer/transformer_shard.py", GPTJ_SHARD)
    _write(tmp_path, "create_finetune_tfrecords.py", GPTJ_TFRECORDS)
    inv = _inventory(tmp_path)
    shard = _item(inv, "mesh_transformer/transformer_shard.py")
    assert CodeRole.PREPROCESSING not in shard.code_roles, shard.reasons
    assert CodeRole.ARCHITECTURE in shard.code_roles
    records = _item(inv, "create_finetune_tfrecords.py")
    assert CodeRole.PREPROCESSING in records.code_roles, records.reasons
    assert "preprocessing: 'TFRecordWriter' (line 11)" in records.reasons


def test_audit_cites_the_data_script_as_preprocessing_code(tmp_path: Path) -> None:
    _write(tmp_path, "mesh_transformer/transformer_shard.py", GPTJ_SHARD)
    _write(tmp_path, "create_finetune_tfrecords.py", GPTJ_TFRECORDS)
    _write(tmp_path, "download.sh", LLAMA_DOWNLOAD)
    out = subprocess.run(
        [sys.executable, "-m", "openness", "audit", str(tmp_path), "--offline", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(out.stdout)
    criteria = {c["id"]: c for c in report["assessments"]["osaid"]["criteria"]}
    cited = [e["path"] for e in criteria["code.data-preprocessing"]["evidence"]]
    assert "create_finetune_tfrecords.py" in cited
    assert "mesh_transformer/transformer_shard.py" not in cited
    assert "download.sh" not in cited


LLAVA_WEBPAGE = '''"""Generate json file for webpage."""
import json
import os
import re

models = ['vicuna']


def read_jsonl(path: str, key: str=None):
    data = []
    with open(os.path.expanduser(path)) as f:
        for line in f:
            data.append(json.loads(line))
    return data
'''

LLAVA_MODEL_QA = """import argparse
import torch
from transformers import AutoTokenizer, AutoModelForCausalLM


@torch.inference_mode()
def eval_model(model_name, questions_file, answers_file):
    tokenizer = AutoTokenizer.from_pretrained(model_name, use_fast=False)
    model = AutoModelForCausalLM.from_pretrained(model_name, torch_dtype=torch.float16).cuda()
    output_ids = model.generate(input_ids, do_sample=True, temperature=0.7, max_new_tokens=1024)
"""


def test_evaluation_folder_scripts_are_evaluation(tmp_path: Path) -> None:
    _write(tmp_path, "llava/eval/generate_webpage_data_from_table.py", LLAVA_WEBPAGE)
    _write(tmp_path, "llava/eval/model_qa.py", LLAVA_MODEL_QA)
    _write(tmp_path, "llava/eval/model_vqa.py", LLAVA_MODEL_QA)
    inv = _inventory(tmp_path)
    webpage = _item(inv, "llava/eval/generate_webpage_data_from_table.py")
    assert webpage.code_roles == {CodeRole.EVALUATION}, webpage.reasons
    for path in ("llava/eval/model_qa.py", "llava/eval/model_vqa.py"):
        item = _item(inv, path)
        assert CodeRole.ARCHITECTURE not in item.code_roles, item.reasons
        assert CodeRole.EVALUATION in item.code_roles
        assert "path: architecture, evaluation" not in item.reasons


def test_model_classes_under_eval_are_still_architecture(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "eval/model.py",
        "import torch\nfrom torch import nn\n\n\nclass Probe(nn.Module):\n    def forward(self, x):\n"
        "        return x\n",
    )
    item = _item(_inventory(tmp_path), "eval/model.py")
    assert CodeRole.ARCHITECTURE in item.code_roles
    assert "architecture: 'class Probe(nn.Module)' (line 5)" in item.reasons


def test_weak_words_alone_give_no_role(tmp_path: Path) -> None:
    """A file named only with weak words and nothing in it to back them is supporting code."""
    for path in ("model.py", "scripts/mix.py", "utils/collate.py", "dataloader.py", "src/generate_table.py"):
        _write(tmp_path, path, "import json\n\n\ndef main():\n    pass\n")
    inv = _inventory(tmp_path)
    for path in ("model.py", "scripts/mix.py", "utils/collate.py", "dataloader.py", "src/generate_table.py"):
        assert _item(inv, path).code_roles == {CodeRole.SUPPORT}, path


@pytest.mark.parametrize(
    ("path", "content", "role"),
    [
        # A real data-preparation script.
        (
            "prepare_data.py",
            "from datasets import load_dataset\n\nds = load_dataset('org/corpus', split='train')\n",
            CodeRole.PREPROCESSING,
        ),
        # A strong place: weak words inside a data-preparation folder keep their role.
        ("data_prep/mix.py", "import json\n", CodeRole.PREPROCESSING),
        ("preprocessing/shard.py", "import json\n", CodeRole.PREPROCESSING),
        # A package's data/ folder is its data pipeline (megatron/data/helpers.cpp, unread).
        ("megatron/data/helpers.cpp", "int main() { return 0; }\n", CodeRole.PREPROCESSING),
        # A weak file-name word the content backs.
        ("mix_data.py", "import json\n\nrows = [json.loads(x) for x in open('a')]\n", CodeRole.PREPROCESSING),
        ("model.py", "import numpy as np\n\n\ndef forward(p, x):\n    return x\n", CodeRole.ARCHITECTURE),
        # A weak word the content backs: generate.py running a model.
        ("generate.py", "import torch\n\n\ndef main():\n    pass\n", CodeRole.INFERENCE),
        # Strong architecture words still count by name.
        ("modeling_tiny.py", "import json\n", CodeRole.ARCHITECTURE),
    ],
)
def test_near_misses_keep_their_role(tmp_path: Path, path: str, content: str, role: CodeRole) -> None:
    _write(tmp_path, path, content)
    item = _item(_inventory(tmp_path), path)
    assert role in item.code_roles, item.reasons


# DeepSeek-Coder's Evaluation/HumanEval/utils/dataset.py: reads the benchmark's problems.
BENCHMARK_LOADER = """import json
from datasets import load_dataset


def read_problems(path):
    return {task["task_id"]: task for task in map(json.loads, open(path))}
"""


def test_a_benchmark_loader_in_an_evaluation_folder_is_evaluation(tmp_path: Path) -> None:
    """It was data-preprocessing code (the path word "dataset" and load_dataset), passing OSAID's
    data-processing criterion on an evaluation harness; a decontamination script there, and a real
    data-prep script outside, keep their preprocessing role."""
    _write(tmp_path, "Evaluation/HumanEval/utils/dataset.py", BENCHMARK_LOADER)
    _write(tmp_path, "evaluation/decontaminate.py", BENCHMARK_LOADER)
    _write(tmp_path, "scripts/prepare_data.py", BENCHMARK_LOADER)
    inv = _inventory(tmp_path)
    loader = _item(inv, "Evaluation/HumanEval/utils/dataset.py")
    assert CodeRole.PREPROCESSING not in loader.code_roles and CodeRole.EVALUATION in loader.code_roles
    assert "evaluation folder" in loader.reason or "evaluation" in loader.reason
    assert CodeRole.PREPROCESSING in _item(inv, "evaluation/decontaminate.py").code_roles
    assert CodeRole.PREPROCESSING in _item(inv, "scripts/prepare_data.py").code_roles
