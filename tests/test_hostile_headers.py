"""Hostile weight-file headers (issue 9): every one ends as a Note, quickly, in an audit that exits 0.

Each reported case is built in ``tmp_path``: shapes whose product is astronomically large (a
200,000-dimension list, ``[2**1030]``, 3000-digit dimensions), offsets beyond the int-string
limit, hostile dtype strings, and the same classes for GGUF (dimensions, counts, lengths,
nested arrays, truncation) and the sharded index (weight_map values and shard counts).
"""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import pytest

from openness.cli import main
from openness.inventory import headers
from openness.inventory.classify import build_inventory
from openness.model import FileEntry, HubMetadata, Snapshot, WeightFormat, WeightsInfo

AUDIT_SECONDS = 5.0


# --------------------------------------------------------------------------- builders


def safetensors_bytes(header: object, data: int = 0) -> bytes:
    """A safetensors file: length, JSON header, then ``data`` zero bytes of tensor data."""
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * data


def gguf_string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def gguf_kv_u32(key: str, value: int) -> bytes:
    return gguf_string(key) + struct.pack("<II", 4, value)


def gguf_tensor(name: str, dims: list[int], ttype: int = 0, offset: int = 0) -> bytes:
    return (
        gguf_string(name)
        + struct.pack("<I", len(dims))
        + b"".join(struct.pack("<Q", d) for d in dims)
        + struct.pack("<IQ", ttype, offset)
    )


def gguf_bytes(kvs: list[bytes], tensors: list[bytes], *, n_tensors: int | None = None) -> bytes:
    count = len(tensors) if n_tensors is None else n_tensors
    return b"GGUF" + struct.pack("<IQQ", 3, count, len(kvs)) + b"".join(kvs) + b"".join(tensors)


def _release(tmp_path: Path, name: str, content: bytes) -> Path:
    (tmp_path / "README.md").write_text("# A model\n")
    (tmp_path / name).write_bytes(content)
    return tmp_path


def _audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    """A full JSON audit: exit 0, within the time bound, output parseable and encodable."""
    start = time.perf_counter()
    code = main(["audit", str(tmp_path), "--format", "json"])
    elapsed = time.perf_counter() - start
    out = capsys.readouterr().out
    assert code == 0
    assert elapsed < AUDIT_SECONDS, elapsed
    out.encode("utf-8")  # strict: no lone surrogates reach the output
    return json.loads(out)


def _weights(doc: dict, path: str) -> dict:
    return next(i for i in doc["inventory"]["items"] if i["path"] == path)["weights"]


def _noted(doc: dict, path: str, words: str) -> bool:
    return any(words in n["message"] and (n.get("location") or {}).get("path") == path for n in doc["notes"])


def _assert_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, words: str) -> None:
    doc = _audit(tmp_path, capsys)
    w = _weights(doc, name)
    assert w["error"] and words in w["error"], w
    assert w["parameters"] is None and not w["dtypes"], w
    assert _noted(doc, name, words), doc["notes"]


# --------------------------------------------------------------------------- safetensors


def test_two_hundred_thousand_dimensions_is_malformed_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ~4 MB of header; math.prod over these 16-digit dims ran for minutes.
    shape = [9_999_999_999_999_999] * 200_000
    content = safetensors_bytes({"t": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}, 4)
    assert 3_000_000 < len(content) < headers.SAFETENSORS_INSPECT_LIMIT
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "200000 dimensions")


def test_astronomical_dimension_is_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The count used to reach the frameworks, whose float() of it raised OverflowError.
    content = safetensors_bytes({"t": {"dtype": "F32", "shape": [2**1030], "data_offsets": [0, 4]}}, 4)
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "dimension beyond")


def test_digit_string_dimensions_are_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two 3000-digit dims: a 6000-digit count that "{:,}" could not format (int-string limit).
    big = int("7" * 3000)
    header = f'{{"t": {{"dtype": "F32", "shape": [{big}, {big}], "data_offsets": [0, 4]}}}}'
    content = struct.pack("<Q", len(header)) + header.encode() + b"\0" * 4
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "dimension beyond")


def test_product_beyond_bound_is_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each dim is plausible on its own; their product is not.
    dim = headers.MAX_TENSOR_ELEMENTS // 2
    content = safetensors_bytes({"t": {"dtype": "F32", "shape": [dim, dim], "data_offsets": [0, 4]}}, 4)
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "elements")


