"""Bounded, failure-tolerant reading of release files for the evidence stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.licenses.decode import decode
from openness.model import Inventory, Location, Note, NoteKind, NoteLevel

CARD_LIMIT = 512 * 1024
LICENSE_LIMIT = 256 * 1024
DOC_LIMIT = 256 * 1024


@dataclass
class ReadContext:
    """Reads text through the snapshot; what cannot be read is remembered and noted."""

    inventory: Inventory
    notes: list[Note] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)

    def read(self, path: str, limit: int) -> str | None:
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
