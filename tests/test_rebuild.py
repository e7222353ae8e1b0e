"""openness rebuild on the open example: bit-identical rebuilds, segments, divergences with causes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from openness.rebuild import ATTESTATION_NAME, PREDICATE_TYPE, STATEMENT_TYPE, RebuildOptions, rebuild

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "tiny-open-lm"


def host_pins() -> str:
    """The example's requirements pinned to the versions this test venv has: fast tests reuse the
    host's packages, whatever versions a fresh environment resolved."""
    from importlib import metadata

    names = [line.split("==")[0] for line in (EXAMPLE / "requirements.txt").read_text().split()]
    return "".join(f"{n}=={metadata.version(n)}\n" for n in names)


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root with its sha256 and mtime: what 'untouched' means."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root))] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, pinned to the host's packages and with its released outputs as this host's
    packages train them. Bit-identity with the shipped weights holds only for the shipped pins (the
    slow test below builds those from the package index); the fast tests must not depend on the
    host's versions matching them."""
    base = tmp_path_factory.mktemp("example")
    release = base / "release"
    shutil.copytree(EXAMPLE, release, ignore=shutil.ignore_patterns("__pycache__"))
    (release / "requirements.txt").write_text(host_pins())
    set_recipe_hash(release, "requirements.txt", must_exist=False)
    first = rebuild(release, RebuildOptions(workdir=base / "wd", keep_workdir=True))
    assert first.result in ("identical", "diverged"), first.reason
    recipe = release / "openness-rebuild.toml"
    text = recipe.read_text()
    for out in first.outputs:
        assert out.rebuilt_sha256 is not None
        shutil.copyfile(base / "wd" / "build" / out.path, release / out.path)
        text = text.replace(out.expected_sha256, out.rebuilt_sha256)
    recipe.write_text(text)
    shutil.rmtree(base / "wd")
    return release


