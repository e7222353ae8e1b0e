"""Licences: knowledge (SPDX, ScanCode LicenseDB, curated AI licences), identification of
texts, ids and expressions, and clause analysis (what a text restricts, with line spans).

The rest of the package uses only the three functions exported here.
"""

from __future__ import annotations

from openness.licenses.interface import analyze_id, analyze_text, license_info

__all__ = ["analyze_id", "analyze_text", "license_info"]
