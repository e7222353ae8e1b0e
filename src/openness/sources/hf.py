"""Hugging Face Hub source: a release where it lives, without downloading its weights.

Online: repo info with file metadata (sizes, blob ids, LFS SHA-256: one call), refs (branches and tags:
intermediate checkpoints), the small files only (cards, licence and policy texts, configs, dependency
files, small code), one GET each at the listed commit into the hub cache (``hub_fetch``: the hub client's
``hf_hub_download`` adds a HEAD per file), safetensors headers through ranged reads, the datasets the card
names (their licences) and the ``base_model`` chain (bounded depth), looked up once per process. What was
seen is saved beside the hub cache (``<openness cache>/hub/...json``) so a later offline audit sees the
same release. A Hub that says "too many requests" is waited for (bounded, ``http``) and noted.

Offline (``--offline``, ``HF_HUB_OFFLINE=1``) or when the Hub cannot be reached: everything comes from the
hub cache; what the cache cannot say becomes a Note, and the evidence stays ``unknown``.

Contract with the later stages (hub snapshots have no local weight files to read headers from):

- ``HubMetadata.extra["safetensors"] = {path: {"parameters", "dtypes", "tensor_count", "metadata"}}``;
  ``HubMetadata.safetensors_parameters`` is the sum per dtype;
- ``HubMetadata.extra["datasets"] = [{id, license, key, card_data, status}]``;
- ``HubMetadata.extra["lineage"] = [{id, license, license_name, license_link, depth, key, via, status}]``;
- files not downloaded are listed with ``readable=False``: ``Snapshot.read`` raises ``SourceError`` on them.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, fields, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from openness import lazy_re
from openness.errors import SourceError, UsageError
from openness.model import FileEntry, HubMetadata, Location, Note, NoteKind, NoteLevel, Snapshot, SourceKind
from openness.sources import hf_cache
from openness.sources.http import BACKOFF_CAP, hub_cache_dir, is_offline, openness_cache_dir
from openness.sources.interface import SourceOptions

SMALL_FILE_MAX = 1_000_000  # bytes: larger files are listed, never downloaded
MAX_DOWNLOADS = 48  # small files fetched per repo, most useful first
MAX_SAFETENSORS = 64  # shard headers read per repo (each a ~100 KB ranged read)
MAX_DATASETS = 32  # datasets named in the card that are looked up
MAX_LINEAGE = 16  # base models followed in all
HEADER_READ = 100_000  # bytes asked for by the first ranged read of a safetensors header
SIDECAR_VERSION = 1

_REPO_ID = lazy_re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}(/[\w.\-]{1,96})?$")
_HF_URL = lazy_re.compile(
    r"^https?://(?:www\.)?huggingface\.co/(?:(?P<type>datasets|spaces)/)?"
    r"(?P<id>[^/@?#]+(?:/[^/@?#]+)?)(?:/(?:tree|blob|resolve)/(?P<rev>[^/?#]+))?(?:[/?#].*)?$"
)
_TYPE_PREFIX = {"datasets": "dataset", "spaces": "space", "models": "model"}
_T = TypeVar("_T")

# Files worth fetching, by tier (lower first). Anything else is listed with readable=False.
_TIERS: tuple[re.Pattern[str], ...] = (
    lazy_re.compile(r"(?i)^(readme|model_card|modelcard|data_card|datacard)(\.[a-z]+)?$|^citation(\.[a-z]+)?$"
               r"|.*(licen[cs]e|copying|notice|polic(y|ies)|acceptable.use|responsible.use|terms.of.use|eula"
               r"|agreement).*"),
    lazy_re.compile(r"(?i).*config.*\.json$|^params\.json$|^modules\.json$|^special_tokens_map\.json$"
               r"|.*\.(ya?ml)$"),
    lazy_re.compile(r"(?i)^requirements.*\.txt$|^(pyproject|setup)\.(toml|py|cfg)$|^environment.*\.ya?ml$"
               r"|^(docker|container)file.*$|^pipfile$|^constraints.*\.txt$|.*\.md$"),
    lazy_re.compile(r"(?i).*\.(py|sh|cfg|toml)$"),
)


@dataclass(frozen=True)
class HubRef:
    repo_id: str
    repo_type: str = "model"
    revision: str | None = None

    @property
    def label(self) -> str:
        """The origin name used in locations: ``hf:org/name`` or ``hf:datasets/org/name``."""
        prefix = "" if self.repo_type == "model" else f"{self.repo_type}s/"
        return f"hf:{prefix}{self.repo_id}"


def parse_target(target: str, revision: str | None = None) -> HubRef:
    """``hf:org/name[@rev]``, ``hf:datasets/org/name``, ``https://huggingface.co/org/name[/tree/rev]``."""
    repo_type, rev = "model", None
    m = _HF_URL.match(target)
    if m:
        repo_type = _TYPE_PREFIX.get(m.group("type") or "models", "model")
        repo_id = m.group("id")
        rev = unquote(m.group("rev")) if m.group("rev") else None
    elif target.startswith("hf:"):
        rest = target[3:].lstrip("/")
        head, _, tail = rest.partition("/")
        if head in _TYPE_PREFIX and tail:
            repo_type, rest = _TYPE_PREFIX[head], tail
        repo_id, _, rev_part = rest.partition("@")
        rev = rev_part or None
    else:
        raise UsageError(f"{target}: not a Hugging Face target (use hf:org/name)")
    if not _REPO_ID.match(repo_id) or ".." in repo_id:
        raise UsageError(f"{target}: {repo_id!r} is not a Hub repo id (org/name)")
    if rev and revision and rev != revision:
        raise UsageError(f"{target}: revision {rev!r} conflicts with --revision {revision!r}")
    return HubRef(repo_id, repo_type, rev or revision)


