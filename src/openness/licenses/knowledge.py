"""The shipped licence knowledge, loaded lazily: ids, names, flags, curated entries, texts, index.

``scripts/build_license_data.py`` writes three files into ``data/``; this module reads them on
first use only (importing it costs nothing), and reads a reference text only when a candidate
needs aligning. See ``docs/licenses.md`` for the format.
"""

from __future__ import annotations

import json
import marshal
import mmap
import os
import sys
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, overload

from openness import derived_cache
from openness.errors import LicenseError
from openness.licenses.normalize import lookup_key


@dataclass(frozen=True)
class LicenseInfo:
    """Facts about one known licence."""

    id: str
    name: str
    osi_approved: bool | None
    fsf_libre: bool | None
    category: str | None = None
    source: str = "spdx"  # "spdx" | "scancode" | "curated"
    scancode: str | None = None
    family: str | None = None
    version: str | None = None
    kind: str = "license"  # "license" | "policy" | "exception"
    restrictive: bool = False
    hf_ids: tuple[str, ...] = ()
    policy: str | None = None  # acceptable-use policy incorporated by reference
    has_text: bool = False


@dataclass(frozen=True)
class Reference:
    """One indexed reference text."""

    number: int
    license_id: str
    kind: str  # "text" | "notice"
    tokens: int
    sample: int
    offset: int
    size: int
    raw_offset: int = -1  # original wording, kept for curated AI licences only
    raw_size: int = 0


@dataclass(frozen=True)
class Fingerprint:
    license_id: str
    family: str
    phrases: tuple[str, ...]  # normalised, space-padded


class ShingleIndex:
    """Sorted sampled shingle hashes -> references, over flat arrays (loads in milliseconds).

    The arrays are views of the file's bytes (a mapped file, on a little-endian machine): no copy,
    and only the pages a lookup touches are read (reading and copying 1.3 MB cost ~3.5 ms of
    every process that identifies a licence, issue 14)."""

    def __init__(self, blob: bytes | mmap.mmap) -> None:
        if blob[:6] != b"ONIX1\n":
            raise LicenseError("licence index: unknown format")
        n = int.from_bytes(blob[6:10], "little")
        header = json.loads(blob[10 : 10 + n])
        pos = 10 + n
        view = memoryview(blob)
        parts: list[Sequence[int]] = []
        counts = ((True, header["hashes"]), (True, header["hashes"] + 1), (False, header["postings"]))
        for wide, count in counts:  # hashes and starts are 32-bit, postings 16-bit
            size = count * (4 if wide else 2)
            if pos + size > len(blob):
                raise LicenseError("licence index: truncated")
            chunk = view[pos : pos + size]
            if sys.byteorder == "little":
                parts.append(chunk.cast("I") if wide else chunk.cast("H"))
            else:  # pragma: no cover - the file is little-endian
                arr = array("I" if wide else "H")
                arr.frombytes(chunk)
                arr.byteswap()
                parts.append(arr)
            pos += size
        self.hashes, self.starts, self.postings = parts

    def hits(self, query: Iterable[int]) -> tuple[Counter[int], list[tuple[int, Sequence[int]]]]:
        """How many sampled shingles of each reference occur in ``query``, and the shingles found
        (each with the references it belongs to)."""
        hashes, starts, postings = self.hashes, self.starts, self.postings
        n = len(hashes)
        found: list[tuple[int, Sequence[int]]] = []
        flat = array("H")
        for h in query:
            i = bisect_left(hashes, h)
            if i < n and hashes[i] == h:
                refs = postings[starts[i] : starts[i + 1]]
                found.append((h, refs))
                flat.extend(refs)
        return Counter(flat), found  # Counter counts an array in C: no Python loop per posting

    @staticmethod
    def shared(found: list[tuple[int, Sequence[int]]], wanted: set[int]) -> dict[int, list[int]]:
        """For the ``wanted`` references, which found shingles they own."""
        out: dict[int, list[int]] = {ref: [] for ref in wanted}
        for h, refs in found:
            for ref in wanted.intersection(refs):
                out[ref].append(h)
        return out


DATA_DIR = Path(__file__).resolve().parent / "data"


def _data(name: str) -> bytes:
    try:
        return (DATA_DIR / name).read_bytes()
    except OSError as exc:  # pragma: no cover - a broken install
        raise LicenseError(f"licence data {name} missing: run scripts/build_license_data.py") from exc


