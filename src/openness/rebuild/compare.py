"""Compare a rebuilt weight file with the released one, tensor by tensor.

Safetensors files are read with the ``safetensors`` library's NumPy API (never a pickle). Dtypes NumPy
cannot represent (bfloat16, float8) are read as raw bytes from the offsets in the file header; bfloat16
is widened to float32 for tolerance checks. Two files whose tensors and metadata are equal count as
identical even when their bytes differ (safetensors writes ``__metadata__`` keys in hash-map order).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from openness.rebuild.recipe import TensorTolerance, Tolerance

IDENTICAL = "identical"
WITHIN = "within-tolerance"
DIVERGED = "diverged"
_MAX_HEADER = 100 * 1024 * 1024  # the format's own limit
_EXACT_ONLY = {"F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2"}


@dataclass(frozen=True)
class TensorDiff:
    name: str
    status: str  # identical | within-tolerance | diverged | missing | unexpected
    dtype: str | None = None
    shape: tuple[int, ...] | None = None
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    mismatched: int | None = None  # elements outside the tolerance (or differing, when exact)
    elements: int | None = None
    atol: float | None = None
    rtol: float | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "status": self.status}
        for key in ("dtype", "max_abs_diff", "max_rel_diff", "mismatched", "elements", "atol", "rtol"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.shape is not None:
            d["shape"] = list(self.shape)
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass(frozen=True)
class FileDiff:
    status: str  # identical | within-tolerance | diverged
    tensors: tuple[TensorDiff, ...]
    metadata_equal: bool
    detail: str

    @property
    def differing(self) -> tuple[TensorDiff, ...]:
        return tuple(t for t in self.tensors if t.status not in (IDENTICAL, WITHIN))


class _Reader:
    """Tensors of one safetensors file: NumPy arrays, or raw bytes for dtypes NumPy lacks."""

    def __init__(self, path: Path) -> None:
        from safetensors import safe_open

        self.path = path
        self._handle = safe_open(str(path), framework="numpy")
        self._header: dict[str, Any] | None = None

    def __enter__(self) -> _Reader:
        self._file = self._handle.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.__exit__(*exc)

    def keys(self) -> list[str]:
        return list(self._file.keys())

    def metadata(self) -> dict[str, str]:
        return dict(self._file.metadata() or {})

    def info(self, name: str) -> tuple[str, tuple[int, ...]]:
        s = self._file.get_slice(name)
        return str(s.get_dtype()), tuple(int(x) for x in s.get_shape())

    def array(self, name: str) -> np.ndarray:
        dtype, shape = self.info(name)
        if dtype in _EXACT_ONLY or dtype == "BF16":
            raw = self._raw(name)
            if dtype == "BF16":
                return (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(shape)
            return raw.reshape(shape) if raw.size == int(np.prod(shape)) else raw
        return np.asarray(self._file.get_tensor(name))

    def _raw(self, name: str) -> np.ndarray:
        # The library's NumPy API refuses these dtypes; read the bytes at the header's offsets.
        with self.path.open("rb") as fh:
            (hlen,) = struct.unpack("<Q", fh.read(8))
            if self._header is None:
                if hlen > _MAX_HEADER:
                    raise ValueError(f"header of {hlen} bytes")
                self._header = json.loads(fh.read(hlen))
            start, end = self._header[name]["data_offsets"]
            fh.seek(8 + hlen + start)
            return np.frombuffer(fh.read(end - start), dtype=np.uint8)


def _bytes_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes())


def compare_tensor(
    name: str, a: np.ndarray, b: np.ndarray, dtype: str, tol: TensorTolerance | None
) -> TensorDiff:
    """``a`` rebuilt, ``b`` released."""
    shape = tuple(int(x) for x in b.shape)
    if a.shape != b.shape:
        return TensorDiff(
            name, DIVERGED, dtype, shape, detail=f"shape {list(a.shape)} != released {list(shape)}"
        )
    elements = int(b.size)
    if _bytes_equal(a, b):
        return TensorDiff(name, IDENTICAL, dtype, shape, 0.0, 0.0, 0, elements)
    if not np.issubdtype(b.dtype, np.floating) or dtype in _EXACT_ONLY:
        mismatched = int(np.count_nonzero(a != b))
        return TensorDiff(
            name,
            DIVERGED,
            dtype,
            shape,
            mismatched=mismatched,
            elements=elements,
            detail="non-float tensor differs",
        )
    x = a.astype(np.float64)
    y = b.astype(np.float64)
    both_nan = np.isnan(x) & np.isnan(y)
    diff = np.where(both_nan, 0.0, np.abs(x - y))
    diff = np.where(np.isnan(diff), np.inf, diff)  # NaN on one side only: infinitely far
    rel = diff / np.maximum(np.abs(y), np.finfo(np.float64).tiny)
    max_abs = float(diff.max()) if elements else 0.0
    max_rel = float(rel.max()) if elements else 0.0
    if tol is None:
        bits = f"u{a.dtype.itemsize}"
        mismatched = int(np.count_nonzero(a.view(bits) != b.view(bits)))
        return TensorDiff(
            name,
            DIVERGED,
            dtype,
            shape,
            max_abs,
            max_rel,
            mismatched,
            elements,
            0.0,
            0.0,
            "bit-identical required",
        )
    bad = diff > tol.atol + tol.rtol * np.abs(y)
    mismatched = int(np.count_nonzero(bad))
    status = WITHIN if mismatched == 0 else DIVERGED
    return TensorDiff(name, status, dtype, shape, max_abs, max_rel, mismatched, elements, tol.atol, tol.rtol)


def compare_safetensors(rebuilt: Path, released: Path, tolerance: Tolerance) -> FileDiff:
    """Compare every tensor of two safetensors files (raises ``ValueError`` if either is unreadable)."""
    try:
        with _Reader(rebuilt) as ra, _Reader(released) as rb:
            diffs = list(_diff_all(ra, rb, tolerance))
            ma, mb = ra.metadata(), rb.metadata()
            changed_keys = sorted(k for k in set(ma) | set(mb) if ma.get(k) != mb.get(k))
    except ValueError:
        raise
    except Exception as exc:  # the library raises its own SafetensorError and OSError
        raise ValueError(f"not a readable safetensors file: {exc}") from None
    statuses = {d.status for d in diffs}
    bad = [d for d in diffs if d.status not in (IDENTICAL, WITHIN)]
    if bad:
        status = DIVERGED
        detail = f"{len(bad)} of {len(diffs)} tensors differ"
    elif WITHIN in statuses:
        status = WITHIN
        detail = f"{len(diffs)} tensors within tolerance"
    else:
        status = IDENTICAL
        detail = f"{len(diffs)} tensors bit-identical"
    metadata_equal = not changed_keys
    if changed_keys:
        detail += f"; header metadata differs ({', '.join(changed_keys[:5])})"
        if status != DIVERGED:
            status = DIVERGED
    return FileDiff(status, tuple(diffs), metadata_equal, detail)


def _diff_all(ra: _Reader, rb: _Reader, tolerance: Tolerance) -> Iterator[TensorDiff]:
    names_a, names_b = set(ra.keys()), set(rb.keys())
    for name in sorted(names_a | names_b):
        if name not in names_a:
            dtype, shape = rb.info(name)
            yield TensorDiff(name, "missing", dtype, shape, detail="in the released file, not rebuilt")
            continue
        if name not in names_b:
            dtype, shape = ra.info(name)
            yield TensorDiff(name, "unexpected", dtype, shape, detail="rebuilt, not in the released file")
            continue
        dtype_a, _ = ra.info(name)
        dtype_b, shape_b = rb.info(name)
        if dtype_a != dtype_b:
            yield TensorDiff(
                name, DIVERGED, dtype_b, shape_b, detail=f"dtype {dtype_a} != released {dtype_b}"
            )
            continue
        yield compare_tensor(name, ra.array(name), rb.array(name), dtype_b, tolerance.for_tensor(name))
