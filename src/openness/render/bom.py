"""What both bills of materials (CycloneDX ML-BOM, SPDX 3 AI) take from a report, decided once.

The two renderers only translate these values into their formats, so a licence, a dataset or a
metric is the same in both.

Licences are SPDX ids, or named licences (``LicenseRef-`` + a name) with the SHA-256 of their
text when the release ships that text; a placeholder (``other``, ``unknown``, ``NOASSERTION``...) is
never turned into an id: a licence nobody named and no text shows is left out, which both formats
read as "not asserted".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from openness import lazy_re
from openness.model import Component, LicenseResult, Report, Role, Status

_LICENSEREF_UNSAFE = lazy_re.compile(r"[^A-Za-z0-9.\-]+")
# Values that name no licence: never an id in a bill of materials (licenses.interface has the same
# list for card fields; repeated words from BOM tools are added).
PLACEHOLDERS = frozenset({
    "other", "unknown", "custom", "see license", "see-license", "none", "noassertion", "n/a",
    "proprietary-license", "unlicensed", "",
})
MAX_LICENSE_TEXT = 1_000_000  # bytes of a licence text hashed (licences are a few tens of KB)
MAX_BOM_DEPENDENCIES = 1000  # code dependencies listed in one BOM
MAX_METRICS = 100  # performance metrics taken from a model card
MAX_FIELD = 2000  # characters kept of any free-text card value
# A requirement line's name and, when pinned with ==, its version (extras skipped).
_REQUIREMENT = lazy_re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:==\s*([A-Za-z0-9.+!_-]+))?"
)

# Verdicts that mean the release complies with a standard (SPDX ``ai_standardCompliance`` holds
# standards' names, never tool output).
# The standard's name is the framework's own (``Assessment.name``, its version when it is a number)
# and, for graded standards, the grade reached.
COMPLIES: dict[str, tuple[str, ...]] = {
    "osaid": ("open-source-ai",),
    "mof": ("class-1", "class-2", "class-3"),
    "debian-ml": ("free-model",),
}
_GRADE = {"class-1": "Class 1", "class-2": "Class 2", "class-3": "Class 3", "free-model": "Free Model"}


@dataclass(frozen=True)
class BomLicense:
    spdx_id: str | None  # a real SPDX id, usable as such
    name: str  # always set: the id or the licence's name
    expression: str  # an SPDX id, or LicenseRef-... for a named licence
    text_path: str | None = None  # the licence text in the release, when it ships one
    text_sha256: str | None = None  # its SHA-256: what identifies a named licence

    @property
    def named(self) -> bool:
        return self.spdx_id is None


@dataclass(frozen=True)
class Metric:
    type: str
    value: str
    slice: str | None = None


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str | None  # pinned with ==, else None
    manifest: str

    @property
    def purl(self) -> str:
        name = re.sub(r"[-_.]+", "-", self.name).lower()  # PEP 503 normalised, as purl asks for pypi
        return f"pkg:pypi/{name}" + (f"@{self.version}" if self.version else "")


@dataclass(frozen=True)
class ModelFacts:
    """The model card's substance: what both BOM formats carry for the model."""

    task: str | None = None
    metrics: tuple[Metric, ...] = ()
    considerations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # CycloneDX keys
    hyperparameters: tuple[tuple[str, str], ...] = ()


def release_name(report: Report) -> str:
    inv = report.inventory
    if inv is not None and inv.snapshot.hub is not None:
        return inv.snapshot.hub.repo_id
    release = _declared_release(report)
    if release.get("name"):
        return _text(release["name"])
    return PurePosixPath(report.target.rstrip("/")).name or report.target


def _declared_release(report: Report) -> Mapping[str, Any]:
    declared = report.evidence.declared or {}
    release = declared.get("release") if isinstance(declared, Mapping) else None
    return release if isinstance(release, Mapping) else {}


def supplier(report: Report) -> str | None:
    """Who publishes the release: the hub organisation, or the questionnaire's producer."""
    inv = report.inventory
    if inv is not None and inv.snapshot.hub is not None and "/" in inv.snapshot.hub.repo_id:
        return inv.snapshot.hub.repo_id.split("/", 1)[0]
    producer = _declared_release(report).get("producer")
    return _text(producer) if isinstance(producer, str) and producer.strip() else None


