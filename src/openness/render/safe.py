"""What release content may look like in an output: the one answer every renderer asks.

A release is hostile input, and its text reaches every report: file names, card fields
(datasets, tags, ``license_name``, base model), licence names, clause quotes and notes. Left
raw, an ``ESC[2J`` clears the reviewer's terminal, an OSC-8 sequence plants a hyperlink, a
U+2028 or newline in a file name forges a report line, a U+202E (RLO) reverses what follows
(Trojan Source), and ``<script>`` in a card field runs in a Markdown viewer that allows HTML.

The data model keeps the true text; escaping happens here, at the render boundary, one
function per kind of output:

- ``clean`` for human text (terminal, comments, error lines): every unsafe code point becomes
  a visible escape (``\\x1b``, ``\\u202e``), so a reviewer sees something was there instead of
  it silently vanishing; a ``<`` that would open an HTML tag or comment becomes ``\\x3c`` (text
  output gets pasted into HTML-rendering places, a CI job summary for one), while ``a < b`` stays.
- ``markdown`` for Markdown: ``clean``, then the characters that could open HTML or break
  Markdown structure (table pipes, code spans, links, emphasis, headings) are escaped.
- ``json_document`` / ``dumps`` for JSON: still valid JSON that parses back to the true
  text, with unsafe code points (and ``< > &``, as Go's encoder does, so the document can
  sit inside HTML) written as ``\\uXXXX`` escapes instead of raw.
- ``yaml_dump`` for YAML: a string holding unsafe code points or a tag opener is written
  double-quoted with the same escapes, so it still loads back to the true text.

Backslashes in the input are left alone: ``\\x1b`` typed literally in a name reads the same
as an escaped ESC, which is ambiguous to the eye but cannot act on the terminal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.encoder import encode_basestring as _encode_str  # the C encoder json.dumps uses
from typing import Any

from openness import lazy_re  # compiled through its cache: this module loads with every command

# Code points that act on a terminal, a layout or a parser instead of showing as a glyph:
# C0 controls, DEL and C1 controls (U+009B is a one-byte CSI); line and paragraph separators;
# bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9);
# invisible format characters that hide or join text (zero-width space, word joiner and the
# invisible operators, deprecated format controls U+206A-F, BOM / zero-width no-break space,
# Mongolian vowel separator, interlinear annotations, soft hyphen, the prepended-number signs
# and the Tags block used for "ASCII smuggling"); and lone surrogates (a surrogate-escaped
# byte of an undecodable name, which no UTF-8 stream can even carry).
# This is Unicode's Cc, Cf, Cs, Zl and Zp categories but for U+200C/U+200D (ZWNJ, ZWJ): Persian,
# the Indic scripts and emoji need them to be written correctly, and they reorder nothing.
# tests/test_hostile_output.py checks the list against the running Python's Unicode database.
_UNSAFE_BEYOND_C0 = (
    "\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
UNSAFE = lazy_re.compile(f"[\x00-\x1f{_UNSAFE_BEYOND_C0}]")
# What a human format escapes: the unsafe code points and a "<" that opens a tag or a comment.
_HUMAN_UNSAFE = lazy_re.compile(f"[\x00-\x1f{_UNSAFE_BEYOND_C0}]|<(?=[A-Za-z/!?])")
# In a JSON document a raw tab, newline or carriage return can only be layout between tokens
# (every serialiser escapes them inside strings), so they stay.
_JSON_UNSAFE = lazy_re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_UNSAFE_BEYOND_C0}<>&]")
# The ASCII that is always safe in a JSON document: printable but for "&", "<" and ">", and tab,
# newline, return. As bytes for bytes.translate's delete (~1 ns a character); the one definition
# the run scan below is made from.
_ASCII_SAFE = bytes(b for b in range(128) if b in (9, 10, 13) or (0x20 <= b <= 0x7E and b not in b"&<>"))
# Runs of anything else: every code point _JSON_UNSAFE names is in one. Scanning a document with
# _JSON_UNSAFE itself cost ~19 ns a character (its class is large); this one ~2.5 (a 420 KB report:
# 11 ms -> 1.5 ms).
_JSON_MAYBE_UNSAFE = lazy_re.compile("[^" + "".join(re.escape(chr(b)) for b in _ASCII_SAFE) + "]+")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# Markdown: characters that open emphasis, code spans, links/images, tables, headings or
# strikethrough, plus the backslash itself; CommonMark lets any ASCII punctuation be escaped.
_MD_SPECIAL = lazy_re.compile(r"([\\`*_\[\]|~#!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_SPECIAL = lazy_re.compile("[&<>]")
_SIMPLE_KEY_MAX = 128  # characters of an escaped YAML key written inline (PyYAML's own bound)


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHORT:
        return _SHORT[ch]
    cp = ord(ch)
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def clean(text: str) -> str:
    """``text`` with every unsafe code point (and tag-opening ``<``) shown as a visible escape."""
    return _HUMAN_UNSAFE.sub(_visible, text)


def markdown(text: str) -> str:
    """``text`` safe to place anywhere inline in Markdown, table cells included.

    It can open no HTML tag or entity, no code span, link, image, emphasis or table cell, and
    (``clean`` escapes every line break) cannot start a line of its own.
    """
    # Entities first (they render as the true "<"), then visible escapes, then Markdown escapes,
    # which also double the backslashes the visible escapes brought in.
    entities = _HTML_SPECIAL.sub(lambda m: _HTML[m.group()], text)
    return _MD_SPECIAL.sub(r"\\\1", clean(entities))


def _json_escape(match: re.Match[str]) -> str:
    cp = ord(match.group())
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    cp -= 0x10000  # a surrogate pair, the only way JSON spells an astral code point
    return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"


def json_document(document: str) -> str:
    """A serialised JSON document with unsafe code points escaped as ``\\uXXXX``.

    Outside strings JSON holds only ASCII punctuation, literals and whitespace, so every code
    point replaced here sits inside a string literal, where the escape parses back to it.
    """
    if document.isascii() and not document.encode("ascii").translate(None, _ASCII_SAFE):
        return document  # the usual listing chunk: nothing left once the safe bytes are deleted
    return _JSON_MAYBE_UNSAFE.sub(_json_escape_run, document)


def _json_escape_run(match: re.Match[str]) -> str:
    return _JSON_UNSAFE.sub(_json_escape, match.group())


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` (readable non-ASCII kept as is) with ``json_document``'s escaping."""
    indent = options.get("indent")
    if type(indent) is int and indent >= 0 and options.keys() <= {"indent", "default"}:
        return json_document(_indented(value, indent, options.get("default")))
    return json_document(json.dumps(value, ensure_ascii=False, **options))


