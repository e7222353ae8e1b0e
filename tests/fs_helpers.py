"""File-system helpers for tests that build hostile trees."""

from __future__ import annotations

import os
from pathlib import Path


def remove_tree_iteratively(root: Path) -> None:
    """Remove everything below ``root`` without recursion.

    Trees deeper than Python's recursion limit (the hostile-input tests build 1,500 levels) make
    ``shutil.rmtree`` raise RecursionError; pytest's own clean-up of old temporary folders then
    fails at the end of a later session. Tests that build such trees remove them with this.
    """
    stack: list[tuple[str, bool]] = [(str(root), False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            if path != str(root):
                os.rmdir(path)
            continue
        stack.append((path, True))
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, False))
                else:
                    os.unlink(entry.path)
