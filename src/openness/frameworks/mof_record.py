"""The MOF record a release amounts to, and where each of its parts comes from.

A MOF YAML target is its own record (``Evidence.declared``), read exactly as MOT reads it.
A release inspected from its artifacts becomes the record MOT would be given: every component
seen (present or partial) is listed with the licence its evidence carries.
Also: the "plain reading" of licence strings MOT takes literally ('Apache 2.0', 'MIT License').
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openness import lazy_re
from openness.frameworks import mof_catalog as cat
from openness.frameworks.common import blocking_restrictions
from openness.licenses import license_info
from openness.model import AppliedLicense, ComponentEvidence, Evidence, Location, Status

UNLICENSED = "unlicensed"


@dataclass(frozen=True)
class Record:
    """A MOF ``release`` mapping plus, per catalogue id, the locations behind it."""

    release: Mapping[str, Any]
    declared: bool  # True: read from a MOF YAML; False: built from artifacts
    locations: Mapping[int, tuple[Location, ...]] = field(default_factory=dict)
    license_locations: Mapping[str, tuple[Location, ...]] = field(default_factory=dict)  # "cid"/scope
    unknown: frozenset[int] = frozenset()  # components whose evidence is unknown (not inspected)


def release_of(declared: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``release`` of a parsed MOF YAML (or the mapping itself if it already is one)."""
    inner = declared.get("release")
    return inner if isinstance(inner, Mapping) else declared


def record_for(evidence: Evidence) -> Record:
    if evidence.declared:
        return _declared_record(release_of(evidence.declared), evidence.target)
    return _artifact_record(evidence)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _declared_record(release: Mapping[str, Any], source: str) -> Record:
    """Locations name the record's keys, in the file itself or at the URL the record gives."""

    locations: dict[int, tuple[Location, ...]] = {}
    license_locations: dict[str, tuple[Location, ...]] = {}
    components = release.get("components")
    for index, entry in enumerate(components if isinstance(components, list) else []):
        if not isinstance(entry, Mapping):
            continue
        comp, _ = cat.component_for_name(str(entry.get("name") or ""))
        path = entry.get("component_path")
        where = path if _is_url(path) else source
        locations[comp.id] = (Location(path=where, key=f"release.components[{index}]", declared=True),)
        if "license" in entry:
            lpath = entry.get("license_path")
            license_locations[str(comp.id)] = (
                Location(
                    path=lpath if _is_url(lpath) else source,
                    key=f"release.components[{index}].license",
                    declared=True,
                ),
            )
    block = release.get("license")
    if isinstance(block, Mapping):
        for scope, value in block.items():
            if isinstance(value, Mapping):
                lpath = value.get("path")
                license_locations[str(scope)] = (
                    Location(
                        path=lpath if _is_url(lpath) else source,
                        key=f"release.license.{scope}.name",
                        declared=True,
                    ),
                )
    return Record(release, True, locations, license_locations)


def _license_token(applied: AppliedLicense) -> tuple[str, bool]:
    """The id MOT would be given for one attached licence, and whether MOT counts it open.

    An unmodified, unrestricted match whose ids MOT counts open gives that id; anything else
    (unidentified, modified, restricted, not open) gives a token MOT does not count open.
    """
    result = applied.license
    ids = [m.id for m in result.matches]
    if not ids:
        label = result.expression or "unidentified"
        return (label if label.startswith("LicenseRef-") else f"LicenseRef-{label}", False)
    if len(ids) == 1:
        lid = ids[0]
        if not cat.is_open_license(lid):
            return (lid, False)
        # An open id whose text was changed or carries a restriction is not that licence any more
        # (attribution-like clauses keep it open).
        if any(m.modified for m in result.matches):
            return (f"LicenseRef-modified-{lid}", False)
        if blocking_restrictions(result):
            return (f"LicenseRef-{lid}-with-restrictions", False)
        return (lid, True)
    expression = result.expression or " AND ".join(ids)
    return (expression, False)  # MOT compares whole strings: an expression is never an id


def component_license(ev: ComponentEvidence) -> tuple[str, tuple[Location, ...]]:
    """One licence for a component as MOT sees it: the first licence it does not count open
    (a licence that *may* cover the component counts against it), else the first open one."""
    if not ev.licenses:
        return UNLICENSED, ()
    tokens = [(_license_token(a), a.license.location) for a in ev.licenses]
    closed = [(tok, loc) for (tok, ok), loc in tokens if not ok]
    chosen = closed[0] if closed else (tokens[0][0][0], tokens[0][1])
    return chosen[0], tuple(a.license.location for a in ev.licenses)


