"""The inventory on releases built in tmp_path: roles, code signals, weight headers, bad input."""

from __future__ import annotations

import collections
import json
import os
import pickle
import re
import struct
import time
import zipfile
from pathlib import Path

import gguf
import numpy as np
import pytest
from safetensors.numpy import save_file

from corpus_release import scratch_dir
from inventory_helpers import inventory as _inventory
from inventory_helpers import item as _item
from openness.errors import SourceError
from openness.inventory import build_inventory, classify
from openness.model import (
    CodeRole,
    FileEntry,
    HubMetadata,
    Location,
    NoteKind,
    Role,
    Snapshot,
    WeightFormat,
)
from openness.sources.interface import SourceOptions
from openness.sources.local import open_snapshot


def _write(root: Path, rel: str, content: bytes | str = b"") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path




def _sparse(root: Path, rel: str, size: int) -> Path:
    path = _write(root, rel)
    os.truncate(path, size)
    return path


# --------------------------------------------------------------------------- roles from names

ROLE_BY_NAME = [
    ("LICENSE", Role.LICENSE),
    ("COPYING", Role.LICENSE),
    ("LICENSE.txt", Role.LICENSE),
    ("LICENSE-MODEL", Role.LICENSE),
    ("LICENSE-CODE", Role.LICENSE),
    ("MODEL_LICENSE", Role.LICENSE),
    ("WEIGHTS_LICENSE.md", Role.LICENSE),
    ("LICENSES/Apache-2.0.txt", Role.LICENSE),  # REUSE layout: texts named by SPDX id
    ("third_party/LICENSE-APACHE", Role.LICENSE),
    ("Skywork Community License.pdf", Role.LICENSE),
    ("NOTICE", Role.NOTICE),
    ("ThirdPartyNotices.txt", Role.NOTICE),
    ("USE_POLICY.md", Role.USE_POLICY),
    ("ACCEPTABLE_USE_POLICY.md", Role.USE_POLICY),
    ("MODEL_CARD.md", Role.MODEL_CARD),
    ("model_card.md", Role.MODEL_CARD),
    ("Stable_Diffusion_v1_Model_Card.md", Role.MODEL_CARD),
    ("model_cards/internlm2_7b.md", Role.MODEL_CARD),
    ("DATA_CARD.md", Role.DATA_CARD),
    ("docs/datasheet.md", Role.DATA_CARD),
    ("paper.pdf", Role.PAPER),
    ("TECHNICAL_REPORT.md", Role.PAPER),
    ("docs/MiniCPM_4_Technical_Report.pdf", Role.PAPER),
    ("assets/plots/loss.pdf", Role.DOCS),
    ("requirements.txt", Role.DEPENDENCIES),
    ("requirements-dev.txt", Role.DEPENDENCIES),
    ("requirements/gpu.txt", Role.DEPENDENCIES),
    ("pyproject.toml", Role.DEPENDENCIES),
    ("setup.py", Role.DEPENDENCIES),
    ("setup.cfg", Role.DEPENDENCIES),
    ("environment.yml", Role.DEPENDENCIES),
    ("uv.lock", Role.DEPENDENCIES),
    ("Pipfile", Role.DEPENDENCIES),
    ("Dockerfile", Role.CONTAINER),
    ("docker/Dockerfile.cuda", Role.CONTAINER),
    ("Containerfile", Role.CONTAINER),
    ("containers/apptainer/train.def", Role.CONTAINER),
    ("docker-compose.yml", Role.CONTAINER),
    ("tokenizer.json", Role.TOKENIZER),
    ("tokenizer.model", Role.TOKENIZER),
    ("vocab.json", Role.TOKENIZER),
    ("merges.txt", Role.TOKENIZER),
    ("qwen.tiktoken", Role.TOKENIZER),
    ("config.json", Role.CONFIG),
    ("generation_config.json", Role.CONFIG),
    ("params.json", Role.CONFIG),
    ("training_args.json", Role.TRAINING_CONFIG),
    ("data/train.jsonl", Role.DATASET),
    ("data/shards/part-000.parquet", Role.DATASET),
    ("corpus/train.txt", Role.DATASET),  # named as data: its size does not matter
    ("data/train.bin", Role.DATASET),
    ("anywhere/x.arrow", Role.DATASET),
    ("eval/results.json", Role.EVAL_RESULTS),
    ("eval_results.json", Role.EVAL_RESULTS),
    ("samples/output_001.txt", Role.SAMPLE_OUTPUTS),
    ("samples/cat.png", Role.SAMPLE_OUTPUTS),
    ("analysis.ipynb", Role.NOTEBOOK),
    ("openness-rebuild.toml", Role.REBUILD_RECIPE),
    ("attestations/model.intoto.json", Role.ATTESTATION),
    ("CITATION.cff", Role.CITATION),
    ("refs.bib", Role.CITATION),
    ("download.sh", Role.DOWNLOAD_SCRIPT),
    ("scripts/download_weights.py", Role.DOWNLOAD_SCRIPT),
    ("docs/usage.md", Role.DOCS),
    ("CONTRIBUTING.md", Role.DOCS),
    (".github/workflows/ci.yml", Role.BUILD),
    ("Makefile", Role.BUILD),
    (".gitignore", Role.BUILD),
    ("assets/logo.png", Role.OTHER),
    ("license.py", Role.CODE),
    ("src/model.rs", Role.CODE),
    ("tests/fixtures/model.safetensors", Role.OTHER),  # test fixtures are not the release's weights
]


