"""Run a rebuild: copy the inputs into a fresh working directory, check them, build, compare, attest.

Rebuilding means running the release's own command: that is the point of the check, and the user
asks for it explicitly. It runs in a working directory of its own (HOME, TMPDIR and the current
directory all inside it), in its own process group with a time limit, without network when
``unshare`` can take it away, and nothing outside the working directory is written by openness.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
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
from openness.rebuild.recipe import FileSpec, Recipe, load_recipe
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


@dataclass(frozen=True)
class RebuildOptions:
    steps: int | None = None  # segment rebuild of this many steps
    from_step: int | None = None  # start checkpoint of a segment (default: the first that fits)
    timeout: float | None = None  # seconds for all commands (default: the recipe's build.timeout)
    allow_network: bool = False
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


@cache
def _unshare_prefix() -> tuple[str, ...]:
    """``unshare`` arguments that give the command an empty network namespace, if this host allows it."""
    exe = shutil.which("unshare")
    if exe is None:
        return ()
    prefix = (exe, "--net", "--map-root-user", "--")
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return prefix if ok else ()


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
    return {**base, **DEFAULT_VARIABLES, **recipe.variables, **options.extra_variables}


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


def _compare(spec: FileSpec, rebuilt_rel: str, recipe: Recipe, build: Path) -> OutputResult:
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
        return (
            FAILED,
            "; ".join(f"{o.path}: {o.detail}" for o in failed),
            {
                "kind": "output-missing"
                if any(o.rebuilt_sha256 is None for o in failed)
                else "output-unreadable",
                "outputs": [o.path for o in failed],
            },
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
    prefix: tuple[str, ...],
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
    record["network"] = (
        "allowed"
        if options.allow_network
        else "none (own network namespace)"
        if prefix
        else "not isolated (unshare unavailable)"
    )
    return record


def _make_workdir(options: RebuildOptions) -> Path:
    if options.workdir is None:
        return Path(tempfile.mkdtemp(prefix="openness-rebuild-"))
    wd = options.workdir
    if wd.exists() and (not wd.is_dir() or any(wd.iterdir())):
        raise RebuildError(f"working directory {wd} exists and is not empty")
    wd.mkdir(parents=True, exist_ok=True)
    return wd


def rebuild(target: str | Path, options: RebuildOptions | None = None) -> RebuildResult:
    """Rebuild a release from its recipe and compare with the released files. Never raises for a
    bad release: every problem becomes a ``failed`` (or ``diverged``) result with one clear reason."""
    options = options or RebuildOptions()
    started = time.monotonic()
    started_at = datetime.now(UTC)
    mode = "segment" if options.steps is not None else "full"
    try:
        recipe = load_recipe(Path(target))
        if options.steps is not None and options.steps <= 0:
            raise RebuildError("--steps must be a positive number of steps")
        if options.steps is not None and recipe.segment is None:
            raise RebuildError(
                f"{recipe.path.name} has no [segment] section: segment rebuilds are not described"
            )
        workdir = _make_workdir(options)
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
    prefix: tuple[str, ...] = () if options.allow_network else _unshare_prefix()
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
        env = environment.prepare(
            mode=options.env_mode,
            python_version=recipe.python,
            pins=pins,
            requirements=req_copy,
            venv_dir=workdir / "venv",
            allow_network=options.allow_network,
            log=log,
        )
        variables = _command_env(recipe, env, options, workdir)
        argvs = [_argv(c, env, variables, subst) for c in commands]
        timeout = options.timeout if options.timeout is not None else recipe.timeout
        _run_commands(argvs, commands, build, variables, timeout, log, prefix)
        outputs = [_compare(spec, rel, recipe, build) for spec, rel in compare]
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
        environment=_environment(recipe, env, variables, prefix, options, requirements_sha),
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
