"""Bounded, failure-tolerant reading of release files for the evidence stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.licenses.decode import decode
from openness.model import Inventory, Location, Note, NoteKind, NoteLevel

CARD_LIMIT = 512 * 1024
LICENSE_LIMIT = 256 * 1024
DOC_LIMIT = 256 * 1024
MAX_KEPT_CHARS = 2_000_000  # characters of text a ReadContext keeps for readers asking again
MAX_KEPT_TEXT = 64 * 1024  # a longer text is read again if asked again (the repeats are small files)


@dataclass
class ReadContext:
    """Reads text through the snapshot; what cannot be read is remembered and noted."""

    inventory: Inventory
    notes: list[Note] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    # Texts already read, by (path, limit): several readers ask for the same manifest or README
    # (llama-models: requirements.txt and pyproject.toml twice; h2ogpt: a data README three times).
    # Only texts: a read that failed is tried, and noted, again, as before.
    _texts: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)
    _kept: int = field(default=0, repr=False)

    def read(self, path: str, limit: int) -> str | None:
        got = self._texts.get((path, limit))
        if got is not None:
            return got
        text = self._read(path, limit)
        if text is not None and len(text) <= MAX_KEPT_TEXT and self._kept + len(text) <= MAX_KEPT_CHARS:
            self._texts[(path, limit)] = text
            self._kept += len(text)
        return text

    def _read(self, path: str, limit: int) -> str | None:
        entry = self.inventory.snapshot.entry(path)
        if entry is None or not entry.readable:
            self.unreadable.add(path)
            return None
        try:
            data = self.inventory.snapshot.read(path, limit)
        except (OpennessError, OSError) as exc:
            self.unreadable.add(path)
            self.notes.append(
                Note(NoteLevel.WARNING,
                     f"{path}: could not be read ({exc})", Location(path), NoteKind.UNREADABLE)
            )
            return None
        # One decoder for every text the package reads (BOMs, UTF-16/32, GB18030, cp1252).
        text, _encoding, binary = decode(data)
        if binary or text is None:
            self.unreadable.add(path)
            self.notes.append(
                Note(
                    NoteLevel.WARNING,
                    f"{path}: binary content, not text; not used as evidence",
                    Location(path),
                    NoteKind.UNREADABLE,
                )
            )
            return None
        return text
