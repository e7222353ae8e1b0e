"""Weight-file headers: format by magic, parameter counts and dtypes without loading tensors.

Why by hand: each header is a few bytes of framing around JSON (safetensors) or a flat
binary key/value list (GGUF). The ``safetensors`` and ``gguf`` packages would pull numpy (and
memory-map the whole file) into the audit's start-up path and offer nothing the specs do not
say in a page; here every read is bounded and nothing beyond the header is touched.
Pickle-based formats are recognised by magic bytes and flagged; they are never unpickled.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openness import lazy_re
from openness.model import WeightFormat, WeightsInfo

# safetensors' own reader refuses headers above 100 MB; we refuse them as malformed.
SAFETENSORS_MAX_HEADER = 100_000_000
# Headers we are willing to parse: real ones are tens of KB per shard; a few MB for one-file
# models with 100k tensors. Above this a header is left uninspected (bounded memory).
SAFETENSORS_INSPECT_LIMIT = 8 * 1024 * 1024
# GGUF headers hold the whole vocabulary; 150k-token vocabularies take 3-5 MB.
GGUF_READ_STEPS = (1 << 20, 8 << 20, 24 << 20)
# Real GGUF files hold a few hundred to ~1,200 tensors and ~40 keys. The bounds also bound the
# time one header can cost: each tensor info is a few Python operations.
GGUF_MAX_TENSORS = 100_000
GGUF_MAX_KV = 100_000
GGUF_MAX_NESTED = 65_536  # arrays inside arrays, in all: each is a Python-level step
GGUF_MAX_DIMS = 8  # ggml's GGML_MAX_DIMS is 4; twice that leaves room for the format to grow
GGUF_MAX_NESTING = 8  # arrays of arrays: the spec allows them, real files hardly nest at all
INDEX_READ_LIMIT = 16 * 1024 * 1024
INDEX_MAX_SHARDS = 10_000  # the largest real releases have a few hundred shards
INDEX_MAX_SHARD_NAME = 1024  # a file name, not a document
MAX_TENSOR_NAMES = 16
MAX_METADATA = 64
MAX_METADATA_VALUE = 200
MAX_NAME = 200  # tensor names and metadata keys kept in a WeightsInfo

# Plausibility bounds on shapes. A header is a few bytes of hostile input that turns into numbers
# every later stage multiplies, sums, formats with "{:,}" and converts to float: unbounded, a
# 200,000-dimension shape takes minutes to multiply, [2**1030] overflows float() and 3000-digit
# dimensions exceed Python's int-string limit. A shape beyond these bounds makes the header
# malformed (WeightsInfo.error -> a Note), so no consumer ever sees an unbounded number.
MAX_TENSOR_DIMS = 64  # NumPy's NPY_MAXDIMS (2.x); PyTorch and ggml stay far below it
MAX_TENSOR_ELEMENTS = 2**48  # one dimension and one tensor (~2.8e14; the largest real ~1e10)
MAX_PARAMETERS = 2**53  # one file's running total (~9e15, exact as a float): sums stay finite
MAX_DTYPES = 64  # distinct dtypes in one file (real files have one to four)
MAX_OFFSET = 2**64  # safetensors data_offsets are u64 in the reference implementation
_DTYPE_NAME = lazy_re.compile(r"[A-Za-z0-9_]{1,32}")  # BF16, F8_E4M3, ...: nothing to escape, short
# Characters that must not reach a report from a header: C0/C1 controls and lone surrogates
# (json.loads yields those for "\ud800"; they cannot be encoded to UTF-8 on output).
_UNPRINTABLE = lazy_re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

ReadFn = Callable[[int], bytes]  # read the first N bytes of the file

# GGML-era magics (uint32 little-endian on disk): 'ggml', 'ggmf', 'ggjt', 'ggla', 'ggsn'.
_GGML_MAGICS = (b"lmgg", b"fmgg", b"tjgg", b"algg", b"nsgg")
_ZIP = b"PK\x03\x04"
_HDF5 = b"\x89HDF\r\n\x1a\n"
_NUMPY = b"\x93NUMPY"


def sniff(head: bytes) -> WeightFormat | None:
    """The format a file's first bytes announce, or None when they say nothing."""
    if head.startswith(b"GGUF"):
        return WeightFormat.GGUF
    if head[:4] in _GGML_MAGICS:
        return WeightFormat.GGML
    if head.startswith(_ZIP):
        return WeightFormat.PYTORCH_PICKLE  # torch.save's zip container holds data.pkl
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return WeightFormat.PICKLE
    if head.startswith(_HDF5):
        return WeightFormat.KERAS_H5
    if head.startswith(_NUMPY):
        return WeightFormat.NUMPY
    if head[4:8] == b"TFL3":
        return WeightFormat.TFLITE
    if len(head) >= 8:
        n = int.from_bytes(head[:8], "little")
        if 2 <= n <= SAFETENSORS_MAX_HEADER and head[8:10] in (b'{"', b"{ ", b"{\n"):
            return WeightFormat.SAFETENSORS
    return None