def test_running_total_beyond_bound_is_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = headers.MAX_PARAMETERS // headers.MAX_TENSOR_ELEMENTS + 1
    header = {
        f"t{i}": {"dtype": "F32", "shape": [headers.MAX_TENSOR_ELEMENTS], "data_offsets": [0, 4]}
        for i in range(n)
    }
    _release(tmp_path, "model.safetensors", safetensors_bytes(header, 4))
    _assert_malformed(tmp_path, capsys, "model.safetensors", "parameters in all")


def test_offset_beyond_int_string_limit_is_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 4300-digit end offset: "tensors end at byte 8 + n + end" could not be formatted.
    end = int("9" * 4300)
    header = f'{{"t": {{"dtype": "F32", "shape": [1], "data_offsets": [0, {end}]}}}}'
    content = struct.pack("<Q", len(header)) + header.encode() + b"\0" * 4
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "data_offsets")


@pytest.mark.parametrize("dtype", ["\ud800", "F32\x1b[2J", "X" * 1000])
def test_hostile_dtype_is_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str], dtype: str) -> None:
    # A lone surrogate in a dtype used to reach the JSON output and fail writing it.
    content = safetensors_bytes({"t": {"dtype": dtype, "shape": [1], "data_offsets": [0, 4]}}, 4)
    _release(tmp_path, "model.safetensors", content)
    _assert_malformed(tmp_path, capsys, "model.safetensors", "dtype")


def test_many_distinct_dtypes_are_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = {
        f"t{i}": {"dtype": f"D{i}", "shape": [1], "data_offsets": [0, 4]}
        for i in range(headers.MAX_DTYPES + 1)
    }
    _release(tmp_path, "model.safetensors", safetensors_bytes(header, 4))
    _assert_malformed(tmp_path, capsys, "model.safetensors", "dtypes")


@pytest.mark.parametrize(
    "shape",
    [[-1], [True, 2], [1.5], ["3"], None, [1] * (headers.MAX_TENSOR_DIMS + 1)],
    ids=["negative", "bool", "float", "string", "missing", "too-many-dims"],
)
def test_implausible_shapes_are_malformed(shape: object) -> None:
    # Negative numbers and bools were already refused; the bound now covers every consumer.
    info = headers.safetensors_from_bytes(
        safetensors_bytes({"t": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}, 4)
    )
    assert info.error and "malformed" in info.error and info.parameters is None


def test_plausible_shapes_still_count() -> None:
    header = {
        "a": {"dtype": "BF16", "shape": [headers.MAX_TENSOR_ELEMENTS], "data_offsets": [0, 2]},
        "b": {"dtype": "F32", "shape": [0, headers.MAX_TENSOR_ELEMENTS], "data_offsets": [2, 2]},
        "c": {"dtype": "F8_E4M3", "shape": [], "data_offsets": [2, 3]},
        "__metadata__": {"format": "pt", "nested": {"deep": [1, 2]}, "ctl": "a\x1bb"},
    }
    info = headers.safetensors_from_bytes(safetensors_bytes(header, 3))
    assert info.error is None
    assert info.parameters == headers.MAX_TENSOR_ELEMENTS + 1
    assert dict(info.dtypes) == {"BF16": headers.MAX_TENSOR_ELEMENTS, "F32": 0, "F8_E4M3": 1}
    assert info.metadata["format"] == "pt"
    assert info.metadata["nested"] == "[object of 1]"
    assert "\x1b" not in info.metadata["ctl"]


def test_deep_metadata_is_summarised_not_printed() -> None:
    deep: object = "x"
    for _ in range(500):
        deep = [deep]
    info = headers.safetensors_from_bytes(safetensors_bytes({"__metadata__": {"k": deep}}))
    assert info.error is None and info.metadata == {"k": "[list of 1]"}


def test_numpy_header_shape_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dims = ", ".join([str(int("9" * 4000))] * 12)
    header = ("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + ",), }").encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    content = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header
    _release(tmp_path, "weights.npy", content)
    _assert_malformed(tmp_path, capsys, "weights.npy", "dimension beyond")


def test_numpy_unhashable_literal_is_malformed() -> None:
    header = b"{[1]: 2}" + b" " * 55 + b"\n"
    info = headers.numpy_from_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
    assert info.error and "malformed" in info.error


# --------------------------------------------------------------------------- hub summaries


