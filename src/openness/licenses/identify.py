"""Name the licences in a text: candidate retrieval, scored alignment, spans and changes.

1. The text is normalised (``normalize.py``) into tokens that remember their line.
2. Candidates: the shingle index returns, for each reference text, how many of its sampled
   shingles occur in the input; containment (hits / sample size) is insensitive to other text
   around a licence, so several licences in one file are all found.
3. Each candidate is aligned token by token (rapidfuzz Indel opcodes) with the region of the input
   where its shingles cluster. Dice over the aligned span scores it; differences of a few words
   (a version number, a date) separate Llama 3.1 from 3.2 or Apache 1.1 from 2.0.
4. Non-overlapping alignments are kept best-first. Clauses added inside or appended next to a
   match, and clauses of the reference missing from the input, become ``changes`` (line spans)
   and make the match ``modified``.
5. Curated fingerprints (titles, version lines) name AI licences whose text is not shipped (Llama 3,
   the Llama acceptable-use policies...): they rename a same-family match over their span or a match
   they open (OPT-175B read as LLaMA 1), or head a match of their own.

6. A licensor's own terms are named only where the text keeps that licence's name: a reading whose
   name words ("stability", "llama", "chameleon") the input replaced throughout is another vendor's
   licence built from that wording. It is never a match: the text is unknown, *resembling* it.
7. A short text with no match that says it is "licensed under the X License" (or points at a known
   licence URL) names X, marked ``by_reference``: its terms are not in the file.

Below the thresholds a text is unknown: no nearest wrong name.
"""

from __future__ import annotations

import _thread
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise
from typing import Any

from openness import lazy_re
from openness.licenses.knowledge import Fingerprint, Knowledge, LicenseInfo, Reference, knowledge
from openness.licenses.normalize import Normalized, normalize, shingle_hashes
from openness.model import LicenseMatch, Location

MIN_CONTAINMENT = 0.35  # share of a reference's sampled shingles that must occur in the input
MAX_CANDIDATES = 300  # candidates kept from retrieval (aligned over several rounds)
MAX_ALIGN = 10  # candidates aligned per retrieval round
ROUNDS = 5  # alignment rounds (each for text no good match covers yet)
PERFECT = 0.995  # an alignment this close leaves nothing for weaker candidates in its span
GOOD = 0.985  # a match this good needs no second opinion over its span
MIN_DICE = 0.78  # alignment score needed to name a licence
MIN_RECALL = 0.65  # share of the reference that must be present
MIN_CHANGE = 3  # tokens: smaller differences (a name, a date, a word) are not modifications
# Outside text next to a match counts as an added clause only if it reads like terms.
OPERATIVE = frozenset(
    {
        "shall",
        "must",
        "may",
        "prohibited",
        "prohibit",
        "restrict",
        "restricted",
        "restriction",
        "restrictions",
        "not",
        "agree",
        "agrees",
        "permitted",
        "commercial",
        "noncommercial",
        "grant",
        "grants",
        "granted",
        "terminate",
        "comply",
        "only",
        "ask",
        "should",
        "condition",
        "conditions",
        "obligations",
        "liable",
    }
)
SENSITIVE = frozenset(
    {
        "not",
        "no",
        "non",
        "never",
        "only",
        "except",
        "prohibited",
        "commercial",
        "noncommercial",
        "research",
        "exclusively",
        "without",
    }
)
DISCLAIMER = "LicenseRef-scancode-warranty-disclaimer"
# Words of the generic party names licence templates use where a real name goes.
SLOT_NAMES = frozenset(
    [
        "holder",
        "holders",
        "owner",
        "owners",
        "author",
        "authors",
        "contributor",
        "contributors",
        "regents",
        "university",
        "organization",
        "company",
        "licensor",
        "project",
        "x",
        "fullname",
        "name",
        "yyyy",
    ]
)
SLOT_WORDS = SLOT_NAMES | frozenset(
    ["the", "a", "of", "or", "and", "its", "their", "copyright", "california", "berkeley", "inc", "year"]
)
END_OF_TERMS = ("end", "of", "terms", "and", "conditions")
# Words of licence names that say what kind of text it is, not whose: they cannot tell a vendor's
# own licence from the one it borrowed wording from.
GENERIC_NAME_WORDS = frozenset(
    (
        "license",
        "licence",
        "licenses",
        "agreement",
        "agreements",
        "version",
        "the",
        "of",
        "and",
        "or",
        "for",
        "a",
        "an",
        "with",
        "by",
        "on",
        "in",
        "to",
        "community",
        "public",
        "general",
        "lesser",
        "library",
        "terms",
        "term",
        "use",
        "uses",
        "policy",
        "acceptable",
        "prohibited",
        "ai",
        "model",
        "models",
        "research",
        "non",
        "commercial",
        "noncommercial",
        "open",
        "source",
        "software",
        "free",
        "modified",
        "variant",
        "only",
        "later",
        "plus",
        "exception",
        "notice",
        "materials",
        "text",
        "rail",
        "m",
        "dated",
        "release",
        "date",
        "edition",
        "new",
        "revised",
        "simplified",
        "clause",
        "clauses",
        "permissive",
        "original",
        "standard",
        "tou",
        "cla",
        "la",
        "eula",
        "sla",
        "sa",
        "by",
        "nc",
        "nd",
        "international",
        "generic",
        "data",
        "weights",
    )
)
# ScanCode categories of licensors' own terms (see ``_vendor_terms``).
VENDOR_CATEGORIES = frozenset({"Proprietary Free", "Source-available", "Free Restricted", "Commercial"})
NAME_KEPT = 0.25  # share of a reference's own name words that must survive in a match to name it
NAME_MIN = 2  # the reference uses the word at least this often in the matched part to judge by it
BY_REFERENCE_MAX_TOKENS = 250  # longer texts carry their own terms: not a pointer to a licence
# An appendix counts as present when this share of it aligns, or its aligned words are this dense
# in the input they span (rather than common words picked out of whatever text follows).
APPENDIX_KEPT = 0.5


