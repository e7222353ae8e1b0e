"""Hub transfers the hub client does not do cheaply: one GET per small file, bounded reads, shared lookups.

``huggingface_hub.hf_hub_download`` asks the Hub twice per file (a HEAD for the commit and ETag, then
the GET) and spends about 5 ms of CPU on each file in locks, metadata and bookkeeping: for the nine small
files of a typical release that was two thirds of the requests and most of the client's CPU. The repo
listing (``model_info(files_metadata=True)``) already says everything the HEAD would: the commit, each
file's git blob id (its ETag) or LFS SHA-256 and its size. So a small file is one GET of
``resolve/<commit>/<path>``, read bounded, checked against the listing (size, git blob id), and laid out
in the hub cache exactly as ``hf_hub_download`` lays it out (``blobs/<etag>``,
``snapshots/<commit>/<path>`` a relative symlink, ``refs/<revision>``), so the offline audit and the hub
client itself find it there.

Also here, shared by every release a process audits:

- ``executor()``: one thread pool for all Hub requests (a pool per release started eight threads each
  time, and sixteen batch threads each with their own pool contended for the one HTTP connection pool);
- ``Lookups``: the cards of other repos (datasets, base models) looked up once per process, concurrent
  askers waiting for the first (a batch of fine-tunes names the same base model and datasets over and
  over). Only definite answers are kept (found, not found, gated): a timeout or a 5xx is asked again.

Everything read from the Hub is hostile input: paths and ids are checked before they name a file in
the cache, every body is read to a bound, and an error body is read to a bound before the hub
client's error mapping sees it.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from openness import lazy_re
from openness.safe_io import write_atomic
from openness.sources import hf_cache

HUB_THREADS = 16  # concurrent Hub requests per process, all releases together
MAX_ERROR_BODY = 64 * 1024  # bytes of an error response read for its message
MAX_LOOKUPS = 4096  # other repos' cards (and repos found missing) remembered per process
MAX_HEADERS = 1024  # safetensors header summaries remembered per process, by the file's SHA-256
MISSING_SECONDS = 600.0  # a repo found missing is asked again after this long
MAX_PATH_CHARS = 1024  # a listed file name longer than this is not written into the cache
MAX_PATH_PARTS = 32  # nor one this many folders deep
_HEX40 = lazy_re.compile(r"^[0-9a-f]{40}$")
_HEX64 = lazy_re.compile(r"^[0-9a-f]{64}$")
_T = TypeVar("_T")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """The process's one pool for Hub requests (jobs never wait on other jobs of this pool)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=HUB_THREADS, thread_name_prefix="openness-hub")
    return _pool


def submit(fn: Callable[..., _T], *args: Any) -> Future[_T]:
    """``executor().submit`` in the caller's context (the rate-limit log of the release asking)."""
    ctx = contextvars.copy_context()
    return executor().submit(ctx.run, fn, *args)


def _after_fork() -> None:
    # A forked worker must not reuse the parent's threads (they do not exist in the child) or its
    # in-flight lookups; each process starts its own.
    global _pool, _pool_lock
    _pool = None
    _pool_lock = threading.Lock()
    LOOKUPS.clear()
    MISSING.clear()
    HEADERS.clear()


# --------------------------------------------------------------------------- bounded GETs


@dataclass(frozen=True)
class Fetched:
    path: str
    local: Path | None
    error: str | None


def get_bounded(url: str, headers: dict[str, str], limit: int, timeout: float) -> tuple[bytes, bool]:
    """GET ``url``, at most ``limit`` bytes of the body: (body, True if the body was longer).

    HTTP errors are raised as the hub client's errors (``hf_raise_for_status``) from a bounded copy of
    the response: that helper would otherwise read a streamed error body whole.
    """
    import httpx2

    get_session, hf_raise_for_status = _hub_calls()
    with get_session().stream("GET", url, headers=headers, timeout=timeout) as response:
        bound = limit if response.status_code < 400 else MAX_ERROR_BODY
        chunks: list[bytes] = []
        size = 0
        more = False
        for chunk in response.iter_bytes():
            if size + len(chunk) > bound:
                chunks.append(chunk[: bound - size])
                size = bound
                more = True
                break
            chunks.append(chunk)
            size += len(chunk)
        body = b"".join(chunks)
        if response.status_code >= 400:
            copy = httpx2.Response(response.status_code, headers=response.headers, content=body,
                                   request=response.request)
            hf_raise_for_status(copy)
        return body, more


