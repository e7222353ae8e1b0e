"""The inventory over every real release of ``../shared/corpus``, rebuilt as directories.

Each release is reconstructed from its ``TREE.txt`` (real names and sizes, sparse content) with
the copied licence, README, card and dependency texts in place, then listed by the local
source and classified. The expectations come from the corpus's own ``manifest.yaml`` (licence
files, model cards, dependency manifests, training-code paths, containers) and from the
listing itself (weight files by extension); known differences are listed with the reason.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from corpus_release import read_tree, rebuild, release_ids, scratch_dir
from openness.inventory import build_inventory
from openness.inventory.code import is_test_path
from openness.inventory.names import split
from openness.model import CodeRole, Inventory, Role
from openness.sources.interface import SourceOptions
from openness.sources.local import open_snapshot

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
IDS = release_ids(CORPUS) if CORPUS.is_dir() else []

LICENSE_ROLES = {Role.LICENSE, Role.USE_POLICY, Role.NOTICE}
# Where the manifest's file-name heuristics and ours differ on purpose.
NOT_A_LICENSE = {
    # Microsoft's Transparency Note describes the model's behaviour and limits; it grants nothing.
    ("microsoft__Phi-4-reasoning-vision-15B", "TRANSPARENCY_NOTE.md"),
}
NOT_A_DEPENDENCY_MANIFEST = {
    # a dolma tagging config whose name starts with "environment" (environmental-science.yaml)
    ("allenai__dolma", "configs/dolma2-resharding/s2orc/config/environmental-science.yaml"),
}
WEIGHT_SUFFIXES = {".safetensors", ".gguf", ".pt", ".pth", ".ckpt", ".onnx", ".msgpack"}
# Weight-format files that are not the release's weights (issue 11), each with its reason.
NOT_WEIGHTS = {
    # encodings saved by the inference example (named "encoded"): tensors computed with the model
    ("THUDM__CogVideo", "inference/encoded.pt"),
    # RWKV-v8's experiment runs: 12 KB - 2.2 MB, date-stamped ("251016_..._run"), not named as a model
    ("BlinkDL__RWKV-LM", "RWKV-v8/251016_rosa_1bit_run.pth"),
    ("BlinkDL__RWKV-LM", "RWKV-v8/251018_rosa_4bit_run.pth"),
    ("BlinkDL__RWKV-LM", "RWKV-v8/251024_rosaQKV_L2_digit20.pth"),
    ("BlinkDL__RWKV-LM", "RWKV-v8/251105_reverse_L2.pth"),
    ("BlinkDL__RWKV-LM", "RWKV-v8/260123_reverse_L2.pth"),
    ("BlinkDL__RWKV-LM", "RWKV-v8/260123_reverse_L2_only_rwkv7.pth"),
}


@pytest.fixture(scope="module")
def manifest(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["releases"]}


@pytest.fixture(scope="module")
def inventories(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Inventory]]:
    with scratch_dir(tmp_path_factory.mktemp("corpus")) as root:
        out: dict[str, Inventory] = {}
        for rid in release_ids(corpus_dir):
            path = rebuild(corpus_dir / rid, root / rid)
            out[rid] = build_inventory(open_snapshot(str(path), SourceOptions()))
        yield out


def _roles(inv: Inventory) -> dict[str, Any]:
    return {i.entry.path: i for i in inv.items}


@functools.cache
def _symlinks(rid: str) -> frozenset[str]:
    return frozenset(e.path for e in read_tree(CORPUS / rid) if e.mode == "120000")


def _in_tests(path: str) -> bool:
    return is_test_path(split(path))


@pytest.mark.parametrize("rid", IDS)
def test_every_listed_file_gets_a_role(rid: str, corpus_dir: Path, inventories: dict[str, Inventory]) -> None:
    listed = {
        e.path
        for e in read_tree(corpus_dir / rid)
        if e.kind == "blob" and e.size is not None and e.mode != "120000"
    }
    inv = inventories[rid]
    assert {i.entry.path for i in inv.items} == listed
    assert all(isinstance(i.role, Role) and i.reasons for i in inv.items)
    assert not [n for n in inv.notes if n.level == "error"]


@pytest.mark.parametrize("rid", IDS)
def test_licence_files_found(rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]) -> None:
    items = _roles(inventories[rid])
    for lf in manifest[rid]["license_files"]:
        path = lf["path"]
        if (rid, path) in NOT_A_LICENSE:
            assert items[path].role is Role.DOCS
            continue
        assert items[path].role in LICENSE_ROLES, (path, items[path].role, items[path].reasons)


@pytest.mark.parametrize("rid", IDS)
def test_model_cards_found(rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]) -> None:
    items = _roles(inventories[rid])
    for path in manifest[rid]["model_cards"]:
        assert items[path].role is Role.MODEL_CARD, (path, items[path].role)


@pytest.mark.parametrize("rid", IDS)
def test_dependency_manifests_found(
    rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]
) -> None:
    items = _roles(inventories[rid])
    for dep in manifest[rid]["dependency_manifests"]:
        path = dep["path"]
        if (rid, path) in NOT_A_DEPENDENCY_MANIFEST:
            assert items[path].role is not Role.DEPENDENCIES
            continue
        assert items[path].role is Role.DEPENDENCIES, (path, items[path].role)


@pytest.mark.parametrize("rid", IDS)
def test_readmes_and_citations_found(
    rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]
) -> None:
    items = _roles(inventories[rid])
    for path in manifest[rid]["readme_files"]:
        expected = {Role.DOCS} if _in_tests(path) else {Role.README, Role.MODEL_CARD, Role.DATA_CARD}
        assert items[path].role in expected, (path, items[path].role)
    for path in manifest[rid]["citation_files"]:
        assert items[path].role is Role.CITATION, path


@pytest.mark.parametrize("rid", IDS)
def test_training_code_found(rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]) -> None:
    """The manifest's training-code examples are code with the training role (tests excepted)."""
    items = _roles(inventories[rid])
    training = manifest[rid]["tree_summary"]["training_code"]
    for path in training["example_paths"]:
        if path not in items:
            assert path in _symlinks(rid)  # links are not rebuilt: their targets are not listed
            continue
        item = items[path]
        if _in_tests(path):
            assert item.code_roles == {CodeRole.SUPPORT}
            continue
        assert CodeRole.TRAINING in item.code_roles, (path, item.role, item.code_roles)
    if training["present"]:
        assert inventories[rid].code(CodeRole.TRAINING)