def open_snapshot(target: str, options: SourceOptions) -> Snapshot:
    ref = parse_target(target, options.revision)
    if is_offline(options):
        return _open_cached(target, ref, options, "offline mode", "read from the local Hub cache only")
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

    from openness.sources import hub_fetch
    from openness.sources.http import hub_endpoint, hub_error_message, is_network_failure

    # A repo the Hub said does not exist is not asked again by this process (a batch whose releases
    # all name the same missing dataset asks once).
    missing_key = (hub_endpoint(), str(options.token or ""), ref.repo_type, ref.repo_id, ref.revision or "")
    said_missing = hub_fetch.MISSING.get(missing_key)
    if said_missing is not None:
        raise SourceError(f"{target}: {said_missing}")
    try:
        return _open_online(target, ref, options)
    except (HfHubHTTPError, httpx2.HTTPError, OSError, ValueError) as exc:  # the Hub said no, or is away
        if is_network_failure(exc):
            said = hub_error_message(exc)
            why = f"the Hub could not be reached ({said}); read from the local cache"
            return _open_cached(target, ref, options, f"the Hub could not be reached ({said})", why)
        hint = ""
        if ref.repo_type == "model" and "not found" in hub_error_message(exc):
            hint = f" (a dataset? use hf:datasets/{ref.repo_id})"
        said = f"{hub_error_message(exc)}{hint}"
        if isinstance(exc, RepositoryNotFoundError | RevisionNotFoundError):
            hub_fetch.MISSING.remember(missing_key, said)
        raise SourceError(f"{target}: {said}") from exc


# --------------------------------------------------------------------------- shared pieces


def _wanted_tier(path: str, size: int | None) -> int | None:
    """Download tier of a small file, or None: weights, data and large files are never fetched."""
    if size is None or size > SMALL_FILE_MAX:
        return None
    name = PurePosixPath(path).name
    for tier, pattern in enumerate(_TIERS):
        if pattern.match(name):
            return tier
    return None


def _select_downloads(entries: Iterable[FileEntry]) -> list[str]:
    ranked = []
    for e in entries:
        tier = _wanted_tier(e.path, e.size)
        if tier is not None:
            ranked.append((tier, e.path.count("/"), e.path))
    return [p for _, _, p in sorted(ranked)[:MAX_DOWNLOADS]]


