"""CycloneDX 1.6 ML-BOM, built with cyclonedx-python-lib (never by string concatenation).

What goes in (values decided in ``render.bom``, shared with SPDX 3): the model as
``metadata.component`` (supplier, version, a ``pkg:huggingface`` purl for hub releases, its licences,
openness verdicts as ``openness:*`` properties); every weight file and checkpoint the audit hashed
(SHA-256); datasets as ``data`` components with their licences; code dependencies from the
requirement files as ``library`` components with ``pkg:pypi`` purls; the base model as a
``machine-learning-model`` dependency. Licences are SPDX ids, or named licences with the SHA-256 of
their text (``openness:license-text:sha256``), never ``unknown``/``other`` as an id.

The model card: cyclonedx-python-lib does not model ``modelCard`` yet (its ``Component`` has only a
commented-out stub). So the BOM is built and serialised by the library, and ``modelCard`` is added
to the model component of that JSON output: built here only from the 1.6 schema's own fields
(``modelParameters.task`` / ``datasets`` as references to the data components, ``quantitativeAnalysis.
performanceMetrics`` from the card's ``model-index``, ``considerations`` from card fields), with
string values only. The result is checked against the library's strict 1.6 JSON schema in tests
(tests/test_golden_boms.py, ``JsonStrictValidator``); when the library gains a model card, this
extension goes and the library builds it.
"""

from __future__ import annotations

import json
from typing import Any

from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import DisjunctiveLicense
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from openness import __version__
from openness.model import Component, Report
from openness.render.bom import (
    BomLicense,
    ModelFacts,
    base_models,
    component_licenses,
    datasets,
    dependencies,
    model_facts,
    named_license,
    release_name,
    supplier,
    verdicts,
    version,
    weight_files,
)
from openness.render.safe import json_document

MODEL_REF = "model"


def _licenses(licenses: list[BomLicense | None]) -> list[DisjunctiveLicense]:
    out = []
    for lic in licenses:
        if lic is None:
            continue
        if lic.spdx_id:
            out.append(DisjunctiveLicense(id=lic.spdx_id))
            continue
        props = [Property(name="openness:license-ref", value=lic.expression)]
        if lic.text_path:
            props.append(Property(name="openness:license-text:path", value=lic.text_path))
        if lic.text_sha256:
            props.append(Property(name="openness:license-text:sha256", value=lic.text_sha256))
        out.append(DisjunctiveLicense(name=lic.name, properties=props))
    return out


def _purl(report: Report, ver: str | None) -> PackageURL | None:
    inv = report.inventory
    if inv is None or inv.snapshot.hub is None or "/" not in inv.snapshot.hub.repo_id:
        return None
    org, name = inv.snapshot.hub.repo_id.split("/", 1)
    return PackageURL(type="huggingface", namespace=org, name=name, version=ver)


def build_bom(report: Report) -> tuple[Bom, dict[str, str]]:
    """The BOM, and the bom-ref of each dataset component by dataset name (for the model card)."""
    name = release_name(report)
    ver = version(report)
    who = supplier(report)
    model = CdxComponent(
        name=name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=MODEL_REF,
        version=ver,
        supplier=OrganizationalEntity(name=who) if who else None,
        purl=_purl(report, ver),
        licenses=_licenses(list(component_licenses(report, Component.PARAMETERS_FINAL))),
        properties=[Property(name=k, value=v) for k, v in verdicts(report)],
    )
    bom = Bom()
    bom.metadata.component = model
    tools = ToolRepository()
    tools.components.add(CdxComponent(name="openness", version=__version__, type=ComponentType.APPLICATION))
    bom.metadata.tools = tools
    refs: set[str] = {MODEL_REF}

    def unique(ref: str) -> str:
        out, n = ref, 1
        while out in refs:
            n += 1
            out = f"{ref}#{n}"
        refs.add(out)
        return out

    for path, sha256, params, fmt in weight_files(report):
        props = [Property(name="openness:weights:format", value=fmt)] if fmt else []
        if params is not None:
            props.append(Property(name="openness:weights:parameters", value=str(params)))
        component = CdxComponent(
            name=path,
            type=ComponentType.FILE,
            bom_ref=unique(f"file:{path}"),
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=sha256)] if sha256 else None,
            properties=props,
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    data_refs: dict[str, str] = {}
    for ds_name, lic in datasets(report):
        if ds_name in data_refs:
            continue
        component = CdxComponent(
            name=ds_name, type=ComponentType.DATA, bom_ref=unique(f"data:{ds_name}"),
            licenses=_licenses([named_license(lic)]),
        )
        data_refs[ds_name] = str(component.bom_ref.value)
        bom.components.add(component)
        bom.register_dependency(model, [component])
    for dep in dependencies(report):
        component = CdxComponent(
            name=dep.name,
            version=dep.version,
            type=ComponentType.LIBRARY,
            bom_ref=unique(f"pypi:{dep.name}@{dep.version or ''}"),
            purl=PackageURL.from_string(dep.purl),
            properties=[Property(name="openness:manifest", value=dep.manifest)],
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    for base_id, base_lic in base_models(report):
        component = CdxComponent(
            name=base_id,
            type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=unique(f"base:{base_id}"),
            licenses=_licenses([base_lic]),
            properties=[Property(name="openness:lineage", value="base-model")],
        )
        bom.components.add(component)
        bom.register_dependency(model, [component])
    return bom, data_refs


def model_card(facts: ModelFacts, data_refs: dict[str, str]) -> dict[str, Any]:
    """A CycloneDX 1.6 ``modelCard`` object (schema fields only, string values only)."""
    card: dict[str, Any] = {"bom-ref": "model-card"}
    params: dict[str, Any] = {}
    if facts.task:
        params["task"] = facts.task
    if data_refs:
        params["datasets"] = [{"ref": ref} for ref in data_refs.values()]
    if params:
        card["modelParameters"] = params
    if facts.metrics:
        card["quantitativeAnalysis"] = {
            "performanceMetrics": [
                {"type": m.type, "value": m.value, **({"slice": m.slice} if m.slice else {})}
                for m in facts.metrics
            ]
        }
    if facts.considerations:
        card["considerations"] = {key: list(values) for key, values in facts.considerations.items()}
    if facts.hyperparameters:
        card["properties"] = [{"name": f"openness:hyperparameter:{k}", "value": v}
                              for k, v in facts.hyperparameters]
    return card


def render_cyclonedx(report: Report) -> str:
    bom, data_refs = build_bom(report)
    doc = json.loads(JsonV1Dot6(bom).output_as_string())
    doc["metadata"]["component"]["modelCard"] = model_card(model_facts(report), data_refs)
    # The library escapes non-ASCII; json_document also escapes < > & so no HTML tag survives.
    return json_document(json.dumps(doc, indent=2, ensure_ascii=True)) + "\n"