DATA_FORMAT = 3  # scripts/build_license_data.py FORMAT


class _Sections:
    """``licenses.json.gz``: a JSON header line with each section's byte range, then the
    sections, each decoded only when asked for (a full JSON parse was ~23 ms of every audit).

    Decompressing the file and decoding its JSON sections cost ~25 ms of every process that
    reads a licence (issue 14): ``load`` keeps the decompressed body and the decoded sections
    (marshal, each decoded on demand) in a start-up cache (``derived_cache``) keyed by the data
    file's size and modification time, as the interpreter keys bytecode by its source."""

    JSON_SECTIONS = ("meta", "curated", "references", "aliases", "urls")  # cached decoded

    def __init__(self, blob: bytes) -> None:
        import gzip  # only here: the other readers of this module need none of it

        self._init(gzip.decompress(blob))
        self._decoded: dict[str, bytes] = {}

    def _init(self, body: bytes) -> None:
        end = body.find(b"\n")
        header = json.loads(body[:end]) if end > 0 else None
        if not isinstance(header, dict) or header.get("format") != DATA_FORMAT:
            raise LicenseError("licence data: unknown format: run scripts/build_license_data.py")
        self._body = body
        self._start = end + 1
        self._ranges: dict[str, list[int]] = header["sections"]

    @classmethod
    def load(cls) -> _Sections:
        name = "licenses.json.gz"
        try:
            st = os.stat(DATA_DIR / name)
            key = [DATA_FORMAT, st.st_size, st.st_mtime_ns]
        except OSError:
            key = None
        path = derived_cache.cache_path(__file__, "knowledge", "data")
        cached = derived_cache.read(path) if key is not None else None
        if isinstance(cached, dict) and cached.get("key") == key:
            try:
                self = cls.__new__(cls)
                self._init(cached["body"])
                self._decoded = dict(cached["json"])
                return self
            except (LicenseError, KeyError, TypeError, ValueError):
                pass  # a damaged cache: decode the data file as usual
        self = cls(_data(name))
        if key is not None:
            decoded = {s: marshal.dumps(self.json(s)) for s in cls.JSON_SECTIONS if s in self._ranges}
            derived_cache.write(path, {"key": key, "body": self._body, "json": decoded})
        return self

    def raw(self, name: str) -> bytes:
        start, end = self._ranges[name]
        return self._body[self._start + start : self._start + end]

    def json(self, name: str) -> Any:
        cached = self._decoded.get(name)
        if cached is not None:
            try:
                return marshal.loads(cached)
            except (ValueError, EOFError, TypeError):
                pass
        return json.loads(self.raw(name))


class _Infos(Mapping[str, LicenseInfo]):
    """Licence facts by id, each built on first access (most runs look at a handful)."""

    def __init__(
        self, ids: list[str], lines: list[bytes], curated: dict[str, dict[str, Any]], with_text: set[str]
    ):
        # One JSON line per licence, in ``ids`` order, parsed on first access.
        self._index = {lid: i for i, lid in enumerate(ids)}
        self._lines = lines
        self._curated = curated
        self._with_text = with_text
        self._built: dict[str, LicenseInfo] = {}

    def __getitem__(self, lid: str) -> LicenseInfo:
        info = self._built.get(lid)
        if info is None:
            e = json.loads(self._lines[self._index[lid]])
            c = self._curated.get(lid, {})
            info = LicenseInfo(
                id=e["id"],
                name=e["name"],
                osi_approved=e["osi"],
                fsf_libre=e["fsf"],
                category=e["category"],
                source=e["source"],
                scancode=e["scancode"],
                family=c.get("family"),
                version=c.get("version"),
                kind=c.get("kind") or ("exception" if e["exception"] else "license"),
                restrictive=bool(c.get("restrictive", False)),
                hf_ids=tuple(c.get("hf_ids") or ()),
                policy=c.get("policy"),
                has_text=lid in self._with_text,
            )
            self._built[lid] = info
        return info

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class _References(Sequence[Reference]):
    """Indexed reference texts by number, each built on first access."""

    def __init__(self, raw: list[dict[str, Any]]):
        self._raw = raw
        self._built: dict[int, Reference] = {}

    @overload
    def __getitem__(self, i: int) -> Reference: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Reference]: ...
    def __getitem__(self, i: int | slice) -> Reference | Sequence[Reference]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._raw)))]
        ref = self._built.get(i)
        if ref is None:
            r = self._raw[i]
            ref = Reference(
                i,
                r["id"],
                r["kind"],
                r["tokens"],
                r["sample"],
                r["offset"],
                r["size"],
                r.get("raw_offset", -1),
                r.get("raw_size", 0),
            )
            self._built[i] = ref
        return ref

    def __len__(self) -> int:
        return len(self._raw)


