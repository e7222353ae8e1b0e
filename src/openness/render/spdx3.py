"""SPDX 3.0.1 with the AI and Dataset profiles, built with spdx-python-model."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

from spdx_python_model import v3_0_1 as spdx

from openness import __version__
from openness.model import Component, Report
from openness.render.bom import component_licenses, datasets, expression, release_name, verdicts, weight_files
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
    model = objs.add(
        spdx.ai_AIPackage(
            spdxId=sid("model"),
            name=release_name(report),
            creationInfo=ci,
            software_primaryPurpose=spdx.software_SoftwarePurpose.model,
            ai_standardCompliance=[f"{k}={v}" for k, v in verdicts(report)],
        )
    )
    elements.append(model)

    def declare(element: spdx.Element, expr: str | None) -> None:
        if not expr:
            return
        lic = objs.add(
            spdx.simplelicensing_LicenseExpression(
                spdxId=sid("license"), creationInfo=ci, simplelicensing_licenseExpression=expr
            )
        )
        rel = objs.add(
            spdx.Relationship(
                spdxId=sid("rel"),
                creationInfo=ci,
                from_=element,
                to=[lic],
                relationshipType=spdx.RelationshipType.hasDeclaredLicense,
            )
        )
        elements.extend([lic, rel])

    declare(model, expression(component_licenses(report, Component.PARAMETERS_FINAL)))

    for path, sha256, _params, _fmt in weight_files(report):
        f = objs.add(spdx.software_File(spdxId=sid("file"), name=path, creationInfo=ci))
        if sha256:
            f.verifiedUsing.append(spdx.Hash(algorithm=spdx.HashAlgorithm.sha256, hashValue=sha256))
        rel = objs.add(
            spdx.Relationship(
                spdxId=sid("rel"), creationInfo=ci, from_=model, to=[f],
                relationshipType=spdx.RelationshipType.contains,
            )
        )
        elements.extend([f, rel])

    for ds_name, lic in datasets(report):
        ds = objs.add(
            spdx.dataset_DatasetPackage(
                spdxId=sid("dataset"),
                name=ds_name,
                creationInfo=ci,
                software_primaryPurpose=spdx.software_SoftwarePurpose.data,
                dataset_datasetType=[spdx.dataset_DatasetType.text],
            )
        )
        rel = objs.add(
            spdx.Relationship(
                spdxId=sid("rel"), creationInfo=ci, from_=model, to=[ds],
                relationshipType=spdx.RelationshipType.trainedOn,
            )
        )
        elements.extend([ds, rel])
        declare(ds, _as_expression(lic))

    objs.add(
        spdx.SpdxDocument(
            spdxId=sid("document"),
            name=f"openness audit of {release_name(report)}",
            creationInfo=ci,
            rootElement=[model],
            element=elements,
        )
    )
    buf = io.BytesIO()
    spdx.JSONLDSerializer().write(objs, buf, indent=2)
    return json_document(buf.getvalue().decode("utf-8")) + "\n"


def _as_expression(value: str | None) -> str | None:
    from openness.licenses import license_info
    from openness.render.bom import license_ref

    if not value:
        return None
    info = license_info(value)
    return info.id if info is not None and info.source == "spdx" else license_ref(value)