@pytest.mark.parametrize(("path", "role"), ROLE_BY_NAME)
def test_role_from_name(tmp_path: Path, path: str, role: Role) -> None:
    _write(tmp_path, path)
    item = _item(_inventory(tmp_path), path)
    assert item.role is role, item.reasons
    assert item.reasons


WEIGHTS_BY_NAME = [
    ("model.safetensors", Role.WEIGHTS, WeightFormat.SAFETENSORS),
    ("model-00001-of-00002.safetensors", Role.WEIGHTS, WeightFormat.SAFETENSORS),
    ("ggml-model-q4_0.gguf", Role.WEIGHTS, WeightFormat.GGUF),
    ("model.onnx", Role.WEIGHTS, WeightFormat.ONNX),
    ("tf_model.h5", Role.WEIGHTS, WeightFormat.KERAS_H5),
    ("flax_model.msgpack", Role.WEIGHTS, WeightFormat.FLAX_MSGPACK),
    ("model.tflite", Role.WEIGHTS, WeightFormat.TFLITE),
    ("variables/variables.data-00000-of-00001", Role.WEIGHTS, WeightFormat.TENSORFLOW),
    ("saved_model.pb", Role.WEIGHTS, WeightFormat.TENSORFLOW),
    ("openvino_model.bin", Role.WEIGHTS, WeightFormat.OPENVINO),
    ("consolidated.00.pth", Role.WEIGHTS, WeightFormat.PYTORCH_PICKLE),
    ("checkpoints/step-1000/model.safetensors", Role.CHECKPOINT, WeightFormat.SAFETENSORS),
    ("out/iter_0002000/mp_rank_00/model_rng.pt", Role.CHECKPOINT, WeightFormat.PYTORCH_PICKLE),
    ("checkpoint-500/pytorch_model.bin", Role.CHECKPOINT, WeightFormat.PYTORCH_PICKLE),
    (
        "global_step120/zero_pp_rank_0_mp_rank_00_optim_states.pt",
        Role.OPTIMIZER_STATE,
        WeightFormat.PYTORCH_PICKLE,
    ),
    ("optimizer.pt", Role.OPTIMIZER_STATE, WeightFormat.PYTORCH_PICKLE),
    ("rng_state.pth", Role.CHECKPOINT, WeightFormat.PYTORCH_PICKLE),
    ("model.onnx_data", Role.WEIGHTS, WeightFormat.ONNX),
    ("adapter_model.safetensors", Role.WEIGHTS, WeightFormat.SAFETENSORS),
]


@pytest.mark.parametrize(("path", "role", "fmt"), WEIGHTS_BY_NAME)
def test_weights_roles_and_formats_from_names(
    tmp_path: Path, path: str, role: Role, fmt: WeightFormat
) -> None:
    _write(tmp_path, path, b"\0" * 64)  # unknown content: the name decides
    item = _item(_inventory(tmp_path), path)
    assert item.role is role, item.reasons
    assert item.weights is not None and item.weights.format is fmt
    assert item.weights.unsafe is (fmt is WeightFormat.PYTORCH_PICKLE)