def unsafe_pickle(fmt: WeightFormat) -> WeightsInfo:
    return WeightsInfo(format=fmt, unsafe=True)


class HeaderError(ValueError):
    """A header that breaks the format or a plausibility bound; becomes WeightsInfo.error."""


def tensor_elements(shape: Any, max_dims: int = MAX_TENSOR_DIMS) -> int:
    """Elements of a tensor of ``shape``; HeaderError when the shape is implausible.

    Every dimension and every partial product is checked before the next multiplication, so
    the numbers handled never exceed MAX_TENSOR_ELEMENTS squared whatever the input holds.
    """
    if not isinstance(shape, list | tuple):
        raise HeaderError("shape is not a list")
    if len(shape) > max_dims:
        raise HeaderError(f"{len(shape)} dimensions (limit {max_dims})")
    count = 1
    for dim in shape:
        if not isinstance(dim, int) or isinstance(dim, bool) or dim < 0:
            raise HeaderError("a dimension is not a non-negative integer")
        if dim > MAX_TENSOR_ELEMENTS:  # never printed: it may be beyond the int-string limit
            raise HeaderError(f"dimension beyond {MAX_TENSOR_ELEMENTS:,}")
        count *= dim
        if count > MAX_TENSOR_ELEMENTS:
            raise HeaderError(f"more than {MAX_TENSOR_ELEMENTS:,} elements in one tensor")
    return count


class _Tally:
    """Parameters per dtype and in all, within MAX_PARAMETERS and MAX_DTYPES."""

    def __init__(self) -> None:
        self.total = 0
        self.dtypes: dict[str, int] = {}

    def add(self, dtype: str, count: int) -> None:
        self.total += count
        if self.total > MAX_PARAMETERS:
            raise HeaderError(f"more than {MAX_PARAMETERS:,} parameters in all")
        if dtype not in self.dtypes and len(self.dtypes) >= MAX_DTYPES:
            raise HeaderError(f"more than {MAX_DTYPES} distinct dtypes")
        self.dtypes[dtype] = self.dtypes.get(dtype, 0) + count


def reader_of(data: bytes) -> ReadFn:
    """A ReadFn over bytes in memory: what the readers below need besides a file."""
    return lambda n: data[:n]


def safetensors_from_bytes(data: bytes) -> WeightsInfo:
    """safetensors_info over a whole file held in memory (tests, fuzzing)."""
    return safetensors_info(reader_of(data), len(data))


def gguf_from_bytes(data: bytes) -> WeightsInfo:
    """gguf_info over a whole file held in memory (tests, fuzzing)."""
    return gguf_info(reader_of(data))


def numpy_from_bytes(data: bytes) -> WeightsInfo:
    """numpy_info over a whole .npy file held in memory (tests, fuzzing)."""
    return numpy_info(reader_of(data))


def index_from_bytes(
    data: bytes, fmt: WeightFormat = WeightFormat.SAFETENSORS
) -> tuple[WeightsInfo, tuple[str, ...]]:
    """index_info over a whole index file held in memory (tests, fuzzing)."""
    return index_info(reader_of(data), fmt)


# --------------------------------------------------------------------------- safetensors