def _reader(local: Mapping[str, Path]) -> Callable[[str, int], bytes]:
    def read(path: str, limit: int) -> bytes:
        where = local.get(path)
        if where is None:
            raise SourceError(f"{path}: not downloaded (only small files are fetched from the Hub)")
        try:
            return hf_cache.read_bounded(where, limit)
        except OSError as exc:
            raise SourceError(f"{path}: {exc.strerror or exc}") from exc

    return read


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def _license_fields(card: Mapping[str, Any]) -> dict[str, Any]:
    lic = card.get("license")
    return {
        "license": lic if isinstance(lic, str) or lic is None else ", ".join(_as_list(lic)),
        "license_name": card.get("license_name"),
        "license_link": card.get("license_link"),
    }


# Card keys that can run to megabytes (file lists, split sizes, eval tables) and say nothing of terms.
_BULKY_CARD_KEYS = frozenset({"configs", "dataset_info", "model-index", "model_index", "widget",
                              "eval_results", "train-eval-index"})


def _slim_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """A looked-up card (a dataset's, a base model's) without its bulky parts, lists capped."""
    out: dict[str, Any] = {}
    for key, value in card.items():
        if key in _BULKY_CARD_KEYS:
            continue
        out[key] = value[:50] if isinstance(value, list) else value
    return out