def test_unknown_binary_is_not_weights(tmp_path: Path) -> None:
    _write(tmp_path, "assets/blob.bin", b"\x01\x02\x03\x04" * 8)
    assert _item(_inventory(tmp_path), "assets/blob.bin").role is Role.OTHER


def test_scopes_are_per_model_folders(tmp_path: Path) -> None:
    for model in ("llama3", "llama4"):
        _write(tmp_path, f"models/{model}/LICENSE", "terms")
        _write(tmp_path, f"models/{model}/MODEL_CARD.md", "# card")
        _write(tmp_path, f"models/{model}/generation.py", "x = 1\n")
    _write(tmp_path, "vendor/lib/COPYING", "GPL")
    _write(tmp_path, "vendor/lib/src/a.c", "int x;")
    _write(tmp_path, "docs/license_header.txt", "# SPDX header")
    _write(tmp_path, "docs/conf.py", "project = 'x'\n")
    _write(tmp_path, "licenses/llama_license.txt", "terms")
    _write(tmp_path, "LICENSE", "MIT")
    _write(tmp_path, "train.py", "pass\n")
    inv = _inventory(tmp_path)
    assert _item(inv, "models/llama3/LICENSE").scope == "models/llama3"
    assert _item(inv, "models/llama4/generation.py").scope == "models/llama4"
    assert _item(inv, "vendor/lib/src/a.c").scope == "vendor/lib"
    assert _item(inv, "docs/conf.py").scope is None  # a licence header template is no folder licence
    assert _item(inv, "licenses/llama_license.txt").scope is None  # only licence texts: scope unknown
    assert _item(inv, "LICENSE").scope is None and _item(inv, "train.py").scope is None


# --------------------------------------------------------------------------- cards and configs


def test_readme_with_front_matter_is_a_model_card(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "---\nlicense: apache-2.0\n---\n# Tiny\n")
    _write(tmp_path, "sub/README.md", "---\nlicense: mit\n---\n")
    inv = _inventory(tmp_path)
    assert _item(inv, "README.md").role is Role.MODEL_CARD
    assert _item(inv, "sub/README.md").role is Role.MODEL_CARD


def test_front_matter_of_space_and_dataset_cards(tmp_path: Path) -> None:
    _write(tmp_path, "demo/README.md", "---\ntitle: Demo\nsdk: gradio\napp_file: app.py\n---\n# Demo\n")
    _write(
        tmp_path,
        "wikitext-card/README.md",
        "---\nlicense: cc0-1.0\ntask_categories:\n- text-generation\n---\n",
    )
    inv = _inventory(tmp_path)
    assert _item(inv, "demo/README.md").role is Role.README
    assert _item(inv, "wikitext-card/README.md").role is Role.DATA_CARD


def test_plain_readme_is_a_readme_and_card_sections_make_a_card(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "# nanoGPT\n\nThe simplest repository.\n\n## install\n")
    _write(
        tmp_path,
        "cards/README.md",
        "# Model Card\n\n## Model Details\n\n## Intended Use\n\n## Training Data\n",
    )
    inv = _inventory(tmp_path)
    assert _item(inv, "README.md").role is Role.README
    card = _item(inv, "cards/README.md")
    assert card.role is Role.MODEL_CARD and card.locations[0].lines == (1, 1)


def test_hub_readme_is_the_model_card(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "# plain\n")
    snap = open_snapshot(str(tmp_path), SourceOptions())
    hub = Snapshot(target="hf:x/y", kind="hf", files=snap.files, reader=snap.reader)
    assert build_inventory(hub).items[0].role is Role.MODEL_CARD
    meta = HubMetadata(repo_id="x/y", repo_type="dataset")
    dataset = Snapshot(target="hf:x/y", kind="hf", files=snap.files, reader=snap.reader, hub=meta)
    assert build_inventory(dataset).items[0].role is Role.DATA_CARD


def test_readme_of_a_data_folder_is_a_data_card(tmp_path: Path) -> None:
    _write(tmp_path, "data/openwebtext/readme.md", "how the data was prepared")
    assert _item(_inventory(tmp_path), "data/openwebtext/readme.md").role is Role.DATA_CARD


