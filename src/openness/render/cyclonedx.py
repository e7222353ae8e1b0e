"""CycloneDX 1.6 ML-BOM, built with cyclonedx-python-lib (never by string concatenation).

The library has no model-card object yet (cyclonedx-python-lib #912), so openness verdicts
travel as namespaced properties on the model component.
"""

from __future__ import annotations

from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType
from cyclonedx.model.license import DisjunctiveLicense
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6

from openness import __version__
from openness.model import Component, Report
from openness.render.bom import BomLicense, component_licenses, datasets, release_name, verdicts, weight_files
from openness.render.safe import json_document


def _licenses(licenses: list[BomLicense]) -> list[DisjunctiveLicense]:
    return [
        DisjunctiveLicense(id=lic.spdx_id) if lic.spdx_id else DisjunctiveLicense(name=lic.name)
        for lic in licenses
    ]


def build_bom(report: Report) -> Bom:
    name = release_name(report)
    model = CdxComponent(
        name=name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=f"model:{name}",
        licenses=_licenses(component_licenses(report, Component.PARAMETERS_FINAL)),
        properties=[Property(name=k, value=v) for k, v in verdicts(report)],
    )
    bom = Bom()
    bom.metadata.component = model
    tools = ToolRepository()
    tools.components.add(CdxComponent(name="openness", version=__version__, type=ComponentType.APPLICATION))
    bom.metadata.tools = tools

    for path, sha256, params, fmt in weight_files(report):
        props = [Property(name="openness:weights:format", value=fmt)] if fmt else []
        if params is not None:
            props.append(Property(name="openness:weights:parameters", value=str(params)))
        component = CdxComponent(
            name=path,
            type=ComponentType.FILE,
            bom_ref=f"file:{path}",
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=sha256)] if sha256 else None,
            properties=props,
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    for ds_name, lic in datasets(report):
        lics = [DisjunctiveLicense(name=lic)] if lic else []
        component = CdxComponent(
            name=ds_name, type=ComponentType.DATA, bom_ref=f"data:{ds_name}", licenses=lics
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    for base in report.evidence.lineage:
        base_id = str(base.get("id") or "")
        if not base_id:
            continue
        lic = base.get("license")
        component = CdxComponent(
            name=base_id,
            type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=f"base:{base_id}",
            licenses=[DisjunctiveLicense(name=str(lic))] if lic else [],
            properties=[Property(name="openness:lineage", value="base-model")],
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    return bom


def render_cyclonedx(report: Report) -> str:
    # The library escapes non-ASCII; json_document also escapes < > & so no HTML tag survives.
    return json_document(JsonV1Dot6(build_bom(report)).output_as_string(indent=2)) + "\n"
