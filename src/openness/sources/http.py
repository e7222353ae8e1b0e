"""The one network chokepoint of the package: how the sources stage talks to the outside.

Everything that may touch the network asks this module first:

- ``is_offline(options)``: the single place where offline mode is decided (``SourceOptions.offline``,
  ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE``, read at call time so tests and batch runs can flip it);
- ``hub_api(options)``: a ``huggingface_hub.HfApi`` whose shared HTTP client comes from our factory
  (timeouts on every request, retries with exponential backoff on 429/5xx and connection errors,
  ``Retry-After`` or the ``RateLimit`` header's reset honoured up to a cap; after a 429 every thread of
  the process holds off until the Hub's window resets, so a batch slows down instead of hammering; the
  waits are counted in the asking release's ``RateLimitLog``, which becomes a note);
- ``hub_error_message(exc)``: any Hub/HTTP failure as one line, for a ``SourceError`` or a ``Note``.

``huggingface_hub`` and its HTTP stack (``httpx2``) are imported lazily: an offline audit reads only
the cache and must not pay their import time (about half a second together).
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openness import lazy_re
from openness.errors import SourceError

if TYPE_CHECKING:  # pragma: no cover
    from huggingface_hub import HfApi

    from openness.sources.interface import SourceOptions

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRIES = 3
BACKOFF_BASE = 0.5  # seconds; doubles each retry
BACKOFF_CAP = 8.0  # never sleep longer than this, whatever Retry-After says

POOL_CONNECTIONS = 64  # open connections to the Hub per process (keep-alive: HUB_THREADS of them reused)
POOL_KEEPALIVE = 32

_TRUE = {"1", "true", "yes", "on"}
_RESET = lazy_re.compile(r"(?:^|[;,\s])t=(\d{1,9})(?:$|[;,\s])")  # RateLimit: "api";r=0;t=42
_configured_timeout: float | None = None
_lock = threading.Lock()
MAX_APIS = 16  # HfApi objects kept (one per endpoint and token)
_apis: dict[tuple[str, str | None], HfApi] = {}


# --------------------------------------------------------------------------- offline and places


def is_offline(options: SourceOptions | None = None) -> bool:
    """True when no network access is allowed: the only place this is decided."""
    if options is not None and options.offline:
        return True
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "OPENNESS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in _TRUE:
            return True
    return False


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache (``HF_HUB_CACHE``, ``HF_HOME``/hub, or the default), read at call time."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(os.path.expandvars(explicit)).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(os.path.expandvars(home)).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "huggingface" / "hub"


def hub_endpoint() -> str:
    """The Hub's base URL (``HF_ENDPOINT``), read at call time so a mirror or a local server can stand in."""
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def openness_cache_dir(options: SourceOptions | None = None) -> Path:
    """Where openness keeps its own caches (git clones, hub metadata sidecars)."""
    if options is not None and options.cache_dir is not None:
        return Path(options.cache_dir)
    env = os.environ.get("OPENNESS_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "openness"


# --------------------------------------------------------------------------- the HTTP client


def backoff_delay(attempt: int, retry_after: str | None = None, ratelimit: str | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based), capped at ``BACKOFF_CAP``.

    The Hub's own word wins: ``Retry-After`` (seconds or an HTTP date), else the reset time ``t=`` of
    the ``RateLimit`` header (IETF draft, what the Hub sends with a 429), else our doubling schedule.
    """
    told = _retry_after_seconds(retry_after)
    if told is None and ratelimit:
        m = _RESET.search(ratelimit)
        told = float(m.group(1)) if m else None
    if told is not None:
        return min(BACKOFF_CAP, max(0.0, told))
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))


def _retry_after_seconds(value: str | None) -> float | None:
    if not value or len(value) > 64:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp() - time.time()


@dataclass
class RateLimitLog:
    """How often the Hub said "too many requests" to one release's requests, and how long we waited."""

    responses: int = 0
    waited: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, seconds: float, answered: bool) -> None:
        with self._lock:
            self.responses += int(answered)
            self.waited += seconds


RATE_LOG: contextvars.ContextVar[RateLimitLog | None] = contextvars.ContextVar("openness_rate_log",
                                                                                default=None)


