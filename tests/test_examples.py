"""The example releases: complete, small, consistent with their recipe, and their code runs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import safetensors
import yaml
from safetensors import safe_open

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OPEN = EXAMPLES / "tiny-open-lm"
WASHED = EXAMPLES / "openwashed-lm"


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    data = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_examples_are_small() -> None:
    total = sum(p.stat().st_size for p in EXAMPLES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 2 * 1024 * 1024


def test_open_example_has_every_component() -> None:
    expected = {
        "LICENSE",
        "README.md",
        "DATA_CARD.md",
        "TECHNICAL_REPORT.md",
        "data/corpus.txt",
        "data/LICENSE",
        "model.py",
        "train.py",
        "preprocess.py",
        "generate.py",
        "evaluate.py",
        "requirements.txt",
        "config.json",
        "train_config.yaml",
        "model.safetensors",
        "checkpoints/step-200.safetensors",
        "checkpoints/step-400.safetensors",
        "eval_results.json",
        "vocab.json",
        "openness-rebuild.toml",
        "rebuild-attestation.json",
    }
    assert expected <= files(OPEN)
    assert (
        "Apache License" in (OPEN / "LICENSE").read_text() and "Version 2.0" in (OPEN / "LICENSE").read_text()
    )
    assert "CC0 1.0 Universal" in (OPEN / "data" / "LICENSE").read_text()


def test_open_example_card() -> None:
    card = front_matter(OPEN / "README.md")
    assert card["license"] == "apache-2.0"
    assert card["datasets"] and card["language"] == ["en"] and "fully-open" in card["tags"]  # type: ignore[operator]
    text = (OPEN / "README.md").read_text()
    for section in (
        "## Model details",
        "## Training data",
        "## Training procedure",
        "## Evaluation",
        "## Limitations",
    ):
        assert section in text
    data_card = (OPEN / "DATA_CARD.md").read_text()
    for section in ("Provenance", "Processing", "Labelling", "Filtering"):
        assert f"## {section}" in data_card or f"## {section} " in data_card


def test_requirements_are_pinned() -> None:
    pins = dict(line.split("==") for line in (OPEN / "requirements.txt").read_text().split())
    assert set(pins) == {"numpy", "safetensors", "PyYAML"}
    assert all(v and v[0].isdigit() for v in pins.values())


def host_has_the_pins() -> bool:
    pins = dict(line.split("==") for line in (OPEN / "requirements.txt").read_text().split())
    return pins == {
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
        "PyYAML": yaml.__version__,
    }


def test_recipe_hashes_match_the_released_files() -> None:
    """Staleness check: edit an input or retrain without updating the recipe and this fails."""
    recipe = tomllib.loads((OPEN / "openness-rebuild.toml").read_text())
    entries = recipe["inputs"] + recipe["outputs"] + recipe["segment"]["checkpoints"]
    for entry in entries:
        actual = hashlib.sha256((OPEN / entry["path"]).read_bytes()).hexdigest()
        assert actual == entry["sha256"], entry["path"]
    attestation = json.loads((OPEN / "rebuild-attestation.json").read_text())
    assert (
        attestation["predicate"]["recipe"]["sha256"]
        == hashlib.sha256((OPEN / "openness-rebuild.toml").read_bytes()).hexdigest()
    )


def test_weights_match_config_and_metadata() -> None:
    config = json.loads((OPEN / "config.json").read_text())
    with safe_open(str(OPEN / "model.safetensors"), framework="numpy") as fh:
        meta = json.loads((fh.metadata() or {})["tiny-open-lm"])
        shapes = {k: fh.get_slice(k).get_shape() for k in fh.keys()}  # noqa: SIM118
    assert meta["step"] == 600 and meta["seed"] == 1234
    assert len(meta["vocab"]) == config["vocab_size"]
    assert shapes["embed.weight"] == [config["vocab_size"], config["embed_dim"]]
    assert shapes["hidden.weight"] == [config["context"] * config["embed_dim"], config["hidden_dim"]]
    assert sum(int(np.prod(s)) for s in shapes.values()) == 16766


def test_generate_and_evaluate_run(tmp_path: Path) -> None:
    work = tmp_path / "tiny"
    shutil.copytree(OPEN, work, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    gen = subprocess.run(
        [sys.executable, "generate.py", "--json", "--length", "40"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = json.loads(gen.stdout)
    assert out["text"].startswith("the keeper ") and len(out["text"]) == len("the keeper ") + 40
    subprocess.run(
        [sys.executable, "evaluate.py", "--out", "again.json"],
        cwd=work,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    results = json.loads((work / "again.json").read_text())["results"]
    released = json.loads((OPEN / "eval_results.json").read_text())["results"]
    if host_has_the_pins():  # same libraries: the very same bytes
        assert (work / "again.json").read_bytes() == (OPEN / "eval_results.json").read_bytes()
    assert results["validation"]["perplexity"] == pytest.approx(
        released["validation"]["perplexity"], rel=1e-3
    )
    assert results["validation"]["perplexity"] < results["unigram_baseline_validation"]["perplexity"]


def test_openwashed_example_says_open_source_but_restricts() -> None:
    card = front_matter(WASHED / "README.md")
    assert card["license"] == "other" and card["license_name"] == "acme-community-license"
    assert "fully open source" in (WASHED / "README.md").read_text()
    terms = (WASHED / "LICENSE").read_text()
    for clause in (
        "700\nmillion monthly active users",
        "Acceptable Use Policy",
        "train, fine-tune",
        "Republic of Freedonia",
        '"Built with Acme"',
    ):
        assert clause in terms, clause
    assert (WASHED / "USE_POLICY.md").is_file()
    # Inference only: no training code, no data, no data information.
    assert files(WASHED) == {
        "LICENSE",
        "README.md",
        "USE_POLICY.md",
        "config.json",
        "inference.py",
        "model.safetensors",
    }


@pytest.mark.parametrize("example", [OPEN, WASHED])
def test_examples_weights_are_safetensors_not_pickles(example: Path) -> None:
    for path in example.rglob("*"):
        assert path.suffix not in (".bin", ".pt", ".pth", ".pkl", ".ckpt")
    with safe_open(str(example / "model.safetensors"), framework="numpy") as fh:
        assert list(fh.keys())
