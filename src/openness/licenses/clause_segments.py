"""Split a licence text into clauses (sentences and list items) that keep their line spans.

Licence files come hard-wrapped, soft-wrapped, in Markdown, with HTML tags, in English and
Chinese. Patterns must see each clause as one normalised string whatever the wrapping, and each
hit must point back at the lines it came from. So: lines -> cleaned lines -> blocks (paragraphs
and list items) -> sentences, each carrying its first and last line number (1-based).

A clause that ends with a colon ("You agree not to use the Model:") introduces the list that
follows it; the items remember that lead-in so a prohibition stated once applies to each item,
and a hit on the lead-in can cover the whole list.

Hand-written rather than a Markdown or NLP library: we need exact line provenance through
every transformation, tolerance of broken Markdown and plain text alike, and no model downloads.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass

from openness.lazy_re import lazy_compile

MAX_CHARS = 1_000_000  # analyse at most the first 1 MB of a text ...
MAX_LINES = 50_000  # ... and its first 50,000 lines (licences have hundreds; this bounds junk input)

_HTML_TAG = lazy_compile(r"<[^<>\n]{0,300}>")
_MD_LINK = lazy_compile(r"!?\[([^\]\n]{0,500})\]\([^)\s]{0,2000}\)")
_MD_REF_DEF = lazy_compile(r"^\s*\[[^\]\n]{1,300}\]:\s*\S+\s*$")
_MD_ESCAPE = lazy_compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_MD_EMPHASIS = lazy_compile(r"\*+|(?<!\w)_+|_+(?!\w)|`+")
_MD_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s*")
_QUOTE = lazy_compile(r"^\s*(?:>\s*)+")
_SPACES = lazy_compile(r"\s+")
_QUOTE_PAIRS = (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("\u00a0", " "), ("\u3000", " "))

# A list item starts with a bullet, an enumerator (1. / a) / iv. / (ii) / 1.2.3) or a
# Chinese enumerator (一、 / （二）). Requiring whitespace after "a." keeps "e.g." out.
LIST_MARKER = lazy_compile(
    r"""^\s*(?:
        [-*•+·▪◦]\s+
      | \(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})[.)](?:\s+|(?=[\u4e00-\u9fff]))
      | \((?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})\)\s*
      | \d{1,3}(?:\.\d{1,3})+\.?\s+
      | [（(]?[一二三四五六七八九十]{1,3}[、.)）]\s*
      | 第[一二三四五六七八九十\d]{1,4}[条章节]\s*
    )""",
    re.VERBOSE,
)
# A lead-in that forgot its colon: "You will not, and will not permit any third party to" + a list.
_OPEN_LEAD = lazy_compile(r"\b(?:to|following|below)$|(?:如下|以下)$")
_CJK = lazy_compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_EDGE = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_EDGE_CHAR = lazy_compile(f"[{_CJK_EDGE}]")  # compiled once, not looked up per joined line

# Sentence boundaries: Western punctuation followed by space and a capital/digit/quote, or a
# colon/semicolon followed by a capital (inline lists); Chinese full stops need no space. The gap
# after the mark is the group that took part (``m.span(m.lastindex)``). The mark is matched, not
# looked behind for: a pattern that opens with a character class lets the engine skip to the next
# mark, where a lookbehind is tried at every position (twice as slow over a licence).
_BOUNDARY = lazy_compile(
    r"[.!?;:](\s+)(?=[\"'(\[]?[A-Z0-9\u4e00-\u9fff]|\(?(?:[ivx]{1,5}|[a-h])[.)]\s)|[。！？；：](\s*)(?=\S)",
)
_ABBREVIATIONS = frozenset(
    {
        "e.g.",
        "i.e.",
        "etc.",
        "inc.",
        "ltd.",
        "co.",
        "corp.",
        "no.",
        "nos.",
        "vs.",
        "v.",
        "ex.",
        "u.s.",
        "u.k.",
        "e.u.",
        "cf.",
        "al.",
        "art.",
        "sec.",
        "para.",
        "mr.",
        "ms.",
        "dr.",
        "st.",
        "jr.",
        "sr.",
        "approx.",
        "incl.",
        "viz.",
        "fig.",
        "p.r.c.",
        "s.a.",
        "n.v.",
        "b.v.",
        "l.l.c.",
    }
)
_ENUMERATOR = lazy_compile(r"^(?:\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})[.)]|\d+(?:\.\d+)+\.?|[A-Z])$")


@dataclass(frozen=True)
class Clause:
    """One sentence or list item, normalised, with its 1-based line span."""

    text: str
    start: int
    end: int
    block: int  # index of the paragraph / list item it belongs to
    heading: bool = False  # a title or section heading, not an operative sentence
    list_item: bool = False  # its block starts with a bullet or enumerator
    lead: int | None = None  # index of the clause that introduces the list it belongs to
    extent: int = 0  # last line of the list a lead-in introduces (== end otherwise)
    introduces: bool = False  # a lead-in: "... agree not to use the Model:" (or "... to" + a list)

    @property
    def is_lead(self) -> bool:
        return self.introduces


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (line number, cleaned text)
    list_item: bool
    heading: bool


def clean_line(raw: str) -> tuple[str, bool]:
    """Strip Markdown/HTML decoration from one line; say whether it is a Markdown heading."""
    s = raw.strip()
    if not s:
        return "", False
    heading = False
    if s[0] in "#>[":  # fast paths: most lines carry no decoration at all
        if _MD_REF_DEF.match(s):
            return "", False
        heading = bool(_MD_HEADING.match(s))
        s = _MD_HEADING.sub("", s) if heading else s
        s = _QUOTE.sub("", s)
    if "<" in s:
        s = _HTML_TAG.sub(" ", s)
    if "](" in s:
        s = _MD_LINK.sub(r"\1", s)
    if "\\" in s:
        s = _MD_ESCAPE.sub(r"\1", s)
    if "*" in s or "_" in s or "`" in s:
        marker = LIST_MARKER.match(s)
        if marker and marker.group(0).strip() in {"*", "-", "+"}:
            # keep the bullet (it marks a list item); strip emphasis from the rest only
            s = marker.group(0) + _MD_EMPHASIS.sub("", s[marker.end() :])
        else:
            s = _MD_EMPHASIS.sub("", s)
    if not s.isascii():
        for curly, plain in _QUOTE_PAIRS:  # str.replace is far faster than translate here
            if curly in s:
                s = s.replace(curly, plain)
    if "  " in s or "\t" in s:
        s = _SPACES.sub(" ", s)
    return s.strip(), heading


_HEADING_CJK_STOP = lazy_compile(r"[，。；、,;]")  # punctuation a title does not hold
_HEADING_STOP = lazy_compile(r"[.;,\"]")


def _looks_like_heading(text: str) -> bool:
    """A short title line: 'Prohibited Uses', '2. RESTRICTIONS', 'Attachment A', '3.限制'."""
    body = LIST_MARKER.sub("", text, count=1).strip().rstrip(".:：")
    if not body:
        return True
    if _CJK.search(body):
        return len(body) <= 12 and not _HEADING_CJK_STOP.search(body)
    words = body.split()
    if len(words) > 10 or _HEADING_STOP.search(body):
        return False
    letters = [w for w in words if w[:1].isalpha()]
    if not letters:
        return False
    small = {"a", "an", "and", "or", "of", "the", "to", "for", "in", "on", "with", "by", "&"}
    return body.isupper() or all(w[:1].isupper() or w.lower() in small for w in letters)


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(text.split("\n", MAX_LINES)[:MAX_LINES], start=1):
        cleaned, md_heading = clean_line(raw)
        if md_heading and len(cleaned.split()) > 15:
            md_heading = False  # a "heading" that runs on is a paragraph behind a stray '#'
        if not cleaned:
            current = None
            continue
        starts_item = bool(LIST_MARKER.match(cleaned))
        if md_heading or starts_item or current is None or current.heading:
            current = _Block([(number, cleaned)], starts_item, md_heading)
            blocks.append(current)
            if md_heading:
                current = None  # a Markdown heading is always a block of its own
        else:
            current.lines.append((number, cleaned))
    blocks = [part for block in blocks for part in _split_inner_headings(block)]
    for block in blocks:
        if not block.heading and len(block.lines) == 1:
            block.heading = _looks_like_heading(block.lines[0][1])
    return blocks


def _inner_heading(line: str) -> bool:
    return len(line) <= 40 and line[-1:].isalnum() and _looks_like_heading(line)


def _split_inner_headings(block: _Block) -> list[_Block]:
    """A short title line glued to a paragraph ('Prohibited Uses' then 'We want...') stands alone."""
    if len(block.lines) < 2 or block.heading:
        return [block]
    parts: list[_Block] = []
    current: list[tuple[int, str]] = []
    for i, (number, line) in enumerate(block.lines):
        last = i == len(block.lines) - 1
        prev_open = bool(current) and current[-1][1].endswith((",", "-", "(", "/"))
        if not last and not prev_open and _inner_heading(line):
            if current:
                parts.append(_Block(current, block.list_item if not parts else False, False))
            parts.append(_Block([(number, line)], False, True))
            current = []
            continue
        current.append((number, line))
    if current:
        parts.append(_Block(current, block.list_item if not parts else False, False))
    return parts


def _join(block: _Block) -> tuple[str, list[int], list[int]]:
    """Join a block's lines; return text, each line's start offset, and the line numbers."""
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    length = 0
    for number, line in block.lines:
        if parts:
            prev = parts[-1]
            sep = "" if _CJK_EDGE_CHAR.match(prev[-1]) and _CJK_EDGE_CHAR.match(line[0]) else " "
            parts.append(sep)
            length += len(sep)
        starts.append(length)
        numbers.append(number)
        parts.append(line)
        length += len(line)
    return "".join(parts), starts, numbers


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of one block."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut, after = m.span(m.lastindex or 0)
        if cut - start < 3 or not text[start:cut].strip():
            continue
        if text[cut - 1] == ".":
            # the word before the full stop: only a short tail of the text needs looking at
            last = text[max(start, cut - 24) : cut].rsplit(None, 1)[-1].lstrip("\"'([")
            if last.lower() in _ABBREVIATIONS or _ENUMERATOR.match(last):
                continue  # "e.g. API", "2. Additional", "Section 1.b.i. You"
        if len(text[start:cut].strip()) < 3:
            continue
        spans.append((start, cut))
        start = after
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def segment(text: str) -> list[Clause]:
    """Cut ``text`` into clauses with line spans; lead-ins know the list they introduce."""
    text = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    clauses: list[Clause] = []
    lead_index: int | None = None  # current lead-in clause, while its list goes on
    blocks = _blocks(text)
    for b, block in enumerate(blocks):
        joined, starts, numbers = _join(block)
        if lead_index is not None and not (block.list_item and not block.heading):
            lead_index = None  # a paragraph or heading ends the list
        list_follows = b + 1 < len(blocks) and blocks[b + 1].list_item and not blocks[b + 1].heading
        spans = _split_sentences(joined)
        for k, (s, e) in enumerate(spans):
            while s < e and joined[s].isspace():
                s += 1
            while e > s and joined[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            first = numbers[bisect.bisect_right(starts, s) - 1]
            last = numbers[bisect.bisect_right(starts, e - 1) - 1]
            sentence = joined[s:e]
            introduces = sentence.endswith((":", "：")) or (
                k == len(spans) - 1 and list_follows and bool(_OPEN_LEAD.search(sentence))
            )
            clause = Clause(
                text=sentence,
                start=first,
                end=last,
                block=b,
                heading=block.heading,
                list_item=block.list_item,
                lead=lead_index,
                extent=last,
                introduces=introduces,
            )
            clauses.append(clause)
            if clause.is_lead and lead_index is None and not block.heading:
                lead_index = len(clauses) - 1
    return _with_extents(clauses)


def _with_extents(clauses: list[Clause]) -> list[Clause]:
    """Give each lead-in the last line of the list that follows it."""
    last_line: dict[int, int] = {}
    for c in clauses:
        if c.lead is not None:
            last_line[c.lead] = max(last_line.get(c.lead, 0), c.end)
    if not last_line:
        return clauses
    out = list(clauses)
    for i, end in last_line.items():
        c = out[i]
        out[i] = dataclasses.replace(c, extent=max(c.extent, end))
    return out
