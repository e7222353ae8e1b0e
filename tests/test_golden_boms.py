"""Golden files and validation for the machine formats: SARIF, CycloneDX 1.6, SPDX 3.0.1.

Both examples and one corpus release with a custom licence (Baichuan 2's community licence), each
compared with tests/golden/<case>.{sarif,cdx.json,spdx3.json} after normalising what legitimately
varies between runs (times, serial numbers and document ids, the package version, where the release
sits), and each validated: SARIF against the OASIS 2.1.0 schema, CycloneDX with cyclonedx-python-lib's
strict 1.6 validator (which checks the ``modelCard`` extension too), SPDX 3 against its JSON schema and
its SHACL shapes (tests/data/spdx3, with their licence). Regenerate after an intended change and
review the diff in git:  ``OPENNESS_REGEN_GOLDEN=1 python3 -m pytest tests/test_golden_boms.py``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from golden_support import CASES, GOLDEN, compare_golden, golden_report, normalise_common
from openness import __version__
from openness.model import Fact, Location, Report, RestrictionKind
from openness.pipeline import audit
from openness.policy import evaluate, parse_policy
from openness.render import render

DATA = Path(__file__).resolve().parent / "data"
FORMATS = {"sarif": "sarif", "cyclonedx": "cdx.json", "spdx3": "spdx3.json"}
# The SARIF goldens carry failed rules too: this policy is the gate they were rendered with.
POLICY = parse_policy(
    "[frameworks]\nosaid = 'open-source-ai'\nmof = 'class-2'\n[restrictions]\nforbidden = ["
    + ", ".join(f"'{k}'" for k in RestrictionKind) + "]\n"
)
_TIME = re.compile(r'"(created|timestamp)": "[^"]+"')


def normalise(text: str, release: Path) -> str:
    """What varies between runs, replaced by placeholders."""
    text = normalise_common(text, release)
    text = re.sub(r"urn:openness:[0-9a-f-]{36}", "urn:openness:<UUID>", text)
    text = re.sub(r"urn:uuid:[0-9a-f-]{36}", "urn:uuid:<UUID>", text)
    text = _TIME.sub(r'"\1": "<TIME>"', text)
    ours = r'"(version|semanticVersion)": "' + re.escape(__version__) + '"'
    return re.sub(ours, r'"\1": "<VERSION>"', text)


def _render(report: Report, fmt: str) -> str:
    options: dict[str, Any] = {"failures": evaluate(report, POLICY).failures} if fmt == "sarif" else {}
    return render(report, fmt, **options)


# --------------------------------------------------------------------------- validators


@cache
def _sarif_schema() -> dict[str, Any]:
    path = DATA / "sarif" / "sarif-schema-2.1.0.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _spdx_schema() -> Any:
    """The SPDX 3 schema, compiled by jsonschema-rs: the pure-Python validator takes ~10 s per
    document on this schema (an ``anyOf`` over every class for each element), jsonschema-rs ~10 ms."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(
        json.loads((DATA / "spdx3" / "spdx-json-schema-3.0.1.json").read_text(encoding="utf-8")))


@cache
def _shapes() -> Any:
    import rdflib

    return rdflib.Graph().parse(DATA / "spdx3" / "spdx-model-3.0.1.ttl", format="turtle")


def validate_sarif(text: str) -> None:
    import jsonschema

    jsonschema.validate(json.loads(text), _sarif_schema())


def validate_cyclonedx(text: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, str(error)[:2000]


def validate_spdx3(text: str) -> None:
    """JSON schema, then the SHACL shapes on the RDF graph (the context is the vendored copy: no
    network in tests)."""
    import pyshacl
    import rdflib

    doc = json.loads(text)
    errors = [str(e)[:300] for e in _spdx_schema().iter_errors(doc)]
    assert not errors, errors[:5]
    context = json.loads((DATA / "spdx3" / "spdx-context-3.0.1.jsonld").read_text(encoding="utf-8"))
    graph = rdflib.Graph().parse(data=json.dumps({**doc, "@context": context["@context"]}), format="json-ld")
    shapes = _shapes()
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=shapes, inference="none")
    assert conforms, str(report)[:3000]