def _artifact_record(evidence: Evidence) -> Record:
    components: list[dict[str, Any]] = []
    locations: dict[int, tuple[Location, ...]] = {}
    license_locations: dict[str, tuple[Location, ...]] = {}
    unknown: set[int] = set()
    for comp in cat.CATALOG:
        ev = evidence.get(comp.component)
        locations[comp.id] = ev.locations
        if ev.status is Status.UNKNOWN:
            unknown.add(comp.id)
        if ev.status not in (Status.PRESENT, Status.PARTIAL):
            continue
        license_id, lic_locs = component_license(ev)
        entry: dict[str, Any] = {"name": comp.name, "license": license_id}
        paths = [loc.path for loc in ev.locations if loc.path]
        if paths:
            entry["component_path"] = paths[0]
        lpaths = [loc.path for loc in lic_locs if loc.path]
        if lpaths:
            entry["license_path"] = lpaths[0]
        components.append(entry)
        license_locations[str(comp.id)] = lic_locs
    release = {"name": evidence.target, "producer": "", "license": {}, "components": components}
    return Record(release, False, locations, license_locations, frozenset(unknown))


# --------------------------------------------------------------------------- plain reading

_PLACEHOLDER = lazy_re.compile(
    r"^\s*(component\s+)*not\s+includ|^\s*license\s+not\s+specified|^\s*other\s+license\s*$", re.I
)
# Common short forms no licence database lists as aliases (hand-written for that reason).
_ALIASES = {
    "bsd-3": "BSD-3-Clause",
    "bsd-3-clause-license": "BSD-3-Clause",
    "bsd-2": "BSD-2-Clause",
    "apache-2": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache-2.0-license": "Apache-2.0",
    "gpl-3": "GPL-3.0-only",
    "gplv3": "GPL-3.0-only",
    "gpl-2": "GPL-2.0-only",
    "cc-by-4": "CC-BY-4.0",
    "cc-by-sa-4": "CC-BY-SA-4.0",
}
_NOISE = lazy_re.compile(r"\b(the|licen[cs]e|version)\b|[,()]", re.I)


def is_placeholder(value: str) -> bool:
    """Strings that say "not included / not specified" rather than name a licence."""
    return bool(_PLACEHOLDER.search(value))


def plain_reading(value: str) -> str | None:
    """The SPDX id a licence string plainly means, when it is not already that exact id.

    'Apache 2.0', 'apache-2.0', 'Apache License, Version 2.0' -> 'Apache-2.0'; 'MIT License' ->
    'MIT'; 'BSD-3' -> 'BSD-3-Clause'. Returns None when the string is exact, a placeholder,
    or names no single licence.
    """
    text = value.strip()
    if not text or text == UNLICENSED or is_placeholder(text):
        return None
    candidates = [text]
    squashed = re.sub(r"[\s_]+", "-", _NOISE.sub(" ", text).strip().lower())
    squashed = re.sub(r"-{2,}", "-", squashed).strip("-")
    candidates.append(squashed)
    for cand in candidates:
        if not cand:
            continue
        alias = _ALIASES.get(cand.lower())
        if alias:
            return alias if alias != value else None
        info = license_info(cand)
        # Only SPDX ids: MOT knows nothing else, so another name could not change its result.
        if info is not None and not info.id.startswith("LicenseRef-"):
            return info.id if info.id != value else None
    return None


def plainly_read(release: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of ``release`` with every licence string replaced by its plain reading, and the
    replacements made (original -> id)."""
    changes: dict[str, str] = {}

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            better = plain_reading(value)
            if better is not None:
                changes[value] = better
                return better
        return value

    out = dict(release)
    block = release.get("license")
    if isinstance(block, Mapping):
        out["license"] = {
            scope: ({**v, "name": fix(v.get("name"))} if isinstance(v, Mapping) else v)
            for scope, v in block.items()
        }
    components = release.get("components")
    if isinstance(components, list):
        out["components"] = [
            ({**c, "license": fix(c["license"])} if isinstance(c, Mapping) and "license" in c else c)
            for c in components
        ]
    return out, changes
