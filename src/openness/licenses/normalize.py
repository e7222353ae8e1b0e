"""Licence text normalisation: the same text, however it is dressed, gives the same tokens.

Case, punctuation, whitespace and line wrapping, Markdown and HTML markup, bullets and list
numbering, copyright lines, URLs and a few British/American spellings are normalised away
(in the spirit of the SPDX matching guidelines). Every token keeps the 1-based line it came
from, so a match can be reported as a line span of the original text.

Hand-written rather than a library: the SPDX guideline matchers available on PyPI either need
Java/Redis or return no token positions, and the index must be reproducible byte for byte.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass

from openness.lazy_re import lazy_compile

SHINGLE = 3  # tokens per shingle in the candidate index

# Every repetition is bounded: a hostile text (a 1 MB run of "1.1.1..." or "[[[[...") must not
# make a pattern backtrack quadratically.
_TAG = lazy_compile(r"<[^>\n]{0,200}>")
_MD_LINK = lazy_compile(r"!?\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
_URL = lazy_compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"
    r"|\b(?:[\w-]{1,63}\.){1,6}(?:com|org|net|io|ai|dev|edu|gov|cn|ae)\b(?:/\S*)?",
    re.IGNORECASE,
)
_COPYRIGHT = lazy_compile(
    r"^\W*(?:copyright\W*(?:\(c\)|c\)|©|\d{4}|\[|\{|<|by\b|holder:?\W*$)|\(c\)\s*\d|©|all rights reserved)",
    re.IGNORECASE,
)
_BULLET = lazy_compile(r"^\s*[-*+•·▪●◦>#|]+\s+")
_NUMBER = lazy_compile(r"^\s*[*_]*\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxIVX]{1,5})[.)][*_]*\s+")
_TOKEN = lazy_compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]")
_QUOTES = ("’", "'", "‘", "`", "\\")  # deleted: each with str.replace (translate was 20x slower)
# Every URL match holds one of these, on its own line (a match is non-space characters): lines
# without one are left alone, where running the URL pattern over the whole text cost ~0.4 ms.
_URL_HINT = lazy_compile(r"://|www\.|\.(?:com|org|net|io|ai|dev|edu|gov|cn|ae)\b", re.IGNORECASE)
_BULLETS = frozenset("-*+•·▪●◦>#|")

# Equivalent words (SPDX matching guidelines, "varietal word spelling"); a small, common subset.
_EQUIVALENT = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "licencing": "licensing",
    "licensor": "licensor",
    "authorised": "authorized",
    "authorise": "authorize",
    "organisation": "organization",
    "organisations": "organizations",
    "recognised": "recognized",
    "modelling": "modeling",
    "favour": "favor",
    "behaviour": "behavior",
    "analyse": "analyze",
    "utilise": "utilize",
    "offence": "offense",
    "defence": "defense",
    "programme": "program",
    "judgement": "judgment",
    "acknowledgement": "acknowledgment",
}


@dataclass(frozen=True)
class Normalized:
    """Tokens of a text and, for each, the 1-based line it came from."""

    tokens: tuple[str, ...]
    lines: tuple[int, ...]

    def joined(self) -> str:
        return " " + " ".join(self.tokens) + " "


def _strip_markers(line: str) -> str:
    """Bullets and list numbering at the start of a line, possibly nested ("1. (a) ...")."""
    if not _may_have_marker(line):
        return line
    for _ in range(4):
        new = _NUMBER.sub("", _BULLET.sub("", line))
        if new == line:
            break
        line = new
    return line


def _may_have_marker(line: str) -> bool:
    """Whether ``_BULLET`` or ``_NUMBER`` can match (most lines open with a word: no)."""
    head = line.lstrip()[:6]
    first = head[:1]
    if not first:
        return False
    if first in _BULLETS or first in "*_(" or first.isdigit():
        return True
    # a letter enumerator: "a." / "iv)", the mark within five letters
    return first.isascii() and first.isalpha() and ("." in head or ")" in head)


def _without_urls(text: str) -> str:
    """``_URL.sub(" ", text)``, run only on the lines a URL can be on."""
    out: list[str] = []
    done = 0
    for hint in _URL_HINT.finditer(text):
        at = hint.start()
        if at < done:
            continue  # on a line already done
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        out.append(text[done:start])
        out.append(_URL.sub(" ", text[start:end]))
        done = end
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def normalize(text: str) -> Normalized:
    """Tokenise ``text`` for matching, keeping each token's line number."""
    text = html.unescape(text) if "&" in text else text
    # Tags, links and URLs never span lines (the patterns exclude newlines): one pass each.
    text = _TAG.sub(" ", text) if "<" in text else text
    text = _without_urls(_MD_LINK.sub(r"\1", text) if "](" in text else text)
    tokens: list[str] = []
    lines: list[int] = []
    equivalent = _EQUIVALENT
    text = text.lower()
    for quote in _QUOTES:
        if quote in text:
            text = text.replace(quote, "")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_markers(raw)
        if _COPYRIGHT.match(line) and len(line.split()) <= 16:
            continue  # a longer line goes on after the statement (re-wrapped text): keep it
        found = _TOKEN.findall(line)
        if found:
            tokens.extend([equivalent.get(tok, tok) for tok in found])
            lines.extend([number] * len(found))
    return Normalized(tuple(tokens), tuple(lines))


def phrase_tokens(phrase: str) -> str:
    """A phrase normalised the way texts are, as a space-padded string for substring search."""
    return " " + " ".join(normalize(phrase).tokens) + " "


def shingle_hashes(tokens: tuple[str, ...] | list[str]) -> list[int]:
    """Stable (process-independent) 32-bit hashes of every run of ``SHINGLE`` tokens."""
    n = len(tokens) - SHINGLE + 1
    if n <= 0:
        return [zlib.crc32(" ".join(tokens).encode())] if tokens else []
    crc = zlib.crc32
    return [crc(f"{tokens[i]} {tokens[i + 1]} {tokens[i + 2]}".encode()) for i in range(n)]


_GITHUB = lazy_compile(
    r"^(?:raw\.githubusercontent\.com/([^/]+)/([^/]+)/[^/]+/|github\.com/([^/]+)/([^/]+)/(?:blob|raw)/[^/]+/)"
)
_HF = lazy_compile(r"^huggingface\.co/((?:datasets/|spaces/)?[^/]+/[^/]+)/(?:blob|raw|resolve)/[^/]+/")


def url_key(url: str) -> str:
    """A URL reduced to what identifies a document: no scheme, www, query, fragment, trailing
    slash, or branch (GitHub blob/raw and Hugging Face blob/resolve links of one file agree)."""
    key = url.strip().lower()
    key = re.sub(r"^[a-z+]+://", "", key)
    key = re.sub(r"^www\.", "", key)
    key = re.split(r"[?#]", key, maxsplit=1)[0].rstrip("/")
    found = _GITHUB.match(key)
    if found:
        owner, repo = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
        key = f"github.com/{owner}/{repo}/" + key[found.end() :]
    found = _HF.match(key)
    if found:
        key = f"huggingface.co/{found.group(1)}/" + key[found.end() :]
    return key


_KEY = lazy_compile(r"[^a-z0-9+.]+")


def lookup_key(value: str) -> str:
    """A forgiving key for ids and names: case, spaces, dashes and underscores ignored.

    Lives here because the data build keys its alias table with it: this module is part of the
    data's staleness stamp, so the two cannot drift apart."""
    return _KEY.sub("", value.strip().lower())
