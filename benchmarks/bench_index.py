"""The index: releases indexed per second (local processes at 1 and 2 jobs, Ray), and the web page's
latency with 10,000 stored audits.

One command, from the repository root::

    python3 benchmarks/bench_index.py [--audits 10000] [--requests 200] [--no-ray] [--postgres URL]

1. The 59 corpus releases (``../shared/corpus``, rebuilt as directories by ``tests/corpus_release.py``)
   are indexed by ``openness index add --from-file`` into a fresh SQLite file, one process per run
   (interpreter start, imports and, for Ray, the local cluster's start included): ``--jobs 1``,
   ``--jobs 2`` and ``--engine ray --jobs 2``.
2. A store is filled with ``--audits`` audits (the corpus reports, each release under many names and
   two revisions; inventory lists trimmed to 20 files so the file stays ~10x smaller, which the pages do
   not read), then ``openness serve`` runs on 127.0.0.1 and ``/``, ``/api/releases`` and a filtered
   ``/api/releases`` are requested ``--requests`` times each, one at a time: p50 / p95 / max.
Results: ``benchmarks/results/index.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus_release import rebuild, release_ids, scratch_dir  # noqa: E402  (the helper lives with the tests)

CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "benchmarks" / "results" / "index.md"
RUN_TIMEOUT = 900.0  # seconds per indexing process
GOAL_P95_MS = 50.0


def openness(*argv: str, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "openness", *argv], capture_output=True, text=True,
                          timeout=timeout, check=False)


def index_run(listing: Path, work: Path, label: str, extra: list[str]) -> dict[str, object]:
    db = work / f"{label.replace(' ', '-')}.sqlite"
    start = time.perf_counter()
    done = openness("index", "add", "--db", f"sqlite:///{db}", "--from-file", str(listing), *extra)
    seconds = time.perf_counter() - start
    added = done.stdout.count("added ")
    if done.returncode not in (0, 2):
        print(done.stderr[-2000:], file=sys.stderr)
    return {"label": label, "seconds": seconds, "added": added, "rate": added / seconds if seconds else 0.0,
            "code": done.returncode, "db": db}


def fill(url: str, db_docs: list[str], audits: int) -> float:
    """``audits`` audits over ``audits // 2`` names (two revisions each); seconds taken."""
    from openness.index.store import Store

    store = Store(url)
    start = time.perf_counter()
    for i in range(audits):
        doc = json.loads(db_docs[i % len(db_docs)])
        doc["inventory"]["items"] = doc["inventory"]["items"][:20]
        doc["notes"] = [*doc.get("notes", []), {"message": f"benchmark revision {i // (audits // 2)}"}]
        store.add(json.dumps(doc), name=f"bench-org/model-{i % (audits // 2):05d}")
    store.close()
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def latency(url: str, requests: int) -> dict[str, tuple[float, float, float]]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "openness", "serve", "--db", url, "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/releases?limit=1", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("openness serve did not start") from None
                time.sleep(0.2)
        out = {}
        for path in ("/", "/api/releases", "/api/releases?where=osaid%3Dnot-open-source-ai&sort=-audited",
                     "/?q=model-01&sort=osaid"):
            times = []
            for _ in range(5):
                urllib.request.urlopen(base + path, timeout=30).read()  # warm-up
            for _ in range(requests):
                t = time.perf_counter()
                urllib.request.urlopen(base + path, timeout=30).read()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[path] = (statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1])
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray run")
    parser.add_argument("--postgres", metavar="URL",
                        help="also measure the pages on this (empty) PostgreSQL database")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"bench_index: {CORPUS} is absent", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="openness-bench-index-"))
    try:
        with scratch_dir(work / "corpus") as scratch:
            targets = [str(rebuild(CORPUS / r, scratch / r)) for r in release_ids(CORPUS)]
            listing = work / "releases.txt"
            listing.write_text("\n".join(targets) + "\n", encoding="utf-8")
            runs = [index_run(listing, work, "local, --jobs 1", ["--jobs", "1"]),
                    index_run(listing, work, "local, --jobs 2", ["--jobs", "2"])]
            if not args.no_ray:
                runs.append(index_run(listing, work, "ray, --jobs 2", ["--engine", "ray", "--jobs", "2"]))
        for r in runs:
            rate = f"{r['added']} releases in {r['seconds']:.1f} s = {r['rate']:.2f}/s"
            print(f"{r['label']}: {rate}", flush=True)
        import sqlite3

        with sqlite3.connect(runs[0]["db"]) as conn:  # type: ignore[arg-type]
            docs = [row[0] for row in conn.execute("SELECT report FROM reports ORDER BY audit_id")]
        sqlite_url = f"sqlite:///{work / 'pages.sqlite'}"
        fill_seconds = fill(sqlite_url, docs, args.audits)
        size_mb = (work / "pages.sqlite").stat().st_size / 1e6
        print(f"filled {args.audits} audits in {fill_seconds:.1f} s ({size_mb:.0f} MB)", flush=True)
        pages = {"SQLite": latency(sqlite_url, args.requests)}
        print(f"SQLite pages: {pages['SQLite']}", flush=True)
        if args.postgres:
            fill(args.postgres, docs, args.audits)
            pages["PostgreSQL"] = latency(args.postgres, args.requests)
        for backend, table in pages.items():
            for path, (p50, p95, worst) in table.items():
                print(f"{backend} {path}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
        write_results(args, runs, fill_seconds, size_mb, pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def write_results(
    args: argparse.Namespace,
    runs: list[dict[str, object]],
    fill_seconds: float,
    size_mb: float,
    pages: dict[str, dict[str, tuple[float, float, float]]],
) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Index benchmark",
        "",
        f"`python3 benchmarks/bench_index.py --audits {args.audits} --requests {args.requests}`.",
        "",
        "## Indexing the corpus",
        "",
        "The 59 corpus releases rebuilt as directories, `openness index add --from-file` into a fresh SQLite",
        "file, one process per row (interpreter start, imports and, for Ray, starting the local cluster",
        "included).",
        "",
        "| engine | releases | seconds (whole process) | releases/s |",
        "|---|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(f"| {r['label']} | {r['added']} | {r['seconds']:.1f} | {r['rate']:.2f} |")
    lines += [
        "",
        f"## Pages with {args.audits:,} stored audits",
        "",
        f"{args.audits:,} audits ({args.audits // 2:,} releases, two revisions each; the corpus reports with",
        f"inventory lists trimmed to 20 files) written one transaction each in {fill_seconds:.0f} s",
        f"({args.audits / fill_seconds:.0f} audits/s; SQLite file {size_mb:.0f} MB). `openness serve` on",
        "127.0.0.1,"
        f" {args.requests} sequential requests per page after 5 warm-up requests, 50 rows per page.",
        "",
        "| store | page | p50 ms | p95 ms | max ms | goal p95 <= 50 ms |",
        "|---|---|---:|---:|---:|---|",
    ]
    for backend, table in pages.items():
        for path, (p50, p95, worst) in table.items():
            ok = "met" if p95 <= GOAL_P95_MS else "missed"
            lines.append(f"| {backend} | `{path}` | {p50:.1f} | {p95:.1f} | {worst:.1f} | {ok} |")
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" load average {load:.1f} at the end; measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
        " The machine is shared: re-run before quoting.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
