"""Building an inventory of a release written in ``tmp_path``, and finding one of its files: the
two steps the inventory tests share."""

from __future__ import annotations

from pathlib import Path

from openness.inventory import build_inventory
from openness.model import Classified, Inventory
from openness.sources.interface import SourceOptions
from openness.sources.local import open_snapshot


def inventory(root: Path) -> Inventory:
    return build_inventory(open_snapshot(str(root), SourceOptions()))


def item(inv: Inventory, path: str) -> Classified:
    found = [i for i in inv.items if i.entry.path == path]
    assert found, f"{path} not inventoried"
    return found[0]
