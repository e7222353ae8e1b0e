"""The Hugging Face source without the network: a real snapshot in a hub cache, a fake Hub on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_fixtures import (
    MINILM_ID,
    FakeHub,
    FakeRepo,
    Unavailable,
    build_hf_cache,
    hub_env,
    minilm_dir,
    source_files,
    write_card,
)
from openness.errors import SourceError, UsageError
from openness.sources import SourceOptions, detect_kind, http
from openness.sources.hf import SMALL_FILE_MAX, HubRef, _wanted_tier, open_snapshot, parse_target

MINILM_PARAMETERS = 22_713_728  # F32 22,713,216 + I64 512 (position ids), from the real header
MINILM_DATASETS = 21


@pytest.fixture(scope="session")
def minilm() -> Path:
    try:
        return minilm_dir()
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def minilm_cache(minilm: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("hf") / "hub"
    build_hf_cache(minilm, cache, MINILM_ID)
    return cache


@pytest.fixture
def offline_env(minilm_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HF_HUB_CACHE", str(minilm_cache))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "openness"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return minilm_cache


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_BASE", 0.0)


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("hf:org/name", HubRef("org/name")),
        ("hf:org/name@v1.0", HubRef("org/name", revision="v1.0")),
        ("hf:datasets/org/data", HubRef("org/data", "dataset")),
        ("hf:datasets/org/data@main", HubRef("org/data", "dataset", "main")),
        ("hf:gpt2", HubRef("gpt2")),
        ("https://huggingface.co/org/name", HubRef("org/name")),
        ("https://huggingface.co/org/name/tree/step-1000", HubRef("org/name", revision="step-1000")),
        ("https://huggingface.co/org/name/blob/main/README.md", HubRef("org/name", revision="main")),
        ("https://huggingface.co/datasets/org/data/tree/refs%2Fconvert%2Fparquet",
         HubRef("org/data", "dataset", "refs/convert/parquet")),
    ],
)
def test_parse_target(target: str, expected: HubRef) -> None:
    assert parse_target(target) == expected
    assert detect_kind(target) == "hf"


def test_parse_target_rejects_bad_ids_and_conflicting_revisions() -> None:
    with pytest.raises(UsageError):
        parse_target("hf:../etc/passwd")
    with pytest.raises(UsageError):
        parse_target("hf:org/name@v1", revision="v2")
    assert parse_target("hf:org/name", revision="v2").revision == "v2"
    assert HubRef("org/d", "dataset").label == "hf:datasets/org/d"


@pytest.mark.parametrize(
    ("path", "fetched"),
    [
        ("README.md", True), ("LICENSE", True), ("LICENSE_MODEL.txt", True), ("USE_POLICY.md", True),
        ("Gemma_Terms_of_Use.txt", True), ("NOTICE", True), ("config.json", True),
        ("generation_config.json", True), ("tokenizer_config.json", True), ("requirements.txt", True),
        ("pyproject.toml", True), ("Dockerfile", True), ("scripts/train.py", True),
        ("model.safetensors", False), ("pytorch_model.bin", False), ("vocab.txt", False),
        ("tokenizer.json", False), ("data/train.parquet", False), ("model.gguf", False),
    ],
)
def test_only_small_useful_files_are_fetched(path: str, fetched: bool) -> None:
    assert (_wanted_tier(path, 1000) is not None) is fetched
    assert _wanted_tier(path, SMALL_FILE_MAX + 1) is None  # whatever the name, nothing large


# --------------------------------------------------------------------------- offline: the real snapshot


def test_offline_minilm_from_the_hub_cache(offline_env: Path, minilm: Path) -> None:
    snap = open_snapshot(f"hf:{MINILM_ID}", SourceOptions(offline=True))
    assert snap.kind == "hf" and snap.origins == (f"hf:{MINILM_ID}",)
    hub = snap.hub
    assert hub is not None and hub.repo_id == MINILM_ID
    assert hub.card_data["license"] == "apache-2.0"
    assert len(hub.card_data["datasets"]) == MINILM_DATASETS
    # Parameter count from the cached file's safetensors header, nothing else read.
    assert sum(hub.safetensors_parameters.values()) == MINILM_PARAMETERS
    assert hub.extra["safetensors"]["model.safetensors"]["dtypes"] == {"I64": 512, "F32": 22_713_216}
    datasets = hub.extra["datasets"]
    assert len(datasets) == MINILM_DATASETS
    assert {"ms_marco", "embedding-data/QQP", "s2orc"} <= {d["id"] for d in datasets}
    assert all(d["key"] == "card:datasets" and d["license"] is None for d in datasets)  # not cached
    # LFS weights carry their SHA-256 (the blob name); the content is the real file.
    weights = snap.entry("model.safetensors")
    assert weights is not None and weights.lfs and weights.size == 90_868_376
    assert weights.sha256 == hashlib.sha256((minilm / "model.safetensors").read_bytes()).hexdigest()
    assert snap.read("config.json", 30).startswith(b"{")
    assert len(snap.read("README.md", 100)) == 100
    assert snap.entry("1_Pooling/config.json") is not None
    # Partial: the report must say what offline could not see.
    assert hub.extra["complete"] is False
    assert any("offline" in n.message for n in snap.notes)


def test_hf_hub_offline_env_is_honoured(offline_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # would refuse: must never be asked
    snap = open_snapshot(f"hf:{MINILM_ID}", SourceOptions())
    assert snap.hub is not None and snap.hub.extra["source"] == "cache"
    with pytest.raises(SourceError, match="offline"):
        http.hub_api(SourceOptions())


def test_offline_unknown_repo_or_revision_is_a_clear_error(offline_env: Path) -> None:
    with pytest.raises(SourceError, match="not in the Hugging Face cache"):
        open_snapshot("hf:nobody/nothing", SourceOptions(offline=True))
    with pytest.raises(SourceError, match="revision v9"):
        open_snapshot(f"hf:{MINILM_ID}@v9", SourceOptions(offline=True))


def test_offline_dataset_cards_and_lineage_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "hub"
    model, data, base, grand = (tmp_path / n for n in ("model", "data", "base", "grand"))
    write_card(model, {"license": "apache-2.0", "datasets": ["org/data", "org/missing"],
                       "base_model": "org/base"})
    bulky = {"configs": [{"config_name": "default", "data_files": [f"part-{i}.parquet" for i in range(999)]}],
             "dataset_info": {"splits": [{"name": "train", "num_bytes": 1}]}}
    write_card(data, {"license": "cc-by-4.0", "pretty_name": "Data", **bulky})
    write_card(base, {"license": "llama3.1", "base_model": "org/grand"})
    write_card(grand, {"license": "mit"})
    build_hf_cache(model, cache, "org/model")
    build_hf_cache(data, cache, "org/data", repo_type="dataset")
    build_hf_cache(base, cache, "org/base")
    build_hf_cache(grand, cache, "org/grand")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "oc"))

    snap = open_snapshot("hf:org/model", SourceOptions(offline=True, lineage_depth=1))
    assert snap.hub is not None
    by_id = {d["id"]: d for d in snap.hub.extra["datasets"]}
    assert by_id["org/data"]["license"] == "cc-by-4.0" and by_id["org/data"]["status"] == "cached"
    assert by_id["org/data"]["card_data"] == {"license": "cc-by-4.0", "pretty_name": "Data"}  # bulk left out
    assert by_id["org/missing"]["license"] is None and "offline" in by_id["org/missing"]["status"]
    assert [(b["id"], b["license"], b["depth"]) for b in snap.hub.extra["lineage"]] == [
        ("org/base", "llama3.1", 1)
    ]
    deeper = open_snapshot("hf:org/model", SourceOptions(offline=True, lineage_depth=3))
    assert deeper.hub is not None
    assert [(b["id"], b["depth"], b["via"]) for b in deeper.hub.extra["lineage"]] == [
        ("org/base", 1, None), ("org/grand", 2, "org/base")
    ]
    ds = open_snapshot("hf:datasets/org/data", SourceOptions(offline=True))
    assert ds.hub is not None and ds.hub.repo_type == "dataset" and ds.hub.card_data["license"] == "cc-by-4.0"


def test_cache_symlinks_never_lead_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model"
    write_card(model, {"license": "mit"})
    cache = tmp_path / "hub"
    commit = build_hf_cache(model, cache, "org/evil")
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    (cache / "models--org--evil" / "snapshots" / commit / "leak.txt").symlink_to(secret)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "oc"))
    snap = open_snapshot("hf:org/evil", SourceOptions(offline=True))
    assert snap.entry("leak.txt") is None
    with pytest.raises(SourceError):
        snap.read("leak.txt")


# --------------------------------------------------------------------------- online, against a fake Hub


@pytest.fixture
def fake_hub(minilm: Path, tmp_path: Path) -> Iterator[tuple[FakeHub, Path]]:
    main = FakeRepo(
        MINILM_ID,
        source_files(minilm),
        card_data={"license": "apache-2.0", "datasets": ["org/qa", "gone/missing"],
                   "base_model": "org/base", "tags": ["sentence-transformers"]},
        branches=("main", "step-1000"),
        tags=("v1.0",),
    )
    data = tmp_path / "qa"
    write_card(data, {"license": "cc-by-sa-4.0"})
    repos = [
        main,
        FakeRepo("org/qa", source_files(data), repo_type="dataset", card_data={"license": "cc-by-sa-4.0"}),
        FakeRepo("org/base", {}, card_data={"license": "llama3", "base_model": "org/root"}),
        FakeRepo("org/root", {}, card_data={"license": "other", "license_name": "root-license"}),
        FakeRepo("org/gated", source_files(minilm), card_data={"license": "llama3.1"}, gated="manual"),
    ]
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "openness"):
        yield hub, tmp_path


def test_online_fetches_small_files_and_headers_never_weights(fake_hub: tuple[FakeHub, Path]) -> None:
    hub, _ = fake_hub
    snap = open_snapshot(f"hf:{MINILM_ID}", SourceOptions(lineage_depth=2))
    meta = snap.hub
    assert meta is not None and meta.extra["source"] == "hub" and meta.extra["complete"] is True
    assert meta.card_data["license"] == "apache-2.0"
    assert meta.refs == ("main", "step-1000", "v1.0")
    assert sum(meta.safetensors_parameters.values()) == MINILM_PARAMETERS
    readable = {f.path for f in snap.files if f.readable}
    assert {"README.md", "config.json", "tokenizer_config.json", "1_Pooling/config.json"} <= readable
    assert "model.safetensors" not in readable and "vocab.txt" not in readable
    weights = snap.entry("model.safetensors")
    assert weights is not None and weights.lfs and weights.sha256 and weights.size == 90_868_376
    with pytest.raises(SourceError, match="not available"):
        snap.read("model.safetensors")
    # The weights were only ever asked for a header-sized range.
    weight_calls = [r for r in hub.requests if r[1].endswith("model.safetensors")]
    assert weight_calls and all(method == "GET" and rng and rng.startswith("bytes=0-") for method, _, rng
                                in weight_calls)
    datasets = {d["id"]: d for d in meta.extra["datasets"]}
    assert datasets["org/qa"]["license"] == "cc-by-sa-4.0"
    assert datasets["gone/missing"]["license"] is None and "not found" in datasets["gone/missing"]["status"]
    lineage = meta.extra["lineage"]
    assert [(b["id"], b["license"], b["depth"]) for b in lineage] == [("org/base", "llama3", 1),
                                                                       ("org/root", "other", 2)]
    assert lineage[1]["license_name"] == "root-license"


def test_online_then_offline_sees_the_same_release(fake_hub: tuple[FakeHub, Path]) -> None:
    online = open_snapshot(f"hf:{MINILM_ID}", SourceOptions())
    offline = open_snapshot(f"hf:{MINILM_ID}", SourceOptions(offline=True))
    assert [f.path for f in offline.files] == [f.path for f in online.files]
    assert offline.hub is not None and online.hub is not None
    assert offline.hub.extra["source"] == "cache+sidecar"
    assert offline.hub.refs == online.hub.refs
    assert offline.hub.extra["datasets"] == online.hub.extra["datasets"]
    assert offline.read("config.json") == online.read("config.json")


def test_gated_repo_says_what_could_not_be_seen(fake_hub: tuple[FakeHub, Path]) -> None:
    snap = open_snapshot("hf:org/gated", SourceOptions())
    assert snap.hub is not None and snap.hub.gated == "manual"
    assert snap.hub.card_data["license"] == "llama3.1"  # from the API, without access
    assert not any(f.readable for f in snap.files)
    assert snap.hub.extra["complete"] is False
    assert any("gated" in n.message for n in snap.notes)


def test_not_found_is_a_source_error(fake_hub: tuple[FakeHub, Path]) -> None:
    with pytest.raises(SourceError, match="not found"):
        open_snapshot("hf:nobody/nothing", SourceOptions())


@pytest.mark.parametrize("status", [429, 503])
def test_retries_on_rate_limit_and_server_errors(status: int, minilm: Path, tmp_path: Path,
                                                 no_backoff: None) -> None:
    repo = FakeRepo("org/flaky", {"README.md": minilm / "README.md"}, card_data={"license": "mit"})
    with FakeHub([repo], fail_first=2, fail_status=status) as hub, \
            hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        snap = open_snapshot("hf:org/flaky", SourceOptions())
    assert snap.hub is not None and snap.hub.card_data["license"] == "mit"
    assert hub.requests[0][1] == hub.requests[2][1] == "/api/models/org/flaky"


def test_a_silent_hub_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_backoff: None) -> None:
    """huggingface_hub passes timeout=None on some calls; our transport bounds every request anyway."""
    monkeypatch.setattr(http, "MAX_RETRIES", 0)
    with FakeHub([FakeRepo("org/slow", {})], delay=3.0) as hub, \
            hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"), \
            pytest.raises(SourceError, match="could not be reached"):
        open_snapshot("hf:org/slow", SourceOptions(timeout=0.3))


def test_unreachable_hub_falls_back_to_the_cache(offline_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                  no_backoff: None) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: connection refused
    snap = open_snapshot(f"hf:{MINILM_ID}", SourceOptions(timeout=2))
    assert snap.hub is not None and snap.hub.extra["source"] == "cache"
    assert any("could not be reached" in n.message and n.level == "info" for n in snap.notes)


def test_backoff_schedule_is_bounded() -> None:
    assert http.backoff_delay(1) == http.BACKOFF_BASE
    assert http.backoff_delay(3) == http.BACKOFF_BASE * 4
    assert http.backoff_delay(30) == http.BACKOFF_CAP
    assert http.backoff_delay(1, "2") == 2.0
    assert http.backoff_delay(1, "86400") == http.BACKOFF_CAP


def test_offline_decided_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "OPENNESS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    assert not http.is_offline(SourceOptions())
    assert http.is_offline(SourceOptions(offline=True))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert http.is_offline(SourceOptions())
    monkeypatch.setenv("HF_HUB_CACHE", "/somewhere/hub")
    assert http.hub_cache_dir() == Path("/somewhere/hub")
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.delenv("HUGGINGFACE_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", "/hf-home")
    assert http.hub_cache_dir() == Path("/hf-home/hub")


@pytest.mark.online
def test_online_real_hub_minilm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "oc"))
    snap = open_snapshot(f"hf:{MINILM_ID}", SourceOptions())
    assert snap.hub is not None and snap.hub.card_data["license"] == "apache-2.0"
    assert 22_000_000 < sum(snap.hub.safetensors_parameters.values()) < 23_000_000


def test_lineage_conflict_from_the_hub_end_to_end(tmp_path: Path) -> None:
    """A fine-tune declared apache-2.0 of a non-commercial base: the base's terms carry over."""
    card = {"license": "apache-2.0", "base_model": "org/nc-base"}
    release = tmp_path / "ft"
    write_card(release, card, "# A fine-tune\n")
    repos = [FakeRepo("org/ft", source_files(release), card_data=card),
             FakeRepo("org/nc-base", {}, card_data={"license": "cc-by-nc-4.0"}, gated="manual")]
    from openness.pipeline import audit

    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        report = audit("hf:org/ft", options=SourceOptions())
    (base,) = report.evidence.lineage
    assert base["id"] == "org/nc-base" and base["license"] == "cc-by-nc-4.0"
    conflicts = [f for f in report.findings if f.kind == "lineage-conflict"]
    assert conflicts and "org/nc-base" in conflicts[0].message


