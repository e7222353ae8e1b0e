"""What the Hub stage spends per release, beyond the requests: cache writes and repeated header reads.

The layout written must stay the hub client's (``blobs/<etag>``, a relative link under
``snapshots/<commit>/``, ``refs/<revision>``); only the work to write it shrinks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from hub_fixtures import FakeHub, FakeRepo, hub_env, write_card
from openness.model import NoteKind
from openness.sources import SourceOptions, hub_fetch
from openness.sources.hf import open_snapshot

COMMIT = "a" * 40


@pytest.fixture
def mkdirs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every folder the test makes (``os.mkdir`` is what ``makedirs`` and ``Path.mkdir`` call)."""
    made: list[str] = []
    real = os.mkdir

    def mkdir(path: str | os.PathLike[str], mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        made.append(os.fspath(path))
        real(path, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "mkdir", mkdir)
    return made


def test_store_makes_each_folder_once_and_no_folder_that_is_there(tmp_path: Path, mkdirs: list[str]) -> None:
    """Nine small files per release: a folder is made when a write finds it missing, never asked for
    again (the old code called mkdir twice per file, and renamed a temporary link into place)."""
    folder = tmp_path / "models--org--m"
    hub_fetch.store(folder, COMMIT, "config.json", "1" * 40, b"{}")
    first = list(mkdirs)
    hub_fetch.store(folder, COMMIT, "tokenizer_config.json", "2" * 40, b"{ }")
    hub_fetch.store(folder, COMMIT, "README.md", "3" * 40, b"# card")
    assert mkdirs == first  # the second and third file: no folder asked for
    hub_fetch.store(folder, COMMIT, "1_Pooling/config.json", "4" * 40, b"{}")
    assert mkdirs[len(first):] == [str(folder / "snapshots" / COMMIT / "1_Pooling")]
    hub_fetch.store_ref(folder, COMMIT, "main")
    assert mkdirs[-1] == str(folder / "refs")


@pytest.mark.parametrize("path", ["config.json", "1_Pooling/config.json", "a/b/c/d.json"])
def test_store_lays_files_out_as_the_hub_client_does(tmp_path: Path, path: str) -> None:
    folder = tmp_path / "models--org--m"
    etag = "5" * 40
    link = hub_fetch.store(folder, COMMIT, path, etag, b"content")
    assert link == folder / "snapshots" / COMMIT / path
    assert os.readlink(link) == os.path.relpath(folder / "blobs" / etag, link.parent)
    assert link.read_bytes() == b"content"
    assert [p.name for p in (folder / "blobs").iterdir()] == [etag]  # no temporary file left
    assert sorted(p.name for p in link.parent.iterdir()) == [link.name]


@pytest.mark.parametrize("planted", ["other-link", "regular-file", "dangling-link"])
def test_store_replaces_whatever_stands_at_the_link(tmp_path: Path, planted: str) -> None:
    """A link to another blob (a damaged cache), a copied file or a dangling link is replaced."""
    folder = tmp_path / "models--org--m"
    link = folder / "snapshots" / COMMIT / "config.json"
    link.parent.mkdir(parents=True)
    if planted == "other-link":
        hub_fetch.store(folder, COMMIT, "config.json", "6" * 40, b"old")
    elif planted == "regular-file":
        link.write_bytes(b"old copy")
    else:
        link.symlink_to("../../blobs/" + "0" * 40)
    got = hub_fetch.store(folder, COMMIT, "config.json", "7" * 40, b"new")
    assert got.read_bytes() == b"new"
    assert os.readlink(got) == "../../blobs/" + "7" * 40
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.json"]


def test_store_keeps_a_link_that_is_already_right(tmp_path: Path) -> None:
    folder = tmp_path / "models--org--m"
    link = hub_fetch.store(folder, COMMIT, "config.json", "8" * 40, b"same")
    before = os.lstat(link)
    hub_fetch.store(folder, COMMIT, "config.json", "8" * 40, b"same")
    after = os.lstat(link)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


# --------------------------------------------------------------------------- safetensors headers


def _weights(root: Path, width: int) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    write_card(root, {"license": "apache-2.0"}, "# A model\n")
    header = b'{"w":{"dtype":"F32","shape":[%d,2],"data_offsets":[0,%d]}}' % (width, width * 8)
    (root / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + bytes(width * 8))
    return {p.name: p for p in root.iterdir()}


@pytest.fixture
def fresh() -> Iterator[None]:
    hub_fetch.LOOKUPS.clear()
    hub_fetch.HEADERS.clear()
    yield
    hub_fetch.LOOKUPS.clear()
    hub_fetch.HEADERS.clear()


def _header_reads(hub: FakeHub, repo_id: str) -> int:
    return sum(1 for r in hub.requests if r[1].startswith(f"/{repo_id}/") and r[1].endswith(".safetensors"))


def test_a_weights_file_two_repos_list_has_its_header_read_once(tmp_path: Path, fresh: None) -> None:
    """Mirrors and re-uploads list the same LFS file (same SHA-256): the second release gets the same
    summary without a ranged read; a different file is read; each release owns its copy."""
    same = _weights(tmp_path / "same", 2)
    other = _weights(tmp_path / "other", 3)
    repos = [FakeRepo("org/a", same), FakeRepo("org/b", same), FakeRepo("org/c", other)]
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        a, b, c = (open_snapshot(f"hf:org/{n}", SourceOptions()) for n in "abc")
        reads = {n: _header_reads(hub, f"org/{n}") for n in "abc"}
    assert reads == {"a": 1, "b": 0, "c": 1}
    assert a.hub is not None and b.hub is not None and c.hub is not None
    assert a.hub.extra["safetensors"] == b.hub.extra["safetensors"]
    assert b.hub.safetensors_parameters == {"F32": 4} and c.hub.safetensors_parameters == {"F32": 6}
    assert b.hub.extra["complete"] is True
    a.hub.extra["safetensors"]["model.safetensors"]["dtypes"]["F32"] = -1
    assert b.hub.extra["safetensors"]["model.safetensors"]["dtypes"] == {"F32": 4}


def test_a_gated_repo_never_borrows_another_repos_header(tmp_path: Path, fresh: None) -> None:
    """A gated repo's files may be refused: its header is asked for, and a refusal stays a note."""
    files = _weights(tmp_path / "same", 2)
    repos = [FakeRepo("org/open", files), FakeRepo("org/gated", files, gated="manual")]
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        open_snapshot("hf:org/open", SourceOptions())
        gated = open_snapshot("hf:org/gated", SourceOptions())
        reads = _header_reads(hub, "org/gated")
    assert reads == 1
    assert gated.hub is not None and gated.hub.extra["safetensors"] == {}
    assert any(n.kind is NoteKind.UNREADABLE and "safetensors" in n.message for n in gated.notes)


def test_a_header_that_could_not_be_read_is_asked_again(tmp_path: Path, fresh: None) -> None:
    """Only what a read produced is remembered: a malformed header is read again by the next repo."""
    root = tmp_path / "bad"
    root.mkdir()
    write_card(root, {"license": "apache-2.0"}, "# A model\n")
    (root / "model.safetensors").write_bytes((16).to_bytes(8, "little") + b"not json at all!" + bytes(8))
    files = {p.name: p for p in root.iterdir()}
    repos = [FakeRepo("org/x", files), FakeRepo("org/y", files)]
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        x = open_snapshot("hf:org/x", SourceOptions())
        y = open_snapshot("hf:org/y", SourceOptions())
        reads = [_header_reads(hub, "org/x"), _header_reads(hub, "org/y")]
    assert reads == [1, 1]
    for snap in (x, y):
        assert any(n.kind is NoteKind.MALFORMED for n in snap.notes)


def test_header_keys_need_a_real_sha256() -> None:
    assert hub_fetch.header_key("http://h", "A" * 64, 10) == ("http://h", "a" * 64, 10)
    assert hub_fetch.header_key("http://h", "z" * 64, 10) is None
    assert hub_fetch.header_key("http://h", None, 10) is None
    assert hub_fetch.header_key("http://h", "a" * 64, None) is None


def test_the_header_memory_is_bounded() -> None:
    headers = hub_fetch.Headers(limit=2)
    summary = {"parameters": 1, "dtypes": {"F32": 1}, "tensor_count": 1, "metadata": {}}
    for i in range(5):
        headers.remember(("h", f"{i:064x}", 1), summary)
    assert headers.get(("h", f"{0:064x}", 1)) == summary
    assert headers.get(("h", f"{4:064x}", 1)) is None


# --------------------------------------------------------------------------- pool jobs


def test_what_the_process_already_knows_is_answered_without_a_pool_job(
        tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second release naming the same datasets and base model, with the same weights, sends only
    its small files to the pool: no job for a dataset, the lineage, the header or the refs."""
    files = _weights(tmp_path / "files", 2)
    (tmp_path / "files" / "config.json").write_text("{}", encoding="utf-8")
    files["config.json"] = tmp_path / "files" / "config.json"
    card = {"license": "apache-2.0", "datasets": ["data/a", "data/missing"], "base_model": "org/base"}
    repos = [FakeRepo(f"org/m{i}", files, card_data=card) for i in range(2)]
    repos += [FakeRepo("org/base", {}, card_data={"license": "mit", "base_model": "org/root"}),
              FakeRepo("org/root", {}, card_data={"license": "mit"}),
              FakeRepo("data/a", {}, repo_type="dataset", card_data={"license": "cc-by-4.0"})]
    jobs: list[str] = []
    real = hub_fetch.submit

    def counting(fn: object, *args: object) -> object:
        jobs.append(getattr(fn, "__name__", type(fn).__name__))
        return real(fn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(hub_fetch, "submit", counting)
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        first = open_snapshot("hf:org/m0", SourceOptions())
        first_jobs = len(jobs)
        second = open_snapshot("hf:org/m1", SourceOptions())
    # README.md + config.json (the refs are asked by the release's own thread); the first release also
    # looked up 2 datasets, the lineage and a header
    assert len(jobs) - first_jobs == 2
    assert first_jobs == 6
    assert first.hub is not None and second.hub is not None
    for key in ("datasets", "lineage", "safetensors"):
        assert first.hub.extra[key] == second.hub.extra[key]
    statuses = [d["status"] for d in second.hub.extra["datasets"]]
    assert statuses[0] == "found" and statuses[1].startswith("not found")
    assert [b["id"] for b in second.hub.extra["lineage"]] == ["org/base", "org/root"]
    assert [n.message for n in first.notes] == [n.message.replace("m1", "m0") for n in second.notes]


# --------------------------------------------------------------------------- once per process


def test_the_tls_context_is_built_once_and_shared_with_forked_workers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Loading the CA store costs ~30 ms: the batch's parent builds it (``preload``) and every HTTP
    client the hub client makes afterwards (one per forked worker) reuses it."""
    import httpcore2

    from openness.commands import batch_workers
    from openness.sources import http

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setattr(http, "_tls", None)
    loads: list[object] = []
    real = httpcore2.default_ssl_context

    def counting(*args: object, **kwargs: object) -> object:
        loads.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return loads[-1]

    monkeypatch.setattr(httpcore2, "default_ssl_context", counting)
    batch_workers.preload(["hf:org/a"], offline=False, frameworks=None)
    assert len(loads) == 1
    clients = [http._client_factory(5.0)() for _ in range(2)]  # what each forked worker makes
    for client in clients:
        client.close()
    assert len(loads) == 1 and http.tls_context() is loads[0]
    # The default context reads SSL_CERT_FILE when it is built: another value, another context.
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n", encoding="utf-8")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with pytest.raises(Exception):  # noqa: B017  (what the HTTP stack raises for a bad bundle)
        http.tls_context()


def test_a_tls_context_that_cannot_be_built_does_not_stop_the_batch_start(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from openness.commands import batch_workers
    from openness.sources import http

    monkeypatch.setattr(http, "_tls", None)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    batch_workers.preload(["hf:org/a"], offline=False, frameworks=None)  # no exception: a warm-up only
    assert http._tls is None


@pytest.mark.parametrize("repo_type", ["model", "dataset", "space"])
@pytest.mark.parametrize("revision", ["main", "a" * 40, "refs/pr/1", "v1.0 beta#2"])
@pytest.mark.parametrize("path", ["config.json", "1_Pooling/config.json", "a b/ü%20?#.md", "x+y;z=1.txt"])
def test_file_urls_are_the_hub_clients(repo_type: str, revision: str, path: str) -> None:
    from huggingface_hub import hf_hub_url

    from openness.sources.hf import HubRef, _resolve_prefix

    ref = HubRef("org/name", repo_type)
    ours = _resolve_prefix("http://127.0.0.1:9", ref, revision) + quote(path)
    assert ours == hf_hub_url("org/name", path, repo_type=repo_type, revision=revision,
                              endpoint="http://127.0.0.1:9")


def test_an_online_audit_does_not_load_the_hub_clients_download_module(tmp_path: Path) -> None:
    """Its only use was hf_hub_url; importing it cost ~30 ms per process (tqdm's asyncio)."""
    files = _weights(tmp_path / "files", 2)
    code = ("import sys\nfrom openness.sources import SourceOptions\n"
            "from openness.sources.hf import open_snapshot\n"
            "snap = open_snapshot('hf:org/a', SourceOptions())\n"
            "assert snap.hub is not None and snap.hub.safetensors_parameters == {'F32': 4}\n"
            "print('huggingface_hub.file_download' in sys.modules)\n")
    with FakeHub([FakeRepo("org/a", files)]) as hub, \
            hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc") as env:
        done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
                              text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_a_first_audit_of_a_commit_does_not_look_for_each_file_in_the_cache(
        tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """No snapshot folder for the commit yet: no per-file look-up of a link that cannot be there; a
    second audit of the same commit looks, and reads what it finds without a request."""
    files = _weights(tmp_path / "files", 2)
    (tmp_path / "files" / "config.json").write_text("{}", encoding="utf-8")
    files["config.json"] = tmp_path / "files" / "config.json"
    looked: list[str] = []
    real = os.readlink

    def readlink(path: str | os.PathLike[str], *, dir_fd: int | None = None) -> str:
        looked.append(os.fspath(path))
        return real(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "readlink", readlink)
    with FakeHub([FakeRepo("org/a", files)]) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc"):
        first = open_snapshot("hf:org/a", SourceOptions())
        assert looked == []
        before = len(hub.requests)
        second = open_snapshot("hf:org/a", SourceOptions())
        fetched = [r[1] for r in hub.requests[before:] if "/resolve/" in r[1] and not r[2]]
    assert len(looked) == 2 and fetched == []
    assert second.read("config.json", 100) == first.read("config.json", 100) == b"{}"


def test_store_copies_where_the_file_system_has_no_symlinks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def no_symlinks(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "symlinks not supported")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    folder = tmp_path / "models--org--m"
    link = hub_fetch.store(folder, COMMIT, "sub/config.json", "9" * 40, b"copied")
    assert not link.is_symlink() and link.read_bytes() == b"copied"
    assert (folder / "blobs" / ("9" * 40)).read_bytes() == b"copied"