@dataclass
class _Aligned:
    ref: Reference
    info: LicenseInfo
    start: int  # query token index (inclusive)
    end: int  # query token index (exclusive)
    matched: int
    dice: float
    recall: float
    changes: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, q_start, q_end)
    source: str = "scancode"
    blocks: list[tuple[int, int, int, int]] = field(default_factory=list)  # equal runs (r0, r1, q0, q1)
    replaced: str | None = None  # a name word of the reference the input replaced throughout


@dataclass(frozen=True)
class Identification:
    matches: tuple[LicenseMatch, ...]
    tokens: int
    notes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # per match: "text" | "notice" (a standard header) | "policy" | "reference"
    # Known licences whose wording an unnamed region borrows under other names (not matches).
    resembling: tuple[LicenseMatch, ...] = ()


@lru_cache(maxsize=256)
def _ref_tokens(number: int) -> tuple[str, ...]:
    kb = knowledge()
    return kb.tokens(kb.references[number])


# Alignment compares tokens as integers. One vocabulary for the whole process, rather than one per
# text, lets a reference's ids be computed once and reused for every text it is aligned with (the
# same few dozen references are candidates for most licence files): mapping ~2,000 tokens afresh
# for every alignment was ~10% of identification. Only equality of ids matters, so the answers are
# those of a per-text vocabulary. Bounded: past MAX_VOCABULARY distinct tokens (hostile or very
# varied input in a long batch) it starts again, with the ids derived from it.
MAX_VOCABULARY = 50_000
_vocabulary: dict[str, int] = {}
# Batch audits and the web service analyse licences in threads: one text at a time uses the shared
# vocabulary (a thread starting it again, or two adding the same next id, would mismatch ids).
# Alignment is pure Python under the GIL, so holding it costs other threads nothing they could use.
_VOCABULARY_LOCK = _thread.allocate_lock()


def _token_ids(tokens: Sequence[str]) -> list[int]:
    """Each token's id in the process vocabulary (new tokens added)."""
    vocabulary = _vocabulary
    for token in [t for t in tokens if t not in vocabulary]:
        vocabulary.setdefault(token, len(vocabulary))
    return list(map(vocabulary.__getitem__, tokens))


def _fresh_vocabulary() -> None:
    """Start the vocabulary again once it is over its bound (between texts, never during one)."""
    if len(_vocabulary) > MAX_VOCABULARY:
        _vocabulary.clear()
        _ref_ids.cache_clear()


@lru_cache(maxsize=256)
def _ref_ids(number: int) -> list[int]:
    """A reference's tokens as vocabulary ids (cleared with the vocabulary; never mutated)."""
    return _token_ids(_ref_tokens(number))


@lru_cache(maxsize=256)
def _end_of_terms(number: int) -> int:
    toks = _ref_tokens(number)
    n = len(END_OF_TERMS)
    for i in range(len(toks) - n + 1):
        if toks[i : i + n] == END_OF_TERMS:
            return i + n
    return len(toks)