_calls: tuple[Callable[[], Any], Callable[[Any], None]] | None = None


def _hub_calls() -> tuple[Callable[[], Any], Callable[[Any], None]]:
    """The hub client's session getter and error mapping, looked up once: its package resolves names
    lazily through a module ``__getattr__`` on every ``from huggingface_hub import ...``."""
    global _calls
    if _calls is None:
        from huggingface_hub.utils import get_session, hf_raise_for_status

        _calls = (get_session, hf_raise_for_status)
    return _calls


def git_blob_id(data: bytes) -> str:
    """Git's object id of a file's content: the Hub's ``blobId`` and ETag of a non-LFS file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def safe_rel_path(path: str) -> bool:
    """A listed file name that may name a file under the cache's snapshot folder (never out of it)."""
    if not path or len(path) > MAX_PATH_CHARS or "\\" in path or "\0" in path or path.startswith("/"):
        return False
    parts = path.split("/")  # not PurePosixPath: it folds "a//b" and "a/./b" into names that look fine
    return len(parts) <= MAX_PATH_PARTS and not any(p in ("", ".", "..") for p in parts)


def fetch_small_file(
    *,
    url: str,
    headers: dict[str, str],
    cache_folder: Path,
    commit: str,
    path: str,
    size: int,
    blob_id: str | None,
    lfs_sha256: str | None,
    limit: int,
    timeout: float,
    look_in_cache: bool = True,
) -> Path:
    """One GET of a listed small file, checked against the listing and put in the hub cache.

    ``look_in_cache=False`` when the caller knows the cache holds nothing at ``commit`` (no snapshot
    folder): the file is fetched without first looking for its link.

    Returns the snapshot entry; raises ``ValueError`` when the listing cannot name a cache entry or
    the content is not what the listing says, ``OSError`` when the cache cannot be written, and the
    hub client's errors for HTTP failures.
    """
    if not _HEX40.match(commit) or not safe_rel_path(path):
        raise ValueError("the listing names no usable commit or path")
    if size > limit:
        raise ValueError(f"larger than {limit} bytes")
    expected = (lfs_sha256 or blob_id or "").lower()
    cached = _cached_entry(cache_folder, commit, path, expected, size) if look_in_cache else None
    if cached is not None:  # already here at this commit, as the listing names it: no request
        return cached
    data, more = get_bounded(url, headers, limit, timeout)
    if more or len(data) != size:
        got = f"over {limit}" if more else str(len(data))
        raise ValueError(f"size {got} differs from the listing ({size})")
    if lfs_sha256:
        etag = lfs_sha256.lower()
        if not _HEX64.match(etag) or hashlib.sha256(data).hexdigest() != etag:
            raise ValueError("content does not match the listed SHA-256")
    else:
        etag = git_blob_id(data)
        if blob_id is not None and blob_id.lower() != etag:
            raise ValueError("content does not match the listed blob id")
    return store(cache_folder, commit, path, etag, data)


def _cached_entry(cache_folder: Path, commit: str, path: str, etag: str, size: int) -> Path | None:
    """The snapshot entry of ``path`` when the cache already holds it as the listing names it: a link
    to ``blobs/<etag>`` (the blob id or SHA-256 the listing gives) of the listed size. The hub client
    trusts a cached file at a commit the same way; without a listed id nothing is trusted."""
    if not (_HEX40.match(etag) or _HEX64.match(etag)):
        return None
    # Plain strings, not Path objects: this runs for every small file of every release, and on a
    # fresh cache it only finds that nothing is there.
    folder = os.fspath(cache_folder)
    link = os.path.join(folder, "snapshots", commit, path)
    try:
        if os.path.basename(os.readlink(link)) != etag:
            return None
        st = os.stat(os.path.join(folder, "blobs", etag), follow_symlinks=False)
    except (OSError, ValueError):
        return None
    return Path(link) if stat.S_ISREG(st.st_mode) and st.st_size == size else None