def test_hub_summary_with_implausible_counts_is_a_note() -> None:
    summary = {"parameters": 2**1030, "dtypes": {"F32": 2**1030}, "tensor_count": 1, "metadata": {}}
    snapshot = Snapshot(
        target="hf:x/y",
        kind="hf",
        files=(FileEntry("model.safetensors", 10, origin="hf:x/y", readable=False),),
        hub=HubMetadata(repo_id="x/y", extra={"safetensors": {"model.safetensors": summary}}),
    )
    inv = build_inventory(snapshot)
    info = inv.items[0].weights
    assert info is not None and info.parameters is None and info.error
    assert any("implausible" in n.message for n in inv.notes)


# --------------------------------------------------------------------------- GGUF


def test_gguf_astronomical_dims_are_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Four u64-max dims made a 77-digit parameter count that every consumer trusted.
    content = gguf_bytes([], [gguf_tensor("t", [2**64 - 1] * 4)])
    _release(tmp_path, "model.gguf", content)
    _assert_malformed(tmp_path, capsys, "model.gguf", "dimension beyond")


def test_gguf_running_total_is_bounded() -> None:
    n = headers.MAX_PARAMETERS // headers.MAX_TENSOR_ELEMENTS + 1
    tensors = [gguf_tensor(f"t{i}", [headers.MAX_TENSOR_ELEMENTS]) for i in range(n)]
    info = headers.gguf_from_bytes(gguf_bytes([], tensors))
    assert info.error and "parameters in all" in info.error and info.parameters is None


def test_gguf_too_many_dims_is_malformed() -> None:
    info = headers.gguf_from_bytes(gguf_bytes([], [gguf_tensor("t", [1] * (headers.GGUF_MAX_DIMS + 1))]))
    assert info.error and "dimensions" in info.error


def test_gguf_many_distinct_types_are_malformed() -> None:
    tensors = [gguf_tensor(f"t{i}", [1], ttype=1000 + i) for i in range(headers.MAX_DTYPES + 1)]
    info = headers.gguf_from_bytes(gguf_bytes([], tensors))
    assert info.error and "dtypes" in info.error


def test_gguf_huge_scalar_array_is_malformed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2**62 u32 elements: the reader used to retry ever larger reads and report nothing at all.
    kv = gguf_string("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 4, 2**62)
    _release(tmp_path, "model.gguf", gguf_bytes([kv], []))
    _assert_malformed(tmp_path, capsys, "model.gguf", "header limit")


def test_gguf_huge_string_array_is_malformed() -> None:
    kv = gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**60)
    info = headers.gguf_from_bytes(gguf_bytes([kv], []))
    assert info.error and "header limit" in info.error


def test_gguf_truncated_header_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Tensor infos cut short: the old reader returned no parameters and no error.
    content = gguf_bytes([gguf_kv_u32("a", 1)], [gguf_tensor("t", [4, 4])])[:-6]
    _release(tmp_path, "model.gguf", content)
    _assert_malformed(tmp_path, capsys, "model.gguf", "truncated")


def test_gguf_nested_arrays_are_skipped_within_bounds() -> None:
    inner = struct.pack("<IQ", 0, 3) + b"abc"  # array of 3 u8
    kv = gguf_string("nested") + struct.pack("<IIQ", 9, 9, 2) + inner + inner
    info = headers.gguf_from_bytes(gguf_bytes([kv], [gguf_tensor("t", [2, 3])]))
    assert info.error is None and info.parameters == 6
    assert info.metadata["nested"] == "[array of 2]"


def test_gguf_deep_nesting_is_malformed_quickly() -> None:
    depth = 100_000
    nested = struct.pack("<IQ", 9, 1) * depth + struct.pack("<IQ", 0, 0)
    kv = gguf_string("deep") + struct.pack("<I", 9) + nested
    start = time.perf_counter()
    info = headers.gguf_from_bytes(gguf_bytes([kv], []))
    assert time.perf_counter() - start < 1
    assert info.error and "nested" in info.error


def test_gguf_control_characters_are_not_kept() -> None:
    kv = gguf_string("general.name\x1b[2J") + struct.pack("<I", 8) + gguf_string("evil\x07\x9b")
    info = headers.gguf_from_bytes(gguf_bytes([kv], [gguf_tensor("t\x00", [1])]))
    assert info.error is None
    text = "".join([*info.metadata, *info.metadata.values(), *info.tensor_names])
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


