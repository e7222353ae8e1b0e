"""Sources: turn a target (path, hf:org/name, git URL, MOF YAML) into a ``Snapshot``.

Each kind is one module with an ``open_snapshot(target, options) -> Snapshot`` function,
registered in ``SOURCES``. All network I/O of the package lives in this subpackage.
"""

from __future__ import annotations

from openness.sources.interface import SourceOptions, detect_kind, open_target

__all__ = ["SourceOptions", "detect_kind", "open_target"]