def version(report: Report) -> str | None:
    """The release's version: the hub commit (or revision asked for), or the declared version."""
    inv = report.inventory
    if inv is not None and inv.snapshot.hub is not None:
        hub = inv.snapshot.hub
        return hub.sha or hub.revision
    declared = _declared_release(report).get("version")
    if isinstance(declared, str | int | float) and str(declared).strip():
        return _text(str(declared))
    card = report.evidence.card.get("version")
    return _text(str(card)) if isinstance(card, str | int | float) and str(card).strip() else None


def license_ref(text: str) -> str:
    """``LicenseRef-`` + the name made id-safe; an id that already is one is kept."""
    if text.startswith("LicenseRef-") and not _LICENSEREF_UNSAFE.search(text):
        return text
    slug = _LICENSEREF_UNSAFE.sub("-", text).strip("-")[:120]
    if slug.lower() in PLACEHOLDERS:
        slug = "unnamed"  # never LicenseRef-other / LicenseRef-unknown
    return "LicenseRef-" + slug


def is_placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDERS


def _text_hash(report: Report, path: str | None) -> str | None:
    """SHA-256 of a licence text the release ships.

    The one read a renderer makes, bounded and through the snapshot's own reader (the file the
    evidence stage already read, so a hub file comes from the cache): the evidence does not carry
    licence texts' hashes, and a named licence without its text's hash identifies nothing.
    """
    inv = report.inventory
    if not path or inv is None:
        return None
    entry = next((f for f in inv.snapshot.files if f.path == path), None)
    if entry is None or not entry.readable:
        return None
    if entry.sha256:
        return entry.sha256
    if entry.size > MAX_LICENSE_TEXT:
        return None
    try:
        data = inv.snapshot.read(path, MAX_LICENSE_TEXT)
    except Exception:  # an unreadable text is no hash, never a failed BOM
        return None
    return hashlib.sha256(data).hexdigest()


def _from_result(report: Report, result: LicenseResult) -> list[BomLicense]:
    from openness.licenses import license_info

    path = result.location.path
    out: list[BomLicense] = []
    for match in result.matches:
        info = license_info(match.id)
        if info is not None and info.source == "spdx" and not match.modified:
            out.append(BomLicense(info.id, info.id, info.id))
            continue
        name = (match.name or match.id) + (" (modified)" if match.modified else "")
        ref = license_ref(match.id + ("-modified" if match.modified else ""))
        out.append(BomLicense(None, _text(name), ref, path, _text_hash(report, path) if path else None))
    if not result.matches and path:  # a licence text nobody identified: named by the card or its file
        card = report.evidence.card
        given = card.get("license_name")
        named = isinstance(given, str) and not is_placeholder(given)
        name = _text(str(given)) if named else f"licence text in {path}"
        out.append(BomLicense(None, name, license_ref(name), path, _text_hash(report, path)))
    return out


def component_licenses(report: Report, component: Component) -> list[BomLicense]:
    """Distinct licences attached to a component, as BOM-ready values.

    A card field naming no licence (``other``) is covered by the text it links to, which is a
    result of its own; with no text there is nothing to name and it is left out.
    """
    out: dict[str, BomLicense] = {}
    for applied in report.evidence.get(component).licenses:
        for lic in _from_result(report, applied.license):
            current = out.get(lic.expression)
            if current is None or (current.text_sha256 is None and lic.text_sha256 is not None):
                out[lic.expression] = lic
    return list(out.values())


def named_license(value: str | None) -> BomLicense | None:
    """A licence given as a name or id (a dataset's or a base model's hub metadata)."""
    from openness.licenses import license_info

    if not value or is_placeholder(value):
        return None
    info = license_info(value)
    if info is not None and info.source == "spdx":
        return BomLicense(info.id, info.id, info.id)
    if info is not None:
        return BomLicense(None, _text(info.name or info.id), license_ref(info.id))
    return BomLicense(None, _text(value), license_ref(value))


def expression(licenses: Iterable[BomLicense]) -> str | None:
    exprs = sorted({lic.expression for lic in licenses})
    return " AND ".join(exprs) if exprs else None


def weight_files(report: Report) -> list[tuple[str, str | None, int | None, str]]:
    """(path, sha256, parameters, format) for every final weight file and checkpoint."""
    if report.inventory is None:
        return []
    out = []
    for item in report.inventory.items:
        if item.role not in (Role.WEIGHTS, Role.CHECKPOINT):
            continue
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
            out.append((_text(str(name)), str(lic) if isinstance(lic, str) and lic else None))
    if not out and report.evidence.get(Component.DATASETS).status in (Status.PRESENT, Status.PARTIAL):
        for loc in report.evidence.get(Component.DATASETS).locations:
            if loc.path:
                out.append((loc.path, None))
    return out


