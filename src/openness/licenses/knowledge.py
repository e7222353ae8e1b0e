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
    reads a licence, and reading back a 3 MB cache of them whole ~15 ms more (its pages are
    touched, and copied twice, issue 14). ``load`` lays out what the readers ask for as named
    parts (``derived_cache.map_parts``): the raw sections, the JSON sections already decoded
    (marshal, loaded when asked for), and the start of every line of ``licenses`` (so one
    licence's line is a slice, not a split of 1 MB). The cache is keyed by the data file's size
    and modification time, as the interpreter keys bytecode by its source, and mapped: a process
    reads only the pages of the parts it uses. Without a cache the same parts are built in memory.
    """

    JSON_SECTIONS = ("meta", "curated", "references", "aliases", "urls")  # kept decoded
    LINE_SECTIONS = ("licenses",)  # kept with the start of each line
    BUCKETED = ("aliases",)  # large maps kept in buckets: a lookup decodes one (~0.1 ms, not ~3 ms)
    BUCKETS = 32

    def __init__(self, parts: derived_cache.Parts) -> None:
        self._parts = parts
        self._line_starts: dict[str, array[int]] = {}
        self._buckets: dict[tuple[str, int], dict[str, Any]] = {}

    @classmethod
    def load(cls) -> _Sections:
        name = "licenses.json.gz"
        try:
            st = os.stat(DATA_DIR / name)
            key = [DATA_FORMAT, st.st_size, st.st_mtime_ns]
        except OSError:
            key = None
        path = derived_cache.cache_path(__file__, "knowledge", "parts")
        if key is not None:
            parts = derived_cache.map_parts(path)
            if parts is not None and parts.meta == key and cls._complete(parts):
                return cls(parts)
        parts = cls._decode(_data(name), key)
        if key is not None:
            derived_cache.write_parts(path, parts)
        return cls(parts)

    @classmethod
    def _complete(cls, parts: derived_cache.Parts) -> bool:
        names = parts.ranges.keys()
        return (
            all(f"json:{s}" in names for s in cls.JSON_SECTIONS if s not in cls.BUCKETED)
            and all(f"lines:{s}" in names and f"raw:{s}" in names for s in cls.LINE_SECTIONS)
            and all(f"bucket:{s}:{b}" in names for s in cls.BUCKETED for b in range(cls.BUCKETS))
            and "json:spdx_free" in names
        )

    @classmethod
    def _decode(cls, blob: bytes, key: Any) -> derived_cache.Parts:
        import gzip  # only here: a process with a cache needs none of it

        body = gzip.decompress(blob)
        end = body.find(b"\n")
        header = json.loads(body[:end]) if end > 0 else None
        if not isinstance(header, dict) or header.get("format") != DATA_FORMAT:
            raise LicenseError("licence data: unknown format: run scripts/build_license_data.py")
        parts: dict[str, bytes] = {}
        for section, (start, stop) in header["sections"].items():
            raw = body[end + 1 + start : end + 1 + stop]
            if section in cls.JSON_SECTIONS:
                value = json.loads(raw)
                if section not in cls.BUCKETED:
                    parts[f"json:{section}"] = marshal.dumps(value)
                else:  # kept in its buckets only (the whole map is their union)
                    buckets: list[dict[str, Any]] = [{} for _ in range(cls.BUCKETS)]
                    for k, v in value.items():
                        buckets[cls.bucket_of(k)][k] = v
                    for b, bucket in enumerate(buckets):
                        parts[f"bucket:{section}:{b}"] = marshal.dumps(bucket)
            else:
                parts[f"raw:{section}"] = raw
            if section in cls.LINE_SECTIONS:
                starts = array("I", [0])
                pos = raw.find(b"\n")
                while pos >= 0:
                    starts.append(pos + 1)
                    pos = raw.find(b"\n", pos + 1)
                starts.append(len(raw) + 1)  # one past the last line's (absent) newline
                parts[f"lines:{section}"] = starts.tobytes()
        # Derived once here, not per process: the SPDX ids the SPDX list marks OSI-approved or
        # FSF-libre (each licence's line records the list's flags for its SPDX id).
        free = sorted(
            {
                e["spdx"]
                for line in parts["raw:licenses"].split(b"\n")
                if line
                for e in (json.loads(line),)
                if e.get("spdx") and (e.get("osi") or e.get("fsf"))
            }
        )
        parts["json:spdx_free"] = marshal.dumps(free)
        return derived_cache.pack_parts(parts, key)

    def raw(self, name: str) -> bytes:
        return self._parts.get(f"raw:{name}")

    def json(self, name: str) -> Any:
        if name in self.BUCKETED:  # the whole map: the union of its buckets
            whole: dict[str, Any] = {}
            for b in range(self.BUCKETS):
                whole.update(marshal.loads(self._parts.get(f"bucket:{name}:{b}")))
            return whole
        return marshal.loads(self._parts.get(f"json:{name}"))

    @classmethod
    def bucket_of(cls, key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogatepass")) % cls.BUCKETS

    def lookup(self, name: str, key: str) -> Any:
        """``json(name).get(key)`` for a bucketed map, decoding only the key's bucket."""
        b = self.bucket_of(key)
        bucket = self._buckets.get((name, b))
        if bucket is None:
            bucket = self._buckets[(name, b)] = marshal.loads(self._parts.get(f"bucket:{name}:{b}"))
        return bucket.get(key)

    def line_count(self, name: str) -> int:
        return len(self._starts(name)) - 1

    def line(self, name: str, i: int) -> bytes:
        """Line ``i`` of a line section, without its newline (``raw(name).split(b"\\n")[i]``)."""
        starts = self._starts(name)
        start = self._parts.ranges[f"raw:{name}"][0]
        return self._parts.buffer[start + starts[i] : start + starts[i + 1] - 1]

    def _starts(self, name: str) -> array[int]:
        starts = self._line_starts.get(name)
        if starts is None:
            starts = array("I")
            starts.frombytes(self._parts.get(f"lines:{name}"))  # this machine wrote it: native order
            self._line_starts[name] = starts
        return starts


class _Infos(Mapping[str, LicenseInfo]):
    """Licence facts by id, each built on first access (most runs look at a handful)."""

    def __init__(
        self, ids: list[str], sections: _Sections, curated: dict[str, dict[str, Any]], with_text: set[str]
    ):
        # One JSON line per licence, in ``ids`` order, parsed on first access.
        self._index = {lid: i for i, lid in enumerate(ids)}
        self._sections = sections
        self._curated = curated
        self._with_text = with_text
        self._built: dict[str, LicenseInfo] = {}

    def __getitem__(self, lid: str) -> LicenseInfo:
        info = self._built.get(lid)
        if info is None:
            e = json.loads(self._sections.line("licenses", self._index[lid]))
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
        if len(ids) != sections.line_count("licenses"):
            raise LicenseError("licence data: ids and licences disagree: run scripts/build_license_data.py")
        self.infos: Mapping[str, LicenseInfo] = _Infos(ids, sections, curated, {r["id"] for r in refs})
        self._references_raw = refs
        self.references: Sequence[Reference] = _References(refs)
        self.samples: list[int] = [r["sample"] for r in refs]  # hot in candidate scoring
        self._links = tuple(
            (link.lower(), c["id"]) for c in self._curated_raw for link in c.get("links") or ()
        )

    # ------------------------------------------------------------------ lookups

    def info(self, value: str) -> LicenseInfo | None:
        lid = self._sections.lookup("aliases", lookup_key(value))
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

    @property
    def _aliases(self) -> dict[str, str]:
        """lookup_key(alias) -> id, computed by the data build (rebuilding it here cost ~35 ms a
        process). ``info`` looks names up bucket by bucket instead (the whole map: ~3 ms)."""
        aliases: dict[str, str] = self._sections.json("aliases")
        return aliases

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
        number = self._text_refs.get(license_id)
        return None if number is None else self.references[number]

    @cached_property
    def _text_refs(self) -> dict[str, int]:
        """Licence id -> the number of its first full text, from the raw entries: building all
        2,450 Reference objects to find them cost ~8 ms of an audit that asks for one."""
        out: dict[str, int] = {}
        for number, raw in enumerate(self._references_raw):
            if raw["kind"] == "text":
                out.setdefault(raw["id"], number)
        return out

    @cached_property
    def spdx_free_ids(self) -> frozenset[str]:
        """The SPDX ids the SPDX License List marks OSI-approved or FSF-libre (exact ids), as the
        list the data was built from records them (``meta["sources"]["spdx_license_list"]``)."""
        return frozenset(self._sections.json("spdx_free"))

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
