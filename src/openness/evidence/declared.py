"""Evidence from a questionnaire (a MOF YAML record): what it declares, marked as declared.

Licences are resolved as the Model Openness Tool resolves them (the component's own
licence, else the global licence for its type, else ``distribution``); ``unlicensed``
means included without a licence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openness.model import (
    CODE_COMPONENTS,
    AppliedLicense,
    Component,
    ComponentEvidence,
    LicenseKind,
    LicenseResult,
    Location,
    Status,
)

MOF_NAMES: Mapping[str, Component] = {
    "model architecture": Component.MODEL_ARCHITECTURE,
    "data preprocessing code": Component.DATA_PREPROCESSING_CODE,
    "training code": Component.TRAINING_CODE,
    "inference code": Component.INFERENCE_CODE,
    "evaluation code": Component.EVALUATION_CODE,
    "supporting libraries and tools": Component.SUPPORTING_LIBRARIES,
    "model parameters (final)": Component.PARAMETERS_FINAL,
    "model parameters (intermediate)": Component.PARAMETERS_INTERMEDIATE,
    "datasets": Component.DATASETS,
    "evaluation data": Component.EVALUATION_DATA,
    "model metadata": Component.MODEL_METADATA,
    "sample model outputs": Component.SAMPLE_OUTPUTS,
    "model card": Component.MODEL_CARD,
    "data card": Component.DATA_CARD,
    "technical report": Component.TECHNICAL_REPORT,
    "research paper": Component.RESEARCH_PAPER,
    "evaluation results": Component.EVALUATION_RESULTS,
}
_DATA_TYPE = {
    Component.PARAMETERS_FINAL,
    Component.PARAMETERS_INTERMEDIATE,
    Component.DATASETS,
    Component.EVALUATION_DATA,
    Component.MODEL_METADATA,
}


def _global(release: Mapping[str, Any], block: str) -> str | None:
    lic = release.get("license")
    if not isinstance(lic, Mapping):
        return None
    entry = lic.get(block)
    if isinstance(entry, Mapping):
        name = entry.get("name")
        return str(name).strip() if name else None
    return None


def _type_block(c: Component) -> str:
    if c in CODE_COMPONENTS:
        return "code"
    if c in _DATA_TYPE:
        return "data"
    return "document"


def declared_components(declared: Mapping[str, Any], source: str) -> dict[Component, ComponentEvidence]:
    """One ComponentEvidence per MOF component: present if listed, absent if not (declared)."""
    from openness.licenses import analyze_id

    release = declared.get("release") if isinstance(declared.get("release"), Mapping) else declared
    if not isinstance(release, Mapping):
        return {}
    listed = release.get("components") or []
    out: dict[Component, ComponentEvidence] = {}
    for i, comp in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(comp, Mapping):
            continue
        c = MOF_NAMES.get(str(comp.get("name", "")).strip().lower())
        if c is None:
            continue
        key = f"release.components[{i}]"
        loc = Location(str(comp.get("component_path") or "") or source, key=key, declared=True)
        if "license" in comp:
            name = str(comp.get("license") or "").strip()
            origin = "component"
        else:
            name = _global(release, _type_block(c)) or _global(release, "distribution") or ""
            origin = "global"
        lic_loc = Location(
            source, key=f"{key}.license" if origin == "component" else "release.license", declared=True
        )
        if not name or name.lower() == "unlicensed":
            result = LicenseResult(lic_loc, LicenseKind.LICENSE, notes=("declared unlicensed",))
        else:
            result = analyze_id(name, lic_loc)
        applied = (AppliedLicense(result, True, f"licence declared ({origin}) in the MOF YAML"),)
        out[c] = ComponentEvidence(
            c,
            Status.PRESENT,
            (loc,),
            applied,
            f"declared in the MOF YAML: {comp.get('description') or c.value}",
            True,
        )
    for c in MOF_NAMES.values():
        if c not in out:
            out[c] = ComponentEvidence(
                c,
                Status.ABSENT,
                (Location(source, key="release.components", declared=True),),
                detail="not listed in the MOF YAML",
                declared=True,
            )
    return out