def safetensors_info(read: ReadFn, size: int) -> WeightsInfo:
    """Parse a safetensors header: 8-byte little-endian length, then that many bytes of JSON."""
    fmt = WeightFormat.SAFETENSORS
    head = read(8)
    if len(head) < 8:
        return WeightsInfo(fmt, error="malformed safetensors: shorter than its 8-byte header length")
    n = int.from_bytes(head, "little")
    if n == 0:
        return WeightsInfo(fmt, error="malformed safetensors: header length is 0")
    if n > SAFETENSORS_MAX_HEADER:
        return WeightsInfo(fmt, error=f"malformed safetensors: header length {n} exceeds the 100 MB limit")
    if n > size - 8:
        return WeightsInfo(fmt, error=f"malformed safetensors: header length {n} exceeds the file size")
    if n > SAFETENSORS_INSPECT_LIMIT:
        return WeightsInfo(
            fmt, error=f"safetensors header of {n} bytes not inspected (limit {SAFETENSORS_INSPECT_LIMIT})"
        )
    raw = read(8 + n)[8:]
    if len(raw) < n:
        return WeightsInfo(fmt, error="malformed safetensors: header truncated")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return WeightsInfo(fmt, error=f"malformed safetensors: header is not JSON ({_short(exc)})")
    if not isinstance(header, dict):
        return WeightsInfo(fmt, error="malformed safetensors: header is not a JSON object")
    metadata = _bounded_metadata(header.pop("__metadata__", None))
    tally = _Tally()
    names: list[str] = []
    end = 0
    for name, spec in header.items():
        try:
            end = max(end, _safetensors_entry(spec, tally))
        except HeaderError as exc:
            return WeightsInfo(
                fmt, error=f"malformed safetensors: bad entry for tensor {clean_text(name, 80)!r}: {exc}"
            )
        if len(names) < MAX_TENSOR_NAMES:
            names.append(clean_text(name, MAX_NAME))
    error = None
    if end > size - 8 - n:
        error = f"truncated safetensors: tensors end at byte {8 + n + end}, file has {size}"
    return WeightsInfo(
        fmt,
        parameters=tally.total,
        dtypes=tally.dtypes,
        tensor_count=len(header),
        tensor_names=tuple(names),
        metadata=metadata,
        error=error,
    )


def _safetensors_entry(spec: Any, tally: _Tally) -> int:
    """Count one tensor entry into ``tally``; the end of its data (HeaderError when implausible)."""
    if not isinstance(spec, dict):
        raise HeaderError("not a JSON object")
    dtype, offsets = spec.get("dtype"), spec.get("data_offsets")
    if not isinstance(dtype, str) or not _DTYPE_NAME.fullmatch(dtype):
        raise HeaderError("dtype is not a short alphanumeric name")
    if not _int_list(offsets, 2):
        raise HeaderError("data_offsets are not two non-negative integers")
    begin, end = offsets  # type: ignore[misc]  # _int_list checked it
    if not begin <= end <= MAX_OFFSET:
        raise HeaderError("data_offsets are not ordered within 2**64")
    tally.add(dtype, tensor_elements(spec.get("shape")))
    return int(end)


def index_info(read: ReadFn, fmt: WeightFormat) -> tuple[WeightsInfo, tuple[str, ...]]:
    """Parse a sharded-weights index (``model.safetensors.index.json``): tensors and shard files."""
    raw = read(INDEX_READ_LIMIT + 1)
    if len(raw) > INDEX_READ_LIMIT:
        return WeightsInfo(fmt, error="weights index larger than 16 MB: not inspected"), ()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return WeightsInfo(fmt, error=f"malformed weights index ({_short(exc)})"), ()
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict):
        return WeightsInfo(fmt, error="malformed weights index: no weight_map"), ()
    found: set[str] = set()
    for name, shard in weight_map.items():
        if not isinstance(shard, str) or not 0 < len(shard) <= INDEX_MAX_SHARD_NAME:
            problem = f"weight_map entry for {clean_text(name, 80)!r} is not a file name"
            return WeightsInfo(fmt, error=f"malformed weights index: {problem}"), ()
        found.add(shard)
        if len(found) > INDEX_MAX_SHARDS:
            problem = f"more than {INDEX_MAX_SHARDS} shard files"
            return WeightsInfo(fmt, error=f"malformed weights index: {problem}"), ()
    metadata = _bounded_metadata(data.get("metadata"))
    names = tuple(clean_text(k, MAX_NAME) for k in list(weight_map)[:MAX_TENSOR_NAMES])
    info = WeightsInfo(fmt, tensor_count=len(weight_map), tensor_names=names, metadata=metadata)
    return info, tuple(sorted(found))