def base_models(report: Report) -> list[tuple[str, BomLicense | None]]:
    out = []
    for base in report.evidence.lineage:
        base_id = str(base.get("id") or "")
        if base_id:
            lic = base.get("license")
            out.append((_text(base_id), named_license(str(lic)) if lic else None))
    return out


def dependencies(report: Report) -> list[Dependency]:
    """Code dependencies from the requirement files the evidence read.

    Uses the requirement lines a ``pinned_dependencies`` fact carries (``requirements``); a
    manifest whose lines the evidence did not keep contributes nothing rather than a guess.
    """
    out: dict[tuple[str, str | None], Dependency] = {}
    for fact in report.evidence.facts:
        if fact.key != "pinned_dependencies" or not isinstance(fact.value, Mapping):
            continue
        lines = fact.value.get("requirements")
        manifest = str(fact.value.get("file") or fact.location.path or "")
        if not isinstance(lines, list | tuple):
            continue
        for line in lines:
            m = _REQUIREMENT.match(str(line)) if isinstance(line, str) else None
            if m is None:
                continue
            dep = Dependency(m.group(1), m.group(2), manifest)
            out.setdefault((dep.name.lower(), dep.version), dep)
            if len(out) >= MAX_BOM_DEPENDENCIES:
                return list(out.values())
    return list(out.values())


def model_facts(report: Report) -> ModelFacts:
    """The model card's substance from the card's front matter and the audit's facts."""
    card = report.evidence.card
    task = card.get("pipeline_tag")
    metrics: list[Metric] = []
    index = card.get("model-index")
    for model in index if isinstance(index, list) else []:
        results = model.get("results") if isinstance(model, Mapping) else None
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, Mapping):
                continue
            dataset = result.get("dataset")
            slice_ = dataset.get("name") or dataset.get("type") if isinstance(dataset, Mapping) else None
            for metric in result.get("metrics") or []:
                if isinstance(metric, Mapping) and metric.get("type") is not None and "value" in metric:
                    metrics.append(Metric(_text(str(metric["type"])), _text(str(metric["value"])),
                                          _text(str(slice_)) if slice_ else None))
                if len(metrics) >= MAX_METRICS:
                    break
    considerations: dict[str, tuple[str, ...]] = {}
    for key, cdx in (("limitations", "technicalLimitations"), ("intended_use", "useCases"),
                     ("use_cases", "useCases"), ("users", "users"), ("intended_users", "users"),
                     ("tradeoffs", "performanceTradeoffs")):
        value = card.get(key)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        texts = tuple(_text(v) for v in items if isinstance(v, str) and v.strip())
        if texts:
            considerations[cdx] = considerations.get(cdx, ()) + texts
    hyper = tuple(
        (f.key, _text(str(f.value))) for f in report.evidence.facts
        if f.key in ("random_seed", "learning_rate", "batch_size", "epochs", "training_steps")
        and isinstance(f.value, str | int | float)
    )
    return ModelFacts(
        task=_text(task) if isinstance(task, str) and task.strip() else None,
        metrics=tuple(metrics),
        considerations=considerations,
        hyperparameters=hyper,
    )


def standards(report: Report) -> list[str]:
    """Names of the standards the release complies with (only verdicts that mean compliance)."""
    out = []
    for fid, a in report.assessments.items():
        if a.status in COMPLIES.get(fid, ()):
            name = a.name
            if a.version not in name and re.fullmatch(r"[0-9][0-9.]*", a.version):
                name = f"{name} {a.version}"
            grade = _GRADE.get(a.status)
            out.append(f"{name}, {grade}" if grade else name)
    return out


def verdicts(report: Report) -> list[tuple[str, str]]:
    """(property name, value) pairs summarising every assessment."""
    out = []
    for fid, a in report.assessments.items():
        out.append((f"openness:{fid}:status", a.status))
        if a.score is not None:
            out.append((f"openness:{fid}:score", f"{a.score:.3f}"))
        if "class" in a.extra:  # a graded framework's class (MOF), whichever framework gives one
            out.append((f"openness:{fid}:class", str(a.extra["class"])))
    return out


def _text(value: str) -> str:
    return " ".join(value.split())[:MAX_FIELD]
