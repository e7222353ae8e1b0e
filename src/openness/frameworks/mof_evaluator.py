"""A pure port of MOT's ModelEvaluator over one MOF record (the ``release`` of a MOF YAML).

It reproduces lfai/model_openness_tool@8b5d30e ``ModelEvaluator::evaluate``, ``getProgress``
and ``getClassification`` step by step, PHP quirks included (each marked ``PHP:``), so that a
record reads the same here and on mot.isitopen.ai. ``docs/frameworks/mof.md`` lists the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openness.frameworks import mof_catalog as cat

IsOpen = Callable[[str], bool]

UNLICENSED = "unlicensed"
BUCKETS = ("included", "invalid", "unlicensed")


@dataclass(frozen=True)
class Listed:
    """One component entry of the record, as MOT stores it after import."""

    cid: int
    index: int  # position in release.components
    name: str  # the name as written in the record
    known_name: bool  # False: unknown name, mapped to Datasets (quirk)
    has_license: bool  # the entry carries a ``license`` key
    license: str | None  # its value ('' and None are "empty")
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """The licence MOT evaluates for one listed component, and where it came from."""

    license: str  # the licence id MOT evaluates ('unlicensed' when none)
    source: str  # "component" | "global:code|data|document" | "global:distribution" | "none"


@dataclass
class ClassEval:
    """One MOF class's evaluation: component ids by outcome and the licence each was judged by."""

    missing: list[int] = field(default_factory=list)
    included: list[int] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    unlicensed: list[int] = field(default_factory=list)
    optional: list[int] = field(default_factory=list)
    licenses: dict[int, str] = field(default_factory=dict)

    def status(self, cid: int) -> str | None:
        for bucket in ("included", "invalid", "unlicensed", "optional", "missing"):
            if cid in getattr(self, bucket):
                return bucket
        return None


@dataclass(frozen=True)
class MofResult:
    """The MOF evaluation of a record, as MOT's ModelEvaluator computes it."""

    classification: int  # 0 (unclassified), 1, 2 or 3
    progress: Mapping[int, float]  # class -> percentage, as MOT computes it
    classes: Mapping[int, ClassEval]
    listed: Mapping[int, Listed]  # cid -> the (last) record entry for it
    resolved: Mapping[int, Resolved]  # cid -> licence resolution, for listed components
    not_type_appropriate: tuple[int, ...]
    report_substituted: bool  # the research paper stood in for the technical report
    unknown_names: tuple[str, ...]

    @property
    def label(self) -> str:
        return cat.CLASS_LABELS[self.classification]

    @property
    def total_progress(self) -> float:
        return sum(self.progress.values()) / 3


def _php_empty(value: str | None) -> bool:
    """PHP's empty() / `?:` on a string: None, '' and '0' are empty."""
    return value is None or value in ("", "0")


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def listed_components(release: Mapping[str, Any]) -> dict[int, Listed]:
    """Component entries by catalogue id. A later entry for the same id replaces an earlier
    one, as MOT's ``$licenses[$cid] = ...`` does on import."""
    out: dict[int, Listed] = {}
    components = release.get("components") or []
    if not isinstance(components, Sequence) or isinstance(components, str):
        return out
    for index, entry in enumerate(components):
        if not isinstance(entry, Mapping):
            continue
        name = _str_or_none(entry.get("name")) or ""
        comp, known = cat.component_for_name(name)
        out[comp.id] = Listed(
            cid=comp.id,
            index=index,
            name=name,
            known_name=known,
            has_license="license" in entry,
            license=_str_or_none(entry.get("license")),
            raw=entry,
        )
    return out


def global_licenses(release: Mapping[str, Any]) -> dict[str, str]:
    """``release.license.<scope>.name`` for each scope that names one (non-empty)."""
    out: dict[str, str] = {}
    block = release.get("license")
    if not isinstance(block, Mapping):
        return out
    for scope, value in block.items():
        if isinstance(value, Mapping):
            name = _str_or_none(value.get("name"))
            if name is not None and not _php_empty(name):
                out[str(scope)] = name
    return out


