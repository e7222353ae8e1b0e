"""Run a rebuild: copy the inputs into a fresh working directory, check them, build, compare, attest.

Rebuilding means running the release's own command: that is the point of the check, and the user
asks for it explicitly. It runs in a working directory of its own (HOME, TMPDIR and the current
directory all inside it), in its own process group with a time limit, and nothing outside the working
directory is written by openness.

A rebuild must not be fooled by a command that copies instead of training. So the build runs, when
the kernel allows unprivileged user namespaces, in new mount, PID and network namespaces where the
release directory is covered by an empty read-only tmpfs (the released outputs are not readable) and
/proc shows only the build's processes; and any output whose bytes equal a file the build could read
before it ran (an input, or, when the release could not be hidden, any other file of the release) is
refused as a copy. Without namespaces, the network is cut by pointing every proxy variable at a dead
loopback port and setting the usual offline flags; the result records which was done.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from openness.errors import RebuildError
from openness.rebuild import environment
from openness.rebuild.attest import write_attestation
from openness.rebuild.compare import IDENTICAL, WITHIN, TensorDiff, compare_safetensors
from openness.rebuild.recipe import (
    MAX_STEP,
    MAX_TIMEOUT,
    OFFLINE_FLAGS,
    PROXY_VARIABLES,
    FileSpec,
    Recipe,
    check_number,
    load_recipe,
)
from openness.rebuild.result import (
    DIVERGED,
    FAILED,
    WITHIN_TOLERANCE,
    InputCheck,
    OutputResult,
    RebuildResult,
)

ATTESTATION_NAME = "rebuild-attestation.json"
# Defaults that make common numeric stacks deterministic; a recipe's [environment.variables] wins.
DEFAULT_VARIABLES = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
}
_RECORDED_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "PYTHONHASHSEED",
    "CUBLAS_WORKSPACE_CONFIG",
    "CUDA_VISIBLE_DEVICES",
)
_CHUNK = 1024 * 1024
# Variables set when the build may not use the network; they win over everything else. Port 9 is the
# discard service, closed on any normal machine: a client that honours proxies fails at once.
DEAD_PROXY = "http://127.0.0.1:9"
OFFLINE_VARIABLES = {
    **{k: "" if k.lower() == "no_proxy" else DEAD_PROXY for k in PROXY_VARIABLES},
    **dict.fromkeys(OFFLINE_FLAGS, "1"),
}
# Release files looked at when the release cannot be hidden from the build (bounded walk).
MAX_RELEASE_FILES = 100_000
# Network isolation recorded in the result (environment.network / environment.isolation.network).
NET_NAMESPACE = "none (own network namespace)"
NET_PROXY = "blocked by environment only (proxies at a dead loopback port, offline flags; no namespace)"
NET_ALLOWED = "allowed"


@dataclass(frozen=True)
class RebuildOptions:
    steps: int | None = None  # segment rebuild of this many steps
    from_step: int | None = None  # start checkpoint of a segment (default: the first that fits)
    timeout: float | None = None  # seconds for all commands (default: the recipe's build.timeout)
    allow_network: bool = False  # the build commands may use the network
    offline: bool = False  # pip may not use the package index either
    keep_workdir: bool = False
    workdir: Path | None = None  # default: a new temporary directory
    env_mode: str = "auto"
    attestation: Path | None = None  # also write the attestation here
    extra_variables: dict[str, str] = field(default_factory=dict)


class _Stop(Exception):
    """Ends a rebuild early with a result (diverged input, failed command...)."""

    def __init__(self, result: str, reason: str, cause: dict[str, Any]) -> None:
        super().__init__(reason)
        self.result, self.reason, self.cause = result, reason, cause


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _inside(root: Path, rel: str) -> Path | None:
    """``root/rel`` if it is a regular file whose real path stays inside ``root``."""
    path = root / rel
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    return real


def _copy_hashing(src: Path, dst: Path) -> str:
    dst.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with src.open("rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            h.update(chunk)
            fout.write(chunk)
    return h.hexdigest()


def _copy_inputs(recipe: Recipe, specs: list[FileSpec], build: Path) -> tuple[InputCheck, ...]:
    """Copy each input into the build directory, hashing the bytes actually copied."""
    checks: list[InputCheck] = []
    for spec in specs:
        src = _inside(recipe.root, spec.path)
        actual = _copy_hashing(src, build / spec.path) if src is not None else None
        checks.append(InputCheck(spec.path, spec.sha256, actual))
    missing = [c.path for c in checks if c.actual_sha256 is None]
    if missing:
        raise _Stop(
            FAILED,
            f"input missing from the release: {', '.join(missing)}",
            {"kind": "input-missing", "inputs": missing},
        )
    changed = [c for c in checks if not c.ok]
    if changed:
        names = ", ".join(c.path for c in changed)
        raise _Stop(
            DIVERGED,
            f"input changed: {names} (sha256 differs from the recipe; nothing was rebuilt)",
            {"kind": "input-changed", "inputs": [c.to_dict() for c in changed]},
        )
    return tuple(checks)


@dataclass(frozen=True)
class Sandbox:
    """How the build commands are confined: a command prefix and what it achieves."""

    prefix: tuple[str, ...]
    network: str  # NET_NAMESPACE | NET_PROXY | NET_ALLOWED
    release_hidden: bool  # the release directory is not readable from inside the build
    own_pids: bool  # /proc shows only the build's processes

    def record(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "release_hidden": self.release_hidden,
            "own_pid_namespace": self.own_pids,
            "method": "unshare" if self.prefix else "environment variables only",
        }


# Mounts an empty read-only tmpfs over the release ($0), then runs the command.
_HIDE = 'mount -t tmpfs -o size=4k,mode=0555,ro openness-release-hidden "$0" && exec "$@"'


@cache
def _unshare_works(net: bool) -> bool:
    exe = shutil.which("unshare")
    sh = shutil.which("sh")
    if exe is None or sh is None:
        return False
    probe_dir = tempfile.mkdtemp(prefix="openness-ns-probe-")
    try:
        args = [*_unshare_args(exe, net), sh, "-c", _HIDE, probe_dir, "true"]
        ok = subprocess.run(args, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    return ok


def _unshare_args(exe: str, net: bool) -> list[str]:
    args = [exe, "--map-root-user", "--mount", "--pid", "--fork", "--mount-proc"]
    if net:
        args.append("--net")
    return [*args, "--"]


def make_sandbox(release: Path, workdir: Path, python: Path, allow_network: bool) -> Sandbox:
    """The strongest confinement this host allows. The release can be hidden only if nothing the
    build needs (its working directory, its interpreter and packages) lives inside it."""
    exe, sh = shutil.which("unshare"), shutil.which("sh")
    root = release.resolve()
    needed = [
        workdir.resolve(),
        python.resolve(),
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
    ]
    hideable = root != Path(root.anchor) and not any(p.is_relative_to(root) for p in needed)
    if exe and sh and hideable and _unshare_works(not allow_network):
        prefix = (*_unshare_args(exe, not allow_network), sh, "-c", _HIDE, str(root))
        return Sandbox(prefix, NET_ALLOWED if allow_network else NET_NAMESPACE, True, True)
    return Sandbox((), NET_ALLOWED if allow_network else NET_PROXY, False, False)


def _command_env(
    recipe: Recipe, env: environment.BuildEnv, options: RebuildOptions, workdir: Path
) -> dict[str, str]:
    home, tmp = workdir / "home", workdir / "tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    path = os.pathsep.join(
        p for p in (str(env.bin_dir) if env.bin_dir else "", "/usr/local/bin", "/usr/bin", "/bin") if p
    )
    base = {
        "PATH": path,
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PIP_CACHE_DIR": str(workdir / "pip-cache"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
    }
    if env.bin_dir is not None:
        base["VIRTUAL_ENV"] = str(env.bin_dir.parent)
    variables = {**base, **DEFAULT_VARIABLES, **recipe.variables, **options.extra_variables}
    if not options.allow_network:  # also inside a network namespace: belt and braces
        variables.update(OFFLINE_VARIABLES)
    return variables


def _argv(
    command: tuple[str, ...], env: environment.BuildEnv, variables: dict[str, str], subst: dict[str, str]
) -> list[str]:
    argv = list(command)
    for key, value in subst.items():
        argv = [a.replace(key, value) for a in argv]
    if argv[0] in ("python", "python3"):
        argv[0] = str(env.python)
    else:
        found = shutil.which(argv[0], path=variables["PATH"])
        if found is None:
            raise _Stop(
                FAILED, f"command not found: {argv[0]}", {"kind": "command-not-found", "command": argv}
            )
        argv[0] = found
    return argv


def _tail(log: Path, limit: int = 4096) -> str:
    try:
        with log.open("rb") as fh:
            fh.seek(max(0, log.stat().st_size - limit))
            lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


def _run_commands(
    commands: list[list[str]],
    shown: list[tuple[str, ...]],
    build: Path,
    variables: dict[str, str],
    timeout: float,
    log: Path,
    prefix: tuple[str, ...],
) -> None:
    deadline = time.monotonic() + timeout
    for argv, original in zip(commands, shown, strict=True):
        text = " ".join(original)
        with log.open("ab") as out:
            out.write(f"$ {text}\n".encode())
            out.flush()
            proc = subprocess.Popen(
                [*prefix, *argv],
                cwd=build,
                env=variables,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                code = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                _kill_group(proc)  # no background process outlives its command
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise _Stop(
                    FAILED,
                    f"`{text}` timed out after {timeout:g} s (its process group was killed)",
                    {"kind": "timeout", "command": list(original), "timeout": timeout},
                ) from None
            except BaseException:  # Ctrl-C and the like: never leave the build running behind us
                _kill_group(proc)
                raise
        if code != 0:
            last = _tail(log)
            raise _Stop(
                FAILED,
                f"`{text}` exited with status {code}" + (f": {last}" if last else ""),
                {"kind": "command-failed", "command": list(original), "status": code, "last_line": last},
            )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class _Readable:
    """Files the build could read before it ran. An output whose bytes equal one of them is a copy,
    not a rebuild. Inputs are known by digest; other release files (looked at only when the release
    could not be hidden from the build) by size first, hashed only when an output has their size."""

    def __init__(self) -> None:
        self.by_sha: dict[str, str] = {}
        self.by_size: dict[int, list[tuple[Path, str]]] = {}
        self.inodes: dict[tuple[int, int], str] = {}
        self.walked = 0
        self.complete = True

    def add_digest(self, sha: str, label: str) -> None:
        self.by_sha.setdefault(sha, label)

    def add_release(self, root: Path, compared: set[str], hidden: bool) -> None:
        """Inode of every release file (a hard link is a copy whatever the bytes' history); the
        size of every file other than the released outputs compared, unless the build cannot see
        them."""
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                if self.walked >= MAX_RELEASE_FILES:
                    self.complete = False
                    return
                self.walked += 1
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                try:
                    st = path.lstat()
                except OSError:
                    continue
                if not path.is_file() or path.is_symlink():
                    continue
                self.inodes.setdefault((st.st_dev, st.st_ino), f"release file {rel}")
                if not hidden and rel not in compared:
                    self.by_size.setdefault(st.st_size, []).append((path, f"release file {rel}"))

    def match(self, path: Path, sha: str) -> str | None:
        try:
            st = path.stat()
        except OSError:
            return None
        if (st.st_dev, st.st_ino) in self.inodes:
            return self.inodes[(st.st_dev, st.st_ino)] + " (a hard link)"
        for candidate, label in self.by_size.pop(st.st_size, []):
            with contextlib.suppress(OSError):
                self.add_digest(sha256_file(candidate), label)
        return self.by_sha.get(sha)


def _compare(
    spec: FileSpec, rebuilt_rel: str, recipe: Recipe, build: Path, readable: _Readable
) -> OutputResult:
    rebuilt = _inside(build, rebuilt_rel)
    released = _inside(recipe.root, spec.path)
    released_sha = sha256_file(released) if released is not None else None
    if rebuilt is None:
        return OutputResult(
            spec.path,
            FAILED,
            spec.sha256,
            None,
            released_sha,
            f"the command finished but did not write {rebuilt_rel}",
        )
    rebuilt_sha = sha256_file(rebuilt)
    source = readable.match(rebuilt, rebuilt_sha)
    if source is not None:
        return OutputResult(
            spec.path,
            FAILED,
            spec.sha256,
            rebuilt_sha,
            released_sha,
            f"its bytes equal {source}, which the build could read before it ran: a copy, not a rebuild",
            copied_from=source,
        )
    reference_sha = released_sha or spec.sha256
    note = ""
    if released_sha is not None and released_sha != spec.sha256:
        note = f"; the released file does not match the recipe's sha256 {spec.sha256[:12]}…"
    is_st = spec.path.endswith(".safetensors")
    if is_st and released is not None:
        try:
            diff = compare_safetensors(rebuilt, released, recipe.tolerance)
        except ValueError as exc:
            return OutputResult(
                spec.path, FAILED, spec.sha256, rebuilt_sha, released_sha, f"cannot compare tensors: {exc}"
            )
        detail = diff.detail
        if diff.status == IDENTICAL and rebuilt_sha != reference_sha:
            detail += "; file bytes differ only in header layout"
        return OutputResult(
            spec.path, diff.status, spec.sha256, rebuilt_sha, released_sha, detail + note, diff.tensors
        )
    if rebuilt_sha == reference_sha:
        return OutputResult(
            spec.path, IDENTICAL, spec.sha256, rebuilt_sha, released_sha, "sha256 identical" + note
        )
    where = "released file" if released_sha else "recipe"
    return OutputResult(
        spec.path, DIVERGED, spec.sha256, rebuilt_sha, released_sha, f"sha256 differs from the {where}" + note
    )


def _bad(t: TensorDiff) -> bool:
    return t.status not in (IDENTICAL, WITHIN)


def _tensor_summary(t: TensorDiff) -> str:
    if t.max_abs_diff is not None:
        return f"{t.name} max abs diff {t.max_abs_diff:.3g}"
    return f"{t.name} {t.detail or t.status}"


def _overall(outputs: list[OutputResult]) -> tuple[str, str, dict[str, Any]]:
    failed = [o for o in outputs if o.status == FAILED]
    if failed:
        if any(o.copied_from is not None for o in failed):
            kind = "output-copied"
        elif any(o.rebuilt_sha256 is None for o in failed):
            kind = "output-missing"
        else:
            kind = "output-unreadable"
        return (
            FAILED,
            "; ".join(f"{o.path}: {o.detail}" for o in failed),
            {"kind": kind, "outputs": [o.path for o in failed]},
        )
    diverged = [o for o in outputs if o.status == DIVERGED]
    if diverged:
        reason = f"{len(diverged)} of {len(outputs)} outputs differ ({', '.join(o.path for o in diverged)})"
        first = next((o for o in diverged if any(_bad(t) for t in o.tensors)), None)
        if first is not None:
            bad = [t for t in first.tensors if _bad(t)]
            reason += f"; {first.path}: " + ", ".join(_tensor_summary(t) for t in bad[:3])
            reason += f" (+{len(bad) - 3} more)" if len(bad) > 3 else ""
        else:
            reason += f"; {diverged[0].path}: {diverged[0].detail}"
        first_tensors = [{"output": o.path, **t.to_dict()} for o in diverged for t in o.tensors if _bad(t)][
            :5
        ]
        return (
            DIVERGED,
            reason,
            {
                "kind": "outputs-differ",
                "outputs": [o.path for o in diverged],
                "first_tensors": first_tensors,
            },
        )
    if any(o.status == WITHIN for o in outputs):
        return WITHIN_TOLERANCE, f"all {len(outputs)} outputs within the recipe's tolerance", {}
    return IDENTICAL, f"all {len(outputs)} outputs identical to the released files", {}


def _environment(
    recipe: Recipe,
    env: environment.BuildEnv | None,
    variables: dict[str, str] | None,
    sandbox: Sandbox | None,
    options: RebuildOptions,
    requirements_sha: str | None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"host": environment.host_facts()}
    if env is not None:
        record.update(
            {
                "mode": env.mode,
                "python": env.probe.get("python"),
                "implementation": env.probe.get("implementation"),
                "packages": env.probe.get("packages", {}),
                "blas": env.probe.get("blas"),
                "simd": env.probe.get("simd"),  # NumPy's SIMD paths: a cause of last-bit differences
            }
        )
    record["requirements"] = (
        {"path": recipe.requirements, "sha256": requirements_sha} if recipe.requirements else None
    )
    record["variables"] = {k: variables[k] for k in _RECORDED_VARIABLES if variables and k in variables}
    record["seeds"] = dict(recipe.seeds)
    if sandbox is not None:
        record["network"] = sandbox.network
        record["isolation"] = sandbox.record()
    else:  # stopped before anything ran
        record["network"] = NET_ALLOWED if options.allow_network else "not used (nothing ran)"
    record["pip_network"] = "not used (--offline)" if options.offline else "package index (pip only)"
    return record


def _make_workdir(options: RebuildOptions, release: Path) -> Path:
    if options.workdir is None:
        return Path(tempfile.mkdtemp(prefix="openness-rebuild-"))
    wd = options.workdir
    if wd.resolve().is_relative_to(release.resolve()):
        raise RebuildError(
            f"working directory {wd} is inside the release: the build must not see the released files"
        )
    if wd.exists() and (not wd.is_dir() or any(wd.iterdir())):
        raise RebuildError(f"working directory {wd} exists and is not empty")
    wd.mkdir(parents=True, exist_ok=True)
    return wd


def check_options(options: RebuildOptions) -> None:
    """The options' numbers follow the recipe's rules (``recipe.check_number``)."""
    for name, value, integer, minimum, maximum, positive in (
        ("--steps", options.steps, True, 1, MAX_STEP, True),
        ("--from-step", options.from_step, True, 0, MAX_STEP, False),
        ("--timeout", options.timeout, False, 0.0, MAX_TIMEOUT, True),
    ):
        if value is not None:
            why = check_number(value, integer=integer, minimum=minimum, maximum=maximum, positive=positive)
            if why:
                raise RebuildError(f"{name} {why}")
    if options.env_mode not in environment.ENV_MODES:
        raise RebuildError(f"unknown environment mode {options.env_mode!r}")


def rebuild(target: str | Path, options: RebuildOptions | None = None) -> RebuildResult:
    """Rebuild a release from its recipe and compare with the released files. Never raises for a
    bad release: every problem becomes a ``failed`` (or ``diverged``) result with one clear reason."""
    options = options or RebuildOptions()
    started = time.monotonic()
    started_at = datetime.now(UTC)
    mode = "segment" if options.steps is not None else "full"
    try:
        check_options(options)
        recipe = load_recipe(Path(target))
        if options.steps is not None and recipe.segment is None:
            raise RebuildError(
                f"{recipe.path.name} has no [segment] section: segment rebuilds are not described"
            )
        workdir = _make_workdir(options, recipe.root)
    except (RebuildError, OSError) as exc:
        return RebuildResult(
            str(target),
            mode,
            FAILED,
            str(exc),
            {"kind": "recipe"},
            elapsed_seconds=round(time.monotonic() - started, 3),
        )
    return _rebuild_in(recipe, workdir, options, mode, started, started_at, str(target))


def _rebuild_in(
    recipe: Recipe,
    workdir: Path,
    options: RebuildOptions,
    mode: str,
    started: float,
    started_at: datetime,
    target: str,
) -> RebuildResult:
    build, log = workdir / "build", workdir / "build.log"
    build.mkdir()
    log.touch()
    env: environment.BuildEnv | None = None
    variables: dict[str, str] | None = None
    sandbox: Sandbox | None = None
    inputs: tuple[InputCheck, ...] = ()
    outputs: list[OutputResult] = []
    segment_info: dict[str, Any] | None = None
    requirements_sha: str | None = None
    result, reason = FAILED, ""
    cause: dict[str, Any] = {}
    try:
        specs = list(recipe.inputs)
        commands: list[tuple[str, ...]] = list(recipe.commands)
        compare: list[tuple[FileSpec, str]] = [(o, o.path) for o in recipe.outputs]
        subst: dict[str, str] = {}
        if options.steps is not None:
            assert recipe.segment is not None
            start, end = recipe.segment.pair(options.steps, options.from_step)
            out_rel = f"openness-segment/{Path(end.path).name}"
            (build / "openness-segment").mkdir()
            specs.append(FileSpec(start.path, start.sha256))
            commands = [recipe.segment.command]
            compare = [(FileSpec(end.path, end.sha256), out_rel)]
            subst = {"{start}": start.path, "{steps}": str(options.steps), "{output}": out_rel}
            segment_info = {
                "from_step": start.step,
                "to_step": end.step,
                "steps": options.steps,
                "start": start.path,
                "compare_with": end.path,
            }
        inputs = _copy_inputs(recipe, specs, build)
        pins: tuple[environment.Pin, ...] = ()
        req_copy: Path | None = None
        if recipe.requirements:
            src = _inside(recipe.root, recipe.requirements)
            if src is None:
                raise _Stop(
                    FAILED,
                    f"environment.requirements: {recipe.requirements} is missing from the release",
                    {"kind": "input-missing", "inputs": [recipe.requirements]},
                )
            req_copy = workdir / "requirements" / Path(recipe.requirements).name
            requirements_sha = _copy_hashing(src, req_copy)
            pins = environment.read_pins(req_copy, recipe.requirements)
        readable = _Readable()
        for check in inputs:
            readable.add_digest(check.actual_sha256 or "", f"input {check.path}")
        if requirements_sha:
            readable.add_digest(requirements_sha, f"requirements file {recipe.requirements}")
        sandbox = make_sandbox(
            recipe.root, workdir, environment.find_python(recipe.python), options.allow_network
        )
        env = environment.prepare(
            mode=options.env_mode,
            python_version=recipe.python,
            pins=pins,
            requirements=req_copy,
            venv_dir=workdir / "venv",
            offline=options.offline,
            log=log,
            sandbox=sandbox.prefix,
        )
        variables = _command_env(recipe, env, options, workdir)
        argvs = [_argv(c, env, variables, subst) for c in commands]
        timeout = options.timeout if options.timeout is not None else recipe.timeout
        _run_commands(argvs, commands, build, variables, timeout, log, sandbox.prefix)
        readable.add_release(recipe.root, {spec.path for spec, _ in compare}, sandbox.release_hidden)
        outputs = [_compare(spec, rel, recipe, build, readable) for spec, rel in compare]
        result, reason, cause = _overall(outputs)
    except _Stop as stop:
        result, reason, cause = stop.result, stop.reason, stop.cause
    except RebuildError as exc:
        result, reason, cause = FAILED, str(exc), {"kind": "environment"}
    except OSError as exc:
        result, reason, cause = FAILED, f"could not run the rebuild: {exc}", {"kind": "os-error"}

    out = RebuildResult(
        target=target,
        mode=mode,
        result=result,
        reason=reason,
        cause=cause,
        inputs=inputs,
        outputs=tuple(outputs),
        environment=_environment(recipe, env, variables, sandbox, options, requirements_sha),
        segment=segment_info,
        recipe=str(recipe.path),
        workdir=str(workdir),
        log=str(log),
        elapsed_seconds=round(time.monotonic() - started, 3),
    )
    out = write_attestation(out, recipe, workdir / ATTESTATION_NAME, started_at, options.attestation)
    if not options.keep_workdir:
        for sub in ("build", "venv", "home", "tmp", "requirements", "pip-cache", "cache"):
            shutil.rmtree(workdir / sub, ignore_errors=True)
    return out