# --------------------------------------------------------------------------- GGUF

_GGUF_SCALARS: dict[int, tuple[str, int]] = {
    0: ("<B", 1),
    1: ("<b", 1),
    2: ("<H", 2),
    3: ("<h", 2),
    4: ("<I", 4),
    5: ("<i", 4),
    6: ("<f", 4),
    7: ("<?", 1),
    10: ("<Q", 8),
    11: ("<q", 8),
    12: ("<d", 8),
}
_GGUF_STRING, _GGUF_ARRAY = 8, 9
# ggml type id -> name (the common ones; others are reported by number).
_GGML_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    6: "Q5_0",
    7: "Q5_1",
    8: "Q8_0",
    9: "Q8_1",
    10: "Q2_K",
    11: "Q3_K",
    12: "Q4_K",
    13: "Q5_K",
    14: "Q6_K",
    15: "Q8_K",
    16: "IQ2_XXS",
    17: "IQ2_XS",
    18: "IQ3_XXS",
    19: "IQ1_S",
    20: "IQ4_NL",
    21: "IQ3_S",
    22: "IQ2_S",
    23: "IQ4_XS",
    24: "I8",
    25: "I16",
    26: "I32",
    27: "I64",
    28: "F64",
    29: "IQ1_M",
    30: "BF16",
}


class _Truncated(Exception):
    """The header runs past the bytes read."""


class _Cursor:
    """Reads GGUF fields from ``buf``; no length, count or nesting can outgrow the read limit.

    A length that would end beyond ``limit`` (the largest read gguf_info ever makes) can never
    be satisfied: HeaderError at once, instead of retrying ever larger reads. One that ends
    beyond ``buf`` only is _Truncated: a larger read may hold it.
    """

    def __init__(self, buf: bytes, wide: bool, limit: int) -> None:
        self.buf = buf
        self.pos = 0
        self.wide = wide  # GGUF v1 used 32-bit counts and lengths
        self.width = 8 if wide else 4
        self.limit = max(limit, len(buf))
        self.nested = 0  # arrays inside arrays skipped so far
        self._count = struct.Struct("<Q" if wide else "<I")

    def need(self, n: int, what: str) -> int:
        """The end of ``n`` more bytes, checked against the read limit and the buffer."""
        if n < 0:
            raise HeaderError(f"negative {what}")
        end = self.pos + n
        if end > self.limit:
            raise HeaderError(f"{what} beyond the {self.limit >> 20} MB header limit")
        if end > len(self.buf):
            raise _Truncated
        return end

    def take(self, n: int, what: str = "length") -> bytes:
        end = self.need(n, what)
        out = self.buf[self.pos : end]
        self.pos = end
        return out

    def unpack(self, fmt: str, size: int) -> Any:
        return struct.unpack(fmt, self.take(size, "field"))[0]

    def count(self) -> int:
        self.need(self.width, "field")
        (n,) = self._count.unpack_from(self.buf, self.pos)
        self.pos += self.width
        return int(n)

    def string(self) -> str:
        return self.take(self.count(), "string").decode("utf-8", "replace")

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype in _GGUF_SCALARS:
            fmt, size = _GGUF_SCALARS[vtype]
            return self.unpack(fmt, size)
        if vtype == _GGUF_STRING:
            return self.string()
        if vtype == _GGUF_ARRAY:
            n = self.skip_array(0)
            return f"[array of {n}]" if keep else None  # arrays (token scores...) are not metadata
        raise HeaderError(f"unknown value type {vtype}")

    def skip_array(self, depth: int) -> int:
        """Skip an array (element type, count, elements); its length. Nesting is bounded."""
        if depth >= GGUF_MAX_NESTING:
            raise HeaderError(f"arrays nested more than {GGUF_MAX_NESTING} deep")
        etype = self.unpack("<I", 4)
        n = self.count()
        if etype in _GGUF_SCALARS:
            self.take(n * _GGUF_SCALARS[etype][1], "array")
        elif etype == _GGUF_STRING:
            self._skip_strings(n)
        elif etype == _GGUF_ARRAY:
            self.need(n * (4 + self.width), "array")  # each element holds at least its type and count
            self.nested += n
            if self.nested > GGUF_MAX_NESTED:
                raise HeaderError(f"more than {GGUF_MAX_NESTED} nested arrays")
            for _ in range(n):
                self.skip_array(depth + 1)
        else:
            raise HeaderError(f"array of unknown type {etype}")
        return n

    def _skip_strings(self, n: int) -> None:
        # The hot loop of real files (a vocabulary of 150k+ tokens) and of hostile ones (millions
        # of empty strings): kept to a few operations per string.
        width = self.width
        self.need(n * width, "array")  # each string holds at least its length
        buf, pos, size, unpack = self.buf, self.pos, len(self.buf), self._count.unpack_from
        for _ in range(n):
            if pos + width > size:
                self.pos = pos
                self.need(width, "array")
            (length,) = unpack(buf, pos)
            pos += width + length
            if pos > size:
                self.pos = pos - length
                self.need(length, "string")
        self.pos = pos


