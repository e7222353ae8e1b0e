"""Licences: knowledge (SPDX, ScanCode LicenseDB, curated AI licences), identification of
texts, ids and expressions, and clause analysis (what a text restricts, with line spans).

The rest of the package uses only the three functions exported here. They are resolved on
first use, so importing a submodule (the knowledge loader, say) does not pull in the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openness.licenses.interface import analyze_id, analyze_text, license_info

__all__ = ["analyze_id", "analyze_text", "license_info"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from openness.licenses import interface

        return getattr(interface, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