class _Gate:
    """After a 429, no request of this process leaves before the Hub's reset time (bounded)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._lock = threading.Lock()
        self._until = 0.0
        self._clock = clock
        self._sleep = sleep

    def hold_until(self, delay: float) -> None:
        with self._lock:
            self._until = max(self._until, self._clock() + delay)

    def wait(self) -> float:
        """Sleep until the gate opens, at most ``BACKOFF_CAP`` seconds; returns the time slept."""
        delay = min(BACKOFF_CAP, self._until - self._clock())
        if delay <= 0:
            return 0.0
        self._sleep(delay)
        return delay


_gate = _Gate()


def _fresh_gate() -> None:
    global _gate
    _gate = _Gate()  # a forked worker never inherits a lock another thread held at the fork


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_gate)


def _note_wait(seconds: float, answered: bool) -> None:
    log = RATE_LOG.get()
    if log is not None and (seconds > 0 or answered):
        log.add(seconds, answered)


_tls: tuple[tuple[str | None, str | None], Any] | None = None


def tls_context() -> Any:
    """The TLS context of every Hub connection: the HTTP stack's default (``verify=True``), built once
    per process and shared with forked batch workers. Loading the CA store costs about 30 ms, and the
    hub client makes a new HTTP client in every forked worker (and after each ``configure_hub``). Keyed
    by ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, which the default context reads when it is built."""
    global _tls
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    known = _tls
    if known is None or known[0] != key:
        import httpx2

        known = _tls = (key, httpx2.create_ssl_context(verify=True, trust_env=True))
    return known[1]


def _client_factory(timeout: float) -> Callable[[], Any]:
    """A factory for ``huggingface_hub.set_client_factory``: the hub's hooks, our transport and timeouts."""
    import httpx2
    from huggingface_hub.utils._http import hf_request_event_hook

    class RetryTransport(httpx2.BaseTransport):
        """Retries idempotent requests on 429/5xx and connection errors, with backoff.

        ``huggingface_hub`` calls such as ``model_info`` go straight to the client without retries, and
        pass ``timeout=None`` (meaning *no* timeout in httpx): both are fixed here, under every call.
        """

        def __init__(self) -> None:
            # Connection-level retry only; the pool is sized for every Hub thread of the process, so
            # connections are reused across requests and releases instead of opened and dropped.
            limits = httpx2.Limits(max_connections=POOL_CONNECTIONS, max_keepalive_connections=POOL_KEEPALIVE)
            self._inner = httpx2.HTTPTransport(retries=1, limits=limits, verify=tls_context())

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            limits = request.extensions.get("timeout") or {}
            if not limits or any(v is None for v in limits.values()):
                request.extensions["timeout"] = httpx2.Timeout(timeout).as_dict()
            retry = request.method in ("GET", "HEAD", "OPTIONS")
            attempt = 0
            while True:
                attempt += 1
                _note_wait(_gate.wait(), answered=False)
                try:
                    response = self._inner.handle_request(request)
                except (httpx2.ConnectError, httpx2.ReadTimeout, httpx2.ConnectTimeout,
                        httpx2.RemoteProtocolError):
                    if not retry or attempt > MAX_RETRIES:
                        raise
                    time.sleep(backoff_delay(attempt))
                    continue
                limited = response.status_code == 429
                if limited:
                    _note_wait(0.0, answered=True)
                if not retry or response.status_code not in RETRY_STATUSES or attempt > MAX_RETRIES:
                    return response
                delay = backoff_delay(attempt, response.headers.get("Retry-After"),
                                      response.headers.get("RateLimit"))
                response.close()
                if limited:  # the whole process holds off, not just this thread
                    _gate.hold_until(delay)
                    _note_wait(_gate.wait(), answered=False)
                else:
                    time.sleep(delay)

        def close(self) -> None:
            self._inner.close()

    def factory() -> Any:
        return httpx2.Client(
            event_hooks={"request": [hf_request_event_hook]},  # keeps the hub's offline guard and ids
            follow_redirects=True,
            timeout=httpx2.Timeout(timeout),
            transport=RetryTransport(),  # the user agent is the hub's, naming openness (HfApi library_name)
        )

    return factory


def configure_hub(options: SourceOptions) -> None:
    """Install our client factory in ``huggingface_hub`` (once per timeout value; thread-safe)."""
    global _configured_timeout
    if _configured_timeout == options.timeout:
        return
    with _lock:
        if _configured_timeout == options.timeout:
            return
        from huggingface_hub import set_client_factory

        set_client_factory(_client_factory(options.timeout))
        _configured_timeout = options.timeout


def hub_api(options: SourceOptions) -> HfApi:
    """An ``HfApi`` on our HTTP client. The token: ``options.token``, else the hub's usual places."""
    if is_offline(options):
        raise SourceError("offline: the Hugging Face Hub may not be contacted (read the cache instead)")
    configure_hub(options)
    key = (hub_endpoint(), options.token)
    api = _apis.get(key)
    if api is None:
        # One per endpoint and token, reused by every release: building one (and the hub package's
        # lazy attribute lookup behind the import) cost more CPU per release than a request.
        from huggingface_hub.hf_api import HfApi

        api = HfApi(endpoint=key[0], token=options.token, library_name="openness")
        with _lock:
            if len(_apis) >= MAX_APIS:
                _apis.clear()
            _apis[key] = api
    return api


# --------------------------------------------------------------------------- errors


def hub_error_message(exc: BaseException) -> str:
    """One line saying what went wrong talking to the Hub (no tracebacks, no response bodies)."""
    from huggingface_hub import errors as hf

    if isinstance(exc, hf.GatedRepoError):
        return "gated: access has not been granted to this token (accept the terms on the Hub, set HF_TOKEN)"
    if isinstance(exc, hf.RepositoryNotFoundError):
        return "not found, or private without a token that can see it (set HF_TOKEN)"
    if isinstance(exc, hf.RevisionNotFoundError):
        return "revision not found"
    if isinstance(exc, hf.EntryNotFoundError):
        return "file not found"
    if isinstance(exc, hf.DisabledRepoError):
        return "repository disabled on the Hub"
    if isinstance(exc, hf.OfflineModeIsEnabled):
        return "offline mode is enabled"
    if isinstance(exc, hf.HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else "?"
        if status == 429:
            return f"HTTP 429 from the Hub: too many requests, still after {MAX_RETRIES} bounded waits"
        return f"HTTP {status} from the Hub"
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{name}: {text}"[:300] if text else name


def is_network_failure(exc: BaseException) -> bool:
    """True when the Hub could not be reached at all (fall back to the cache), not when it said no."""
    import httpx2
    from huggingface_hub import errors as hf

    if isinstance(exc, hf.OfflineModeIsEnabled | httpx2.TransportError):
        return True
    if isinstance(exc, hf.HfHubHTTPError) and exc.response is not None:
        return exc.response.status_code in RETRY_STATUSES
    return False
