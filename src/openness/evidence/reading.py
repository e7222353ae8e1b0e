"""Bounded, failure-tolerant reading of release files for the evidence stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from openness.errors import OpennessError
from openness.model import Inventory, Location, Note

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
            self.notes.append(Note("warning", f"{path}: could not be read ({exc})", Location(path)))
            return None
        text = data.decode("utf-8", "replace")
        if text.count("\ufffd") > max(16, len(text) // 20):
            self.unreadable.add(path)
            self.notes.append(
                Note("warning", f"{path}: not valid UTF-8 text; not used as evidence", Location(path))
            )
            return None
        return text