def test_training_configs_from_hyperparameters(tmp_path: Path) -> None:
    _write(tmp_path, "configs/pretrain.yaml", "model: tiny\noptimizer:\n  lr: 3.0e-4\n  weight_decay: 0.1\n")
    _write(tmp_path, "ds_zero2.json", json.dumps({"train_batch_size": 8, "gradient_clipping": 1.0}))
    _write(tmp_path, "config/train_gpt2.py", "wandb_log = True\nbatch_size = 12\nlearning_rate = 6e-4\n")
    _write(tmp_path, "configs/paths.yaml", "root: /data\n")
    _write(tmp_path, "mkdocs-theme.yaml", "theme: x\n")
    _write(
        tmp_path,
        "t5/small.gin",
        "include 'base.gin'\nadafactor.decay_rate = 0.8\ntrain.learning_rate = 1e-3\n"
        "utils.run.batch_size = 128\n",
    )
    _write(tmp_path, "configs/model/small.json", json.dumps({"n_layer": 4, "n_head": 4, "n_embd": 128}))
    inv = _inventory(tmp_path)
    yaml_item = _item(inv, "configs/pretrain.yaml")
    assert yaml_item.role is Role.TRAINING_CONFIG
    assert yaml_item.locations == (Location(path="configs/pretrain.yaml", lines=(2, 2)),)
    assert _item(inv, "ds_zero2.json").role is Role.TRAINING_CONFIG
    py_config = _item(inv, "config/train_gpt2.py")
    assert py_config.role is Role.TRAINING_CONFIG and CodeRole.TRAINING in py_config.code_roles
    assert _item(inv, "t5/small.gin").role is Role.TRAINING_CONFIG
    assert _item(inv, "configs/paths.yaml").role is Role.OTHER
    assert _item(inv, "mkdocs-theme.yaml").role is Role.OTHER
    model = _item(inv, "configs/model/small.json")
    assert model.role is Role.CONFIG and model.locations[0].lines == (1, 1)


# --------------------------------------------------------------------------- code roles

CODE_BY_CONTENT = [
    (
        "scripts/run.py",
        "import torch\n\nloss = model(x)\nloss.backward()\noptimizer.step()\n",
        CodeRole.TRAINING,
        4,
    ),
    (
        "scripts/go.py",
        "from transformers import Trainer\n\ntrainer = Trainer(model=m)\n",
        CodeRole.TRAINING,
        3,
    ),
    ("scripts/a.py", "import torch\n\nout = model.generate(ids, max_new_tokens=20)\n", CodeRole.INFERENCE, 3),
    (
        "scripts/b.py",
        "from transformers import pipeline\npipe = pipeline('text-generation')\n",
        CodeRole.INFERENCE,
        2,
    ),
    ("scripts/c.py", "import math\n\nppl = math.exp(loss)  # perplexity\n", CodeRole.EVALUATION, 3),
    (
        "scripts/d.py",
        "from datasets import load_dataset\nds = load_dataset('x')\n",
        CodeRole.PREPROCESSING,
        1,
    ),
    (
        "scripts/e.py",
        "import torch.nn as nn\n\n\nclass Block(nn.Module):\n    pass\n",
        CodeRole.ARCHITECTURE,
        4,
    ),
    ("scripts/f.py", "import sentencepiece as spm\n", CodeRole.TOKENIZATION, 1),
    ("scripts/g.sh", "#!/bin/sh\nset -e\ntorchrun --nproc_per_node 8 main.py\n", CodeRole.TRAINING, 3),
]


@pytest.mark.parametrize(("path", "text", "role", "line"), CODE_BY_CONTENT)
def test_code_role_from_content_with_line(
    tmp_path: Path, path: str, text: str, role: CodeRole, line: int
) -> None:
    _write(tmp_path, path, text)
    item = _item(_inventory(tmp_path), path)
    assert item.role is Role.CODE
    assert role in item.code_roles, item.reasons
    # The reason quotes what was matched and where; that line holds it, and it is a cited location.
    reason = next(r for r in item.reasons if r.startswith(f"{role}: "))
    found = re.search(r": '(.+)' \(line (\d+)\)$", reason)
    assert found is not None, reason
    snippet, n = found.group(1), int(found.group(2))
    assert n >= line and snippet in text.splitlines()[n - 1]
    assert Location(path=path, lines=(n, n)) in item.locations


