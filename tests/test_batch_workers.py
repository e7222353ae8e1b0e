"""Batches in worker processes: ``openness audit --from-file --jobs N`` on more than one core.

Records keep the batch file's order, errors and policy failures keep their exit codes, and a worker
that dies costs only the releases it held (one error record each), never the batch or a hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub_fixtures import FakeHub, FakeRepo, hub_env, write_card
from openness.commands import batch_workers
from test_batch import _input, _lines, _release

ROOT = Path(__file__).resolve().parent.parent


def test_plan_uses_workers_only_for_batches_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    per = batch_workers.MIN_RELEASES_PER_WORKER
    monkeypatch.setattr(batch_workers, "can_fork", lambda: True)
    assert batch_workers.plan(16, 16 * per, available=2) == (2, 8)
    assert batch_workers.plan(5, 10 * per, available=4) == (4, 2)  # threads cover --jobs
    assert batch_workers.plan(16, per, available=2) == (1, 16)  # too few releases: threads
    assert batch_workers.plan(1, 100 * per, available=8) == (1, 1)  # --jobs 1: this process
    assert batch_workers.plan(16, 100 * per, available=1) == (1, 16)  # one core: threads
    monkeypatch.setattr(batch_workers, "can_fork", lambda: False)
    assert batch_workers.plan(16, 16 * per, available=2) == (1, 16)  # no safe fork: threads


# The command line runs in its own process, as a user runs it: a single-threaded parent (the test
# process holds the fake Hub's and other tests' threads, and workers are only forked from a parent
# with none). The runner sees two cores whatever this machine has, and can stand in for the audit:
# noting which process ran it, or killing its worker on one release.
RUNNER = """
import os, sys
from openness.commands import batch_workers
import openness.pipeline as pipeline
batch_workers.cores = lambda: 2
log, doomed = os.environ.get("TEST_PID_LOG"), os.environ.get("TEST_DIE_ON")
real = pipeline.audit
def audit(target, **kw):
    if target == doomed:
        os._exit(9)  # a worker killed mid-audit (out of memory, a crash in C code)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\\n")
    return real(target, **kw)
pipeline.audit = audit
from openness.cli import main
print(f"parent {os.getpid()}", file=sys.stderr)
sys.exit(main(sys.argv[1:]))
"""


def run_cli(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUNNER, "audit", *args], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)


def test_workers_keep_order_and_exit_codes(tmp_path: Path) -> None:
    n = 2 * batch_workers.MIN_RELEASES_PER_WORKER
    releases = [_release(tmp_path / f"m{i:02d}", "mit") for i in range(n)]
    missing = tmp_path / "gone"
    listed = [*map(str, releases[:5]), str(missing), *map(str, releases[5:])]
    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(listed) + "\n", encoding="utf-8")
    log = tmp_path / "pids.txt"

    proc = run_cli(["--from-file", str(batch), "--format", "json", "--jobs", "4"], {"TEST_PID_LOG": str(log)})
    assert proc.returncode == 2, proc.stderr[-2000:]  # one release failed: exit 2, as on threads
    assert [_input(d) for d in _lines(proc.stdout)] == [t for t in listed if t != str(missing)]
    assert f"{missing}: error" in proc.stderr and f"{n + 1} release(s) audited, 1 failed" in proc.stderr
    parent = proc.stderr.split("parent ", 1)[1].split()[0]
    pids = set(log.read_text(encoding="utf-8").split())
    assert len(pids) == 2 and parent not in pids  # audited in two worker processes

    # A policy failure (and no error) is exit 1, the failed rule named for each release.
    batch.write_text("\n".join(map(str, releases)) + "\n", encoding="utf-8")
    proc = run_cli(["--from-file", str(batch), "--format", "json", "--jobs", "4",
                    "--fail-unless", "mof=class-1"])
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert [_input(d) for d in _lines(proc.stdout)] == list(map(str, releases))
    assert proc.stderr.count("policy failed") >= n


def test_a_dead_worker_fails_only_what_it_held(tmp_path: Path) -> None:
    n = 2 * batch_workers.MIN_RELEASES_PER_WORKER
    releases = [_release(tmp_path / f"m{i:02d}", "mit") for i in range(n)]
    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(map(str, releases)) + "\n", encoding="utf-8")
    doomed = str(releases[3])

    # --jobs 2 on two workers: one thread each, so the dead worker held exactly the doomed release.
    proc = run_cli(["--from-file", str(batch), "--format", "json", "--jobs", "2"], {"TEST_DIE_ON": doomed})
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert [_input(d) for d in _lines(proc.stdout)] == [str(r) for r in releases if str(r) != doomed]
    assert f"{doomed}: error: internal error: the worker process ended unexpectedly" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_workers_audit_hub_releases_gated_and_missing(tmp_path: Path) -> None:
    """The real command line (a single-threaded process, so workers are forked) against the fake Hub:
    a gated repo is a record that says so, a missing one an error line; order and exit code hold."""
    readme = tmp_path / "card"
    write_card(readme, {"license": "apache-2.0"}, "# A model\n")
    files = {"README.md": readme / "README.md"}
    n = 2 * batch_workers.MIN_RELEASES_PER_WORKER
    repos = [FakeRepo(f"org/m{i:02d}", files, card_data={"license": "apache-2.0"}) for i in range(n)]
    repos.append(FakeRepo("org/gated", files, card_data={"license": "llama3.1"}, gated="manual"))
    listed = [f"hf:{r.repo_id}" for r in repos[:3]] + ["hf:org/gated", "hf:nobody/missing"] + \
        [f"hf:{r.repo_id}" for r in repos[3:n]]
    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(listed) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with FakeHub(repos) as hub, hub_env(hub.endpoint, tmp_path / "hub", tmp_path / "oc") as env:
        log = tmp_path / "pids.txt"
        proc = run_cli(["--from-file", str(batch), "--format", "json", "--jobs", "4", "-o", str(out)],
                       {**env, "TEST_PID_LOG": str(log)})
    assert proc.returncode == 2, proc.stderr[-2000:]
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [_input(d) for d in docs] == [t for t in listed if t != "hf:nobody/missing"]
    gated = docs[3]
    assert any(note.get("kind") == "gated" for note in gated["notes"]), gated["notes"]
    assert "hf:nobody/missing: error:" in proc.stderr and "not found" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(set(log.read_text(encoding="utf-8").split())) == 2  # in two worker processes