class Knowledge:
    """Everything known about licences; one instance per process (``knowledge()``)."""

    def __init__(self) -> None:
        sections = self._sections = _Sections.load()
        self.meta: dict[str, Any] = sections.json("meta")
        self._curated_raw: list[dict[str, Any]] = sections.json("curated")
        refs = sections.json("references")
        curated = {c["id"]: c for c in self._curated_raw}
        ids = sections.raw("ids").decode("utf-8").split("\n")
        lines = sections.raw("licenses").split(b"\n")
        if len(ids) != len(lines):
            raise LicenseError("licence data: ids and licences disagree: run scripts/build_license_data.py")
        self.infos: Mapping[str, LicenseInfo] = _Infos(ids, lines, curated, {r["id"] for r in refs})
        self.references: Sequence[Reference] = _References(refs)
        self.samples: list[int] = [r["sample"] for r in refs]  # hot in candidate scoring
        self._links = tuple(
            (link.lower(), c["id"]) for c in self._curated_raw for link in c.get("links") or ()
        )
        # lookup_key(alias) -> id, computed by the data build: rebuilding it here cost ~35 ms a process.
        self._aliases: dict[str, str] = sections.json("aliases")

    # ------------------------------------------------------------------ lookups

    def info(self, value: str) -> LicenseInfo | None:
        lid = self._aliases.get(lookup_key(value))
        return self.infos.get(lid) if lid else None

    def by_link(self, link: str) -> LicenseInfo | None:
        """The licence a URL points at: a ScanCode-recorded URL of its text or home page (when
        only one licence claims it), else a curated URL fragment."""
        from openness.licenses.normalize import url_key

        lid = self._urls.get(url_key(link))
        if lid is not None:
            return self.infos.get(lid)
        low = link.lower()
        for fragment, cid in self._links:
            pos = 0
            for part in fragment.split("*"):
                pos = low.find(part, pos)
                if pos < 0:
                    break
                pos += len(part)
            else:
                return self.infos.get(cid)
        return None

    @cached_property
    def _urls(self) -> dict[str, str]:
        """URL -> the one non-deprecated licence recording it (computed by the data build)."""
        urls: dict[str, str] = self._sections.json("urls")
        return urls

    @cached_property
    def index(self) -> ShingleIndex:
        try:
            with open(DATA_DIR / "index.bin", "rb") as fh:
                return ShingleIndex(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # no mmap here (or an empty file): read it whole
            return ShingleIndex(_data("index.bin"))

    @cached_property
    def _texts(self) -> bytes | mmap.mmap:
        """The reference texts (5 MB), mapped rather than read: an audit decompresses a few of
        them, and reading the whole file cost ~8 ms of every process that identifies a licence."""
        try:
            with open(DATA_DIR / "texts.bin", "rb") as fh:
                return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # no mmap here (or an empty file): read it whole
            return _data("texts.bin")

    def tokens(self, ref: Reference) -> tuple[str, ...]:
        """The reference's normalised tokens (as ``normalize`` gives them)."""
        return tuple(zlib.decompress(self._texts[ref.offset : ref.offset + ref.size]).decode("utf-8").split())

    def text(self, ref: Reference) -> str | None:
        """The reference's original wording, kept for curated AI licences only."""
        if ref.raw_offset < 0:
            return None
        return zlib.decompress(self._texts[ref.raw_offset : ref.raw_offset + ref.raw_size]).decode("utf-8")

    def reference_for(self, license_id: str) -> Reference | None:
        """The full reference text of a licence, when one is shipped."""
        return self._text_refs.get(license_id)

    @cached_property
    def _text_refs(self) -> dict[str, Reference]:
        out: dict[str, Reference] = {}
        for ref in self.references:
            if ref.kind == "text":
                out.setdefault(ref.license_id, ref)
        return out

    @cached_property
    def fingerprints(self) -> tuple[Fingerprint, ...]:
        return tuple(
            Fingerprint(c["id"], c["family"], tuple(c["phrases"]))
            for c in self._curated_raw
            if c.get("phrases")
        )


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    return Knowledge()
