"""What a Hub audit asks the Hub: how many requests, what it does when told to slow down, what it trusts.

Against the loopback fake Hub (``hub_fixtures.FakeHub``), with its request log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_fixtures import FakeHub, FakeRepo, hub_env, write_card
from openness.errors import SourceError
from openness.model import NoteKind
from openness.sources import SourceOptions, http
from openness.sources.hf import open_snapshot
from openness.sources.hub_fetch import LOOKUPS, Lookups, safe_rel_path

SMALL = ("README.md", "config.json", "tokenizer_config.json", "LICENSE")


def _repo_files(root: Path) -> dict[str, Path]:
    write_card(root, {"license": "apache-2.0"}, "# A model\n")
    (root / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (root / "tokenizer_config.json").write_text('{"model_max_length": 8}', encoding="utf-8")
    (root / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n", encoding="utf-8")
    # A tiny but valid safetensors file: an 8-byte header length, the JSON header, the data.
    header = b'{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}'
    (root / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + bytes(16))
    return {p.name: p for p in root.iterdir()}


@pytest.fixture
def repos(tmp_path: Path) -> list[FakeRepo]:
    files = _repo_files(tmp_path / "files")
    card = {"license": "apache-2.0", "datasets": ["data/a", "data/b", "data/missing"],
            "base_model": "org/base"}
    out = [FakeRepo(f"org/m{i}", files, card_data=card, branches=("main", "step-1"), tags=("v1",))
           for i in range(3)]
    out.append(FakeRepo("org/base", {}, card_data={"license": "mit"}))
    out += [FakeRepo(d, {}, repo_type="dataset", card_data={"license": "cc-by-4.0"})
            for d in ("data/a", "data/b")]
    return out


@pytest.fixture
def fresh_lookups() -> Iterator[None]:
    LOOKUPS.clear()
    yield
    LOOKUPS.clear()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every back-off sleep of the HTTP layer, recorded instead of slept."""
    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds  # the gate's clock moves on as if the time had passed

    monkeypatch.setattr(http.time, "sleep", sleep)
    monkeypatch.setattr(http, "_gate", http._Gate(clock=lambda: now[0], sleep=sleep))
    return slept


def test_requests_per_release_are_bounded(repos: list[FakeRepo], tmp_path: Path, fresh_lookups: None) -> None:
    """One listing, the refs, one GET per small file (no HEAD), one ranged read per safetensors header;
    the datasets and base model named by every release are looked up once for the whole batch."""
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        first = open_snapshot("hf:org/m0", SourceOptions())
        after_first = len(hub.requests)
        open_snapshot("hf:org/m1", SourceOptions())
        open_snapshot("hf:org/m2", SourceOptions())
        log = list(hub.requests)
    assert {f.path for f in first.files if f.readable} == set(SMALL)
    assert first.hub is not None and first.hub.safetensors_parameters == {"F32": 4}
    assert not [r for r in log if r[0] == "HEAD"]
    # 1 listing + 1 refs + 4 small files + 1 header + 4 lookups (2 datasets, a missing one, the base)
    assert after_first <= 11
    per_next = (len(log) - after_first) / 2
    assert per_next <= 7  # 1 listing + 1 refs + 4 small files + 1 header: lookups are shared
    header_reads = [r for r in log if r[1].endswith(".safetensors")]
    assert all(r[0] == "GET" and r[2] == "bytes=0-99999" for r in header_reads)
    # Files are read at the listed commit, not at a branch a push could move between requests.
    assert all(f"/resolve/{repos[0].commit}/" in r[1] for r in log if r[1].startswith("/org/m0/resolve/"))


def test_offline_audit_reads_what_the_online_one_stored(repos: list[FakeRepo], tmp_path: Path,
                                                        fresh_lookups: None) -> None:
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        online = open_snapshot("hf:org/m0", SourceOptions())
    with hub_env("http://127.0.0.1:9", tmp_path / "hub", tmp_path / "oc"):
        offline = open_snapshot("hf:org/m0", SourceOptions(offline=True))
    for name in SMALL:
        assert offline.read(name, 1 << 16) == online.read(name, 1 << 16)
    # Laid out as the hub client lays it out: blobs named by git blob id, a relative symlink, the ref.
    folder = tmp_path / "hub" / "models--org--m0"
    assert (folder / "refs" / "main").read_text(encoding="ascii") == repos[0].commit
    link = folder / "snapshots" / repos[0].commit / "config.json"
    assert link.is_symlink() and not Path(link.readlink()).is_absolute()
    data = link.read_bytes()
    assert link.resolve().name == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_content_that_does_not_match_the_listing_is_not_trusted(repos: list[FakeRepo], tmp_path: Path,
                                                                fresh_lookups: None) -> None:
    """A file whose bytes differ from the listed blob id (a tampering mirror, a bad cache) is not read."""
    repo = repos[0]
    repo.hashes["git:config.json"] = "0" * 40  # the listing now names other content
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        snap = open_snapshot("hf:org/m0", SourceOptions())
    entry = snap.entry("config.json")
    assert entry is not None and not entry.readable
    note = next(n for n in snap.notes if "could not be fetched" in n.message)
    assert note.kind is NoteKind.ELSEWHERE and "blob id" in note.message