def _candidates(
    kb: Knowledge, hashes: Sequence[int]
) -> tuple[list[tuple[Reference, list[int]]], dict[int, list[int]]]:
    """References sharing enough sampled shingles with the query (its shingle ``hashes``), best
    first, with those shingles; and where each of those shingles occurs in the query."""
    counts, found = kb.index.hits(dict.fromkeys(hashes))
    samples = kb.samples
    scored: list[tuple[float, float, int]] = []
    for number, count in counts.items():
        sample = samples[number]
        if sample <= 0:
            continue
        containment = count / sample
        if containment >= MIN_CONTAINMENT and count >= min(3, sample):
            # Shared shingles weighted by containment: long, well-covered references first.
            scored.append((count * containment, containment, number))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    kept = [number for _, _, number in scored[:MAX_CANDIDATES]]
    shared = kb.index.shared(found, set(kept))
    # Positions only of the shingles a candidate shares (a few hundred of a text's thousands: the
    # index keeps a sample), gathered in one pass over the query.
    wanted = {h for number in kept for h in shared[number]}
    qpos: dict[int, list[int]] = {}
    for i, h in [(i, h) for i, h in enumerate(hashes) if h in wanted]:
        at = qpos.get(h)
        if at is None:
            qpos[h] = [i]
        else:
            at.append(i)
    return [(kb.references[number], shared[number]) for number in kept], qpos


def _densest(positions: list[int], width: int) -> tuple[int, int]:
    """Indices (i, j) of the most hits that fit in ``width`` tokens (two pointers)."""
    best = (0, 0)
    i = 0
    for j, p in enumerate(positions):
        while p - positions[i] > width:
            i += 1
        if j - i > best[1] - best[0]:
            best = (i, j)
    return best


def _segments(blocks: list[tuple[int, int, int, int]], gap: int) -> list[list[tuple[int, int, int, int]]]:
    """Split aligned blocks where the input has a long unaligned run (another text in between)."""
    out: list[list[tuple[int, int, int, int]]] = []
    for b in blocks:
        if out and b[2] - out[-1][-1][3] <= gap:
            out[-1].append(b)
        else:
            out.append([b])
    return out