@pytest.mark.parametrize(
    "shape",
    [[2] * 200_000, [2**1030], [int("9" * 3000), int("9" * 3000)]],
    ids=["200000-dims", "2**1030", "3000-digit-dims"],
)
def test_online_hostile_safetensors_header_is_a_note(tmp_path: Path, shape: list[int]) -> None:
    """A header served by the Hub is parsed by the package's bounded reader, never by a product
    over whatever shape it claims (the hub client's parser hangs on 200,000 dimensions)."""
    import json as _json
    import struct
    import time

    from openness.cli import main

    repo = tmp_path / "repo"
    repo.mkdir()
    header = _json.dumps({"w": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}).encode()
    (repo / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    write_card(repo, {"license": "apache-2.0"})
    with FakeHub([FakeRepo("org/hostile", source_files(repo))]) as hub, hub_env(
        hub.endpoint, tmp_path / "hub", tmp_path / "openness"
    ):
        start = time.perf_counter()
        snap = open_snapshot("hf:org/hostile", SourceOptions(lineage_depth=0))
        assert time.perf_counter() - start < 10
        assert sum(snap.hub.safetensors_parameters.values()) == 0  # type: ignore[union-attr]
        assert any("safetensors" in n.message for n in snap.notes)
        assert main(["audit", "hf:org/hostile", "--format", "json"]) == 0