def gguf_info(read: ReadFn) -> WeightsInfo:
    """Parse a GGUF header (magic, version, counts, key/values, tensor infos) from bounded reads."""
    fmt = WeightFormat.GGUF
    last: WeightsInfo | None = None
    for step in GGUF_READ_STEPS:
        buf = read(step)
        info, complete = _parse_gguf(buf, GGUF_READ_STEPS[-1])
        if complete or len(buf) < step:  # parsed, or the whole file was read
            return info
        last = info
    assert last is not None
    return WeightsInfo(
        fmt,
        tensor_count=last.tensor_count,
        metadata=last.metadata,
        error=f"GGUF header larger than {GGUF_READ_STEPS[-1] >> 20} MB: tensors not counted",
    )


def _parse_gguf(buf: bytes, limit: int) -> tuple[WeightsInfo, bool]:
    """The header in ``buf``, and whether it was complete (False: a larger read may finish it)."""
    fmt = WeightFormat.GGUF
    if not buf.startswith(b"GGUF") or len(buf) < 8:
        return WeightsInfo(fmt, error="malformed GGUF: bad magic"), True
    version = int.from_bytes(buf[4:8], "little")
    if version not in (1, 2, 3):
        return WeightsInfo(fmt, error=f"unsupported GGUF version {version}"), True
    cur = _Cursor(buf, wide=version >= 2, limit=limit)
    cur.pos = 8
    metadata: dict[str, str] = {"gguf.version": str(version)}
    tensor_count: int | None = None
    try:
        # Both counts are read before either is kept: a header cut after the first must not
        # report an unchecked count (2**62 tensors) as the file's.
        claimed_tensors = cur.count()
        kv_count = cur.count()
        if claimed_tensors > GGUF_MAX_TENSORS or kv_count > GGUF_MAX_KV:
            raise HeaderError(f"implausible counts (limits {GGUF_MAX_TENSORS} tensors, {GGUF_MAX_KV} keys)")
        tensor_count = claimed_tensors
        # Each key/value takes at least a key length, a type and one byte; each tensor info a
        # name length, n_dims, a type and an offset: counts the bytes cannot hold are refused
        # (or read further) before any loop runs.
        w = cur.width
        cur.need(kv_count * (w + 4 + 1) + tensor_count * (w + 4 + 4 + 8), "counts")
        for _ in range(kv_count):
            key = cur.string()
            vtype = cur.unpack("<I", 4)
            keep = len(metadata) < MAX_METADATA
            value = cur.value(vtype, keep)
            if keep:
                metadata[clean_text(key, MAX_NAME)] = clean_text(str(value), MAX_METADATA_VALUE)
        tally = _Tally()
        names: list[str] = []
        for _ in range(tensor_count):
            name = cur.string()
            n_dims = cur.unpack("<I", 4)
            if n_dims > GGUF_MAX_DIMS:
                shown = clean_text(name, 80)
                raise HeaderError(f"tensor {shown!r} has {n_dims} dimensions (limit {GGUF_MAX_DIMS})")
            dims = [cur.count() for _ in range(n_dims)]
            ttype = cur.unpack("<I", 4)
            cur.take(8, "field")  # offset
            try:
                count = tensor_elements(dims, GGUF_MAX_DIMS)
                tally.add(_GGML_TYPES.get(ttype, f"type-{ttype}"), count)
            except HeaderError as exc:
                raise HeaderError(f"tensor {clean_text(name, 80)!r}: {exc}") from None
            if len(names) < MAX_TENSOR_NAMES:
                names.append(clean_text(name, MAX_NAME))
    except _Truncated:
        error = "truncated GGUF: the header runs past the end of the file"
        return WeightsInfo(fmt, tensor_count=tensor_count, metadata=metadata, error=error), False
    except (HeaderError, struct.error) as exc:
        return WeightsInfo(
            fmt, tensor_count=tensor_count, metadata=metadata, error=f"malformed GGUF: {_short(exc)}"
        ), True
    info = WeightsInfo(
        fmt,
        parameters=tally.total,
        dtypes=tally.dtypes,
        tensor_count=tensor_count,
        tensor_names=tuple(names),
        metadata=metadata,
    )
    return info, True