def _sum_dtypes(per_file: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for info in per_file.values():
        for dtype, n in (info.get("dtypes") or {}).items():
            total[dtype] = total.get(dtype, 0) + int(n)
    return total


def _sidecar_path(ref: HubRef, options: SourceOptions, commit: str) -> Path:
    folder = hf_cache.repo_folder(Path("hub"), ref.repo_id, ref.repo_type).name
    return openness_cache_dir(options) / "hub" / folder / f"{commit}.json"


def _resolve_prefix(endpoint: str, ref: HubRef, revision: str) -> str:
    """What the hub client's ``hf_hub_url`` puts before ``quote(path)``, built here: importing that
    function loads the client's download module (and tqdm's asyncio) for one line of formatting.
    The repository-type prefixes are the client's own (its constants are loaded with ``HfApi``)."""
    from huggingface_hub.constants import REPO_TYPES_URL_PREFIXES

    prefix = REPO_TYPES_URL_PREFIXES.get(ref.repo_type, "")
    return f"{endpoint}/{prefix}{ref.repo_id}/resolve/{quote(revision, safe='')}/"


# --------------------------------------------------------------------------- offline: the hub cache


def _open_cached(target: str, ref: HubRef, options: SourceOptions, why: str, reason: str) -> Snapshot:
    cache = hub_cache_dir()
    folder = hf_cache.repo_folder(cache, ref.repo_id, ref.repo_type)
    commit = hf_cache.resolve_commit(folder, ref.revision)
    if commit is None:
        raise SourceError(
            f"{target}: {why}, and revision {ref.revision or 'main'} of {ref.repo_id} "
            f"is not in the Hugging Face cache ({cache})"
        )
    where = Location(key="hub:cache", origin=ref.label)
    notes = [Note(NoteLevel.INFO, reason, where, NoteKind.OFFLINE)]
    local: dict[str, Path] = {}
    cached: dict[str, hf_cache.CachedFile] = {}
    for cf in hf_cache.list_snapshot(folder, commit, options.max_files):
        cached[cf.path] = cf
        local[cf.path] = cf.local

    sidecar = _load_sidecar(_sidecar_path(ref, options, commit))
    if sidecar is not None:
        files, hub = sidecar
        # Files the cache holds become readable; the rest stay listed as the Hub described them.
        files = tuple(replace(f, readable=f.path in local) for f in files)
        known = {f.path for f in files}
        files += tuple(_cached_entry(cf, ref) for p, cf in cached.items() if p not in known)
        notes.append(Note(NoteLevel.INFO, "repo listing, refs and lookups from the last online audit", where,
                          NoteKind.OFFLINE))
        return Snapshot(
            target, SourceKind.HF, files, _reader(local), hub, notes=tuple(notes), origins=(ref.label,)
        )

    files = tuple(_cached_entry(cf, ref) for cf in cached.values())
    card = hf_cache.card_front_matter(local["README.md"]) if "README.md" in local else {}
    per_file: dict[str, dict[str, Any]] = {}
    for path, cf in cached.items():
        if path.endswith(".safetensors"):
            try:
                per_file[path] = hf_cache.safetensors_summary(cf.local)
            except (OSError, ValueError) as exc:
                at = Location(path, origin=ref.label)
                # OSError: the cached file could not be read; ValueError: read, but no valid header.
                kind = NoteKind.UNREADABLE if isinstance(exc, OSError) else NoteKind.MALFORMED
                notes.append(Note(NoteLevel.WARNING, f"safetensors header unreadable: {exc}", at, kind))
    notes.append(Note(
        NoteLevel.WARNING,
        "offline: only files in the local cache are listed; the repo may hold more (weights, code), "
        "refs and intermediate checkpoints are unknown",
        where,
        NoteKind.OFFLINE,
    ))
    datasets = [_cached_dataset(cache, d) for d in _as_list(card.get("datasets"))[:MAX_DATASETS]]
    lineage = _cached_lineage(cache, card, options) if options.follow_lineage else []
    hub = HubMetadata(
        repo_id=ref.repo_id,
        repo_type=ref.repo_type,
        revision=ref.revision or "main",
        sha=commit,
        card_data=card,
        tags=tuple(_as_list(card.get("tags"))),
        refs=hf_cache.cached_refs(folder),
        safetensors_parameters=_sum_dtypes(per_file),
        extra={
            "source": "cache",
            "complete": False,
            "safetensors": per_file,
            "datasets": datasets,
            "lineage": lineage,
        },
    )
    return Snapshot(
        target, SourceKind.HF, files, _reader(local), hub, notes=tuple(notes), origins=(ref.label,)
    )


def _cached_entry(cf: hf_cache.CachedFile, ref: HubRef) -> FileEntry:
    return FileEntry(cf.path, cf.size, sha256=cf.sha256, origin=ref.label, readable=cf.readable, lfs=cf.lfs)


def _cached_card(cache: Path, repo_id: str, repo_type: str) -> dict[str, Any] | None:
    folder = hf_cache.repo_folder(cache, repo_id, repo_type)
    commit = hf_cache.resolve_commit(folder, None)
    if commit is None:
        return None
    readme = folder / "snapshots" / commit / "README.md"
    return _slim_card(hf_cache.card_front_matter(readme)) if readme.is_file() else {}


def _cached_dataset(cache: Path, dataset_id: str) -> dict[str, Any]:
    card = _cached_card(cache, dataset_id, "dataset")
    entry: dict[str, Any] = {"id": dataset_id, "key": "card:datasets", "card_data": card or {}}
    entry.update(_license_fields(card or {}))
    entry["status"] = "cached" if card is not None else "not-looked-up (offline, not cached)"
    return entry


def _cached_lineage(cache: Path, card: Mapping[str, Any], options: SourceOptions) -> list[dict[str, Any]]:
    def lookup(repo_id: str) -> tuple[dict[str, Any] | None, str]:
        found = _cached_card(cache, repo_id, "model")
        return found, "cached" if found is not None else "not-looked-up (offline, not cached)"

    return _follow_lineage(card, options, lookup)


def _follow_lineage(
    card: Mapping[str, Any],
    options: SourceOptions,
    lookup: Callable[[str], tuple[dict[str, Any] | None, str]],
) -> list[dict[str, Any]]:
    """Breadth-first along ``base_model`` up to ``options.lineage_depth``, each model once."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    frontier: list[tuple[str, str | None]] = [(b, None) for b in _as_list(card.get("base_model"))]
    relation = card.get("base_model_relation")
    for depth in range(1, max(0, options.lineage_depth) + 1):
        nxt: list[tuple[str, str | None]] = []
        for base, via in frontier:
            if base in seen or len(out) >= MAX_LINEAGE or not _REPO_ID.match(base):
                continue
            seen.add(base)
            base_card, status = lookup(base)
            entry: dict[str, Any] = {"id": base, "depth": depth, "key": "card:base_model", "via": via,
                                     "status": status}
            entry.update(_license_fields(base_card or {}))
            if depth == 1 and isinstance(relation, str):
                entry["relation"] = relation
            out.append(entry)
            if base_card:
                nxt.extend((b, base) for b in _as_list(base_card.get("base_model")))
        frontier = nxt
        if not frontier:
            break
    return out


# --------------------------------------------------------------------------- online


class _NotKnown(Exception):
    """Raised by a job run with ``known_only``: it would have to ask the Hub (see ``_now_or_pooled``)."""


def _now_or_pooled(job: Callable[[bool], _T]) -> Future[_T]:
    """``job(True)`` here and now when it needs nothing from the network, else ``job(False)`` on the
    Hub pool. ``job(True)`` only reads answers this process already holds, and raises ``_NotKnown``
    before anything else when one is missing, so running it first costs a dictionary look-up."""
    from openness.sources import hub_fetch

    done: Future[_T] = Future()
    try:
        done.set_result(job(True))
    except _NotKnown:
        return hub_fetch.submit(job, False)
    except Exception as exc:  # as the pool would: the caller sees it from result()
        done.set_exception(exc)
    return done


def _open_online(target: str, ref: HubRef, options: SourceOptions) -> Snapshot:
    from openness.sources.http import RATE_LOG, RateLimitLog, hub_api

    api = hub_api(options)
    # Every request made for this release (in any thread of the shared pool) counts its 429s here.
    rate_log = RateLimitLog()
    token = RATE_LOG.set(rate_log)
    try:
        return _fetch_online(target, ref, options, api, rate_log)
    finally:
        RATE_LOG.reset(token)


def _fetch_online(target: str, ref: HubRef, options: SourceOptions, api: Any, rate_log: Any) -> Snapshot:
    from huggingface_hub.utils import build_hf_headers

    from openness.sources import hub_fetch
    from openness.sources.http import hub_error_message

    # One metadata call: the listing with sizes, blob ids and LFS hashes, the card data, gating, tags,
    # the commit and the Hub's own parameter count.
    info: Any = api.repo_info(ref.repo_id, repo_type=ref.repo_type, revision=ref.revision,
                              files_metadata=True, timeout=options.timeout)
    notes: list[Note] = []
    where = Location(key="hub:api", origin=ref.label)
    revision = ref.revision or "main"
    siblings = (info.siblings or [])[: options.max_files]
    files = tuple(
        FileEntry(
            path=s.rfilename,
            size=int(s.lfs.size if s.lfs else (s.size or 0)),
            sha256=s.lfs.sha256 if s.lfs else None,
            origin=ref.label,
            readable=False,
            lfs=s.lfs is not None,
        )
        for s in siblings
    )
    blob_ids = {s.rfilename: getattr(s, "blob_id", None) for s in siblings}
    if info.siblings is not None and len(info.siblings) > options.max_files:
        notes.append(Note(NoteLevel.WARNING, f"only the first {options.max_files} files are listed", where,
                          NoteKind.LIMIT))
    card: dict[str, Any] = info.card_data.to_dict() if info.card_data is not None else {}
    wanted = _select_downloads(files)
    st_files = [f.path for f in files if f.path.endswith(".safetensors")]
    entries = {f.path: f for f in files}
    # Files come from the listed commit, not the branch: a push between requests cannot mix two commits.
    at = info.sha if isinstance(info.sha, str) and info.sha else revision
    auth = build_hf_headers(token=options.token, library_name="openness")  # once: it costs CPU per call
    cache_folder = hf_cache.repo_folder(hub_cache_dir(), ref.repo_id, ref.repo_type)
    # A gated repo's files may be refused to this token: a header known from another repo must not
    # answer for a read the Hub would refuse (the report would differ from a read of this repo).
    shared = not getattr(info, "gated", None)

    resolve = _resolve_prefix(api.endpoint, ref, at)
    # A first audit of this commit finds no snapshot folder: one look here, not one per small file.
    in_cache = os.path.isdir(os.path.join(cache_folder, "snapshots", at))

    def url(path: str) -> str:
        return resolve + quote(path)

    def download(path: str) -> tuple[str, Path | None, str | None]:
        entry = entries[path]
        try:
            got = hub_fetch.fetch_small_file(
                url=url(path), headers=auth, cache_folder=cache_folder, commit=at,
                path=path, size=entry.size, blob_id=blob_ids.get(path),
                lfs_sha256=entry.sha256 if entry.lfs else None, limit=SMALL_FILE_MAX, timeout=options.timeout,
                look_in_cache=in_cache,
            )
            return path, got, None
        except Exception as exc:
            return path, None, hub_error_message(exc)

    def header(path: str, known_only: bool = False) -> tuple[str, dict[str, Any] | None, str | None, bool]:
        # Ranged reads parsed by the inventory's bounded reader, not the hub client's
        # parse_safetensors_file_metadata: that one multiplies every shape out unbounded (a
        # 200,000-dimension shape hangs it) and trusts whatever counts the header claims.
        # The last element says whether the header was read but is not a valid one (malformed).
        from openness.inventory.headers import safetensors_info

        got = b""

        def read(n: int) -> bytes:
            nonlocal got
            if len(got) < n:
                # The first read asks for 100 KB: most headers fit, so one request is the norm. A server
                # that ignores the range still costs at most what was asked (bounded read).
                want = max(n, HEADER_READ) if not got else n
                got, _ = hub_fetch.get_bounded(url(path), {**auth, "Range": f"bytes=0-{want - 1}"}, want,
                                               options.timeout)
            return got[:n]

        entry = entries[path]
        # The same weights file listed by an earlier release of this process: its header is known.
        key = hub_fetch.header_key(api.endpoint, entry.sha256, entry.size) if entry.lfs and shared else None
        known = hub_fetch.HEADERS.get(key) if key is not None else None
        if known is not None:
            return path, known, None, False
        if known_only:
            raise _NotKnown(path)
        try:
            info = safetensors_info(read, entry.size or 0)
        except Exception as exc:
            return path, None, hub_error_message(exc), False
        if info.parameters is None:
            return path, None, info.error or "safetensors header unreadable", True
        summary = {
            "parameters": info.parameters,
            "dtypes": dict(info.dtypes),
            "tensor_count": info.tensor_count,
            "metadata": dict(info.metadata),
        }
        if key is not None:
            hub_fetch.HEADERS.remember(key, summary)
        return path, summary, None, False

    def refs() -> tuple[list[str], list[str], str | None]:
        try:
            got = api.list_repo_refs(ref.repo_id, repo_type=ref.repo_type)
        except Exception as exc:
            return [], [], hub_error_message(exc)
        return [b.name for b in got.branches], [t.name for t in got.tags], None

    def remote_card(repo_id: str, repo_type: str,
                    known_only: bool = False) -> tuple[dict[str, Any] | None, str]:
        def lookup() -> tuple[dict[str, Any] | None, str, bool]:
            from huggingface_hub.errors import HfHubHTTPError

            try:
                # Only the card is read: expand=cardData spares the Hub and us a popular base model's
                # file listing and its thousands of dependent spaces.
                other: Any = api.repo_info(repo_id, repo_type=repo_type, timeout=options.timeout,
                                           expand=["cardData"])
            except Exception as exc:
                # A definite "no" (not found, gated) is kept for the batch; a 429, 5xx or timeout is not.
                status = getattr(getattr(exc, "response", None), "status_code", None)
                definite = isinstance(exc, HfHubHTTPError) and status is not None and 400 <= status < 500 \
                    and status != 429
                return None, hub_error_message(exc), definite
            found = _slim_card(other.card_data.to_dict()) if other.card_data is not None else {}
            return found, "found", True

        key = (api.endpoint, str(options.token or ""), repo_type, repo_id)
        if known_only:
            answer = hub_fetch.LOOKUPS.known(key)
            if answer is None:
                raise _NotKnown(repo_id)
            found, status = answer
        else:
            found, status = hub_fetch.LOOKUPS.get(key, lookup)
        # Shared between releases: each gets its own copy of the card.
        return (copy.deepcopy(found) if found is not None else None), status

    def dataset(dataset_id: str, known_only: bool = False) -> dict[str, Any]:
        found, status = remote_card(dataset_id, "dataset", known_only)
        entry: dict[str, Any] = {"id": dataset_id, "key": "card:datasets", "card_data": found or {},
                                 "status": status}
        entry.update(_license_fields(found or {}))
        return entry

    # Everything is started before anything is awaited: one repo costs about its slowest request.
    # The pool is the process's (hub_fetch.executor): no job here waits on another job of it.
    # What this process already knows (a dataset, a base model or a weights header an earlier release
    # looked up) is answered here at once: a pool job costs two thread switches and, in a batch, a
    # turn at the interpreter lock among busy threads, for no request at all. The refs are asked by
    # this thread too, which would otherwise only wait for the pool.
    submit = hub_fetch.submit
    download_jobs = [submit(download, p) for p in wanted]
    lineage_card = card if options.follow_lineage else {}
    lineage_job = _now_or_pooled(lambda known_only: _follow_lineage(
        lineage_card, options, lambda rid: remote_card(rid, "model", known_only)))
    header_jobs = [_now_or_pooled(partial(header, p)) for p in st_files[:MAX_SAFETENSORS]]
    dataset_jobs = [_now_or_pooled(partial(dataset, d))
                    for d in _as_list(card.get("datasets"))[:MAX_DATASETS]]
    branches, tags, refs_error = refs()
    downloads = [j.result() for j in download_jobs]
    headers = [j.result() for j in header_jobs]
    datasets = [j.result() for j in dataset_jobs]
    lineage = lineage_job.result()

    local = {p: where_ for p, where_, _ in downloads if where_ is not None}
    if local:
        # A read-only cache: the offline audit of this revision will not find it, nothing more.
        with contextlib.suppress(OSError):
            hub_fetch.store_ref(cache_folder, at, revision)
    failed = [(p, err) for p, where_, err in downloads if where_ is None]
    if failed:
        sample = "; ".join(f"{p}: {err}" for p, err in failed[:5])
        # Listed, content not here (ELSEWHERE): the evidence resting on them stays unknown.
        notes.append(Note(NoteLevel.WARNING,
                          f"{len(failed)} small file(s) could not be fetched, their content is "
                          f"unknown ({sample})", where, NoteKind.ELSEWHERE))
    files = tuple(replace(f, readable=f.path in local) for f in files)
    if not card and "README.md" in local:
        card = hf_cache.card_front_matter(local["README.md"])

    per_file = {p: h for p, h, _, _ in headers if h is not None}
    bad_headers = [(p, err, malformed) for p, h, err, malformed in headers if h is None]
    if bad_headers:
        # Read but invalid (every one of them): MALFORMED; any that could not be fetched: UNREADABLE.
        kind = NoteKind.MALFORMED if all(m for _, _, m in bad_headers) else NoteKind.UNREADABLE
        notes.append(Note(NoteLevel.WARNING, f"{len(bad_headers)} safetensors header(s) unreadable "
                          f"({bad_headers[0][0]}: {bad_headers[0][1]})", where, kind))
    params = _sum_dtypes(per_file)
    if len(st_files) > MAX_SAFETENSORS:
        notes.append(Note(NoteLevel.INFO, f"{len(st_files)} safetensors files: headers read for the first "
                          f"{MAX_SAFETENSORS} only", where, NoteKind.LIMIT))
    if (not params or len(per_file) < len(st_files)) and getattr(info, "safetensors", None) is not None:
        params = {str(k): int(v) for k, v in info.safetensors.parameters.items()}  # the Hub's own count
    if refs_error:
        notes.append(Note(NoteLevel.WARNING,
                          f"refs could not be listed ({refs_error}): intermediate checkpoints "
                          "are unknown", Location(key="hub:refs", origin=ref.label)))
    for d in datasets:
        if d["status"] != "found":
            notes.append(Note(NoteLevel.INFO, f"dataset {d['id']}: {d['status']}",
                              Location(key="card:datasets", origin=ref.label), NoteKind.UNRESOLVED))
    for b in lineage:
        if b["status"] != "found":
            notes.append(Note(NoteLevel.WARNING,
                              f"base model {b['id']}: {b['status']}; its licence is unknown",
                              Location(key="card:base_model", origin=ref.label), NoteKind.UNRESOLVED))
    gated = getattr(info, "gated", None)
    if gated and failed:
        notes.append(Note(NoteLevel.WARNING,
                          f"gated repo ({gated}): without granted access its files could not be "
                          "read; card data comes from the Hub API",
                          Location(key="hub:gated", origin=ref.label), NoteKind.GATED))
    if rate_log.responses:
        notes.append(Note(NoteLevel.INFO,
                          f"the Hub answered 'too many requests' {rate_log.responses} time(s): "
                          f"waited {rate_log.waited:.1f} s in all (each wait at most {BACKOFF_CAP:.0f} s)",
                          where, NoteKind.LIMIT))

    hub = HubMetadata(
        repo_id=ref.repo_id,
        repo_type=ref.repo_type,
        revision=revision,
        sha=info.sha,
        card_data=card,
        tags=tuple(info.tags or ()),
        gated=gated,
        private=getattr(info, "private", None),
        refs=tuple(branches) + tuple(tags),
        downloads=getattr(info, "downloads", None),
        safetensors_parameters=params,
        extra={
            "source": "hub",
            "complete": not (failed or bad_headers or refs_error),
            "branches": branches,
            "hub_tags": tags,
            "safetensors": per_file,
            "datasets": datasets,
            "lineage": lineage,
        },
    )
    if info.sha:
        _save_sidecar(_sidecar_path(ref, options, info.sha), files, hub)
    return Snapshot(
        target, SourceKind.HF, files, _reader(local), hub, notes=tuple(notes), origins=(ref.label,)
    )


# --------------------------------------------------------------------------- sidecar


def _save_sidecar(path: Path, files: tuple[FileEntry, ...], hub: HubMetadata) -> None:
    """Remember what the Hub said at this commit, for offline audits (best effort)."""
    from openness.sources.hub_fetch import write_atomic

    # Shallow field dicts, not dataclasses.asdict: that deep-copies the whole card and lookups first
    # (a sixth of the Hub stage's CPU); JSON writes the same document from the originals.
    doc = {
        "version": SIDECAR_VERSION,
        "files": [{f.name: getattr(e, f.name) for f in fields(e)} for e in files],
        "hub": {f.name: getattr(hub, f.name) for f in fields(hub)},
    }
    try:
        data = json.dumps(doc, default=str, separators=(",", ":")).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)  # concurrent audits of one repo never see half a file
    except (OSError, ValueError):
        pass  # a read-only cache costs only the offline listing (ValueError: a cycle, never expected)


def _load_sidecar(path: Path) -> tuple[tuple[FileEntry, ...], HubMetadata] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("version") != SIDECAR_VERSION:
            return None
        files = tuple(FileEntry(**f) for f in doc["files"])
        raw = doc["hub"]
        raw["tags"] = tuple(raw.get("tags") or ())
        raw["refs"] = tuple(raw.get("refs") or ())
        hub = HubMetadata(**raw)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    extra = dict(hub.extra)
    extra["source"] = "cache+sidecar"
    return files, replace(hub, extra=extra)
