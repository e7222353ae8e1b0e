"""``--follow``: the Hub repositories a git-host release names as its weights are read as more of the
same release, against the loopback fake Hub with real metadata (MiniLM); gated, missing and silent
targets each leave a note, in bounded time, and never a pass; offline records what would be followed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_fixtures import MINILM_ID, FakeHub, FakeRepo, Unavailable, hub_env, minilm_dir, source_files
from openness.frameworks import osaid
from openness.model import Component, Report, Status
from openness.pipeline import audit
from openness.sources import SourceOptions, http
from openness.sources.merge import MAX_FOLLOW
from test_evidence_support import MIT_TEXT, TRAIN_PY, write


@pytest.fixture(scope="module")
def minilm() -> Path:
    try:
        return minilm_dir()
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def hub(minilm: Path, tmp_path: Path) -> Iterator[FakeHub]:
    repos = [
        FakeRepo(MINILM_ID, source_files(minilm), card_data={"license": "apache-2.0"}),
        FakeRepo("org/gated", source_files(minilm), card_data={"license": "llama3.1"}, gated="manual"),
    ]
    with FakeHub(repos) as h, hub_env(h.endpoint, tmp_path / "hub", tmp_path / "openness"):
        yield h


def _release(root: Path, *models: str) -> Path:
    links = "\n".join(f"* weights: [{m}](https://huggingface.co/{m})" for m in models)
    return write(
        root, {"README.md": f"# Release\n\n## Models\n\n{links}\n", "LICENSE": MIT_TEXT, "train.py": TRAIN_PY}
    )


def _audit(root: Path, **opts: object) -> Report:
    return audit(str(root), frameworks=["osaid"], options=SourceOptions(**opts))  # type: ignore[arg-type]


def test_follow_reads_the_named_hub_repo(hub: FakeHub, tmp_path: Path) -> None:
    root = _release(tmp_path / "rel", MINILM_ID)
    before = _audit(root)  # a directory: not followed by default
    assert before.evidence.get(Component.PARAMETERS_FINAL).published_elsewhere
    report = _audit(root, follow=True)
    w = report.evidence.get(Component.PARAMETERS_FINAL)
    assert w.status is Status.PRESENT, w
    assert all(loc.path and loc.path.startswith(MINILM_ID + "/") for loc in w.locations)
    # the hub repo's own licence (its card), not the tree's MIT, covers the weights it holds
    assert any(a.scope_certain and a.license.match and a.license.match.id == "Apache-2.0" for a in w.licenses)
    assert not any(a.license.location.path == "LICENSE" for a in w.licenses)
    weight_calls = [r for r in hub.requests if r[1].endswith("model.safetensors") and r[0] == "GET"]
    assert all(rng and rng.startswith("bytes=0-") for _, _, rng in weight_calls)  # headers only


def test_gated_missing_and_too_many_are_notes(hub: FakeHub, tmp_path: Path) -> None:
    names = ["org/gated", "org/missing", "org/a", "org/b", "org/c"]
    root = _release(tmp_path / "rel", *names)
    report = _audit(root, follow=True)
    messages = [n.message for n in report.notes]
    assert any("could not follow hf:org/missing" in m for m in messages)
    assert any("gated" in m for m in messages)
    assert any(f"followed the first {MAX_FOLLOW}" in m for m in messages)
    assert report.assessments["osaid"].status != osaid.OPEN


def test_a_silent_follow_target_times_out_with_a_note(
    minilm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_RETRIES", 0)
    monkeypatch.setattr(http, "BACKOFF_BASE", 0.0)
    root = _release(tmp_path / "rel", "org/slow")
    with (
        FakeHub([FakeRepo("org/slow", {})], delay=3.0) as h,
        hub_env(h.endpoint, tmp_path / "hub", tmp_path / "oc"),
    ):
        start = time.perf_counter()
        report = _audit(root, follow=True, timeout=0.3)
        assert time.perf_counter() - start < 10
    assert any("could not follow hf:org/slow" in n.message for n in report.notes)
    assert report.evidence.get(Component.PARAMETERS_FINAL).status is Status.UNKNOWN


def test_offline_records_what_it_would_follow(tmp_path: Path) -> None:
    root = _release(tmp_path / "rel", "org/model-7b")
    report = _audit(root, follow=True, offline=True)
    assert any("would have followed hf:org/model-7b" in n.message for n in report.notes)
    assert report.evidence.get(Component.PARAMETERS_FINAL).published_elsewhere


def test_no_follow_never_contacts_the_hub(hub: FakeHub, tmp_path: Path) -> None:
    root = _release(tmp_path / "rel", MINILM_ID)
    _audit(root, follow=False)
    assert not hub.requests