# --------------------------------------------------------------------------- numpy


def numpy_info(read: ReadFn) -> WeightsInfo:
    """Shape and dtype from a .npy header (a Python dict literal; parsed with literal_eval)."""
    fmt = WeightFormat.NUMPY
    head = read(10)
    if not head.startswith(_NUMPY) or len(head) < 10:
        return WeightsInfo(fmt, error="malformed .npy: bad magic")
    major = head[6]
    if major == 1:
        hlen, start = int.from_bytes(head[8:10], "little"), 10
    else:
        head = read(12)
        hlen, start = int.from_bytes(head[8:12], "little"), 12
    if hlen > 65536:
        return WeightsInfo(fmt, error="malformed .npy: header too long")
    text = read(start + hlen)[start:].decode("latin-1")
    import ast  # only for .npy files: a safe literal parser, kept out of every audit's start-up

    try:
        header = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        # TypeError: a literal such as {[1]: 2} (an unhashable key) is valid syntax
        return WeightsInfo(fmt, error=f"malformed .npy header ({_short(exc)})")
    if not isinstance(header, dict):
        return WeightsInfo(fmt, error="malformed .npy header")
    try:
        count = tensor_elements(header.get("shape"))
    except HeaderError as exc:
        return WeightsInfo(fmt, error=f"malformed .npy header: {exc}")
    raw_descr = header.get("descr", "?")
    descr = clean_text(raw_descr, 32) if isinstance(raw_descr, str) else "?"
    unsafe = descr.startswith("|O")  # object arrays are pickled
    return WeightsInfo(fmt, parameters=count, dtypes={descr: count}, tensor_count=1, unsafe=unsafe)


# --------------------------------------------------------------------------- helpers


def _int_list(value: Any, length: int | None = None) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    if length is not None and len(value) != length:
        return False
    return all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)