def test_code_roles_from_paths(tmp_path: Path) -> None:
    paths = {
        "train.py": CodeRole.TRAINING,
        "finetune/lora.py": CodeRole.TRAINING,
        "sample.py": CodeRole.INFERENCE,
        "eval/run_mmlu.py": CodeRole.EVALUATION,
        "data/openwebtext/prepare.py": CodeRole.PREPROCESSING,
        "tokenizer/bpe.py": CodeRole.TOKENIZATION,
        "utils/logging.py": CodeRole.SUPPORT,
        "csrc/attention_kernel.cu": CodeRole.ARCHITECTURE,
    }
    for path in paths:
        _write(tmp_path, path, "pass\n")
    inv = _inventory(tmp_path)
    for path, role in paths.items():
        assert role in _item(inv, path).code_roles, path


def test_tests_are_support_code_only(tmp_path: Path) -> None:
    _write(tmp_path, "tests/test_train.py", "optimizer.step()\n")
    assert _item(_inventory(tmp_path), "tests/test_train.py").code_roles == {CodeRole.SUPPORT}


def test_from_pretrained_alone_does_not_make_training_code_inference(tmp_path: Path) -> None:
    text = "model = AutoModelForCausalLM.from_pretrained(p)\noptimizer.step()\n"
    _write(tmp_path, "finetune.py", text)
    _write(tmp_path, "chat_app.py", "model = AutoModelForCausalLM.from_pretrained(p)\n")
    inv = _inventory(tmp_path)
    assert CodeRole.INFERENCE not in _item(inv, "finetune.py").code_roles
    assert CodeRole.INFERENCE in _item(inv, "chat_app.py").code_roles


def test_download_script_says_what_it_fetches(tmp_path: Path) -> None:
    _write(tmp_path, "download.sh", 'wget "$URL/consolidated.00.pth"\n')
    _write(tmp_path, "scripts/fetch_corpus.py", "from datasets import load_dataset\nload_dataset('x/y')\n")
    _write(tmp_path, "scripts/download_wiki_data.sh", b"\0" * 10)  # unreadable as text: the name decides
    inv = _inventory(tmp_path)
    item = _item(inv, "download.sh")
    assert item.role is Role.DOWNLOAD_SCRIPT
    assert "fetches weights from elsewhere" in item.reasons
    for path in ("scripts/fetch_corpus.py", "scripts/download_wiki_data.sh"):
        data = _item(inv, path)
        assert data.role is Role.CODE and CodeRole.PREPROCESSING in data.code_roles, path
        assert "fetches data, not weights" in data.reasons


# --------------------------------------------------------------------------- weight headers


def test_safetensors_header_parameters_and_dtypes(tmp_path: Path) -> None:
    save_file(
        {"emb.weight": np.zeros((10, 4), np.float32), "head.bias": np.zeros((7,), np.float16)},
        str(tmp_path / "model.safetensors"),
        metadata={"format": "pt"},
    )
    info = _item(_inventory(tmp_path), "model.safetensors").weights
    assert info is not None and info.error is None
    assert info.parameters == 47 and info.tensor_count == 2
    assert dict(info.dtypes) == {"F32": 40, "F16": 7}
    assert set(info.tensor_names) == {"emb.weight", "head.bias"}
    assert info.metadata == {"format": "pt"}
    assert not info.unsafe


def _safetensors_bytes(header: object, n: int | None = None) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw) if n is None else n) + raw


