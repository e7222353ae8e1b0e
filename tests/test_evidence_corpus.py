"""Evidence over the real corpus releases (rebuilt as directories from TREE.txt + files/):
every licence file the manifest lists is analysed and attached to the components it covers."""

from __future__ import annotations

import tempfile
import time
from functools import cache
from pathlib import Path

import pytest
import yaml

from corpus_release import rebuild, release_ids
from openness.evidence import build_evidence
from openness.evidence.scope import foreign
from openness.frameworks import osaid
from openness.frameworks.findings import find
from openness.inventory import build_inventory
from openness.model import Component, Evidence, Status
from openness.sources import SourceOptions, open_target

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
_TMP = Path(tempfile.mkdtemp(prefix="evidence-corpus-"))


@cache
def _manifest() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["releases"]}


@cache
def _evidence(release: str) -> tuple[Evidence, float]:
    root = rebuild(CORPUS / release, _TMP / release)
    inventory = build_inventory(open_target(str(root), SourceOptions()))
    start = time.perf_counter()
    ev = build_evidence(inventory)
    return ev, time.perf_counter() - start


def _ids() -> list[str]:
    return release_ids(CORPUS) if CORPUS.is_dir() else []


def _copied(release: str, path: str) -> bool:
    return (CORPUS / release / "files" / path).is_file()


def _attached(ev: Evidence, component: Component, path: str) -> list[bool]:
    return [a.scope_certain for a in ev.get(component).licenses if a.license.location.path == path]


@pytest.mark.parametrize("release", _ids())
def test_listed_licence_files_are_analysed_and_attached(corpus_dir: Path, release: str) -> None:
    ev, elapsed = _evidence(release)
    assert elapsed < 2.0, elapsed
    assessment = osaid.assess(ev)  # every release gets a verdict and findings, each citing evidence
    for f in find(ev, {"osaid": assessment}):
        assert f.locations, f
    analysed = {r.location.path for r in ev.licenses}
    entry = _manifest().get(release, {})
    for lf in entry.get("license_files") or []:  # type: ignore[attr-defined]
        path, scope = lf["path"], lf.get("scope")
        if not _copied(release, path) or scope == "pointer" or lf.get("license_id") == "EMPTY":
            continue
        assert path in analysed, (path, sorted(p for p in analysed if p))
        covered = [
            c for c, e in ev.components.items() if any(a.license.location.path == path for a in e.licenses)
        ]
        weights = ev.get(Component.PARAMETERS_FINAL)
        if scope == "weights" and foreign(path) is not None:
            # Other models' licences kept as assets (open-instruct's assets/model_licenses/*): the
            # issue-10 rule binds them to nothing of this release, whatever model they name.
            assert not covered, (path, covered)
        elif scope == "weights" and weights.status is not Status.ABSENT:
            assert _attached(ev, Component.PARAMETERS_FINAL, path), (path, weights.status, covered)
        if scope == "third_party_or_subcomponent":
            assert True not in _attached(ev, Component.PARAMETERS_FINAL, path), path
        if scope == "data" and ev.get(Component.DATASETS).status is not Status.ABSENT:
            assert _attached(ev, Component.DATASETS, path), path


def test_name_scoped_licences(corpus_dir: Path) -> None:
    ev, _ = _evidence("tatsu-lab__stanford_alpaca")
    assert _attached(ev, Component.DATASETS, "DATA_LICENSE") == [True]
    assert "DATA_LICENSE" not in {a.license.location.path for a in ev.get(Component.TRAINING_CODE).licenses}
    assert {a.license.location.path for a in ev.get(Component.TRAINING_CODE).licenses} == {"LICENSE"}

    ev2, _ = _evidence("deepseek-ai__DeepSeek-V3")
    assert {a.license.location.path for a in ev2.get(Component.INFERENCE_CODE).licenses} == {"LICENSE-CODE"}
    assert _attached(ev2, Component.PARAMETERS_FINAL, "LICENSE-MODEL") == [True]


def test_per_model_folders_llama_models(corpus_dir: Path) -> None:
    """llama-models: each models/<version>/LICENSE covers that folder's files and names the weights,
    which are downloaded, not shipped: it counts against them."""
    ev, _ = _evidence("meta-llama__llama-models")
    weights = ev.get(Component.PARAMETERS_FINAL)
    assert weights.status is Status.UNKNOWN
    paths = {a.license.location.path for a in weights.licenses}
    assert {"models/llama3_1/LICENSE", "models/llama4/LICENSE"} <= paths
    card = ev.get(Component.MODEL_CARD)  # models/llama3_1/MODEL_CARD.md lives beside that licence
    folder = [a for a in card.licenses if a.license.location.path == "models/llama3_1/LICENSE"]
    assert folder and folder[0].scope_certain and "models/llama3_1/" in folder[0].reason


def test_corpus_expectations_for_restricted_releases(corpus_dir: Path) -> None:
    """Releases the manifest calls not open source (custom, RAIL, non-commercial licences) never pass."""
    words = ("not osi", "not open source", "rail", "restricted", "non-commercial", "not oSAID".lower())
    checked = 0
    for release, entry in _manifest().items():
        expectation = str(entry.get("openness_expectation", "")).lower()
        if not any(w in expectation for w in words) or not (CORPUS / release).is_dir():
            continue
        ev, _ = _evidence(release)
        assert osaid.assess(ev).status != "open-source-ai", release
        checked += 1
    assert checked >= 8


def test_facts_from_corpus_cards(corpus_dir: Path) -> None:
    ev, _ = _evidence("meta-llama__llama")
    tokens = ev.facts_for("training_tokens")
    assert tokens and tokens[0].value == 2_000_000_000_000 and tokens[0].location.path == "MODEL_CARD.md"
    assert any(f.value == "A100" for f in ev.facts_for("hardware"))
    (deps,) = ev.facts_for("pinned_dependencies")
    assert deps.value["pinned"] == 0 and deps.location.path == "requirements.txt"