def _bounded_metadata(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for k, v in list(value.items())[:MAX_METADATA]:
        out[clean_text(str(k), MAX_NAME)] = clean_text(_scalar(v), MAX_METADATA_VALUE)
    return out


def _scalar(value: Any) -> str:
    """A JSON value as metadata text; containers are summarised (str() of a deep one recurses)."""
    if isinstance(value, list):
        return f"[list of {len(value)}]"
    if isinstance(value, dict):
        return f"[object of {len(value)}]"
    return str(value)  # str, bool, None, float, or an int json.loads kept within the digit limit


def clean_text(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, controls and lone surrogates replaced: fit for any report."""
    return _UNPRINTABLE.sub("\ufffd", value[:limit])


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --------------------------------------------------------------------------- pickles (scanned, never loaded)

PICKLE_SCAN_LIMIT = 256 * 1024  # the globals a pickle imports come first: tensors are rebuilt later
MAX_GLOBALS = 32
# What PyTorch, NumPy and plain containers need to rebuild a state dict; anything else a pickle
# imports is code it would run on loading.
_SAFE_MODULES = ("torch", "collections", "numpy", "_codecs", "copyreg")
_SAFE_BUILTINS = frozenset(
    {
        "set",
        "frozenset",
        "dict",
        "list",
        "tuple",
        "int",
        "float",
        "complex",
        "bytes",
        "bytearray",
        "str",
        "slice",
        "range",
        "bool",
    }
)
_STRING_OPS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING", "STRING"}
)
_ZIP_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class PickleScan:
    """The globals a pickle imports, read from its opcodes without unpickling it."""

    globals: tuple[str, ...]  # module.name imported by the pickle, in order, bounded
    unexpected: tuple[str, ...]  # those outside what a state dict needs
    complete: bool  # False: the scan stopped at the read limit or at a malformed opcode


def pickle_payload(head: bytes) -> bytes | None:
    """The pickle inside ``head``: the file itself, or torch.save's first zip member (data.pkl)."""
    if head[:1] == b"\x80":
        return head
    if not head.startswith(_ZIP):
        return None
    if len(head) < _ZIP_LOCAL_HEADER.size:
        return None
    fields = _ZIP_LOCAL_HEADER.unpack_from(head)
    method, csize, name_len, extra_len = fields[3], fields[7], fields[9], fields[10]
    name = head[30 : 30 + name_len]
    if method != 0 or not name.endswith(b"data.pkl"):  # torch stores data.pkl first, uncompressed
        return None
    start = 30 + name_len + extra_len
    return head[start : start + csize] if csize else head[start:]


def scan_pickle(data: bytes) -> PickleScan:
    """The globals a pickle imports, from its opcodes alone (``pickletools.genops`` never executes).

    The same idea as picklescan / Hugging Face's pickle scanning: GLOBAL and STACK_GLOBAL name
    the callables that loading would import and call.
    """
    import pickletools  # only for pickle files: keeps the module out of every audit's start-up

    found: list[str] = []
    strings: list[str] = []
    memo: dict[int, object] = {}
    last: object = None
    complete = True
    try:
        for op, arg, _pos in pickletools.genops(data):
            name = op.name
            if name in _STRING_OPS:
                last = (
                    arg
                    if isinstance(arg, str)
                    else (arg.decode("latin-1") if isinstance(arg, bytes) else arg)
                )
                if isinstance(last, str):
                    strings.append(last)
                continue
            if name == "MEMOIZE":
                memo[len(memo)] = last
            elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[int(arg)] = last  # type: ignore[arg-type]
            elif name in ("BINGET", "LONG_BINGET", "GET"):
                last = memo.get(int(arg))  # type: ignore[arg-type]
                if isinstance(last, str):
                    strings.append(last)
                continue
            elif name in ("GLOBAL", "INST") and isinstance(arg, str):
                found.append(arg.replace(" ", "."))
            elif name == "STACK_GLOBAL" and len(strings) >= 2:
                found.append(f"{strings[-2]}.{strings[-1]}")
            elif name == "STOP":
                break
            last = None
            if len(found) >= 4 * MAX_GLOBALS:
                break
    except (ValueError, EOFError, IndexError, UnicodeDecodeError):
        complete = False  # truncated at the read limit, or not a pickle after all
    unique = list(dict.fromkeys(found))
    unexpected = [g for g in unique if not _safe_global(g)]
    return PickleScan(tuple(unique[:MAX_GLOBALS]), tuple(unexpected[:MAX_GLOBALS]), complete)


def _safe_global(qualified: str) -> bool:
    module, _, name = qualified.rpartition(".")
    if module in ("builtins", "__builtin__"):
        return name in _SAFE_BUILTINS
    return module.split(".")[0] in _SAFE_MODULES