@pytest.mark.parametrize("rid", IDS)
def test_weights_by_format(rid: str, inventories: dict[str, Inventory]) -> None:
    """Files the listing shows as weights get a weights role and a format; pickles are flagged."""
    for item in inventories[rid].items:
        parts = split(item.entry.path)
        if parts.suffix not in WEIGHT_SUFFIXES or _in_tests(item.entry.path):
            continue
        if parts.suffix == ".msgpack" and "model" not in parts.name:
            continue
        if (rid, item.entry.path) in NOT_WEIGHTS:
            assert item.role is Role.OTHER, item.reasons
        else:
            assert item.role in (Role.WEIGHTS, Role.CHECKPOINT, Role.OPTIMIZER_STATE), item.entry.path
        assert item.weights is not None
        if parts.suffix in (".pt", ".pth", ".ckpt"):
            assert item.weights.unsafe, item.entry.path


@pytest.mark.parametrize("rid", IDS)
def test_containers_found(rid: str, manifest: dict[str, Any], inventories: dict[str, Inventory]) -> None:
    items = _roles(inventories[rid])
    for path in manifest[rid]["tree_summary"]["containers"]["paths"]:
        if path.endswith((".sh", ".dockerignore")):
            continue  # scripts that run a container, and ignore files, are not recipes
        assert items[path].role is Role.CONTAINER, path


def test_code_roles_agree_with_the_manifest(
    manifest: dict[str, Any], inventories: dict[str, Inventory]
) -> None:
    """Across the corpus most files the manifest calls evaluation or data code get that role.

    The manifest counts ``run``, ``cli``, ``convert`` and ``export`` as inference, which we do
    not, so inference is left out; the others must agree on at least 80% of the examples.
    """
    wanted = {"evaluation_code": CodeRole.EVALUATION, "data_processing_code": CodeRole.PREPROCESSING}
    for key, role in wanted.items():
        total = agree = 0
        for rid, inv in inventories.items():
            items = _roles(inv)
            for path in manifest[rid]["tree_summary"][key]["example_paths"]:
                if _in_tests(path) or path in _symlinks(rid):
                    continue
                total += 1
                agree += role in items[path].code_roles
        assert total > 50 and agree / total >= 0.8, (key, agree, total)


def test_per_model_folders_are_scopes(inventories: dict[str, Inventory]) -> None:
    items = _roles(inventories["meta-llama__llama-models"])
    for model in ("llama2", "llama3", "llama3_1", "llama4"):
        folder = f"models/{model}"
        assert items[f"{folder}/LICENSE"].scope == folder
        assert items[f"{folder}/USE_POLICY.md"].role is Role.USE_POLICY
        assert items[f"{folder}/MODEL_CARD.md"].scope == folder
    assert items["LICENSE"].scope is None
    # A folder holding only licence texts is no scope: which component they cover is unknown.
    oi = _roles(inventories["allenai__open-instruct"])
    assert oi["assets/model_licenses/llama_license.txt"].role is Role.LICENSE
    assert oi["assets/model_licenses/llama_license.txt"].scope is None
    # Split licensing by file name.
    ds = _roles(inventories["deepseek-ai__DeepSeek-V3"])
    assert ds["LICENSE-MODEL"].role is ds["LICENSE-CODE"].role is Role.LICENSE


def test_largest_release_inventories_fast(corpus_dir: Path, tmp_path: Path) -> None:
    with scratch_dir(tmp_path) as root:
        path = rebuild(corpus_dir / "EleutherAI__pythia", root / "pythia")
        start = time.perf_counter()
        inv = build_inventory(open_snapshot(str(path), SourceOptions()))
        elapsed = time.perf_counter() - start
    assert len(inv.items) > 2000
    assert elapsed < 1.0, elapsed
    assert len(inv.by_role(Role.EVAL_RESULTS)) > 1500  # evals/**.json