def store(cache_folder: Path, commit: str, path: str, etag: str, data: bytes) -> Path:
    """Lay one file out as the hub client does; atomic, so concurrent audits never see half a file.

    ``path`` is a listed name ``safe_rel_path`` accepted. Folders are made only when a write finds
    them missing and the link is made in place when nothing is there yet: on a fresh cache each file
    costs its blob write and one ``symlink``, with no ``mkdir`` or rename for what is already there
    (nine small files per release made this the Hub stage's largest cost after the requests).
    """
    folder = os.fspath(cache_folder)
    blobs = os.path.join(folder, "blobs")
    blob = os.path.join(blobs, etag)
    # Written even when a blob of that name is there: we only get here when what is there was not
    # what the listing names (a damaged or planted blob), and the bytes in hand were just checked.
    _in_folder(blobs, lambda: write_atomic(blob, data))
    link = os.path.join(folder, "snapshots", commit, path)
    # What os.path.relpath(blob, dirname(link)) says, without its two abspath calls: the link sits
    # ``snapshots/<commit>/`` plus the path's own folders below the repo folder.
    target = "../" * (2 + path.count("/")) + "blobs/" + etag
    _in_folder(os.path.dirname(link), lambda: _place_link(link, target, data))
    return Path(link)


def _place_link(link: str, target: str, data: bytes) -> None:
    """The snapshot entry: made in place when nothing is there (FileNotFoundError: no folder yet)."""
    try:
        os.symlink(target, link)
    except FileExistsError:
        _replace_link(link, target, data)
    except FileNotFoundError:
        raise
    except OSError:
        if not os.path.exists(link):  # a file system without symlinks: a copy, as the hub client makes
            write_atomic(link, data)


def _in_folder(folder: str, make: Callable[[], None]) -> None:
    """``make()`` (which creates one entry in ``folder``), making the folder first if it is missing."""
    try:
        make()
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        make()


def _replace_link(link: str, target: str, data: bytes) -> None:
    """Something is already at ``link``: keep it if it is our link, else replace it atomically."""
    with contextlib.suppress(OSError):
        if os.readlink(link) == target:
            return
    folder, name = os.path.split(link)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        os.symlink(target, tmp)
        os.replace(tmp, link)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not os.path.exists(link):  # a file system without symlinks: a copy, as the hub client makes
            write_atomic(link, data)


def store_ref(cache_folder: Path, commit: str, revision: str) -> None:
    """``refs/<revision>`` names the commit (once per release, after its files are stored)."""
    if revision == commit or not _HEX40.match(commit) or not safe_rel_path(revision):
        return
    ref = cache_folder / "refs" / revision
    try:
        if hf_cache.read_bounded(ref, 64).strip() == commit.encode("ascii"):
            return
    except OSError:
        pass  # not there yet (or not a regular file: replaced below)
    _in_folder(os.fspath(ref.parent), lambda: write_atomic(ref, commit.encode("ascii")))




# --------------------------------------------------------------------------- shared lookups


