"""Weight-file headers: format by magic, parameter counts and dtypes without loading tensors.

Why by hand: each header is a few bytes of framing around JSON (safetensors) or a flat
binary key/value list (GGUF). The ``safetensors`` and ``gguf`` packages would pull numpy (and
memory-map the whole file) into the audit's start-up path and offer nothing the specs do not
say in a page; here every read is bounded and nothing beyond the header is touched.
Pickle-based formats are recognised by magic bytes and flagged; they are never unpickled.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openness.model import WeightFormat, WeightsInfo

# safetensors' own reader refuses headers above 100 MB; we refuse them as malformed.
SAFETENSORS_MAX_HEADER = 100_000_000
# Headers we are willing to parse: real ones are tens of KB per shard; a few MB for one-file
# models with 100k tensors. Above this a header is left uninspected (bounded memory).
SAFETENSORS_INSPECT_LIMIT = 8 * 1024 * 1024
# GGUF headers hold the whole vocabulary; 150k-token vocabularies take 3-5 MB.
GGUF_READ_STEPS = (1 << 20, 8 << 20, 24 << 20)
GGUF_MAX_TENSORS = 1_000_000
GGUF_MAX_KV = 100_000
INDEX_READ_LIMIT = 16 * 1024 * 1024
MAX_TENSOR_NAMES = 16
MAX_METADATA = 64
MAX_METADATA_VALUE = 200

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
    dtypes: dict[str, int] = {}
    names: list[str] = []
    total = 0
    end = 0
    for name, spec in header.items():
        shape = spec.get("shape") if isinstance(spec, dict) else None
        dtype = spec.get("dtype") if isinstance(spec, dict) else None
        offsets = spec.get("data_offsets") if isinstance(spec, dict) else None
        if not _int_list(shape) or not isinstance(dtype, str) or not _int_list(offsets, 2):
            return WeightsInfo(fmt, error=f"malformed safetensors: bad entry for tensor {name[:80]!r}")
        count = math.prod(shape) if shape else 1
        total += count
        dtypes[dtype] = dtypes.get(dtype, 0) + count
        end = max(end, offsets[1])  # type: ignore[index]  # _int_list checked it
        if len(names) < MAX_TENSOR_NAMES:
            names.append(str(name)[:200])
    error = None
    if end > size - 8 - n:
        error = f"truncated safetensors: tensors end at byte {8 + n + end}, file has {size}"
    return WeightsInfo(
        fmt,
        parameters=total,
        dtypes=dtypes,
        tensor_count=len(header),
        tensor_names=tuple(names),
        metadata=metadata,
        error=error,
    )


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
    shards = tuple(sorted({str(v) for v in weight_map.values()}))
    meta = data.get("metadata")
    metadata = _bounded_metadata(meta)
    names = tuple(str(k)[:200] for k in list(weight_map)[:MAX_TENSOR_NAMES])
    return WeightsInfo(fmt, tensor_count=len(weight_map), tensor_names=names, metadata=metadata), shards


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


class _Malformed(Exception):
    pass


class _Cursor:
    def __init__(self, buf: bytes, wide: bool) -> None:
        self.buf = buf
        self.pos = 0
        self.wide = wide  # GGUF v1 used 32-bit counts and lengths

    def take(self, n: int) -> bytes:
        if n < 0:
            raise _Malformed("negative length")
        end = self.pos + n
        if end > len(self.buf):
            raise _Truncated
        out = self.buf[self.pos : end]
        self.pos = end
        return out

    def unpack(self, fmt: str, size: int) -> Any:
        return struct.unpack(fmt, self.take(size))[0]

    def count(self) -> int:
        return int(self.unpack("<Q", 8) if self.wide else self.unpack("<I", 4))

    def string(self) -> str:
        n = self.count()
        if n > len(self.buf):
            raise _Malformed(f"string length {n} beyond the header")
        return self.take(n).decode("utf-8", "replace")

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype in _GGUF_SCALARS:
            fmt, size = _GGUF_SCALARS[vtype]
            return self.unpack(fmt, size)
        if vtype == _GGUF_STRING:
            return self.string()
        if vtype == _GGUF_ARRAY:
            etype = self.unpack("<I", 4)
            n = self.count()
            if etype in _GGUF_SCALARS:
                size = _GGUF_SCALARS[etype][1]
                self.take(n * size)  # skip: arrays (token scores, types) are not metadata
            elif etype == _GGUF_STRING:
                if n > len(self.buf):
                    raise _Malformed(f"array length {n} beyond the header")
                for _ in range(n):
                    self.take(self.count())
            else:
                raise _Malformed(f"array of unsupported type {etype}")
            return f"[array of {n}]" if keep else None
        raise _Malformed(f"unknown value type {vtype}")


def gguf_info(read: ReadFn) -> WeightsInfo:
    """Parse a GGUF header (magic, version, counts, key/values, tensor infos) from bounded reads."""
    fmt = WeightFormat.GGUF
    last: WeightsInfo | None = None
    for step in GGUF_READ_STEPS:
        buf = read(step)
        info, complete = _parse_gguf(buf)
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


def _parse_gguf(buf: bytes) -> tuple[WeightsInfo, bool]:
    fmt = WeightFormat.GGUF
    if not buf.startswith(b"GGUF") or len(buf) < 8:
        return WeightsInfo(fmt, error="malformed GGUF: bad magic"), True
    version = int.from_bytes(buf[4:8], "little")
    if version not in (1, 2, 3):
        return WeightsInfo(fmt, error=f"unsupported GGUF version {version}"), True
    cur = _Cursor(buf, wide=version >= 2)
    cur.pos = 8
    metadata: dict[str, str] = {"gguf.version": str(version)}
    tensor_count: int | None = None
    try:
        tensor_count = cur.count()
        kv_count = cur.count()
        if tensor_count > GGUF_MAX_TENSORS or kv_count > GGUF_MAX_KV:
            raise _Malformed(f"implausible counts ({tensor_count} tensors, {kv_count} keys)")
        for _ in range(kv_count):
            key = cur.string()
            vtype = cur.unpack("<I", 4)
            keep = len(metadata) < MAX_METADATA
            value = cur.value(vtype, keep)
            if keep:
                metadata[key[:200]] = str(value)[:MAX_METADATA_VALUE]
        dtypes: dict[str, int] = {}
        names: list[str] = []
        total = 0
        for _ in range(tensor_count):
            name = cur.string()
            n_dims = cur.unpack("<I", 4)
            if n_dims > 8:
                raise _Malformed(f"tensor {name[:80]!r} has {n_dims} dimensions")
            dims = [cur.count() for _ in range(n_dims)]
            ttype = cur.unpack("<I", 4)
            cur.take(8)  # offset
            count = math.prod(dims) if dims else 1
            total += count
            dname = _GGML_TYPES.get(ttype, f"type-{ttype}")
            dtypes[dname] = dtypes.get(dname, 0) + count
            if len(names) < MAX_TENSOR_NAMES:
                names.append(name[:200])
    except _Truncated:
        return WeightsInfo(fmt, tensor_count=tensor_count, metadata=metadata), False
    except (_Malformed, struct.error) as exc:
        return WeightsInfo(
            fmt, tensor_count=tensor_count, metadata=metadata, error=f"malformed GGUF: {_short(exc)}"
        ), True
    info = WeightsInfo(
        fmt,
        parameters=total,
        dtypes=dtypes,
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
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        return WeightsInfo(fmt, error=f"malformed .npy header ({_short(exc)})")
    if not isinstance(header, dict) or not _int_list(header.get("shape")):
        return WeightsInfo(fmt, error="malformed .npy header")
    shape = header["shape"]
    descr = str(header.get("descr", "?"))
    count = math.prod(shape) if shape else 1
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
        out[str(k)[:200]] = str(v)[:MAX_METADATA_VALUE]
    return out


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