def resolve_license(cid: int, listed: Mapping[int, Listed], globals_: Mapping[str, str]) -> Resolved:
    """ModelEvaluator::resolveLicense: own licence, else the global one for the component's
    content type, else ``distribution``, else none. An own licence that is present but empty
    means unlicensed (PHP: ``$component_license['license'] ?: null``)."""
    entry = listed.get(cid)
    if entry is not None and entry.has_license:
        own = entry.license
        return Resolved(own if own is not None and not _php_empty(own) else UNLICENSED, "component")
    ctype = cat.BY_ID[cid].content_type
    if globals_.get(ctype):
        return Resolved(globals_[ctype], f"global:{ctype}")
    if globals_.get("distribution"):
        return Resolved(globals_["distribution"], "global:distribution")
    return Resolved(UNLICENSED, "none")


def _php_search(needle: int, haystack: list[int]) -> int | bool:
    """PHP array_search: the index, or False. Callers test its truthiness as PHP does, so
    index 0 reads as "not found" (a quirk of the original, mirrored)."""
    try:
        return haystack.index(needle)
    except ValueError:
        return False


def evaluate(release: Mapping[str, Any], is_open: IsOpen = cat.is_open_license) -> MofResult:
    """Evaluate one MOF record (``release`` mapping) exactly as MOT does."""
    listed = listed_components(release)
    globals_ = global_licenses(release)
    resolved = {cid: resolve_license(cid, listed, globals_) for cid in listed}
    classes: dict[int, ClassEval] = {}
    not_type_appropriate: list[int] = []
    required: list[int] = []
    optional: list[int] = []

    for mof_class in (3, 2, 1):
        current = ClassEval()
        classes[mof_class] = current
        required = [*required, *cat.required(mof_class)]
        optional = [*optional, *cat.optional(mof_class)]
        for ids, ok_bucket in ((required, "included"), (optional, "optional")):
            for cid in ids:
                if cid not in listed:
                    if ok_bucket == "included":
                        current.missing.append(cid)
                    continue
                license_id = resolved[cid].license
                if is_open(license_id):
                    getattr(current, ok_bucket).append(cid)
                    ctype = cat.BY_ID[cid].content_type
                    if not cat.is_type_appropriate(license_id, ctype) and cid not in not_type_appropriate:
                        not_type_appropriate.append(cid)
                elif license_id == UNLICENSED:
                    current.unlicensed.append(cid)
                else:
                    current.invalid.append(cid)
                current.licenses[cid] = license_id

    substituted = _technical_report_omission(classes)
    progress = {c: _progress(c, classes) for c in (1, 2, 3)}
    classification = 0
    for c in (3, 2, 1):  # getClassification: the lowest class at exactly 100 wins
        if progress[c] == 100.0:
            classification = c
    return MofResult(
        classification=classification,
        progress=progress,
        classes=classes,
        listed=listed,
        resolved=resolved,
        not_type_appropriate=tuple(not_type_appropriate),
        report_substituted=substituted,
        unknown_names=tuple(e.name for e in listed.values() if not e.known_name),
    )


def _technical_report_omission(classes: dict[int, ClassEval]) -> bool:
    """The technical report MAY be omitted when a research paper is listed (any status)."""
    # PHP: `if (!$techreport)` also fires when the report sits at index 0 of the class-3 list.
    if _php_search(cat.TECHNICAL_REPORT, classes[3].included):
        return False
    first = classes[1]
    status: str | None = None
    for bucket in BUCKETS:
        if _php_search(cat.RESEARCH_PAPER, getattr(first, bucket)) is not False:
            status = bucket
            break
    if status is None:
        return False
    for c in (3, 2, 1):
        if cat.TECHNICAL_REPORT in classes[c].missing:
            classes[c].missing.remove(cat.TECHNICAL_REPORT)
    for c in (3, 2):
        getattr(classes[c], status).append(cat.RESEARCH_PAPER)
        classes[c].licenses[cat.RESEARCH_PAPER] = first.licenses[cat.RESEARCH_PAPER]
    return True


def _progress(mof_class: int, classes: Mapping[int, ClassEval]) -> float:
    """ModelEvaluator::getProgress: 0 unless every higher class is complete."""
    total = 0
    included = 0
    i = 3
    while i >= mof_class:
        total += len(cat.required(i))
        included = len(classes[i].included)
        if included < total:
            break
        i -= 1
    if i > mof_class:
        return 0.0
    first = classes[1].included
    # PHP truthiness again: index 0 counts as absent.
    if (
        mof_class == 1
        and not _php_search(cat.TECHNICAL_REPORT, first)
        and _php_search(cat.RESEARCH_PAPER, first)
    ):
        total -= 1
    return min(included / total * 100, 100.0)
