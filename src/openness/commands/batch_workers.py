"""Worker processes for ``openness audit --from-file --jobs N``: the audit is CPU-bound Python.

Threads overlap the waiting on the network, but the stages after the fetch (inventory, evidence,
frameworks, rendering) hold the interpreter lock: one process audits on one core however many threads
it runs. So a large batch runs in ``W`` worker processes (at most one per core), each running ``T``
threads (``W * T >= --jobs``). The parent is only the scheduler and the writer:

- it hands each worker at most ``T`` releases at a time over the worker's own pipe, so it always
  knows which releases a worker holds; no queue or lock is shared between processes, so a worker
  that dies (killed, out of memory, a crash in a C extension) cannot leave one held and stall the rest;
- a worker's results come back on its pipe, each as (index, record, error, policy outcomes); the
  parent writes them in the batch file's order with the same records, error lines and exit code as
  the threaded path (``audit.run_batch``);
- a release held by a worker that died is one error record ("the worker process ended"); the others
  go on in the surviving workers, and a batch whose workers all died ends with every release not yet
  done failed, never a hang.

Workers are forked (Linux, from a parent running no other thread): they share the code and data the
parent loaded (``preload``) and start in milliseconds; where forking is not safe the batch stays on
threads. Workers ignore SIGINT: Ctrl-C reaches the parent, which stops them. Small batches stay on
threads too: a worker's start and its first audit's warm-up cost about as much as a few audits.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection, wait
from typing import Any

MIN_RELEASES_PER_WORKER = 8  # fewer per worker and one process with threads finishes first
MAX_WORKERS = 32  # worker processes of one batch, whatever the core count
STOP_SECONDS = 2.0  # a worker is waited for this long at each step of stopping it

Result = tuple[str | None, str | None, Any]  # record, error, policy outcomes
AuditOne = Callable[[str, list[str]], Result]


def cores() -> int:
    """Cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Workers are forked children: on Linux, from a parent running no other thread (a thread holding
    a lock at the fork would leave it held in the child). Elsewhere the batch stays on threads: a
    spawned or fork-server worker would import everything again, and a fork server keeps the
    environment of the first batch that started it."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def plan(jobs: int, releases: int, available: int | None = None) -> tuple[int, int]:
    """(worker processes, threads per worker) for ``--jobs`` over ``releases``; (1, jobs): no workers."""
    available = cores() if available is None else available
    workers = min(jobs, available, releases // MIN_RELEASES_PER_WORKER, MAX_WORKERS)
    if workers < 2 or not can_fork():
        return 1, jobs
    return workers, -(-jobs // workers)


def preload(targets: Sequence[str], offline: bool, frameworks: Sequence[str] | None) -> None:
    """Load in the parent what every worker needs, so forked workers share it (copy-on-write) instead
    of each loading it again on its first audit: the frameworks, the licence knowledge (a parse of the
    shipped data) and, for Hub targets, the hub client (a quarter of a second of CPU per process) and
    the TLS context (its CA store: 30 ms per process)."""
    import openness.pipeline
    import openness.render.json

    # A warm-up only: if a module changes shape, the workers load what they need themselves.
    with contextlib.suppress(ImportError, AttributeError):
        from openness.frameworks import registry
        from openness.licenses.knowledge import knowledge

        for framework in frameworks or registry.known_ids():
            registry.get(framework)
        knowledge()
    if not offline and any(t.startswith(("hf:", "https://huggingface.co", "https://www.huggingface.co"))
                           for t in targets):
        import huggingface_hub.hf_api
        import huggingface_hub.utils  # noqa: F401

        import openness.sources.hf
        import openness.sources.hub_fetch  # noqa: F401
        from openness.sources.http import tls_context

        # The CA store, loaded once here rather than by every worker's first request. A warm-up only:
        # a context that cannot be built (a bad SSL_CERT_FILE) fails each release as it always did.
        with contextlib.suppress(Exception):
            tls_context()


def _worker(audit_one: AuditOne, conn: Connection, threads: int) -> None:
    """A worker: audits what the parent sends (index, target, also) on ``threads`` threads, until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    send_lock = threading.Lock()

    def work(index: int, target: str, also: list[str]) -> None:
        try:
            result = audit_one(target, also)
        except BaseException as exc:  # audit_one never raises; a bug here must still answer
            result = (None, f"internal error: {type(exc).__name__}: {exc}", None)
        with send_lock:
            conn.send((index, *result))

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="openness-worker") as pool:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break  # the parent is gone
            if task is None:
                break
            pool.submit(work, *task)
    conn.close()


class Workers:
    """Started before anything else runs in the parent (no thread may be running at the fork)."""

    def __init__(self, audit_one: AuditOne, entries: Sequence[tuple[str, list[str]]], workers: int,
                 threads: int) -> None:
        self.entries = entries
        self.threads = threads
        self._closed = False
        self.procs: list[Any] = []
        self.conns: list[Connection] = []
        ctx = multiprocessing.get_context("fork")  # see can_fork
        # What the parent loaded goes to the collector's permanent generation: the workers' collections
        # never walk it, and so never touch (and copy) the pages they share with the parent.
        gc.freeze()
        try:
            self._start(ctx, audit_one, workers, threads)
        except BaseException:
            self.close(graceful=False)  # a fork that failed (no memory, no process slots): none left
            raise
        finally:
            gc.unfreeze()  # the parent's own objects are collected as before (the workers keep theirs)

    def _start(self, ctx: Any, audit_one: AuditOne, workers: int, threads: int) -> None:
        for _ in range(workers):
            parent, child = ctx.Pipe(duplex=True)
            proc = ctx.Process(target=_worker, args=(audit_one, child, threads), daemon=True)
            proc.start()
            child.close()
            self.procs.append(proc)
            self.conns.append(parent)

    def results(self) -> Iterator[tuple[int, Result]]:
        """(index, result) for every release, in the order they finish."""
        next_task = 0
        held: list[set[int]] = [set() for _ in self.procs]
        alive = set(range(len(self.procs)))
        finished = 0
        total = len(self.entries)

        def feed(w: int) -> None:
            nonlocal next_task
            while len(held[w]) < self.threads and next_task < total:
                target, also = self.entries[next_task]
                try:
                    self.conns[w].send((next_task, target, list(also)))
                except OSError:
                    return  # the worker is gone; its end is handled below
                held[w].add(next_task)
                next_task += 1

        def lost(w: int) -> Iterator[tuple[int, Result]]:
            alive.discard(w)
            code = self.procs[w].exitcode
            why = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
            for index in sorted(held[w]):
                yield index, (None, f"internal error: the worker process ended unexpectedly ({why})", None)
            held[w].clear()

        try:
            for w in range(len(self.procs)):
                feed(w)
            while finished < total:
                if not alive:  # every worker died: what was never handed out fails too
                    while next_task < total:
                        yield next_task, (None, "internal error: no worker process left to audit it", None)
                        next_task += 1
                        finished += 1
                    break
                ready = wait([self.conns[w] for w in alive] + [self.procs[w].sentinel for w in alive])
                for w in sorted(alive):
                    conn = self.conns[w]
                    if conn in ready or self.procs[w].sentinel in ready:
                        while True:  # everything the worker sent before it ended still counts
                            try:
                                if not conn.poll():
                                    break
                                index, record, error, outcomes = conn.recv()
                            except (EOFError, OSError):
                                break
                            held[w].discard(index)
                            finished += 1
                            yield index, (record, error, outcomes)
                        if self.procs[w].sentinel in ready or not self.procs[w].is_alive():
                            for item in lost(w):
                                finished += 1
                                yield item
                            continue
                        feed(w)
        except BaseException:
            self.close(graceful=False)
            raise
        self.close()

    def close(self, graceful: bool = True) -> None:
        """Stop the workers: after a complete batch tell them to stop and wait a little; after Ctrl-C or
        an error (``graceful=False``), or for one that does not stop, end them at once (their cache
        writes are atomic: at worst a temporary file is left)."""
        if self._closed:
            return
        self._closed = True
        if graceful:
            for conn in self.conns:
                with contextlib.suppress(OSError):
                    conn.send(None)
            for proc in self.procs:
                proc.join(timeout=STOP_SECONDS)
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(timeout=STOP_SECONDS)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=STOP_SECONDS)
        for conn in self.conns:
            conn.close()
