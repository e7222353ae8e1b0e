"""Clause analysis: what a licence text takes away, each restriction with its line span.

``find_restrictions(text, path)`` works on any text, known licence or not: it cuts the text
into clauses (``clause_segments``), runs the rule table (``clause_patterns``) on each, and
merges hits of one kind whose spans overlap or touch. A lead-in that prohibits ("You agree not to use
the Model:") lends its negation to the list items below it, and a hit on the lead-in spans the
whole list. Headings and titles are never restrictions on their own.

Permissive licences (MIT, Apache-2.0, BSD, GPL, CC BY) yield nothing: attribution, notice and
copyleft conditions are not restrictions in this sense, nor are trademark clauses, breach-based
termination or export-control compliance.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from openness.lazy_re import lazy_compile
from openness.licenses.clause_patterns import (
    KINDS,
    USE_LIST,
    kind_groups,
    negation,
    screened,
    threshold,
)
from openness.licenses.clause_segments import LIST_MARKER, Clause, segment
from openness.model import Location, Restriction, RestrictionKind

__all__ = ["KINDS", "find_restrictions"]

MAX_TEXT = 300  # characters of clause text kept in a Restriction
_ORDER = {kind: i for i, kind in enumerate(RestrictionKind)}


@dataclass
class _Hit:
    kind: RestrictionKind
    start: int
    end: int
    text: str
    summary: str
    block: int = -1


def _trim(text: str) -> str:
    text = LIST_MARKER.sub("", text, count=1).strip()
    if len(text) <= MAX_TEXT:
        return text
    cut = text[: MAX_TEXT - 1]
    space = cut.rfind(" ")
    if space > MAX_TEXT * 0.7:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


_REGIONS = lazy_compile(
    r"\b(?:the )?(European Union|European Economic Area|EEA|United Kingdom|South Korea|United States|"
    r"mainland China|China|Russia|Switzerland)\b|(欧盟|英国|韩国|中国大陆|香港|澳门|台湾)"
)
_QUOTED = lazy_compile(r'"([^"]{2,40})"|“([^”]{2,40})”')
_BRAND_PHRASE = lazy_compile(r"(?i)built|powered|made with|improved")


def _summary(kind: RestrictionKind, template: str, text: str) -> str:
    if kind is RestrictionKind.TERRITORY:
        places = list(dict.fromkeys(m.group(1) or m.group(2) for m in _REGIONS.finditer(text)))
        if places:
            return f"The grant does not apply to people or companies in: {', '.join(places)}"
    if kind is RestrictionKind.BRANDING:
        quoted = [m.group(1) or m.group(2) for m in _QUOTED.finditer(text)]
        brand = next((q for q in quoted if _BRAND_PHRASE.match(q)), quoted[0] if quoted else None)
        if brand and template.startswith("Derived models"):
            return f'Derived models must carry "{brand}" at the start of their name'
        if brand:
            return f'Products must prominently display "{brand}"'
    if "{n}" not in template:
        return template
    figure = threshold(text)
    if figure is None:
        return {
            RestrictionKind.USER_THRESHOLD: "Licensees above a size threshold must obtain a separate licence",
        }.get(kind, template.replace("{n}", "a threshold"))
    return template.replace("{n}", figure)


# A definition ("Personal Use" means ... non-commercial purposes) names a term; it restricts
# nothing until an operative clause uses it. Only policy/terms definitions can carry a change
# clause ("AUP" means the policy at ..., as may be updated from time to time).
_DEFINITION = lazy_compile(r'^\W{0,3}"[^"]{1,80}"[^.]{0,80}?\b(?:means|shall mean|refers to|is defined as)\b')
_POLICY_WORDS = lazy_compile(r"polic|terms|agreement|\baup\b|licen[cs]e")
# ... and a "Territory" defined as the world minus some regions is the territorial restriction.
_DEFINITION_KINDS = {
    RestrictionKind.REVOCABLE: _POLICY_WORDS,
    RestrictionKind.TERRITORY: lazy_compile(r"exclud|except"),
}
# Dots inside words and figures ("Hunyuan 3D 2.0", "FLUX.1", "llama.meta.com", "U.S.") must not look
# like sentence ends to the patterns' "[^.]" spans.
# The dot comes first in the pattern so the engine skips from dot to dot; a leading lookbehind,
# "(?<=\w)\.(?=\w)", was tried at every position (8x slower, the same matches).
_INNER_DOT = lazy_compile(r"\.(?<=\w\.)(?=\w)")
# A lead-in lends its prohibition to a list only when it binds the licensee.
_LEAD_SUBJECT = lazy_compile(r"\b(?:you|licensee|licensees|user|users|recipient)\b|您|你|用户|使用者")
_LEAD_NOT_BINDING = lazy_compile(r"liab|warrant|damages|claims?\b")


_OTHER_PURPOSES = lazy_compile(
    r"militar|surveil|weapon|nuclear|biometric|illegal|unlawful|harm|medical|law enforcement|\(ii\)"
    r"|军事|非法|违法|危害"
)


@lru_cache(maxsize=256)
def _prohibits(lead: Clause | None) -> bool:
    if lead is None:
        return False
    text = lead.text.lower()
    return bool(negation().search(text) and _LEAD_SUBJECT.search(text) and not _LEAD_NOT_BINDING.search(text))


_USE_VERB = lazy_compile(
    r"\b(?:use|used|deploy|deployed|utili[sz]e|utili[sz]ed|exploit)\b|用于|利用|从事|使用|部署", re.IGNORECASE
)
_PURPOSE_START = lazy_compile(r"\b(?:for|to|as)\s+|\bin\s+(?!whole\b|part\b)|用于|从事|进行", re.IGNORECASE)
_CN_PURPOSE = lazy_compile(r"出于(.{1,40}?)(?:目的|用途)")


def _purpose(text: str) -> str | None:
    """The purpose a prohibition names: "You will not use X for <purpose>" -> "<purpose>"."""
    body = LIST_MARKER.sub("", text, count=1).strip()
    cn = _CN_PURPOSE.search(body)
    if cn:
        return cn.group(1) + "目的"
    verb = _USE_VERB.search(body)
    if verb is None:
        return None
    start = _PURPOSE_START.search(body, verb.end())
    if start is None:
        return None
    purpose = body[start.end() :].strip().rstrip(".;:。；：")
    if len(purpose) < 3:
        return None
    return purpose if len(purpose) <= 90 else purpose[:87].rsplit(" ", 1)[0] + "…"


def _use_summary(clause: Clause, items: int) -> str:
    if clause.is_lead and items:
        return f"Uses in the list that follows are prohibited ({items} items)"
    purpose = _purpose(clause.text)
    return f"Prohibited use: {purpose}" if purpose else USE_LIST


def _lowered(clause: Clause) -> str:
    """The clause as the patterns see it: lower-cased, dots inside words and figures made ``_``."""
    return _INNER_DOT.sub("_", clause.text.lower())


def _clause_hits(
    clause: Clause,
    lead: Clause | None,
    items: int = 0,
    text: str | None = None,
    among: Sequence[str] | None = None,
) -> list[_Hit]:
    """The kinds ``clause`` states. ``text``: its ``_lowered`` form, when the caller has it;
    ``among``: the screen keywords that can occur in it (see ``find_restrictions``)."""
    if text is None:
        text = _lowered(clause)
    present = screened(text, among)
    if not present:
        return []  # no rule's screen passes (a quarter of a licence's clauses)
    prohibited = _prohibits(lead)
    definition = ("mean" in text or "refers to" in text or "defined as" in text) and bool(
        _DEFINITION.match(LIST_MARKER.sub("", clause.text, count=1))
    )
    found: dict[RestrictionKind, str] = {}
    for kind, kind_words, kind_rules in kind_groups(prohibited):
        if kind_words.isdisjoint(present):
            continue
        if definition and (kind not in _DEFINITION_KINDS or not _DEFINITION_KINDS[kind].search(text)):
            continue
        for rule in kind_rules:
            if rule.screen.isdisjoint(present):
                continue
            if rule.needs and not any(w in text for w in rule.needs):
                continue  # the pattern cannot match (``Rule.needs``)
            if not rule.pattern.search(text):
                continue
            veto = rule.veto
            if veto is not None and veto.search(text):
                continue
            requires = rule.requires
            if requires is not None and not requires.search(text):
                continue
            found[kind] = rule.summary
            break
    # "you must request a licence" inside a user-threshold clause is the threshold, not a sign-up
    if RestrictionKind.USER_THRESHOLD in found:
        found.pop(RestrictionKind.REGISTRATION, None)
    # "you will not use ... outputs to improve other models" is about outputs, and "may not be
    # used for commercial purposes" about commerce: neither is also a use list, unless the clause
    # names other purposes too ("for (i) any commercial ..., (ii) military purposes").
    if found.get(RestrictionKind.FIELD_OF_USE) == USE_LIST and (
        RestrictionKind.OUTPUT_USE in found
        or (RestrictionKind.NON_COMMERCIAL in found and not _OTHER_PURPOSES.search(text))
    ):
        found.pop(RestrictionKind.FIELD_OF_USE)
    if found.get(RestrictionKind.FIELD_OF_USE) == USE_LIST:
        found[RestrictionKind.FIELD_OF_USE] = _use_summary(clause, items)
    end = clause.extent if clause.is_lead else clause.end
    return [
        _Hit(kind, clause.start, end, clause.text, _summary(kind, template, clause.text), clause.block)
        for kind, template in found.items()
    ]


def _merge(hits: list[_Hit]) -> list[_Hit]:
    """One restriction per kind per span: hits of a kind that overlap, sit on adjacent lines, or
    follow each other within one paragraph merge; the earliest clause speaks for them."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (_ORDER[h.kind], h.start, h.end)):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == hit.kind
            and (hit.start <= last.end + 1 or (hit.block == last.block and hit.start <= last.end + 2))
        ):
            last.end = max(last.end, hit.end)
            continue
        merged.append(_Hit(hit.kind, hit.start, hit.end, hit.text, hit.summary, hit.block))
    # "contact us for a further licence" next to a user cap is part of the cap, not a sign-up
    caps = [h for h in merged if h.kind is RestrictionKind.USER_THRESHOLD]
    merged = [
        h
        for h in merged
        if h.kind is not RestrictionKind.REGISTRATION
        or not any(c.start <= h.end and h.start <= c.end for c in caps)
    ]
    merged.sort(key=lambda h: (h.start, _ORDER[h.kind]))
    return merged


