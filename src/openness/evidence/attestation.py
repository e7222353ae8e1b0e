"""Rebuild attestations as evidence: ``rebuild`` facts read from in-toto statements in a release.

A verified rebuild also yields ``training_script_version`` facts: the sha256 of each training-code file
the rebuild ran, which ties the released weights to those exact bytes.

An attestation counts only for the files it names: each subject's sha256 is checked against the
release's file when the digest is known or cheap to compute; when a subject is missing or differs, the
fact's ``result`` is ``unverified`` (the attested result is kept as ``attested_result``). Reads are
bounded; a malformed file becomes a Note, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
from typing import Any

from openness.errors import OpennessError
from openness.model import CodeRole, Fact, FileEntry, Inventory, Location, Note, NoteKind, NoteLevel, Role

PREDICATE_TYPE = "https://openness.dev/rebuild/v1"  # the one openness rebuild writes
STATEMENT_PREFIX = "https://in-toto.io/Statement/"
ATTESTATION_NAMES = ("rebuild-attestation.json",)
ATTESTATION_SUFFIXES = (".intoto.json", ".intoto.jsonl")
# What every attestation's path ends with (a name or a suffix): a cheap first filter over every file
# (an extension alone let 30,000 ".jsonl" data shards of a large tree through to the full test).
_ENDINGS = ATTESTATION_NAMES + ATTESTATION_SUFFIXES
_TAIL = max(len(e) for e in _ENDINGS)
MAX_ATTESTATION_BYTES = 4 * 1024 * 1024
MAX_HASHED_BYTES = 32 * 1024 * 1024  # subjects up to this size are hashed to check the digest
MAX_FILES = 20
KNOWN_RESULTS = ("identical", "within-tolerance", "diverged", "failed")


def _candidates(inventory: Inventory) -> list[FileEntry]:
    out: dict[str, FileEntry] = {}
    for item in inventory.by_role(Role.ATTESTATION):
        out[item.entry.path] = item.entry
    for item in inventory.items:
        path = item.entry.path
        # Look closer only at paths ending as an attestation's name does (the last few characters
        # decide it: lowering never shortens a string), not at each of 100,000 names (issue 14).
        if not path[-_TAIL:].lower().endswith(_ENDINGS):
            continue
        name = posixpath.basename(path).lower()
        if name in ATTESTATION_NAMES or name.endswith(ATTESTATION_SUFFIXES):
            out[path] = item.entry
    return [out[p] for p in sorted(out)][:MAX_FILES]


def _statements(text: str) -> list[dict[str, Any]]:
    """A JSON statement, a DSSE envelope around one, or JSON lines of either."""
    docs: list[Any] = []
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        for line in text.splitlines():
            if line.strip():
                docs.append(json.loads(line))  # JSONDecodeError propagates: the caller notes it
    out: list[dict[str, Any]] = []
    for doc in docs:
        if isinstance(doc, dict) and "payload" in doc and "payloadType" in doc:
            try:
                inner = json.loads(base64.b64decode(doc["payload"], validate=True))
            except (binascii.Error, ValueError, TypeError):
                continue
            if isinstance(inner, dict):
                inner = {**inner, "_signed": bool(doc.get("signatures"))}
                out.append(inner)
        elif isinstance(doc, dict):
            out.append(doc)
    return out


def _line_of(text: str, needle: str) -> tuple[int, int] | None:
    at = text.find(needle)
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    return (line, line)


def _subject_digest(inventory: Inventory, name: str) -> tuple[str | None, str]:
    """(actual sha256 or None, how it was known) for a release file named by a subject."""
    entry = inventory.snapshot.entry(name)
    if entry is None:
        return None, "missing"
    if entry.sha256:
        return entry.sha256.lower(), "listed"
    if entry.size > MAX_HASHED_BYTES or not entry.readable:
        return None, "not-hashed"
    try:
        data = inventory.snapshot.read(name, limit=entry.size)
    except OpennessError:
        return None, "unreadable"
    if len(data) != entry.size:
        return None, "unreadable"
    import hashlib  # OpenSSL loads in ~8 ms: only when an attested file must be hashed (issue 14)

    return hashlib.sha256(data).hexdigest(), "hashed"


def _table(d: dict[str, Any], key: str) -> dict[str, Any]:
    value = d.get(key)
    return value if isinstance(value, dict) else {}


def _fact(inventory: Inventory, path: str, text: str, st: dict[str, Any]) -> Fact | Note:
    where = Location(path=path)
    predicate = st.get("predicate")
    if not isinstance(predicate, dict):
        return Note(NoteLevel.WARNING,
                    f"{path}: in-toto statement without a predicate", where, NoteKind.MALFORMED)
    result = predicate.get("result")
    if isinstance(result, dict):  # tolerate {"result": {"result": ...}} shapes
        result = result.get("result")
    if result not in KNOWN_RESULTS:
        what = f"{path}: attestation result {result!r} is not one of {KNOWN_RESULTS}"
        return Note(NoteLevel.WARNING, what, where, NoteKind.MALFORMED)
    subjects: list[dict[str, Any]] = []
    verified = True
    raw_subjects = st.get("subject")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        return Note(NoteLevel.WARNING, f"{path}: attestation names no subject", where, NoteKind.MALFORMED)
    for s in raw_subjects[:200]:
        if not isinstance(s, dict) or not isinstance(s.get("name"), str):
            continue
        digest = _table(s, "digest")
        expected = str(digest.get("sha256", "")).lower() or None
        actual, how = _subject_digest(inventory, s["name"])
        matches = None if actual is None or expected is None else actual == expected
        if how == "missing" or matches is False:
            verified = False
        subjects.append({"name": s["name"], "sha256": expected, "matches": matches, "checked": how})
    env = _table(predicate, "environment")
    host = _table(env, "host")
    value: dict[str, Any] = {
        "result": result if verified else "unverified",
        "attested_result": result,
        "mode": predicate.get("mode", "full"),
        "reason": predicate.get("reason"),
        "subjects": subjects,
        "predicate_type": st.get("predicateType"),
        "signed": bool(st.get("_signed", False)),
        "environment": {"python": env.get("python"), "os": host.get("os"), "cpu": host.get("cpu")},
    }
    if predicate.get("segment"):
        value["segment"] = predicate["segment"]
    loc = Location(path=path, lines=_line_of(text, '"result": '), key="predicate.result")
    return Fact("rebuild", value, loc)


def _script_versions(inventory: Inventory, rebuild: Fact, st: dict[str, Any]) -> list[Fact]:
    """A verified rebuild ties the released weights to the exact bytes of the training code it ran."""
    if rebuild.value["result"] not in ("identical", "within-tolerance"):
        return []
    training = {i.entry.path for i in inventory.code(CodeRole.TRAINING)}
    inputs = _table(st, "predicate").get("inputs")
    out: list[Fact] = []
    for item in inputs if isinstance(inputs, list) else []:
        if not isinstance(item, dict) or item.get("path") not in training or not item.get("ok"):
            continue
        digest = str(item.get("actual_sha256", ""))[:12]
        out.append(Fact("training_script_version", f"{item['path']}@sha256:{digest}", rebuild.location))
    return out


def attestation_facts(inventory: Inventory) -> tuple[Fact | Note, ...]:
    """One ``rebuild`` fact per rebuild statement found (Notes for files that cannot be used)."""
    out: list[Fact | Note] = []
    for entry in _candidates(inventory):
        where = Location(path=entry.path)
        if entry.size > MAX_ATTESTATION_BYTES:
            what = f"{entry.path}: attestation of {entry.size} bytes not read"
            out.append(Note(NoteLevel.WARNING, what, where, NoteKind.LIMIT))
            continue
        try:
            text = inventory.snapshot.read(entry.path, limit=MAX_ATTESTATION_BYTES).decode("utf-8", "replace")
            statements = _statements(text)
        except OpennessError as exc:
            out.append(Note(NoteLevel.WARNING, f"{entry.path}: {exc}", where, NoteKind.UNREADABLE))
            continue
        except (json.JSONDecodeError, RecursionError):
            out.append(Note(NoteLevel.WARNING, f"{entry.path}: not valid JSON", where, NoteKind.MALFORMED))
            continue
        for st in statements:
            if not str(st.get("_type", "")).startswith(STATEMENT_PREFIX):
                continue
            if st.get("predicateType") != PREDICATE_TYPE:
                out.append(
                    Note(
                        NoteLevel.INFO,
                        f"{entry.path}: attestation of type {st.get('predicateType')!r} "
                        "is not a rebuild; not used as reproducibility evidence",
                        where,
                        NoteKind.SKIPPED,
                    )
                )
                continue
            got = _fact(inventory, entry.path, text, st)
            out.append(got)
            if isinstance(got, Fact):
                out.extend(_script_versions(inventory, got, st))
    return tuple(out)


__all__ = ["attestation_facts"]
