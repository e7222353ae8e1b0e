"""Tensor-by-tensor comparison of safetensors files: exact, within tolerance, diverged, and odd dtypes."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from openness.rebuild.compare import compare_safetensors
from openness.rebuild.recipe import TensorTolerance, Tolerance

EXACT = Tolerance()


def write_raw(path: Path, tensors: list[tuple[str, str, list[int], bytes]], metadata: dict[str, str]) -> None:
    """A safetensors file written by hand, so header key order can be chosen."""
    header: dict[str, object] = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + b"".join(t[3] for t in tensors))


def test_identical_tensors_with_reordered_metadata_are_identical(tmp_path: Path) -> None:
    w = np.arange(6, dtype=np.float32).tobytes()
    write_raw(tmp_path / "a.safetensors", [("w", "F32", [2, 3], w)], {"a": "1", "b": "2"})
    write_raw(tmp_path / "b.safetensors", [("w", "F32", [2, 3], w)], {"b": "2", "a": "1"})
    assert (tmp_path / "a.safetensors").read_bytes() != (tmp_path / "b.safetensors").read_bytes()
    diff = compare_safetensors(tmp_path / "a.safetensors", tmp_path / "b.safetensors", EXACT)
    assert diff.status == "identical" and diff.metadata_equal
    assert diff.detail == "1 tensors bit-identical"


def test_metadata_change_is_a_divergence(tmp_path: Path) -> None:
    w = np.zeros(3, np.float32)
    save_file({"w": w}, str(tmp_path / "a.safetensors"), metadata={"step": "1"})
    save_file({"w": w}, str(tmp_path / "b.safetensors"), metadata={"step": "2"})
    diff = compare_safetensors(tmp_path / "a.safetensors", tmp_path / "b.safetensors", EXACT)
    assert diff.status == "diverged" and "header metadata differs" in diff.detail


def test_small_float_noise_exact_vs_close(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(8, 8)).astype(np.float32)
    noisy = base.copy()
    noisy[0, 0] = np.nextafter(noisy[0, 0], np.float32(np.inf))
    noisy[3, 4] += np.float32(1e-6)
    save_file({"w": base, "b": np.ones(2, np.float32)}, str(tmp_path / "rel.safetensors"))
    save_file({"w": noisy, "b": np.ones(2, np.float32)}, str(tmp_path / "new.safetensors"))

    exact = compare_safetensors(tmp_path / "new.safetensors", tmp_path / "rel.safetensors", EXACT)
    assert exact.status == "diverged"
    (bad,) = exact.differing
    assert bad.name == "w" and bad.mismatched == 2 and bad.elements == 64
    assert 0 < (bad.max_abs_diff or 0) < 2e-6

    close = Tolerance("close", TensorTolerance(atol=1e-5))
    within = compare_safetensors(tmp_path / "new.safetensors", tmp_path / "rel.safetensors", close)
    assert within.status == "within-tolerance"
    assert {t.name: t.status for t in within.tensors} == {"b": "identical", "w": "within-tolerance"}

    strict_w = Tolerance("close", TensorTolerance(atol=1e-5), {"w": TensorTolerance(atol=0.0, rtol=1e-9)})
    per = compare_safetensors(tmp_path / "new.safetensors", tmp_path / "rel.safetensors", strict_w)
    assert per.status == "diverged" and per.differing[0].rtol == 1e-9


def test_missing_unexpected_shape_and_dtype(tmp_path: Path) -> None:
    save_file(
        {"a": np.zeros(4, np.float32), "b": np.zeros(4, np.float32), "c": np.zeros(4, np.float32)},
        str(tmp_path / "rel.safetensors"),
    )
    save_file(
        {"a": np.zeros(4, np.float16), "b": np.zeros((2, 2), np.float32), "d": np.zeros(1, np.float32)},
        str(tmp_path / "new.safetensors"),
    )
    diff = compare_safetensors(tmp_path / "new.safetensors", tmp_path / "rel.safetensors", EXACT)
    by = {t.name: t for t in diff.tensors}
    assert by["a"].status == "diverged" and by["a"].detail == "dtype F16 != released F32"
    assert by["b"].status == "diverged" and by["b"].detail == "shape [2, 2] != released [4]"
    assert by["c"].status == "missing"
    assert by["d"].status == "unexpected"
    assert diff.status == "diverged" and diff.detail == "4 of 4 tensors differ"


def test_nan_positions(tmp_path: Path) -> None:
    a = np.array([1.0, np.nan, 3.0], np.float32)
    b = np.array([1.0, np.nan, np.nan], np.float32)
    save_file({"x": a}, str(tmp_path / "a.safetensors"))
    save_file({"x": a.copy()}, str(tmp_path / "a2.safetensors"))
    save_file({"x": b}, str(tmp_path / "b.safetensors"))
    assert (
        compare_safetensors(tmp_path / "a.safetensors", tmp_path / "a2.safetensors", EXACT).status
        == "identical"
    )
    loose = Tolerance("close", TensorTolerance(atol=1.0, rtol=1.0))
    diff = compare_safetensors(tmp_path / "b.safetensors", tmp_path / "a.safetensors", loose)
    assert diff.status == "diverged" and diff.tensors[0].max_abs_diff == float("inf")


def test_bfloat16_is_compared_from_raw_bytes(tmp_path: Path) -> None:
    def bf16(values: list[float]) -> bytes:
        return (np.array(values, np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes()

    write_raw(tmp_path / "rel.safetensors", [("w", "BF16", [3], bf16([1.0, 2.0, 3.0]))], {})
    write_raw(tmp_path / "same.safetensors", [("w", "BF16", [3], bf16([1.0, 2.0, 3.0]))], {})
    write_raw(tmp_path / "new.safetensors", [("w", "BF16", [3], bf16([1.0, 2.0, 3.5]))], {})
    same = compare_safetensors(tmp_path / "same.safetensors", tmp_path / "rel.safetensors", EXACT)
    assert same.status == "identical" and same.tensors[0].dtype == "BF16"
    diff = compare_safetensors(tmp_path / "new.safetensors", tmp_path / "rel.safetensors", EXACT)
    assert diff.status == "diverged" and diff.tensors[0].max_abs_diff == 0.5


def test_integer_tensors_are_exact_only(tmp_path: Path) -> None:
    save_file({"ids": np.array([1, 2, 3], np.int64)}, str(tmp_path / "a.safetensors"))
    save_file({"ids": np.array([1, 2, 4], np.int64)}, str(tmp_path / "b.safetensors"))
    loose = Tolerance("close", TensorTolerance(atol=10.0))
    diff = compare_safetensors(tmp_path / "b.safetensors", tmp_path / "a.safetensors", loose)
    assert diff.status == "diverged" and diff.tensors[0].mismatched == 1


def test_not_a_safetensors_file(tmp_path: Path) -> None:
    (tmp_path / "bad.safetensors").write_bytes(b"\x00" * 3)
    save_file({"w": np.zeros(1, np.float32)}, str(tmp_path / "ok.safetensors"))
    with pytest.raises(ValueError, match="not a readable safetensors file"):
        compare_safetensors(tmp_path / "bad.safetensors", tmp_path / "ok.safetensors", EXACT)