def copy_example(tmp_path: Path, source: Path = EXAMPLE) -> Path:
    dst = tmp_path / "release"
    shutil.copytree(source, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def set_recipe_hash(release: Path, rel: str, must_exist: bool = True) -> None:
    """Update the recipe's sha256 of one input, as an author who changed it on purpose would."""
    recipe = release / "openness-rebuild.toml"
    text = recipe.read_text()
    new = hashlib.sha256((release / rel).read_bytes()).hexdigest()
    pattern = re.compile(rf'(path = "{re.escape(rel)}"\nsha256 = ")[0-9a-f]{{64}}(")')
    text, n = pattern.subn(rf"\g<1>{new}\g<2>", text)
    assert n == 1 or not must_exist
    recipe.write_text(text)


@pytest.mark.slow
def test_full_rebuild_of_the_example_is_bit_identical_and_touches_nothing(tmp_path: Path) -> None:
    """The README's example on a fresh machine: the shipped pins installed from the package index
    into an isolated venv (network for pip only), the build itself offline; ~15 s."""
    before = tree_state(EXAMPLE)
    workdir = tmp_path / "wd"
    result = rebuild(EXAMPLE, RebuildOptions(workdir=workdir, env_mode="isolated"))

    assert result.result == "identical", result.reason
    assert {o.path for o in result.outputs} == {
        "model.safetensors",
        "checkpoints/step-200.safetensors",
        "checkpoints/step-400.safetensors",
        "vocab.json",
        "eval_results.json",
    }
    model = next(o for o in result.outputs if o.path == "model.safetensors")
    assert model.rebuilt_sha256 == model.expected_sha256 == model.released_sha256
    assert [t.name for t in model.tensors] == sorted(
        ["embed.weight", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    )
    assert all(t.status == "identical" and t.max_abs_diff == 0.0 for t in model.tensors)
    assert all(i.ok for i in result.inputs) and len(result.inputs) == 7

    env = result.environment
    assert env["python"].startswith("3.11")
    assert env["mode"] == "venv (isolated, pinned requirements installed)"
    assert env["packages"] == {"numpy": "2.4.6", "safetensors": "0.8.0", "pyyaml": "6.0.3"}
    assert env["network"] != "allowed" and env["pip_network"] == "package index (pip only)"
    assert env["variables"]["OPENBLAS_NUM_THREADS"] == "1"
    assert env["seeds"] == {"train": 1234}
    assert env["host"]["cpu_count"] >= 1 and env["host"]["machine"]

    # Nothing outside the working directory changed: the release, and tmp_path beside the workdir.
    assert tree_state(EXAMPLE) == before
    assert [p.name for p in tmp_path.iterdir()] == ["wd"]
    assert sorted(p.name for p in workdir.iterdir()) == sorted([ATTESTATION_NAME, "build.log"])

    statement = json.loads(Path(result.attestation or "").read_text())
    assert statement["_type"] == STATEMENT_TYPE and statement["predicateType"] == PREDICATE_TYPE
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    assert subjects["model.safetensors"] == model.released_sha256
    assert statement["predicate"]["result"] == "identical"
    assert statement["predicate"]["recipe"]["content"]["name"] == "tiny-open-lm"


def test_segment_rebuild_replays_step_200_to_400(tmp_path: Path, example: Path) -> None:
    result = rebuild(example, RebuildOptions(steps=200, workdir=tmp_path / "wd"))
    assert result.result == "identical", result.reason
    assert result.mode == "segment"
    assert result.segment == {
        "from_step": 200,
        "to_step": 400,
        "steps": 200,
        "start": "checkpoints/step-200.safetensors",
        "compare_with": "checkpoints/step-400.safetensors",
    }
    (out,) = result.outputs
    assert out.path == "checkpoints/step-400.safetensors"
    assert len(out.tensors) == 15 and all(t.status == "identical" for t in out.tensors)
    statement = json.loads(Path(result.attestation or "").read_text())
    assert [s["name"] for s in statement["subject"]] == ["checkpoints/step-400.safetensors"]


def test_segment_with_no_matching_checkpoints_says_which_steps_exist(tmp_path: Path, example: Path) -> None:
    result = rebuild(example, RebuildOptions(steps=123, workdir=tmp_path / "wd"))
    assert result.result == "failed"
    assert "no pair of released checkpoints 123 steps apart" in result.reason
    assert "released steps: [200, 400]" in result.reason and "possible --steps: [200]" in result.reason


def test_changed_data_file_diverges_naming_the_input(tmp_path: Path, example: Path) -> None:
    release = copy_example(tmp_path, example)
    with (release / "data" / "corpus.txt").open("a") as fh:
        fh.write("One more line that the released weights never saw.\n")
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "diverged"
    assert result.cause["kind"] == "input-changed"
    assert [i["path"] for i in result.cause["inputs"]] == ["data/corpus.txt"]
    assert "input changed: data/corpus.txt" in result.reason
    assert result.outputs == ()  # hashes are checked first: nothing was trained


def test_changed_seed_diverges_naming_the_first_tensors(tmp_path: Path, example: Path) -> None:
    release = copy_example(tmp_path, example)
    cfg = release / "train_config.yaml"
    cfg.write_text(cfg.read_text().replace("seed: 1234", "seed: 4321"))
    set_recipe_hash(release, "train_config.yaml")
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))

    assert result.result == "diverged", result.reason
    assert result.cause["kind"] == "outputs-differ"
    statuses = {o.path: o.status for o in result.outputs}
    assert statuses["vocab.json"] == "identical"  # the data did not change, only the seed
    assert statuses["model.safetensors"] == "diverged"
    model = next(o for o in result.outputs if o.path == "model.safetensors")
    assert all(t.status == "diverged" and (t.max_abs_diff or 0) > 0 for t in model.tensors)
    first = result.cause["first_tensors"]
    assert first and first[0]["name"] == "embed.weight" and first[0]["max_abs_diff"] > 0
    assert "embed.weight" in result.reason


def test_changed_seed_without_updating_the_recipe_is_an_input_change(tmp_path: Path, example: Path) -> None:
    release = copy_example(tmp_path, example)
    cfg = release / "train_config.yaml"
    cfg.write_text(cfg.read_text().replace("seed: 1234", "seed: 4321"))
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "diverged"
    assert [i["path"] for i in result.cause["inputs"]] == ["train_config.yaml"]


