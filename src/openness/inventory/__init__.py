"""Inventory: give every file of a snapshot a role, from names, paths and a few KB of content.

Never imports, executes or unpickles anything from a release.
"""

from __future__ import annotations

from openness.inventory.classify import build_inventory

__all__ = ["build_inventory"]
