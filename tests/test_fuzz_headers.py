"""Property-based tests of the weight-header readers: any bytes a release can hold are answered
with a WeightsInfo (or the package's own error), quickly, and every number in it is bounded.

Uniformly random bytes almost never get past the magic and the length prefix, so the
strategies also build near-valid headers: correct safetensors framing around random JSON and
random tensor entries, and GGUF files with a valid magic, version and counts around random
key/value sections and tensor infos (random value types, lengths, nested arrays, dims).
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import OpennessError
from openness.inventory import headers
from openness.model import WeightsInfo

SECONDS = 1.0  # per input; the readers take milliseconds on these sizes
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

READERS: dict[str, Callable[[bytes], WeightsInfo]] = {
    "safetensors": headers.safetensors_from_bytes,
    "gguf": headers.gguf_from_bytes,
    "numpy": headers.numpy_from_bytes,
    "index": lambda data: headers.index_from_bytes(data)[0],
}


def _printable(text: str) -> bool:
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in text)


def check(reader: Callable[[bytes], WeightsInfo], data: bytes) -> WeightsInfo | None:
    """Run ``reader`` on ``data``: the invariants every consumer of WeightsInfo relies on."""
    start = time.perf_counter()
    try:
        info = reader(data)
    except OpennessError:
        return None
    assert time.perf_counter() - start < SECONDS
    assert isinstance(info, WeightsInfo)
    numbers = [info.parameters, info.tensor_count, *info.dtypes.values()]
    for n in numbers:
        if n is not None:
            assert isinstance(n, int) and 0 <= n <= headers.MAX_PARAMETERS, n
            float(n)
            assert f"{n:,}"  # what classify writes into reasons
    assert len(info.dtypes) <= headers.MAX_DTYPES
    assert len(info.tensor_names) <= headers.MAX_TENSOR_NAMES
    assert len(info.metadata) <= headers.MAX_METADATA + 1  # + gguf.version
    texts = [*info.dtypes, *info.tensor_names, *info.metadata, *info.metadata.values()]
    assert all(_printable(t) and len(t) <= headers.MAX_NAME for t in texts), texts
    if info.error is not None:
        assert info.parameters is None or "truncated" in info.error
    return info


# --------------------------------------------------------------------------- arbitrary bytes


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(sorted(READERS)))
def test_arbitrary_bytes(data: bytes, reader: str) -> None:
    check(READERS[reader], data)


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([b"GGUF", b"\x93NUMPY\x01\x00", b"\x93NUMPY\x02\x00"]))
def test_arbitrary_bytes_after_a_magic(data: bytes, magic: bytes) -> None:
    reader = headers.gguf_from_bytes if magic == b"GGUF" else headers.numpy_from_bytes
    check(reader, magic + data)


# --------------------------------------------------------------------------- safetensors

HUGE = st.sampled_from([2**48, 2**48 + 1, 2**53, 2**64, 2**1030, 10**4000 - 1, -1, -(2**70)])
dims = st.one_of(st.integers(0, 4096), HUGE, st.booleans(), st.floats(allow_nan=False), st.text(max_size=3))
shapes = st.one_of(
    st.lists(dims, max_size=12), st.just([7] * 100), st.none(), st.integers(), st.text(max_size=5)
)
dtypes = st.one_of(
    st.sampled_from(["F32", "BF16", "F16", "I8", "F8_E4M3", "U8", "BOOL"]),
    st.text(max_size=40),
    st.integers(),
)
offsets = st.one_of(
    st.tuples(st.integers(0, 4096), st.integers(0, 4096)).map(sorted),
    st.lists(st.one_of(st.integers(-5, 10), HUGE), max_size=3),
    st.none(),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), HUGE),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
entries = st.one_of(
    st.fixed_dictionaries({"dtype": dtypes, "shape": shapes, "data_offsets": offsets}),
    json_values,
)
st_headers = st.one_of(
    st.dictionaries(
        st.text(max_size=20),
        entries,
        max_size=8,
    ).flatmap(
        lambda d: st.one_of(
            st.just(d),
            st.dictionaries(st.text(max_size=8), json_values, max_size=4).map(
                lambda meta: {**d, "__metadata__": meta}
            ),
        )
    ),
    json_values,
)


def _json(value: object) -> bytes:
    try:
        return json.dumps(value).encode()
    except ValueError:  # a 4000-digit int: json.dumps refuses it too; write the digits by hand
        return b'{"t": {"dtype": "F32", "shape": [' + b"9" * 5000 + b'], "data_offsets": [0, 4]}}'


@FUZZ
@given(st_headers, st.integers(0, 64), st.booleans())
def test_near_valid_safetensors(header: object, data: int, bad_length: bool) -> None:
    raw = _json(header)
    length = len(raw) + (7 if bad_length else 0)
    check(headers.safetensors_from_bytes, struct.pack("<Q", length) + raw + b"\0" * data)


@FUZZ
@given(
    st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=30), json_values), max_size=8),
    json_values,
)
def test_near_valid_index(weight_map: dict[str, object], metadata: object) -> None:
    raw = _json({"metadata": metadata, "weight_map": weight_map})
    info = check(lambda data: headers.index_from_bytes(data)[0], raw)
    assert info is not None


# --------------------------------------------------------------------------- GGUF

U64 = st.one_of(st.integers(0, 16), st.sampled_from([2**31, 2**32 - 1, 2**48, 2**62, 2**64 - 1]))


@st.composite
def gguf_value(draw: st.DrawFn, depth: int = 0) -> tuple[int, bytes]:
    """(value type, encoded value): mostly well-formed, sometimes lying about lengths."""
    vtype = draw(st.one_of(st.integers(0, 12), st.integers(13, 2**32 - 1)))
    if vtype in (0, 1, 7):
        return vtype, draw(st.binary(min_size=1, max_size=1))
    if vtype in (2, 3):
        return vtype, draw(st.binary(min_size=2, max_size=2))
    if vtype in (4, 5, 6):
        return vtype, draw(st.binary(min_size=4, max_size=4))
    if vtype in (10, 11, 12):
        return vtype, draw(st.binary(min_size=8, max_size=8))
    if vtype == 8:
        text = draw(st.binary(max_size=40))
        length = draw(st.one_of(st.just(len(text)), U64))
        return vtype, struct.pack("<Q", length) + text
    if vtype == 9:
        if depth < 3 and draw(st.booleans()):
            items = draw(st.lists(gguf_value(depth + 1), max_size=4))
            etype = items[0][0] if items else draw(st.integers(0, 12))
            body = b"".join(v for _, v in items)
            return vtype, struct.pack("<IQ", etype, draw(st.one_of(st.just(len(items)), U64))) + body
        etype = draw(st.integers(0, 13))
        return vtype, struct.pack("<IQ", etype, draw(U64)) + draw(st.binary(max_size=64))
    return vtype, draw(st.binary(max_size=16))


@st.composite
def gguf_file(draw: st.DrawFn) -> bytes:
    version = draw(st.sampled_from([1, 2, 3, 3, 3, 0, 4]))
    count = "<I" if version == 1 else "<Q"
    kvs = draw(st.lists(st.tuples(st.binary(max_size=24), gguf_value()), max_size=6))
    tensors = draw(
        st.lists(
            st.tuples(
                st.binary(max_size=16),
                st.lists(U64, max_size=10),
                st.one_of(st.integers(0, 40), st.integers(0, 2**32 - 1)),
            ),
            max_size=6,
        )
    )
    n_kv = draw(st.one_of(st.just(len(kvs)), U64.map(lambda n: n % 2**32 if version == 1 else n)))
    n_t = draw(st.one_of(st.just(len(tensors)), U64.map(lambda n: n % 2**32 if version == 1 else n)))
    out = b"GGUF" + struct.pack("<I", version) + struct.pack(count, n_t) + struct.pack(count, n_kv)
    for key, (vtype, value) in kvs:
        out += struct.pack(count, len(key)) + key + struct.pack("<I", vtype) + value
    for name, shape, ttype in tensors:
        out += struct.pack(count, len(name)) + name + struct.pack("<I", len(shape))
        out += b"".join(struct.pack(count, d % 2**32 if version == 1 else d) for d in shape)
        out += struct.pack("<IQ", ttype, 0)
    cut = draw(st.one_of(st.none(), st.integers(0, len(out))))
    return out if cut is None else out[:cut]


@FUZZ
@given(gguf_file())
def test_near_valid_gguf(data: bytes) -> None:
    check(headers.gguf_from_bytes, data)


@FUZZ
@given(gguf_file(), st.integers(0, 4096), st.binary(min_size=1, max_size=4))
def test_gguf_with_corrupted_bytes(data: bytes, where: int, junk: bytes) -> None:
    at = where % (len(data) + 1)
    check(headers.gguf_from_bytes, data[:at] + junk + data[at + len(junk) :])