def test_rate_limited_requests_wait_for_the_hubs_reset_and_say_so(
    repos: list[FakeRepo], tmp_path: Path, fresh_lookups: None, sleeps: list[float]
) -> None:
    """429 with the Hub's RateLimit header (no Retry-After): wait its reset time, retry, note it."""
    limited = {"RateLimit": '"api";r=0;t=3', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    with FakeHub(repos, fail_first=2, fail_status=429, fail_headers=limited) as hub, \
            hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        snap = open_snapshot("hf:org/m0", SourceOptions())
    assert snap.hub is not None and snap.hub.card_data["license"] == "apache-2.0"
    assert snap.hub.extra["complete"] is True
    assert sleeps and sleeps[0] == 3.0  # the reset time the Hub sent
    assert max(sleeps) <= http.BACKOFF_CAP
    note = next(n for n in snap.notes if n.kind is NoteKind.LIMIT)
    assert "too many requests' 2 time(s)" in note.message


def test_a_hub_that_keeps_saying_429_ends_in_one_error_not_a_hang(
    repos: list[FakeRepo], tmp_path: Path, fresh_lookups: None, sleeps: list[float]
) -> None:
    forever = {"Retry-After": "86400"}  # a day: capped
    with FakeHub(repos, fail_first=10_000, fail_status=429, fail_headers=forever) as hub, \
            hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"), \
            pytest.raises(SourceError, match="429"):
        open_snapshot("hf:org/m0", SourceOptions())
    assert len(hub.requests) == http.MAX_RETRIES + 1
    assert sleeps and all(s <= http.BACKOFF_CAP for s in sleeps)
    assert sum(sleeps) <= 2 * (http.MAX_RETRIES + 1) * http.BACKOFF_CAP


def test_backoff_reads_retry_after_dates_and_ratelimit_resets() -> None:
    assert http.backoff_delay(1, None, '"api";r=0;t=5') == 5.0
    assert http.backoff_delay(1, "2", '"api";r=0;t=5') == 2.0  # Retry-After wins
    assert http.backoff_delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
    assert http.backoff_delay(1, "Fri, 01 Jan 2100 00:00:00 GMT") == http.BACKOFF_CAP
    assert http.backoff_delay(2, "soon", "garbage") == http.BACKOFF_BASE * 2  # our own schedule
    assert http.backoff_delay(1, "x" * 10_000) == http.BACKOFF_BASE


def test_listed_paths_that_would_leave_the_cache_are_refused() -> None:
    for bad in ("../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "", ".", "a/./b", "x\0y"):
        assert not safe_rel_path(bad), bad
    assert safe_rel_path("1_Pooling/config.json") and safe_rel_path("README.md")


def test_lookups_share_definite_answers_only() -> None:
    lookups = Lookups()
    calls: list[str] = []

    def found() -> tuple[dict[str, str] | None, str, bool]:
        calls.append("found")
        return {"license": "mit"}, "found", True

    def flaky() -> tuple[dict[str, str] | None, str, bool]:
        calls.append("flaky")
        return None, "HTTP 503 from the Hub", False

    assert lookups.get(("e", "t", "model", "a"), found) == ({"license": "mit"}, "found")
    assert lookups.get(("e", "t", "model", "a"), found) == ({"license": "mit"}, "found")
    assert lookups.get(("e", "t", "model", "b"), flaky)[1] == "HTTP 503 from the Hub"
    assert lookups.get(("e", "t", "model", "b"), flaky)[1] == "HTTP 503 from the Hub"
    assert calls == ["found", "flaky", "flaky"]  # a transient failure is asked again


def test_files_already_cached_at_the_commit_are_not_fetched_again(repos: list[FakeRepo], tmp_path: Path,
                                                                   fresh_lookups: None) -> None:
    """A second audit of the same commit (a re-run, a repo followed by many releases) reads the small
    files from the hub cache when they are there as the listing names them; a changed blob is fetched."""
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        open_snapshot("hf:org/m0", SourceOptions())
        before = len(hub.requests)
        snapshot = tmp_path / "hub" / "models--org--m0" / "snapshots" / repos[0].commit
        blob = (snapshot / "config.json").resolve()
        blob.write_bytes(b'{"hidden_size": 9999}')  # another size than the listing says: not trusted
        again = open_snapshot("hf:org/m0", SourceOptions())
        fetched = [r[1].rsplit("/", 1)[-1] for r in hub.requests[before:] if "/resolve/" in r[1] and not r[2]]
    assert fetched == ["config.json"]
    assert again.read("config.json", 1 << 16) == b'{"hidden_size": 8}'
    assert {f.path for f in again.files if f.readable} == set(SMALL)


def test_a_missing_repo_is_asked_once_per_process(repos: list[FakeRepo], tmp_path: Path,
                                                  fresh_lookups: None) -> None:
    """A batch whose releases all name the same missing repo (a followed dataset) asks for it once;
    each release still gets the same one-line error."""
    from openness.sources.hub_fetch import MISSING

    MISSING.clear()
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        errors = []
        for _ in range(3):
            with pytest.raises(SourceError) as caught:
                open_snapshot("hf:datasets/nobody/nothing", SourceOptions())
            errors.append(str(caught.value))
        asked = [r for r in hub.requests if "nobody/nothing" in r[1]]
    MISSING.clear()
    assert len(asked) == 1
    assert len(set(errors)) == 1 and "not found" in errors[0]
