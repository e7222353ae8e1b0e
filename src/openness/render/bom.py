"""What both bills of materials (CycloneDX ML-BOM, SPDX 3 AI) take from a report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from openness.model import Component, Report, Role, Status

_LICENSEREF_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


@dataclass(frozen=True)
class BomLicense:
    spdx_id: str | None  # a real SPDX id, usable as such
    name: str  # always set: the id or the licence's name
    expression: str  # an SPDX expression; LicenseRef-... for non-SPDX licences


def release_name(report: Report) -> str:
    inv = report.inventory
    if inv is not None and inv.snapshot.hub is not None:
        return inv.snapshot.hub.repo_id
    declared = report.evidence.declared or {}
    release = declared.get("release") if isinstance(declared, dict) else None
    if isinstance(release, dict) and release.get("name"):
        return str(release["name"])
    return PurePosixPath(report.target.rstrip("/")).name or report.target


def license_ref(text: str) -> str:
    return "LicenseRef-" + (_LICENSEREF_UNSAFE.sub("-", text).strip("-") or "unknown")


def component_licenses(report: Report, component: Component) -> list[BomLicense]:
    """Distinct licences attached to a component, as BOM-ready values."""
    from openness.licenses import license_info

    out: dict[str, BomLicense] = {}
    for applied in report.evidence.get(component).licenses:
        result = applied.license
        for match in result.matches:
            info = license_info(match.id)
            spdx_id = info.id if info is not None and info.source == "spdx" else None
            expr = spdx_id or license_ref(match.id)
            out.setdefault(expr, BomLicense(spdx_id, spdx_id or match.name or match.id, expr))
    return list(out.values())


def expression(licenses: list[BomLicense]) -> str | None:
    if not licenses:
        return None
    return " AND ".join(sorted({lic.expression for lic in licenses}))


def weight_files(report: Report) -> list[tuple[str, str | None, int | None, str]]:
    """(path, sha256, parameters, format) for every final weight file."""
    if report.inventory is None:
        return []
    out = []
    for item in report.inventory.by_role(Role.WEIGHTS):
        w = item.weights
        out.append(
            (item.entry.path, item.entry.sha256, w.parameters if w else None, str(w.format) if w else "")
        )
    return out


def datasets(report: Report) -> list[tuple[str, str | None]]:
    """(name, licence) for each dataset the evidence names."""
    out: list[tuple[str, str | None]] = []
    for d in report.evidence.datasets:
        name = d.get("id") or d.get("name")
        if name:
            lic = d.get("license")
            out.append((str(name), str(lic) if lic else None))
    if not out and report.evidence.get(Component.DATASETS).status in (Status.PRESENT, Status.PARTIAL):
        for loc in report.evidence.get(Component.DATASETS).locations:
            if loc.path:
                out.append((loc.path, None))
    return out


def verdicts(report: Report) -> list[tuple[str, str]]:
    """(property name, value) pairs summarising every assessment."""
    out = []
    for fid, a in report.assessments.items():
        out.append((f"openness:{fid}:status", a.status))
        if a.score is not None:
            out.append((f"openness:{fid}:score", f"{a.score:.3f}"))
        if fid == "mof" and "class" in a.extra:
            out.append(("openness:mof:class", str(a.extra["class"])))
    return out