def _align(
    kb: Knowledge,
    ref: Reference,
    shared: list[int],
    query: Normalized,
    qpos: dict[int, list[int]],
    qids: list[int],
) -> list[_Aligned]:
    """Align ``ref`` with each region of the input where its shingles gather (one per copy)."""
    from rapidfuzz.distance import Indel

    rtoks = _ref_tokens(ref.number)
    if not rtoks:
        return []
    positions = sorted(p for h in shared for p in qpos[h])
    rlen = len(rtoks)
    need = max(2, int(0.5 * ref.sample))
    if len(positions) < need:
        return []
    rids = _ref_ids(ref.number)
    info = kb.infos[ref.license_id]
    width = int(rlen * 1.15) + 10
    pad = rlen // 4 + 8
    out: list[_Aligned] = []
    for _ in range(6):  # at most this many copies of one licence in one text
        if len(positions) < need:
            break
        i, j = _densest(positions, width)
        if j - i + 1 < need:
            break
        ws, we = max(0, positions[i] - pad), min(len(qids), positions[j] + 3 + pad)
        best = _best_segment(Indel.opcodes(rids, qids[ws:we]), ws, rlen)
        if best and ((best[0][2] == ws and ws > 0) or (best[-1][3] == we and we < len(qids))):
            # The match runs into the window's edge (sampled shingles sit inside a text): widen once.
            ws, we = max(0, ws - rlen // 2), min(len(qids), we + rlen // 2)
            best = _best_segment(Indel.opcodes(rids, qids[ws:we]), ws, rlen)
        if best and (best[0][0] > 0 or best[-1][1] < rlen):
            # Part of the reference is missing: with repeated texts side by side the alignment
            # may have split it across two copies. Retry on the window where the whole would sit.
            ws2 = max(0, best[0][2] - best[0][0] - 8)
            we2 = min(len(qids), best[-1][3] + (rlen - best[-1][1]) + 8)
            alt = _best_segment(Indel.opcodes(rids, qids[ws2:we2]), ws2, rlen)
            if sum(b[1] - b[0] for b in alt) > sum(b[1] - b[0] for b in best):
                best = alt
        # How-to-apply appendices after "END OF TERMS AND CONDITIONS" are often left out of copies.
        end_terms = _end_of_terms(ref.number)
        best = _without_stray_appendix(best, end_terms, rlen)
        if not best:
            positions = positions[:i] + positions[j + 1 :]
            continue
        matched = sum(b[1] - b[0] for b in best)
        start, end = best[0][2], best[-1][3]
        span = end - start
        size = end_terms if best[-1][1] <= end_terms else rlen
        aligned = _Aligned(
            ref,
            info,
            start,
            end,
            matched,
            2 * matched / (size + span),
            matched / size,
        )
        aligned.changes = _changes(best, ref, rtoks, query)
        aligned.blocks = best
        out.append(aligned)
        low, high = min(start, positions[i]), max(end, positions[j] + 1)
        positions = [p for p in positions if p < low or p >= high]
    return out


def _best_segment(ops: Any, ws: int, rlen: int) -> list[tuple[int, int, int, int]]:
    # the opcodes as plain tuples (``as_list``): reading each Opcode object's attributes cost more
    blocks = [(s0, s1, d0 + ws, d1 + ws) for tag, s0, s1, d0, d1 in ops.as_list() if tag == "equal"]
    segments = _segments(blocks, max(40, rlen // 5))
    return _trim(max(segments, key=lambda seg: sum(b[1] - b[0] for b in seg), default=[]))


def _without_stray_appendix(
    blocks: list[tuple[int, int, int, int]], end_terms: int, rlen: int
) -> list[tuple[int, int, int, int]]:
    """Drop a how-to-apply appendix that is mostly absent from the input.

    A copy that stops at the last section (a third-party notice quoting the Apache terms) otherwise
    has the appendix's common words ("copyright", "license") aligned with whatever text follows,
    which stretches the span over the next licence and lowers the score below a variant that has no
    appendix at all (the Pixar licence named for a Tencent notice's Apache 2.0 terms).
    """
    if end_terms >= rlen or not blocks:
        return blocks
    body = [b for b in blocks if b[0] < end_terms]
    tail = [b for b in blocks if b[0] >= end_terms]
    if not tail or not body:
        return blocks
    matched = sum(b[1] - b[0] for b in tail)
    spread = tail[-1][3] - body[-1][3]  # input tokens the appendix's alignment stretches over
    if matched >= APPENDIX_KEPT * (rlen - end_terms) or matched >= APPENDIX_KEPT * spread:
        return blocks  # present, or a part of it kept together (a shortened how-to-apply)
    return body


def _trim(blocks: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Drop stray short equal runs at either end that sit far from the body of the match."""
    while len(blocks) > 1 and blocks[0][1] - blocks[0][0] < 4 and blocks[1][2] - blocks[0][3] > 6:
        blocks = blocks[1:]
    while len(blocks) > 1 and blocks[-1][1] - blocks[-1][0] < 4 and blocks[-1][2] - blocks[-2][3] > 6:
        blocks = blocks[:-1]
    return blocks


def _significant(tokens: Sequence[str]) -> bool:
    if len(tokens) <= 16 and ("copyright" in tokens or "reserved" in tokens):
        return False  # a copyright statement moved into or out of a sentence
    return len(tokens) >= MIN_CHANGE or any(t in SENSITIVE for t in tokens)


def _name_slot(removed: Sequence[str], added: Sequence[str]) -> bool:
    """A party's name put where the reference names a generic party ("the copyright holder",
    "the authors", "[name of copyright owner]"): filling in a template, not modifying the terms."""
    return (
        0 < len(removed) <= 8
        and all(t in SLOT_WORDS for t in removed)
        and any(t in SLOT_NAMES for t in removed)
        and len(added) <= 10
        and not any(t in SENSITIVE or t in OPERATIVE for t in added)
    )


def _changes(
    blocks: list[tuple[int, int, int, int]], ref: Reference, rtoks: tuple[str, ...], query: Normalized
) -> list[tuple[str, int, int]]:
    """Added, removed or changed runs between aligned blocks (query token positions)."""
    out: list[tuple[str, int, int]] = []
    end_terms = _end_of_terms(ref.number)
    qtoks = query.tokens
    if blocks[0][0] > 0 and _significant(rtoks[: blocks[0][0]]):
        out.append(("removed", blocks[0][2], blocks[0][2]))
    for (_r0, r1, _q0, q1), (nr0, _nr1, nq0, _nq1) in pairwise(blocks):
        if r1 >= end_terms:
            break  # past "END OF TERMS AND CONDITIONS": how-to-apply boilerplate, often edited
        removed = rtoks[r1:nr0]
        added = qtoks[q1:nq0]
        if removed and added and _name_slot(removed, added):
            continue
        if removed and added and (_significant(removed) or _significant(added)):
            out.append(("changed", q1, nq0))
        elif added and _significant(added):
            out.append(("added", q1, nq0))
        elif removed and _significant(removed) and r1 < end_terms:
            out.append(("removed", q1, q1))
    last = blocks[-1]
    if last[1] < min(len(rtoks), end_terms) and _significant(rtoks[last[1] : end_terms]):
        out.append(("removed", last[3], last[3]))
    return out


def _weight(a: _Aligned) -> float:
    """Coverage weighted by accuracy, with a small prior for the widely used (OSI-approved)
    licence when a vendor variant differs from it only by a few words, e.g. BSD-3-Clause vs
    its Hewlett-Packard variant, which names "the author" where the original names "the
    copyright holders"."""
    return a.matched * a.dice**4 * (1.04 if a.info.osi_approved else 1.0)


@lru_cache(maxsize=1024)
def _name_words(license_id: str) -> frozenset[str]:
    """The words of a licence's name that say whose it is ("stability", "llama", "chameleon")."""
    info = knowledge().infos.get(license_id)
    if info is None:
        return frozenset()
    return frozenset(
        w for w in normalize(info.name).tokens if len(w) > 1 and w.isalpha() and w not in GENERIC_NAME_WORDS
    )


def _vendor_terms(info: LicenseInfo) -> bool:
    """A licensor's own terms (model licences, vendor agreements), whose name is part of what it is.

    Permissive and copyleft texts are templates: Apache 1.1, BSD or CC texts routinely carry another
    project's name where the original has its own, and are still that licence.
    """
    return info.family is not None or info.category in VENDOR_CATEGORIES


def _positions(tokens: tuple[str, ...], word: str, lo: int, hi: int) -> Iterator[int]:
    """Where ``word`` occurs in ``tokens[lo:hi]``, found by ``tuple.index`` (a scan in C, where a
    Python loop compared each of a reference's thousands of tokens)."""
    while True:
        try:
            lo = tokens.index(word, lo, hi)
        except ValueError:
            return
        yield lo
        lo += 1


def _replaced_name(a: _Aligned) -> str | None:
    """A name word the reference repeats in the matched part but the input replaced everywhere.

    A vendor's own licence copied from Stability AI's or Meta's, with "Stability AI" or "Llama 4"
    replaced by its own names throughout, aligns well yet is not that licence. Only words the
    reference uses at least ``NAME_MIN`` times inside the aligned part count: a body without a
    title (the Apache terms, which name Apache only in the header) is judged by its words alone.
    """
    if not a.blocks or not _vendor_terms(a.info):
        return None
    words = _name_words(a.info.id)
    if not words:
        return None
    rtoks = _ref_tokens(a.ref.number)
    lo, hi = a.blocks[0][0], a.blocks[-1][1]
    starts = [b[0] for b in a.blocks]
    from bisect import bisect_right

    blocks = a.blocks
    for word in sorted(words):
        seen = kept = 0
        for i in _positions(rtoks, word, lo, hi):
            k = bisect_right(starts, i) - 1
            if i < blocks[k][1]:
                kept += 1
            elif k + 1 < len(blocks) and blocks[k + 1][2] == blocks[k][3]:
                continue  # left out, not replaced: a generalised copy (ScanCode's rules blank names)
            seen += 1
        seen += kept
        if seen >= NAME_MIN and kept <= NAME_KEPT * seen:
            return word
    return None


def _titled(kb: Knowledge, query: Normalized, a: _Aligned) -> bool:
    """A curated title opens the match: the fingerprint step names it (OPT-175B read as LLaMA 1)."""
    lo = max(0, a.start - 40)
    hi = min(len(query.tokens), a.start + max(12, (a.end - a.start) // 20))
    head = " " + " ".join(query.tokens[lo:hi]) + " "
    return any(fp.phrases and fp.phrases[0] in head for fp in kb.fingerprints)


def _foreign(a: _Aligned, query: Normalized) -> bool:
    """Whether ``a`` matches wording but not the licence's own name (cached on the alignment)."""
    if a.replaced is None:
        word = _replaced_name(a)
        a.replaced = "" if word is None or _titled(knowledge(), query, a) else word
    return bool(a.replaced)


def _select(aligned: list[_Aligned], query: Normalized) -> list[_Aligned]:
    chosen: list[_Aligned] = []
    # Coverage weighted by accuracy: the longest faithful reading of a region wins; among
    # versions of one licence (same coverage) the closer text wins. A reading that matches the
    # wording but not the licence's own name is never chosen: the region goes to the next reading,
    # or stays unknown (see ``_resembling``).
    for a in sorted(aligned, key=lambda x: (-_weight(x), -x.dice, x.ref.number)):
        if a.dice < MIN_DICE or a.recall < MIN_RECALL:
            continue
        if _foreign(a, query):
            continue
        size = a.end - a.start
        if any(min(a.end, c.end) - max(a.start, c.start) > 0.3 * min(size, c.end - c.start) for c in chosen):
            continue
        chosen.append(a)
    return sorted(chosen, key=lambda x: x.start)


def _occurrences(joined: str, phrase: str, limit: int = 5) -> list[int]:
    out: list[int] = []
    pos = joined.find(phrase)
    while pos >= 0 and len(out) < limit:
        out.append(pos)
        pos = joined.find(phrase, pos + 1)
    return out


def _is_title(query: Normalized, at: int, length: int) -> bool:
    """The phrase opens its line, the line is little more than the phrase, and terms follow it."""
    lines = query.lines
    line = lines[at]
    if at > 0 and lines[at - 1] == line:
        return False
    rest = sum(1 for i in range(at, min(len(lines), at + length + 12)) if lines[i] == line)
    return rest <= length + 8 and len(lines) - at >= 150


@lru_cache(maxsize=4)
def _fingerprint_words(fingerprints: tuple[Fingerprint, ...]) -> tuple[frozenset[str] | None, ...]:
    """Per fingerprint, the words its phrases are made of. A phrase is whole tokens, space-padded,
    so it occurs in a text's joined tokens only if each of its words is a token of the text: one
    set test rules out most fingerprints, where searching the text for each phrase cost ~0.3 ms
    per licence. None for a phrase not padded (never in the shipped data): it is searched for."""
    out: list[frozenset[str] | None] = []
    for fp in fingerprints:
        padded = all(len(p) > 2 and p[0] == " " and p[-1] == " " for p in fp.phrases)
        out.append(frozenset(w for p in fp.phrases for w in p.split(" ") if w) if padded else None)
    return tuple(out)


def _fingerprints(kb: Knowledge, query: Normalized, chosen: list[_Aligned]) -> list[_Aligned]:
    """Name curated licences by their phrases (titles, version lines).

    A curated title that opens a text match (or sits just before it) names that text: LLaMA 1
    and OPT-175B, or Llama 3 and 3.1, differ by little more than their names. A title inside a
    same-family match (the Llama 3 policy appended to its licence, matched as the Llama 4 policy)
    renames it too. A title outside every match starts a curated match of its own.
    """
    if not kb.fingerprints:
        return chosen
    joined = query.joined()
    words = set(query.tokens)
    result = list(chosen)
    for fp, needed in zip(kb.fingerprints, _fingerprint_words(kb.fingerprints), strict=True):
        if needed is not None and not needed <= words:
            continue  # a word of its phrases is not in the text: no phrase can occur
        if any(joined.find(p) < 0 for p in fp.phrases[1:]):
            continue
        info = kb.infos.get(fp.license_id)
        if info is None:
            continue
        for offset in _occurrences(joined, fp.phrases[0]):
            # the token the phrase starts with: one space opens each token of " t0 t1 ... "
            at = max(0, joined.count(" ", 0, offset + 1) - 1)
            title_len = fp.phrases[0].count(" ") - 1
            host = next((a for a in result if a.start - title_len - 8 <= at < a.end), None)
            if host is not None and host.info.id == info.id:
                break
            opens = host is not None and at < host.start + max(12, (host.end - host.start) // 20)
            if host is not None and (opens or host.info.family == fp.family):
                result[result.index(host)] = _Aligned(
                    host.ref,
                    info,
                    min(at, host.start),
                    host.end,
                    host.matched,
                    host.dice,
                    host.recall,
                    [],
                    "curated",
                )
                break
            if host is None and _is_title(query, at, title_len):
                following = [a.start for a in result if a.start > at]
                end = min(following) if following else len(query.tokens)
                result.append(_Aligned(kb.references[0], info, at, end, 0, 0.9, 0.0, [], "curated"))
                break
    return sorted(result, key=lambda x: x.start)


def _outside(query: Normalized, chosen: list[_Aligned], ignored: list[_Aligned]) -> None:
    """Terms-like text next to a match but outside it: an appended or prepended clause."""
    if not chosen:
        return
    gaps = _uncovered(len(query.tokens), chosen + ignored)
    for gs, ge in gaps:
        toks = query.tokens[gs:ge]
        if len(toks) < 12 or len({t for t in toks if t in OPERATIVE}) < 2:
            continue
        # The adjacent full-text match owns it: the one just before (appended terms), else the
        # one just after. Standard notices (headers quoted in a README) own nothing.
        before = [a for a in chosen if a.end == gs and a.source != "curated" and a.ref.kind == "text"]
        after = [a for a in chosen if a.start == ge and a.source != "curated" and a.ref.kind == "text"]
        owner = before[-1] if before else (after[0] if after else None)
        if owner is not None and ge - gs <= 2 * (owner.end - owner.start):
            owner.changes.append(("added", gs, ge))


def _resembling(aligned: list[_Aligned], chosen: list[_Aligned]) -> list[_Aligned]:
    """Good alignments held back for a replaced name, over regions no chosen match covers."""
    out: list[_Aligned] = []
    for a in sorted(aligned, key=lambda x: (-_weight(x), -x.dice, x.ref.number)):
        if not a.replaced or a.dice < MIN_DICE or a.recall < MIN_RECALL:
            continue
        size = a.end - a.start
        taken = chosen + out
        if any(min(a.end, c.end) - max(a.start, c.start) > 0.3 * min(size, c.end - c.start) for c in taken):
            continue
        out.append(a)
    return sorted(out, key=lambda x: x.start)


_REFERS = lazy_re.compile(
    r"\b(?:(?:licen[cs]ed|released|available|distributed|governed|provided|covered|made\s+available)"
    r"\s+(?:under|by|pursuant\s+to)(?:\s+and\s+subject\s+to)?|subject\s+to)"
    r"\s+(?:the\s+)?(?:terms\s+(?:and\s+conditions\s+)?of\s+(?:the\s+)?)?"
    r"([^\n.,;:()\[\]<>\"“”]{2,100})",
    re.IGNORECASE,
)
_URL = lazy_re.compile(r"https?://[^\s<>()\[\]\"']{4,300}")


def _by_reference(kb: Knowledge, text: str) -> tuple[LicenseInfo, int] | None:
    """The licence a short text says it is under ("licensed under the Llama 2 Community License
    Agreement at <url>"), with the line saying so. The name must resolve as a known name or alias
    (longest first, dropping trailing words), or the sentence must carry a URL of a known licence."""
    for found in _REFERS.finditer(text[:20_000]):
        words = found.group(1).split()[:12]
        line = text.count("\n", 0, found.start()) + 1
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            if n == 1 and len(phrase) < 3:
                break
            info = kb.info(phrase)
            if info is not None and phrase.lower() not in {"the", "license", "licence", "same", "terms"}:
                return info, line
        rest = text[found.end() : found.end() + 300]
        url = _URL.search(rest)
        if url is not None:
            info = kb.by_link(url.group(0).rstrip(".,;:"))
            if info is not None:
                return info, line
    return None


def _cannot_improve(
    ref: Reference, shared: list[int], qpos: dict[int, list[int]], perfect: bytearray
) -> bool:
    """A reference whose shingles fall inside an exact match, and which is not wholly present
    itself, cannot read that region better: skip its alignment (the common case of variants)."""
    if len(shared) >= 0.98 * ref.sample:
        return False
    positions = [p for h in shared for p in qpos[h]]
    inside = sum(map(perfect.__getitem__, positions))  # perfect holds 0 or 1 per token
    return inside >= 0.9 * len(positions)


def _uncovered(n: int, chosen: list[_Aligned]) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    cursor = 0
    for a in sorted(chosen, key=lambda x: x.start):
        if a.start > cursor:
            gaps.append((cursor, a.start))
        cursor = max(cursor, a.end)
    if cursor < n:
        gaps.append((cursor, n))
    return gaps


def _location(query: Normalized, start: int, end: int, path: str | None) -> Location:
    lines = query.lines
    if not lines:
        return Location(path=path)
    a = lines[min(start, len(lines) - 1)]
    b = lines[min(max(end - 1, start), len(lines) - 1)]
    return Location(path=path, lines=(a, b))


def _rounds(
    kb: Knowledge,
    query: Normalized,
    candidates: list[tuple[Reference, list[int]]],
    qpos: dict[int, list[int]],
) -> tuple[list[_Aligned], list[_Aligned]]:
    """Align the candidates over several rounds: every alignment made, and the selection.
    Called with ``_VOCABULARY_LOCK`` held (the vocabulary and reference ids are shared)."""
    _fresh_vocabulary()
    qids = _token_ids(query.tokens)
    aligned: list[_Aligned] = []
    pending = candidates[MAX_ALIGN:]
    batch = candidates[:MAX_ALIGN]
    selected: list[_Aligned] = []
    perfect = bytearray(len(query.tokens))  # tokens inside a (near) exact match
    for _ in range(ROUNDS):
        for ref, shared in batch:
            if _cannot_improve(ref, shared, qpos, perfect):
                continue
            found = _align(kb, ref, shared, query, qpos, qids)
            for a in found:
                if a.dice >= PERFECT:
                    perfect[a.start : a.end] = b"\x01" * (a.end - a.start)
            aligned.extend(found)
        selected = _select(aligned, query)
        # Next round: the candidates that share most with text no good match covers yet
        # (another licence in the same file, or a better reading of a weakly matched part).
        free = bytearray(b"\x01") * len(query.tokens)
        for a in selected:
            if a.dice >= GOOD:
                free[a.start : a.end] = bytes(a.end - a.start)
        if sum(free) < 20 or not pending:
            break
        ranked = []
        for ref, shared in pending:
            # free holds 0 or 1 per token: the sum counts the shared shingles' free positions
            inside = sum(map(free.__getitem__, chain.from_iterable(map(qpos.__getitem__, shared))))
            if inside >= max(3, 0.3 * ref.sample):
                ranked.append((inside * inside / ref.sample, ref.number, ref, shared))
        ranked.sort(key=lambda x: (-x[0], x[1]))
        batch = [(ref, shared) for _, _, ref, shared in ranked[:MAX_ALIGN]]
        if not batch:
            break
        taken = {ref.number for ref, _ in batch}
        pending = [c for c in pending if c[0].number not in taken]
    return aligned, selected


def identify(text: str, path: str | None = None) -> Identification:
    """Every licence named in ``text``, in order of appearance, with spans and changes."""
    kb = knowledge()
    query = normalize(text)
    if not query.tokens:
        return Identification((), 0, ("no words to match",))
    candidates, qpos = _candidates(kb, shingle_hashes(query.tokens))
    with _VOCABULARY_LOCK:
        aligned, selected = _rounds(kb, query, candidates, qpos)
    chosen = _fingerprints(kb, query, selected)
    notes: list[str] = []
    similar = []
    for a in _resembling(aligned, chosen):
        first, last = _location(query, a.start, a.end, path).lines or (0, 0)
        notes.append(
            f"lines {first}-{last}: unknown licence resembling {a.info.name} ({a.info.id}, score "
            f"{min(a.dice, 1.0):.2f}); that licence's name ({a.replaced!r}) is replaced throughout, "
            "so this is another licensor's text, read from its own clauses"
        )
        similar.append(_as_match(a, query, path, modified=True))
    if not chosen and len(query.tokens) <= BY_REFERENCE_MAX_TOKENS:
        pointed = _by_reference(kb, text)
        if pointed is not None:
            info, line = pointed
            notes.append(f"{info.id} named by reference at line {line}; its terms are not in this file")
            match = LicenseMatch(
                id=info.id,
                name=info.name,
                score=1.0,
                source="reference",
                lines=(line, line),
                osi_approved=info.osi_approved,
                fsf_libre=info.fsf_libre,
                category=info.category,
                by_reference=True,
            )
            return Identification((match,), len(query.tokens), tuple(notes), ("reference",), tuple(similar))
    disclaimers: list[_Aligned] = []
    if len(chosen) > 1:
        # A bare warranty disclaimer next to a licence grants and takes nothing: mention it only.
        for a in [a for a in chosen if a.info.id == DISCLAIMER]:
            chosen.remove(a)
            disclaimers.append(a)
            first, last = _location(query, a.start, a.end, path).lines or (0, 0)
            notes.append(f"a bare warranty disclaimer at lines {first}-{last}")
    _outside(query, chosen, disclaimers)
    matches = []
    kinds = []
    for a in chosen:
        info = a.info
        if a.source == "curated" and not a.matched:
            notes.append(
                f"{info.id} named by its title; its full text is not shipped, so changes are not checked"
            )
        matches.append(_as_match(a, query, path, modified=bool(a.changes) and a.source != "curated"))
        kinds.append("policy" if info.kind == "policy" else a.ref.kind if a.source != "curated" else "text")
    return Identification(tuple(matches), len(query.tokens), tuple(notes), tuple(kinds), tuple(similar))


def _as_match(a: _Aligned, query: Normalized, path: str | None, *, modified: bool) -> LicenseMatch:
    info = a.info
    changes = tuple(
        _location(query, s, max(e, s + 1), path) for _, s, e in sorted(a.changes, key=lambda c: c[1])
    )
    curated = a.source == "curated" or info.family is not None
    return LicenseMatch(
        id=info.id,
        name=info.name,
        score=round(min(a.dice, 1.0), 4),
        source="curated" if curated else info.source,
        modified=modified,
        lines=_location(query, a.start, a.end, path).lines,
        osi_approved=info.osi_approved,
        fsf_libre=info.fsf_libre,
        category=info.category,
        changes=changes,
    )
