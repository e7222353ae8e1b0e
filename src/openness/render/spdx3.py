"""SPDX 3.0.1 with the AI and Dataset profiles, built with spdx-python-model.

The same substance as the CycloneDX BOM (values from ``render.bom``): the model as an
``ai_AIPackage`` (version, supplier, purl, metrics and hyperparameters from the card, the standards
it complies with in ``ai_standardCompliance`` — standards' names such as "OSI Open Source AI
Definition 1.0", never tool output), every weight file and checkpoint with its SHA-256, datasets as
``dataset_DatasetPackage`` (``trainedOn``) with their licences, code dependencies (``dependsOn``,
``pkg:pypi`` purls), the base model (``descendantOf``). openness's verdicts, whatever they are, are
``review`` annotations on the model. Licences are SPDX expressions; a named licence is a
``LicenseRef-`` whose text ships in the release as a file element with its SHA-256, linked by the
expression's ``customIdToUri``. Validated in tests against the SPDX 3.0.1 JSON schema and SHACL shapes.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from spdx_python_model import v3_0_1 as spdx

from openness import __version__
from openness.model import Component, Report
from openness.render.bom import (
    BomLicense,
    base_models,
    component_licenses,
    datasets,
    dependencies,
    expression,
    model_facts,
    named_license,
    release_name,
    standards,
    supplier,
    version,
    weight_files,
)
from openness.render.safe import json_document


def render_spdx3(report: Report) -> str:
    base = f"urn:openness:{uuid.uuid4()}"
    counter = iter(range(1_000_000))

    def sid(kind: str) -> str:
        return f"{base}#{kind}-{next(counter)}"

    objs = spdx.SHACLObjectSet()
    ci = spdx.CreationInfo(specVersion="3.0.1", created=datetime.now(UTC))
    ci.createdBy.append(objs.add(spdx.Organization(spdxId=sid("agent"), name="openness", creationInfo=ci)))
    tool = spdx.Tool(spdxId=sid("tool"), name=f"openness {__version__}", creationInfo=ci)
    ci.createdUsing.append(objs.add(tool))
    elements: list[object] = []

    def relate(from_: spdx.Element, kind: str, to: Sequence[spdx.Element]) -> None:
        rel = objs.add(spdx.Relationship(spdxId=sid("rel"), creationInfo=ci, from_=from_, to=list(to),
                                         relationshipType=kind))
        elements.append(rel)

    def declare(element: spdx.Element, licenses: list[BomLicense]) -> None:
        expr = expression(licenses)
        if not expr:
            return
        lic = spdx.simplelicensing_LicenseExpression(
            spdxId=sid("license"), creationInfo=ci, simplelicensing_licenseExpression=expr
        )
        for named in licenses:
            if named.named and named.text_path and named.text_sha256:
                text = objs.add(spdx.software_File(spdxId=sid("license-text"), name=named.text_path,
                                                   creationInfo=ci, comment=f"text of {named.name}"))
                text.verifiedUsing.append(spdx.Hash(algorithm=spdx.HashAlgorithm.sha256,
                                                    hashValue=named.text_sha256))
                elements.append(text)
                lic.simplelicensing_customIdToUri.append(
                    spdx.DictionaryEntry(key=named.expression, value=text.spdxId))
        objs.add(lic)
        elements.append(lic)
        relate(element, spdx.RelationshipType.hasDeclaredLicense, [lic])

    facts = model_facts(report)
    ver = version(report)
    model = spdx.ai_AIPackage(
        spdxId=sid("model"),
        name=release_name(report),
        creationInfo=ci,
        software_primaryPurpose=spdx.software_SoftwarePurpose.model,
        ai_standardCompliance=standards(report),
    )
    if ver:
        model.software_packageVersion = ver
    inv = report.inventory
    if inv is not None and inv.snapshot.hub is not None and "/" in inv.snapshot.hub.repo_id:
        model.software_packageUrl = f"pkg:huggingface/{inv.snapshot.hub.repo_id}" + (f"@{ver}" if ver else "")
    who = supplier(report)
    if who:
        org = objs.add(spdx.Organization(spdxId=sid("supplier"), name=who, creationInfo=ci))
        elements.append(org)
        model.suppliedBy = org
    if facts.task:
        model.ai_domain.append(facts.task)
    for m in facts.metrics:
        model.ai_metric.append(spdx.DictionaryEntry(key=f"{m.type} ({m.slice})" if m.slice else m.type,
                                                    value=m.value))
    for key, value in facts.hyperparameters:
        model.ai_hyperparameter.append(spdx.DictionaryEntry(key=key, value=value))
    limits = facts.considerations.get("technicalLimitations")
    if limits:
        model.ai_limitation = " ".join(limits)
    objs.add(model)
    elements.append(model)
    declare(model, component_licenses(report, Component.PARAMETERS_FINAL))

    for fid, a in report.assessments.items():
        note = objs.add(spdx.Annotation(
            spdxId=sid("verdict"), creationInfo=ci, annotationType=spdx.AnnotationType.review, subject=model,
            statement=f"openness {fid} ({a.name} {a.version}): {a.status}"
            + (f"; {a.summary}" if a.summary else ""),
        ))
        elements.append(note)

    weights = []
    for path, sha256, _params, _fmt in weight_files(report):
        f = objs.add(spdx.software_File(spdxId=sid("file"), name=path, creationInfo=ci))
        if sha256:
            f.verifiedUsing.append(spdx.Hash(algorithm=spdx.HashAlgorithm.sha256, hashValue=sha256))
        elements.append(f)
        weights.append(f)
    if weights:
        relate(model, spdx.RelationshipType.contains, weights)

    for ds_name, lic in datasets(report):
        ds = objs.add(
            spdx.dataset_DatasetPackage(
                spdxId=sid("dataset"),
                name=ds_name,
                creationInfo=ci,
                software_primaryPurpose=spdx.software_SoftwarePurpose.data,
                dataset_datasetType=[spdx.dataset_DatasetType.noAssertion],  # the audit cannot tell
            )
        )
        elements.append(ds)
        relate(model, spdx.RelationshipType.trainedOn, [ds])
        named = named_license(lic)
        declare(ds, [named] if named else [])

    deps = []
    for dep in dependencies(report):
        pkg = objs.add(spdx.software_Package(spdxId=sid("dependency"), name=dep.name, creationInfo=ci,
                                             software_packageUrl=dep.purl,
                                             software_primaryPurpose=spdx.software_SoftwarePurpose.library))
        if dep.version:
            pkg.software_packageVersion = dep.version
        elements.append(pkg)
        deps.append(pkg)
    if deps:
        relate(model, spdx.RelationshipType.dependsOn, deps)

    for base_id, base_lic in base_models(report):
        parent = objs.add(spdx.ai_AIPackage(spdxId=sid("base-model"), name=base_id, creationInfo=ci,
                                            software_primaryPurpose=spdx.software_SoftwarePurpose.model))
        elements.append(parent)
        relate(model, spdx.RelationshipType.descendantOf, [parent])
        declare(parent, [base_lic] if base_lic else [])

    objs.add(
        spdx.SpdxDocument(
            spdxId=sid("document"),
            name=f"openness audit of {release_name(report)}",
            creationInfo=ci,
            rootElement=[model],
            element=elements,
            profileConformance=[spdx.ProfileIdentifierType.core, spdx.ProfileIdentifierType.software,
                                spdx.ProfileIdentifierType.simpleLicensing, spdx.ProfileIdentifierType.ai,
                                spdx.ProfileIdentifierType.dataset],
        )
    )
    buf = io.BytesIO()
    spdx.JSONLDSerializer().write(objs, buf, indent=2)
    return json_document(buf.getvalue().decode("utf-8")) + "\n"
