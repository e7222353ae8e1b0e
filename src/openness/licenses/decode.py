"""Bytes of a licence-like file -> text, in one place (``openness license``, the audit, sources).

BOMs first (UTF-8, UTF-32, UTF-16); NULs in the first ``SNIFF`` bytes mean UTF-16/32 without a BOM
when they fall in a regular pattern, binary otherwise; then UTF-8, GB18030, cp1252 and Latin-1
in that order (Latin-1 never fails). ``recover_wide`` rescues text someone already decoded as UTF-8
with ``errors="replace"`` from UTF-16/32 bytes (the audit's reader does that today).
"""

from __future__ import annotations

SNIFF = 8192  # bytes inspected for NULs and for the UTF-16/32 pattern
ENCODINGS = ("utf-8", "gb18030", "cp1252", "latin-1")  # tried in order; latin-1 never fails
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _mostly_zero(b: bytes) -> bool:
    return len(b) > 0 and b.count(0) > 0.9 * len(b)


def _rarely_zero(b: bytes) -> bool:
    return b.count(0) < 0.05 * max(1, len(b))


def _wide_without_bom(head: bytes) -> str | None:
    """The UTF-32 or UTF-16 encoding of text without a BOM, from where its NULs fall (Latin-range
    text: 'a\\0\\0\\0' is UTF-32-LE, 'a\\0' UTF-16-LE): NULs in fixed byte positions and nowhere else."""
    if len(head) < 8:
        return None
    head = head[: len(head) - len(head) % 4]
    lanes = [head[i::4] for i in range(4)]
    if _rarely_zero(lanes[0]) and all(_mostly_zero(x) for x in lanes[1:]):
        return "utf-32-le"
    if _rarely_zero(lanes[3]) and all(_mostly_zero(x) for x in lanes[:3]):
        return "utf-32-be"
    even, odd = head[0::2], head[1::2]
    if _mostly_zero(odd) and _rarely_zero(even):
        return "utf-16-le"
    if _mostly_zero(even) and _rarely_zero(odd):
        return "utf-16-be"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Kept for ``commands/license.py``'s old name: UTF-16 or UTF-32 without a BOM, else None."""
    return _wide_without_bom(head)


def decode(data: bytes) -> tuple[str | None, str, bool]:
    """(text, encoding, binary) for bytes read from a file; text is None when binary.

    Bytes that decode but do not read as text (mostly controls, replacement characters or BOMs,
    as random bytes give through the Latin-1 fallback) are binary too.
    """
    text, encoding, binary = _decode(data)
    if text is not None and not plausible_text(text):
        return None, "binary", True
    return text, encoding, binary


# Code points that text hardly ever holds: C0 controls but tab/newlines/form feed, DEL, C1
# controls, U+FFFD (a byte that did not decode) and U+FEFF past the start.
_UNLIKELY = frozenset(
    [*(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\f\v"), "\x7f",
     *(chr(c) for c in range(0x80, 0xA0)), "\ufffd", "\ufeff"]
)
IMPLAUSIBLE_SHARE = 0.10  # above this share of unlikely code points in the first SNIFF characters


def plausible_text(text: str) -> bool:
    """Whether decoded ``text`` reads as text rather than bytes forced through a decoder."""
    sample = text[1:SNIFF]
    if not sample:
        return True
    unlikely = sum(1 for ch in sample if ch in _UNLIKELY)
    return unlikely <= max(16, IMPLAUSIBLE_SHARE * len(sample))


def _decode(data: bytes) -> tuple[str | None, str, bool]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if encoding.startswith(("utf-16", "utf-32")):
                width = 2 if encoding.startswith("utf-16") else 4
                body = body[: len(body) - len(body) % width]  # a bounded read may cut a character
            return body.decode(encoding, errors="replace"), encoding, False
    head = data[:SNIFF]
    if b"\x00" in head:
        wide = _wide_without_bom(head)
        if wide is None:
            return None, "binary", True
        width = 4 if wide.startswith("utf-32") else 2
        return data[: len(data) - len(data) % width].decode(wide, errors="replace"), wide, False
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding, False
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(data) - 4:
                # The bounded read cut a multi-byte character in half: drop the tail.
                return data[: exc.start].decode("utf-8"), encoding, False
    return data.decode("latin-1"), "latin-1", False  # pragma: no cover - latin-1 decodes anything


def recover_wide(text: str) -> tuple[str, str] | None:
    """(text, encoding) for UTF-16/32 bytes that were decoded as UTF-8 with replacement, else None.

    Each invalid byte became one U+FFFD and every valid one survived, so writing U+FFFD back as one
    byte restores the byte layout; a BOM (FF FE / FE FF, invalid in UTF-8) shows as two U+FFFD and is
    dropped. Characters outside Latin-1 may come back as '?' (the bytes are gone): identification of
    an English licence survives, so the audit and ``openness license`` agree on the common files.
    """
    if "\x00" not in text[:SNIFF]:
        return None
    for prefix in ("\ufffd\ufffd\x00\x00", "\x00\x00\ufffd\ufffd", "\ufffd\ufffd", "\ufeff"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    raw = text.replace("\ufffd", "?").encode("utf-8", errors="replace")
    wide = _wide_without_bom(raw[:SNIFF])
    if wide is None:
        return None
    width = 4 if wide.startswith("utf-32") else 2
    return raw[: len(raw) - len(raw) % width].decode(wide, errors="replace"), wide