class Lookups:
    """Other repos' cards, looked up once per process; concurrent askers of one repo wait for the first.

    A key holds the endpoint and the token, so two hubs (or two identities) never share an answer.
    """

    def __init__(self, limit: int = MAX_LOOKUPS) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._done: dict[tuple[str, ...], tuple[dict[str, Any] | None, str]] = {}
        self._running: dict[tuple[str, ...], Future[tuple[dict[str, Any] | None, str, bool]]] = {}

    def get(
        self,
        key: tuple[str, ...],
        lookup: Callable[[], tuple[dict[str, Any] | None, str, bool]],
    ) -> tuple[dict[str, Any] | None, str]:
        """``lookup()`` returns (card, status, keep): keep it when the answer is definite."""
        with self._lock:
            if key in self._done:
                return self._done[key]
            running = self._running.get(key)
            owner = running is None
            if running is None:
                running = self._running[key] = Future()
        if not owner:
            card, status, _ = running.result()
            return card, status
        try:
            result = lookup()
        except BaseException as exc:
            with self._lock:
                self._running.pop(key, None)
            running.set_exception(exc)
            raise
        with self._lock:
            self._running.pop(key, None)
            if result[2] and len(self._done) < self._limit:
                self._done[key] = (result[0], result[1])
        running.set_result(result)
        return result[0], result[1]

    def known(self, key: tuple[str, ...]) -> tuple[dict[str, Any] | None, str] | None:
        """The answer already kept for ``key``, or None (nothing is looked up)."""
        with self._lock:
            return self._done.get(key)

    def clear(self) -> None:
        with self._lock:
            self._done.clear()
            self._running.clear()


LOOKUPS = Lookups()


class Missing:
    """Repos (and revisions) the Hub said do not exist, with what it said; per process, bounded, and
    forgotten after ``MISSING_SECONDS`` (a repo may be created meanwhile in a long-running process)."""

    def __init__(self, limit: int = MAX_LOOKUPS, seconds: float = MISSING_SECONDS) -> None:
        self._limit = limit
        self._seconds = seconds
        self._lock = threading.Lock()
        self._said: dict[tuple[str, ...], tuple[float, str]] = {}

    def get(self, key: tuple[str, ...]) -> str | None:
        with self._lock:
            found = self._said.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self._seconds:
                del self._said[key]
                return None
            return found[1]

    def remember(self, key: tuple[str, ...], said: str) -> None:
        with self._lock:
            if len(self._said) < self._limit:
                self._said[key] = (time.monotonic(), said)

    def clear(self) -> None:
        with self._lock:
            self._said.clear()


MISSING = Missing()


class Headers:
    """Safetensors header summaries already read in this process, by the file's LFS SHA-256 and size
    (and the hub that listed it).

    The key names the content, whatever repo lists it: mirrors, re-uploads and fine-tunes that keep
    a base model's weights list the same file, and its header is read (a ranged request and a parse
    of up to 100 KB of JSON) once. Only what a read produced is kept, never a failure. Callers use it
    only for repos whose files they may read (not gated): a summary must never stand in for a read
    the Hub would refuse. Each caller gets its own copy.
    """

    def __init__(self, limit: int = MAX_HEADERS) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._done: dict[tuple[str, str, int], dict[str, Any]] = {}

    def get(self, key: tuple[str, str, int]) -> dict[str, Any] | None:
        with self._lock:
            found = self._done.get(key)
        return None if found is None else _copy_summary(found)

    def remember(self, key: tuple[str, str, int], summary: dict[str, Any]) -> None:
        with self._lock:
            if len(self._done) < self._limit:
                self._done[key] = _copy_summary(summary)

    def clear(self) -> None:
        with self._lock:
            self._done.clear()


def _copy_summary(summary: dict[str, Any]) -> dict[str, Any]:
    # {"parameters": int, "dtypes": {str: int}, "tensor_count": int, "metadata": {str: str}}
    return {k: dict(v) if isinstance(v, dict) else v for k, v in summary.items()}


def header_key(endpoint: str, sha256: str | None, size: int | None) -> tuple[str, str, int] | None:
    """The ``Headers`` key of a file an ``endpoint`` lists with LFS ``sha256`` and ``size``, or None when
    the listing names no usable hash. The endpoint too: one hub's answer never stands in for another's."""
    if not sha256 or size is None:
        return None
    digest = sha256.lower()
    return (endpoint, digest, size) if _HEX64.match(digest) else None


HEADERS = Headers()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