def test_tampered_released_weights_diverge_against_the_file_users_download(
    tmp_path: Path, example: Path
) -> None:
    import numpy as np
    from safetensors.numpy import load_file, save_file

    release = copy_example(tmp_path, example)
    weights = release / "model.safetensors"
    from safetensors import safe_open

    with safe_open(str(weights), framework="numpy") as fh:
        meta = fh.metadata()
    tensors = load_file(str(weights))
    tensors["out.bias"] = tensors["out.bias"] + np.float32(0.5)
    save_file(tensors, str(weights), metadata=meta)
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "diverged"
    model = next(o for o in result.outputs if o.path == "model.safetensors")
    bad = [t for t in model.tensors if t.status == "diverged"]
    assert [t.name for t in bad] == ["out.bias"]
    assert bad[0].max_abs_diff == pytest.approx(0.5, abs=1e-6)
    assert "does not match the recipe's sha256" in model.detail


def test_cli_rebuild_json_and_exit_codes(
    tmp_path: Path, example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Failed in every fresh venv while it needed the host to have the example's exact pins."""
    from importlib import metadata

    from openness.cli import main

    code = main(
        ["rebuild", str(example), "--steps", "200", "--format", "json", "--workdir", str(tmp_path / "a")]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["result"] == "identical" and doc["mode"] == "segment"
    assert doc["outputs"][0]["tensors"][0]["status"] == "identical"
    assert doc["environment"]["packages"]["numpy"] == metadata.version("numpy")
    assert Path(doc["attestation"]).is_file()

    release = copy_example(tmp_path, example)
    (release / "data" / "corpus.txt").write_text("changed\n")
    code = main(["rebuild", str(release), "--workdir", str(tmp_path / "b")])
    out = capsys.readouterr().out
    assert code == 1
    assert "diverged" in out and "data/corpus.txt" in out

    code = main(["rebuild", str(tmp_path / "nowhere"), "--workdir", str(tmp_path / "c")])
    captured = capsys.readouterr()
    assert code == 2
    assert "no such file or directory" in captured.err


def test_attestation_path_option_and_keep_workdir(tmp_path: Path, example: Path) -> None:
    target = tmp_path / "out" / "att.intoto.json"
    result = rebuild(
        example,
        RebuildOptions(steps=200, workdir=tmp_path / "wd", attestation=target, keep_workdir=True),
    )
    assert result.attestation == str(target) and target.is_file()
    assert (tmp_path / "wd" / "build" / "openness-segment" / "step-400.safetensors").is_file()
    assert (tmp_path / "wd" / "venv" / "bin" / "python").exists()
    assert os.environ.get("HOME") != str(tmp_path / "wd" / "home")


def test_declared_tolerance_accepts_last_bit_differences(tmp_path: Path, example: Path) -> None:
    """A release rebuilt elsewhere differs in the last bits; a recipe may declare how much is fine."""
    import numpy as np
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    release = copy_example(tmp_path, example)
    weights = release / "model.safetensors"
    with safe_open(str(weights), framework="numpy") as fh:
        meta = fh.metadata()
    tensors = load_file(str(weights))
    tensors["hidden.weight"] = np.nextafter(tensors["hidden.weight"], np.float32(np.inf))
    save_file(tensors, str(weights), metadata=meta)
    recipe = release / "openness-rebuild.toml"
    recipe.write_text(recipe.read_text().replace('mode = "exact"', 'mode = "close"\natol = 1e-6'))

    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "within-tolerance", result.reason
    model = next(o for o in result.outputs if o.path == "model.safetensors")
    hidden = next(t for t in model.tensors if t.name == "hidden.weight")
    assert hidden.status == "within-tolerance" and 0 < (hidden.max_abs_diff or 0) < 1e-6
    assert hidden.atol == 1e-6


def test_segment_from_a_step_without_a_next_checkpoint(tmp_path: Path, example: Path) -> None:
    result = rebuild(example, RebuildOptions(steps=200, from_step=400, workdir=tmp_path / "wd"))
    assert result.result == "failed"
    assert "no pair of released checkpoints 200 steps apart from step 400" in result.reason