@pytest.mark.parametrize(
    "content",
    [
        gguf_bytes([], [], n_tensors=headers.GGUF_MAX_TENSORS + 1),
        b"GGUF" + struct.pack("<IQQ", 3, 0, headers.GGUF_MAX_KV + 1),
        gguf_bytes([gguf_string("k") + struct.pack("<I", 8) + struct.pack("<Q", 2**63)], []),
        gguf_bytes([gguf_string("k") + struct.pack("<I", 77)], []),
        b"GGUF" + struct.pack("<I", 1) + struct.pack("<II", 0, 1) + struct.pack("<I", 2**31),  # v1 widths
    ],
    ids=["tensors", "kvs", "string", "vtype", "v1-key"],
)
def test_gguf_implausible_counts_are_malformed(content: bytes) -> None:
    start = time.perf_counter()
    info = headers.gguf_from_bytes(content)
    assert time.perf_counter() - start < 1
    assert info.error and info.parameters is None


def test_gguf_many_empty_strings_finish_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The worst case per byte for the reader: 23 MB of empty vocabulary strings, then the
    # promised tensor info is missing.
    n = (23 << 20) // 8
    kv = gguf_string("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, n) + b"\0" * (8 * n)
    _release(tmp_path, "model.gguf", gguf_bytes([kv], [], n_tensors=1))
    doc = _audit(tmp_path, capsys)
    assert "truncated" in _weights(doc, "model.gguf")["error"]


def test_gguf_many_tensor_infos_finish_quickly() -> None:
    tensors = gguf_tensor("", [1, 2, 3, 4]) * headers.GGUF_MAX_TENSORS
    start = time.perf_counter()
    info = headers.gguf_from_bytes(b"GGUF" + struct.pack("<IQQ", 3, headers.GGUF_MAX_TENSORS, 0) + tensors)
    assert time.perf_counter() - start < 2
    assert info.error is None and info.parameters == 24 * headers.GGUF_MAX_TENSORS


def test_gguf_counts_the_bytes_cannot_hold_are_refused_at_once() -> None:
    content = b"GGUF" + struct.pack("<IQQ", 3, headers.GGUF_MAX_TENSORS, headers.GGUF_MAX_KV)
    info = headers.gguf_from_bytes(content + b"\0" * 64)
    assert info.error and "truncated" in info.error


def test_gguf_many_nested_arrays_are_malformed() -> None:
    n = headers.GGUF_MAX_NESTED + 1
    kv = gguf_string("n") + struct.pack("<IIQ", 9, 9, n) + struct.pack("<IQ", 0, 0) * n
    info = headers.gguf_from_bytes(gguf_bytes([kv], []))
    assert info.error and "nested arrays" in info.error


# --------------------------------------------------------------------------- sharded index


def test_index_with_non_string_shards_is_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    index = {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": deep}}
    _release(tmp_path, "model.safetensors.index.json", json.dumps(index).encode())
    doc = _audit(tmp_path, capsys)
    w = _weights(doc, "model.safetensors.index.json")
    assert w["error"] and "weight_map" in w["error"]


def test_index_with_too_many_shards_is_malformed() -> None:
    index = {"weight_map": {f"t{i}": f"shard-{i}.safetensors" for i in range(headers.INDEX_MAX_SHARDS + 1)}}
    info, shards = headers.index_from_bytes(json.dumps(index).encode())
    assert info.error and "shard" in info.error and shards == ()


def test_index_tensor_names_are_clean() -> None:
    index = {"weight_map": {"a\x1b[31m\ud800": "s.safetensors"}, "metadata": {"k\x07": [[1]]}}
    info, shards = headers.index_from_bytes(json.dumps(index).encode())
    assert info.error is None and shards == ("s.safetensors",)
    assert info.tensor_names == ("a\ufffd[31m\ufffd",)
    assert info.metadata == {"k\ufffd": "[list of 1]"}


# --------------------------------------------------------------------------- entry points


def test_bytes_entry_points_return_weights_info() -> None:
    for fn in (headers.safetensors_from_bytes, headers.gguf_from_bytes, headers.numpy_from_bytes):
        assert isinstance(fn(b""), WeightsInfo)
    assert headers.gguf_from_bytes(gguf_bytes([], [gguf_tensor("t", [2])])).parameters == 2
    info, _ = headers.index_from_bytes(b"{}")
    assert info.format is WeightFormat.SAFETENSORS and info.error
