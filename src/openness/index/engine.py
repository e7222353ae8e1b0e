"""Running the audits of ``openness index add``: in this process, in worker processes, or as Ray tasks.

The audit is CPU-bound Python, so parallel audits need processes, not threads. Workers only audit
and render (JSON, and HTML when the renderer exists); the parent alone writes to the store, one
transaction per audit, so a failed or interrupted worker never leaves half a row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from openness.errors import OpennessError, UsageError

MAX_JOBS = 64  # worker processes / concurrent Ray tasks of one `index add`
RAY_STALL_SECONDS = 600.0  # Ray finishing no audit for this long ends `index add --engine ray`


@dataclass(frozen=True)
class Job:
    target: str
    also: tuple[str, ...] = ()
    offline: bool = False
    revision: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Outcome:
    job: Job
    document: str | None = None  # the JSON report
    html: str | None = None
    error: str | None = None  # one line, when the audit could not be done


def html_renderer() -> Callable[..., str] | None:
    """``render.html.render_html`` when it exists in this version, else None (the web page then
    draws the report from the JSON document itself)."""
    try:
        from openness.render import html
    except ImportError:
        return None
    fn = getattr(html, "render_html", None)
    return fn if callable(fn) else None


def audit_job(job: Job) -> Outcome:
    """Audit one release and render it; any failure is an Outcome with one error line (this runs
    in worker processes and Ray tasks, where an exception would lose which release failed)."""
    from openness.pipeline import audit
    from openness.render.json import render_json
    from openness.render.safe import clean
    from openness.sources import SourceOptions

    try:
        report = audit(job.target, options=SourceOptions(offline=job.offline, revision=job.revision),
                       also=list(job.also))
        document = render_json(report, compact=True)
        renderer = html_renderer()
        html = None
        if renderer is not None:
            try:
                html = renderer(report, standalone=False)
            except Exception:  # the page falls back to the JSON document
                html = None
        return Outcome(job, document, html)
    except OpennessError as exc:
        return Outcome(job, error=clean(str(exc))[:500])
    except Exception as exc:  # one release's bug must not end the batch
        return Outcome(job, error=f"internal error: {type(exc).__name__}: {clean(str(exc))[:400]}")


def run_local(jobs: Sequence[Job], workers: int) -> Iterator[Outcome]:
    """Outcomes as they complete: in this process for one worker, else in a process pool."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield audit_job(job)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # forkserver: no fork of a process that may hold threads or open database handles.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        pending = {pool.submit(audit_job, j) for j in jobs}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def run_ray(jobs: Sequence[Job], workers: int, address: str | None) -> Iterator[Outcome]:
    """Outcomes of Ray tasks as they complete, on the cluster at ``address`` or a local one
    (started here with ``workers`` CPUs and no dashboard, unless Ray is already initialised)."""
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs the ray extra: pip install 'openness[ray]'") from None
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False,
                         logging_level=logging.ERROR)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                         logging_level=logging.ERROR, configure_logging=False)
        except Exception as exc:  # an unreachable cluster is one line
            from openness.render.safe import clean

            raise UsageError(f"cannot start or reach the Ray cluster: {clean(str(exc))[:300]}") from exc
    remote = ray.remote(num_cpus=1, max_retries=1)(audit_job)
    pending = [remote.remote(j) for j in jobs]
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1, timeout=RAY_STALL_SECONDS)
            if not done:  # a cluster with no free worker, or a task stuck: fail instead of waiting forever
                raise UsageError(f"Ray finished no audit in {RAY_STALL_SECONDS:.0f} s; {len(pending)} left")
            for ref in done:
                yield ray.get(ref)
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