_HAS_WORD = lazy_compile(r"\w")


def find_restrictions(text: str, path: str | None = None) -> tuple[Restriction, ...]:
    """Every restriction ``text`` states, ordered by line; spans are 1-based lines of ``text``."""
    if not text or not _HAS_WORD.search(text[:4096] + text[-4096:]):
        return ()
    clauses = segment(text)
    items = Counter(c.lead for c in clauses if c.lead is not None)
    lowered = {i: _lowered(c) for i, c in enumerate(clauses) if not c.heading}
    # The screen keywords anywhere in the text, found once: each clause is then searched for these
    # only (a licence holds a third of them). No keyword holds a newline, so none spans two clauses.
    among = tuple(screened("\n".join(lowered.values())))
    hits: list[_Hit] = []
    for index, text in lowered.items():
        clause = clauses[index]
        lead = clauses[clause.lead] if clause.lead is not None else None
        hits.extend(_clause_hits(clause, lead, items.get(index, 0), text, among))
    out: list[Restriction] = []
    for hit in _merge(hits):
        info = KINDS[hit.kind]
        out.append(
            Restriction(
                kind=hit.kind,
                location=Location(path=path, lines=(hit.start, hit.end)),
                text=_trim(hit.text),
                summary=hit.summary,
                freedoms=info.freedoms,
                osd_criteria=info.osd,
            )
        )
    return tuple(out)