MALFORMED_SAFETENSORS = [
    (b"\x01\x02", "shorter than"),
    (struct.pack("<Q", 0), "header length is 0"),
    (struct.pack("<Q", 200_000_000), "exceeds the 100 MB limit"),
    (struct.pack("<Q", 5000) + b"{}", "exceeds the file size"),
    (struct.pack("<Q", 4) + b"nope", "not JSON"),
    (_safetensors_bytes([1, 2]), "not a JSON object"),
    (_safetensors_bytes({"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}), "bad entry"),
    (_safetensors_bytes({"t": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}), "truncated"),
    (struct.pack("<Q", 10) + b"\xff\xfe{}      ", "not JSON"),  # invalid UTF-8
]


@pytest.mark.parametrize(("content", "message"), MALFORMED_SAFETENSORS)
def test_malformed_safetensors_become_notes(tmp_path: Path, content: bytes, message: str) -> None:
    _write(tmp_path, "model.safetensors", content)
    inv = _inventory(tmp_path)
    item = _item(inv, "model.safetensors")
    assert item.role is Role.WEIGHTS
    assert item.weights is not None and item.weights.error is not None
    assert message in item.weights.error
    assert any(
        n.location and n.location.path == "model.safetensors" and message in n.message for n in inv.notes
    )


def test_huge_safetensors_header_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 90 MB of declared header in a 10 GB sparse file: within the format's limit, beyond ours.
    path = _sparse(tmp_path, "model.safetensors", 10 * 1024**3)
    with open(path, "r+b") as fh:
        fh.write(struct.pack("<Q", 90_000_000) + b'{"')
    start = time.perf_counter()
    info = _item(_inventory(tmp_path), "model.safetensors").weights
    assert time.perf_counter() - start < 1
    assert info is not None and info.error is not None and "not inspected" in info.error


def test_sharded_index_counts_shards_present(tmp_path: Path) -> None:
    index = {
        "metadata": {"total_size": 123},
        "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"},
    }
    _write(tmp_path, "model.safetensors.index.json", json.dumps(index))
    save_file({"a": np.zeros((2,), np.float32)}, str(tmp_path / "model-00001-of-00002.safetensors"))
    inv = _inventory(tmp_path)
    item = _item(inv, "model.safetensors.index.json")
    assert item.role is Role.OTHER
    assert item.weights is not None and item.weights.tensor_count == 2
    assert "2 shard(s) named, 1 present here" in item.reasons
    assert _item(inv, "model-00001-of-00002.safetensors").weights.parameters == 2  # type: ignore[union-attr]


def _write_gguf(path: Path) -> None:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("general.name", "tiny")
    writer.add_string("general.license", "apache-2.0")
    writer.add_uint32("llama.context_length", 128)
    writer.add_token_list(["<s>", "a", "b"])
    writer.add_tensor("token_embd.weight", np.zeros((3, 8), np.float32))
    writer.add_tensor("output.weight", np.zeros((8, 3), np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_gguf_header_from_a_real_writer(tmp_path: Path) -> None:
    _write_gguf(tmp_path / "tiny.gguf")
    info = _item(_inventory(tmp_path), "tiny.gguf").weights
    assert info is not None and info.error is None
    assert info.format is WeightFormat.GGUF
    assert info.parameters == 48 and info.tensor_count == 2
    assert dict(info.dtypes) == {"F32": 24, "F16": 24}
    assert info.metadata["general.license"] == "apache-2.0"
    assert info.metadata["tokenizer.ggml.tokens"] == "[array of 3]"


def test_gguf_content_named_bin_is_recognised(tmp_path: Path) -> None:
    _write_gguf(tmp_path / "ggml-model.bin")
    info = _item(_inventory(tmp_path), "ggml-model.bin").weights
    assert info is not None and info.format is WeightFormat.GGUF and info.parameters == 48


@pytest.mark.parametrize(
    "content",
    [
        b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", 10**12, 0),  # absurd tensor count
        b"GGUF" + struct.pack("<I", 99),  # unknown version
        b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", 0, 1) + struct.pack("<Q", 2**40),  # key too long
    ],
)
def test_malformed_gguf_is_a_note(tmp_path: Path, content: bytes) -> None:
    _write(tmp_path, "bad.gguf", content)
    inv = _inventory(tmp_path)
    info = _item(inv, "bad.gguf").weights
    assert info is not None and info.error is not None
    assert any(n.location and n.location.path == "bad.gguf" for n in inv.notes)


def test_numpy_header(tmp_path: Path) -> None:
    np.save(tmp_path / "weights.npy", np.zeros((3, 5), np.float32))
    info = _item(_inventory(tmp_path), "weights.npy").weights
    assert info is not None and info.parameters == 15 and info.format is WeightFormat.NUMPY


class _Payload:
    """Unpickling this creates a file: proof that a pickle was (or was not) loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def test_pickles_are_flagged_and_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(_Payload(marker), protocol=4)
    pickle.loads(payload)  # the payload is live: loading it creates the marker
    assert marker.exists()
    marker.unlink()
    root = tmp_path / "release"
    _write(root, "pytorch_model.bin", payload)
    _write(root, "model.pt", payload)
    _write(root, "extra/data.pkl", payload)
    with zipfile.ZipFile(root / "consolidated.pth", "w") as zf:  # torch.save's zip layout
        zf.writestr("archive/data.pkl", payload)
    inv = _inventory(root)
    assert not marker.exists()
    for path, fmt in [
        ("pytorch_model.bin", WeightFormat.PYTORCH_PICKLE),
        ("model.pt", WeightFormat.PYTORCH_PICKLE),
        ("extra/data.pkl", WeightFormat.PICKLE),
        ("consolidated.pth", WeightFormat.PYTORCH_PICKLE),
    ]:
        info = _item(inv, path).weights
        assert info is not None and info.unsafe and info.format is fmt, path
    flagged = [n for n in inv.notes if n.kind is NoteKind.UNSAFE and "pickle-based" in n.message]
    assert len(flagged) == 1 and "4 pickle-based file(s)" in flagged[0].message
    # extra/data.pkl is not named as a model: not counted as weights, still scanned and flagged.
    assert _item(inv, "extra/data.pkl").role is Role.OTHER
    # The opcodes were read (never run): the import that loading would perform is named.
    info = _item(inv, "consolidated.pth").weights
    assert info is not None and "pathlib.Path.touch" in info.metadata["pickle.unexpected"]
    warned = {n.location.path for n in inv.notes if n.location and "loading it would run" in n.message}
    assert warned == {"pytorch_model.bin", "model.pt", "extra/data.pkl", "consolidated.pth"}


def test_state_dict_pickle_imports_nothing_unexpected(tmp_path: Path) -> None:
    state = collections.OrderedDict(weight=[0.0, 1.0])
    _write(tmp_path, "pytorch_model.bin", pickle.dumps(state, protocol=2))
    inv = _inventory(tmp_path)
    info = _item(inv, "pytorch_model.bin").weights
    assert info is not None and info.unsafe
    assert info.metadata["pickle.globals"] == "collections.OrderedDict"
    assert "pickle.unexpected" not in info.metadata
    assert not [n for n in inv.notes if "loading it would run" in n.message]


def test_lfs_pointer_weights_are_listed_not_inspected(tmp_path: Path) -> None:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'b' * 64}\nsize 1234567\n"
    _write(tmp_path, "model.safetensors", pointer)
    item = _item(_inventory(tmp_path), "model.safetensors")
    assert item.role is Role.WEIGHTS and item.entry.size == 1234567
    assert item.weights is not None and item.weights.error == "Git LFS pointer: content not fetched"


# --------------------------------------------------------------------------- bad input and bounds


def test_empty_release_has_a_note(tmp_path: Path) -> None:
    inv = _inventory(tmp_path)
    assert inv.items == ()
    assert [n.message for n in inv.notes] == ["the release has no files: nothing to inventory"]


def test_invalid_utf8_content_is_read_leniently(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", b"---\nlicense: mit\n---\n\xff\xfe\xfa broken")
    _write(tmp_path, "train.py", b"\xff\xfe\noptimizer.step()\n")
    inv = _inventory(tmp_path)
    assert _item(inv, "README.md").role is Role.MODEL_CARD
    assert CodeRole.TRAINING in _item(inv, "train.py").code_roles


def test_reader_errors_become_notes(tmp_path: Path) -> None:
    """Unreadable files (root ignores chmod 000, so the reader fails as it would for a user)."""
    _write(tmp_path, "README.md", "---\nlicense: mit\n---\n")
    _write(tmp_path, "train.py", "optimizer.step()\n")
    _write(tmp_path, "model.safetensors", b"\0" * 16)
    snap = open_snapshot(str(tmp_path), SourceOptions())

    def denied(path: str, limit: int) -> bytes:
        raise SourceError(f"{path}: cannot read (permission denied)")

    inv = build_inventory(Snapshot(target=str(tmp_path), kind="local", files=snap.files, reader=denied))
    assert [i.role for i in inv.items] == [Role.README, Role.WEIGHTS, Role.CODE]
    assert _item(inv, "train.py").code_roles == {CodeRole.TRAINING}  # from the path alone
    assert {n.location.path for n in inv.notes if n.location} == {
        "README.md",
        "train.py",
        "model.safetensors",
    }
    assert all("permission denied" in n.message for n in inv.notes)


def test_unreadable_entries_are_not_read(tmp_path: Path) -> None:
    files = (FileEntry("model.safetensors", 10**10, readable=False, origin="hf:x/y"),)

    def never(path: str, limit: int) -> bytes:
        raise AssertionError("must not read")

    inv = build_inventory(Snapshot(target="hf:x/y", kind="hf", files=files, reader=never))
    item = inv.items[0]
    assert item.role is Role.WEIGHTS and item.weights is not None
    assert item.weights.error is None and inv.notes == ()
    assert "content not available from hf:x/y: header not read" in item.reasons


def test_remote_safetensors_use_the_header_the_hub_source_read() -> None:
    files = (FileEntry("model.safetensors", 10**9, readable=False, origin="hf:x/y"),)
    summary = {"parameters": 1234, "dtypes": {"BF16": 1234}, "tensor_count": 3, "metadata": {"format": "pt"}}
    hub = HubMetadata(repo_id="x/y", extra={"safetensors": {"model.safetensors": summary}})
    inv = build_inventory(Snapshot(target="hf:x/y", kind="hf", files=files, hub=hub))
    info = inv.items[0].weights
    assert info is not None and info.parameters == 1234 and dict(info.dtypes) == {"BF16": 1234}
    assert info.tensor_count == 3 and info.metadata == {"format": "pt"}


def test_text_budget_bounds_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classify, "TEXT_BUDGET", 10_000)
    for i in range(20):
        _write(tmp_path, f"scripts/s{i:02}.py", "optimizer.step()\n" + "#" * 4000)
    inv = _inventory(tmp_path)
    with_content = [i for i in inv.items if CodeRole.TRAINING in i.code_roles]
    assert 2 <= len(with_content) <= 3  # 4 KB each out of 10 KB
    assert all(i.role is Role.CODE for i in inv.items)
    assert any("read budget" in n.message for n in inv.notes)


def test_ten_thousand_files_inventory_fast(tmp_path: Path) -> None:
    with scratch_dir(tmp_path) as root:
        kinds = ["src/pkg{}/mod{}.py", "data/part{}/{}.jsonl", "docs/p{}/page{}.md", "configs/{}/c{}.yaml"]
        for n in range(10_000):
            rel = kinds[n % 4].format(n % 50, n)
            _write(root, rel, "import torch\n\nclass M(torch.nn.Module):\n    pass\nlr: 1\nbatch_size: 2\n")
        start = time.perf_counter()
        inv = _inventory(root)
        elapsed = time.perf_counter() - start
    assert len(inv.items) == 10_000
    assert elapsed < 2.0, elapsed


def test_hostile_release_audits_with_notes_not_tracebacks(tmp_path: Path) -> None:
    """Everything hostile at once, through the whole pipeline: a report with notes comes back."""
    from openness.pipeline import audit

    outside = _write(tmp_path, "outside/secret.txt", "not part of the release")
    root = tmp_path / "release"
    marker = tmp_path / "PWNED"
    _write(root, "README.md", b"---\nlicense: apache-2.0\n---\n\xff\xfe not utf-8 \xc3")
    _write(root, "LICENSE", "Apache License\nVersion 2.0, January 2004\n")
    _write(root, "pytorch_model.bin", pickle.dumps(_Payload(marker), protocol=4))
    _write(root, "broken.safetensors", struct.pack("<Q", 99_000_000) + b"{")
    big = _sparse(root, "big.safetensors", 10 * 1024**3)
    with open(big, "r+b") as fh:
        fh.write(struct.pack("<Q", 50_000_000) + b'{"')
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink(outside, root / "escape.txt")
    os.mkfifo(root / "fifo")
    start = time.perf_counter()
    report = audit(str(root))
    assert time.perf_counter() - start < 10
    assert not marker.exists()
    messages = " | ".join(n.message for n in report.notes)
    for expected in (
        "symlink loop",
        "outside the release",
        "not a regular file",
        "pickle-based",
        "malformed",
    ):
        assert expected in messages, expected
    assert "not part of the release" not in json.dumps(report.evidence.to_dict())
