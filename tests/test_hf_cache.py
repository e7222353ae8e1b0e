"""The hub cache reader uses the package's one bounded parser for cards and weight headers."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from openness.sources.hf_cache import parse_front_matter, safetensors_summary

BOMB = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
) + "---\n# card\n"


def test_cached_card_front_matter_is_read() -> None:
    assert parse_front_matter("---\nlicense: apache-2.0\ndatasets: [a/b]\n---\n# x\n") == {
        "license": "apache-2.0",
        "datasets": ["a/b"],
    }


def test_yaml_bomb_in_a_cached_card_is_refused() -> None:
    assert parse_front_matter(BOMB) == {}


def _safetensors(path: Path, header: dict[str, object], payload: int) -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * payload)
    return path


def test_safetensors_summary_counts_parameters(tmp_path: Path) -> None:
    header = {
        "w": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48]},
        "b": {"dtype": "F16", "shape": [3], "data_offsets": [48, 54]},
        "__metadata__": {"format": "pt"},
    }
    summary = safetensors_summary(_safetensors(tmp_path / "m.safetensors", header, 54))
    assert summary["parameters"] == 15
    assert summary["dtypes"] == {"F32": 12, "F16": 3}
    assert summary["metadata"] == {"format": "pt"}


def test_malformed_safetensors_header_raises_value_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    with pytest.raises(ValueError, match="exceeds"):
        safetensors_summary(bad)