VALIDATORS = {"sarif": validate_sarif, "cyclonedx": validate_cyclonedx, "spdx3": validate_spdx3}


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", CASES)
def test_golden_bom(case: str, fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report, release = golden_report(case, tmp_path_factory)
    text = _render(report, fmt)
    VALIDATORS[fmt](text)
    compare_golden(GOLDEN / f"{case}.{FORMATS[fmt]}", normalise(text, release))


def test_normaliser_replaces_what_varies(tmp_path: Path) -> None:
    text = (f'{{"created": "2026-01-01T00:00:00Z", "spdxId": "urn:openness:{"0" * 8}-{"1" * 4}-{"2" * 4}-'
            f'{"3" * 4}-{"4" * 12}#m-1", "path": "{tmp_path}/x", "version": "{__version__}", '
            f'"name": "openness {__version__}"}}')
    assert normalise(text, tmp_path) == (
        '{"created": "<TIME>", "spdxId": "urn:openness:<UUID>#m-1", "path": "<RELEASE>/x", '
        '"version": "<VERSION>", "name": "openness <VERSION>"}')


# --------------------------------------------------------------------------- substance


def _cdx(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(report, "cyclonedx"))
    return doc


def test_cyclonedx_model_card_and_hashes(tmp_path_factory: pytest.TempPathFactory) -> None:
    report, _ = golden_report("tiny-open-lm", tmp_path_factory)
    doc = _cdx(report)
    model = doc["metadata"]["component"]
    card = model["modelCard"]
    assert card["modelParameters"]["task"] == "text-generation"
    refs = {c["bom-ref"]: c for c in doc["components"]}
    (ds,) = card["modelParameters"]["datasets"]
    assert refs[ds["ref"]]["type"] == "data"
    assert card["quantitativeAnalysis"]["performanceMetrics"][0] == {
        "type": "perplexity", "value": "10.723", "slice": "tiny-open-lm corpus (held-out last 10%)"}
    files = [c for c in doc["components"] if c["type"] == "file"]
    assert {"model.safetensors", "checkpoints/step-200.safetensors"} <= {c["name"] for c in files}
    weights = next(c for c in files if c["name"] == "model.safetensors")
    import hashlib

    digest = hashlib.sha256((EXAMPLES / "tiny-open-lm" / "model.safetensors").read_bytes()).hexdigest()
    assert weights["hashes"] == [{"alg": "SHA-256", "content": digest}]
    assert model["licenses"] == [{"license": {"id": "Apache-2.0"}}]


def test_named_licence_carries_its_text_hash(tmp_path_factory: pytest.TempPathFactory) -> None:
    import hashlib

    report, release = golden_report("openwashed-lm", tmp_path_factory)
    (lic,) = _cdx(report)["metadata"]["component"]["licenses"]
    assert "id" not in lic["license"] and lic["license"]["name"] == "acme-community-license"
    props = {p["name"]: p["value"] for p in lic["license"]["properties"]}
    digest = hashlib.sha256((release / "LICENSE").read_bytes()).hexdigest()
    assert props["openness:license-text:sha256"] == digest
    spdx = json.loads(render(report, "spdx3"))["@graph"]
    expr = next(e for e in spdx if e["type"] == "simplelicensing_LicenseExpression")
    assert expr["simplelicensing_licenseExpression"] == "LicenseRef-acme-community-license"
    (entry,) = expr["simplelicensing_customIdToUri"]
    text = next(e for e in spdx if e.get("spdxId") == entry["value"])
    assert text["name"] == "LICENSE" and text["verifiedUsing"][0]["hashValue"] == digest


def _no_placeholder_ids(text: str) -> None:
    for bad in ("LicenseRef-other", "LicenseRef-unknown", "LicenseRef-NOASSERTION", '"id": "other"',
                '"id": "unknown"', "LicenseRef-custom"):
        assert bad.lower() not in text.lower(), bad


def test_placeholders_never_become_licence_ids(tmp_path: Path) -> None:
    root = tmp_path / "m"
    root.mkdir()
    card = "---\nlicense: other\nlicense_name: unknown\n---\n# x\n"
    (root / "README.md").write_text(card, encoding="utf-8")
    (root / "config.json").write_text("{}", encoding="utf-8")
    report = audit(str(root))
    datasets = ({"id": "a", "license": "other"}, {"id": "b", "license": "unknown"},
                {"id": "c", "license": "cc-by-4.0"}, {"id": "d", "license": "NOASSERTION"})
    lineage = ({"id": "org/base", "license": "other"},)
    report = dataclasses.replace(report, evidence=dataclasses.replace(report.evidence, datasets=datasets,
                                                                      lineage=lineage))
    for fmt in ("cyclonedx", "spdx3"):
        text = render(report, fmt)
        VALIDATORS[fmt](text)
        _no_placeholder_ids(text)
    doc = _cdx(report)
    data = {c["name"]: c.get("licenses") for c in doc["components"] if c["type"] == "data"}
    assert data == {"a": None, "b": None, "c": [{"license": {"id": "CC-BY-4.0"}}], "d": None}


def test_code_dependencies_from_requirement_facts(tmp_path_factory: pytest.TempPathFactory) -> None:
    report, _ = golden_report("tiny-open-lm", tmp_path_factory)
    fact = Fact("pinned_dependencies", {"file": "requirements.txt", "lock": False, "pinned": 1, "total": 2,
                                        "requirements": ["NumPy==1.26.4", "safetensors[torch]>=0.4",
                                                         "\x1b[2J; rm -rf /"]},
                Location(path="requirements.txt"))
    # The example's own requirements.txt is read for real (numpy, safetensors, PyYAML, pinned).
    real = {c["name"]: c for c in _cdx(report)["components"] if c["type"] == "library"}
    assert real["PyYAML"]["purl"] == "pkg:pypi/pyyaml@6.0.3" and {"numpy", "safetensors"} <= set(real)
    kept = tuple(f for f in report.evidence.facts if f.key != "pinned_dependencies")
    report = dataclasses.replace(report, evidence=dataclasses.replace(report.evidence, facts=(*kept, fact)))
    libs = {c["name"]: c for c in _cdx(report)["components"] if c["type"] == "library"}
    assert libs["NumPy"]["purl"] == "pkg:pypi/numpy@1.26.4" and libs["NumPy"]["version"] == "1.26.4"
    assert libs["safetensors"]["purl"] == "pkg:pypi/safetensors" and "version" not in libs["safetensors"]
    assert len(libs) == 2
    text = render(report, "spdx3")
    validate_spdx3(text)
    assert "pkg:pypi/numpy@1.26.4" in text


def test_spdx_standard_compliance_holds_standard_names(tmp_path_factory: pytest.TempPathFactory) -> None:
    for case, want in (("tiny-open-lm", {"OSI Open Source AI Definition 1.0"}), ("openwashed-lm", set())):
        report, _ = golden_report(case, tmp_path_factory)
        graph = json.loads(render(report, "spdx3"))["@graph"]
        model = next(e for e in graph if e["type"] == "ai_AIPackage")
        compliance = set(model.get("ai_standardCompliance", []))
        assert want <= compliance
        assert not [c for c in compliance if "=" in c or c.startswith("openness")]  # names, not tool strings
        verdicts = [e["statement"] for e in graph if e["type"] == "Annotation"]
        assert any(v.startswith("openness osaid (") for v in verdicts)


def test_validators_reject_what_they_should() -> None:
    """The validators are live: a model card field the schema lacks, a dataset without its type."""
    report = audit(str(EXAMPLES / "tiny-open-lm"))
    doc = _cdx(report)
    doc["metadata"]["component"]["modelCard"]["openness"] = "not in the schema"
    with pytest.raises(AssertionError):
        validate_cyclonedx(json.dumps(doc))
    graph = json.loads(render(report, "spdx3"))
    for element in graph["@graph"]:
        element.pop("dataset_datasetType", None)
    with pytest.raises(AssertionError):
        validate_spdx3(json.dumps(graph))


@pytest.mark.parametrize("case", CASES)
def test_mof_output_is_valid_against_mot_schema(case: str, mot_dir: Path,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    """The MOF YAML of both examples and the corpus release, against MOT's own schema."""
    import jsonschema
    import yaml

    report, _ = golden_report(case, tmp_path_factory)
    schema = json.loads((mot_dir / "config" / "mof_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(render(report, "mof")), schema)