_INF = float("inf")


def _floatstr(o: float) -> str:
    # As json.dumps writes floats (allow_nan: NaN and the infinities as JavaScript spells them).
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


def _indented(value: Any, indent: int, default: Callable[[Any], Any] | None, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent, default=default)``, twice as fast.

    With an indent the standard library encodes in Python, through a generator per container
    (its C encoder has no indent): ~10 ms of a 750-file report (issue 14). Same text, byte for
    byte (tests/test_startup.py compares them on generated values): the same type tests in the
    same order, the same key conversions and errors, ``float.__repr__`` / ``int.__repr__``,
    and strings through the C string encoder ``json.dumps`` itself uses. Reports hold no cycles.
    """
    parts: list[str] = []
    append = parts.append
    unit = " " * indent

    def walk(o: Any, level: int) -> None:
        if isinstance(o, str):
            append(_encode_str(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(_floatstr(o))
        elif isinstance(o, (list, tuple)):
            if not o:
                append("[]")
                return
            pad = "\n" + unit * (level + 1)
            append("[" + pad)
            for n, item in enumerate(o):
                if n:
                    append("," + pad)
                walk(item, level + 1)
            append("\n" + unit * level + "]")
        elif isinstance(o, dict):
            if not o:
                append("{}")
                return
            pad = "\n" + unit * (level + 1)
            append("{" + pad)
            for n, (key, item) in enumerate(o.items()):
                if isinstance(key, str):
                    pass
                elif isinstance(key, float):
                    key = _floatstr(key)
                elif key is True:
                    key = "true"
                elif key is False:
                    key = "false"
                elif key is None:
                    key = "null"
                elif isinstance(key, int):
                    key = int.__repr__(key)
                else:
                    kind = key.__class__.__name__
                    raise TypeError(f"keys must be str, int, float, bool or None, not {kind}")
                if n:
                    append("," + pad)
                append(_encode_str(key) + ": ")
                walk(item, level + 1)
            append("\n" + unit * level + "}")
        elif default is not None:
            walk(default(o), level)
        else:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    walk(value, level)
    text = "".join(parts)
    # ``walk`` refers to itself, a cycle only the collector frees, and it holds ``parts``: emptied,
    # a listing written in chunks does not pile up its pieces until then (~150 MB of 100,000 files).
    parts.clear()
    return text


def indented_at(value: Any, indent: int, level: int, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as ``dumps(..., indent=indent)`` writes it ``level`` containers deep in a document
    (its inner lines indented for that depth, its first line not), unescaped: pass the pieces
    of a document through ``json_document``."""
    return _indented(value, indent, default, level)


def yaml_dump(document: Any, **options: Any) -> str:
    """``yaml.safe_dump`` where a string needing escapes is double-quoted with ``clean``'s escapes.

    PyYAML with ``allow_unicode`` writes bidi controls, U+0085 and zero-width characters raw
    (its notion of printable is wider) and has no reason to touch ``<script>``; such a string is
    instead forced to the double-quoted style and written with YAML's ``\\xNN`` / ``\\uXXXX`` /
    ``\\UXXXXXXXX`` escapes, which are ``clean``'s, so it loads back to the true text. Other
    strings keep PyYAML's readable form.
    """
    import yaml

    class _Dumper(yaml.SafeDumper):
        def analyze_scalar(self, scalar: str) -> Any:
            analysis = super().analyze_scalar(scalar)
            if _HUMAN_UNSAFE.search(scalar):
                analysis.allow_flow_plain = analysis.allow_block_plain = False
                analysis.allow_single_quoted = analysis.allow_block = False
                # Escapes lengthen it: past YAML's 1024-character bound on a simple key the
                # loader fails, so a long one must be an explicit "? key" (PyYAML's own rule
                # for that is 128 characters of the raw text).
                if len(_HUMAN_UNSAFE.sub(_visible, scalar)) > _SIMPLE_KEY_MAX:
                    analysis.multiline = True
            return analysis

        def write_double_quoted(self, text: str, split: bool = True) -> None:
            if not _HUMAN_UNSAFE.search(text):
                super().write_double_quoted(text, split)
                return
            # One unbroken line: YAML's folding would add nothing but a way to get it wrong.
            body = _HUMAN_UNSAFE.sub(_visible, text.replace("\\", "\\\\").replace('"', '\\"'))
            self.write_indicator('"', True)
            self.column += len(body)
            self.stream.write(body.encode(self.encoding) if self.encoding else body)
            self.write_indicator('"', False)

    out: str = yaml.dump(document, Dumper=_Dumper, **options)
    return out
