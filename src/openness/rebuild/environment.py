"""The build environment: an interpreter, a virtual environment, and a record of what was used.

Environment modes (``--env``):

- ``auto`` (default): when the host interpreter already has every pinned requirement at exactly the
  pinned version, make a venv that sees the host's packages (``--system-site-packages``) and install
  nothing: no network, seconds instead of minutes. Otherwise behave like ``isolated`` when the network
  is allowed, and stop with the list of missing pins when it is not.
- ``isolated``: a fresh venv without the host's packages, and ``pip install -r`` the pinned
  requirements (needs ``--allow-network``, or a local wheelhouse in ``PIP_FIND_LINKS``).
- ``host``: run with the host interpreter itself, no venv (the weakest isolation; recorded as such).

Whatever the mode, the environment actually used is probed from inside it and recorded.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from openness.errors import RebuildError

ENV_MODES = ("auto", "isolated", "host")
_PROBE_TIMEOUT = 60.0
_INSTALL_TIMEOUT = 900.0

# Run inside the build interpreter: what it is and which versions of the pinned packages it sees.
_PROBE = r"""
import json, platform, sys
from importlib import metadata
names = json.loads(sys.argv[1])
versions = {}
for n in names:
    try:
        versions[n] = metadata.version(n)
    except metadata.PackageNotFoundError:
        versions[n] = None
blas = simd = None
if versions.get("numpy"):
    try:
        import numpy
        cfg = numpy.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = {k: b.get(k) for k in ("name", "version")}
        simd = cfg.get("SIMD Extensions") or None
    except Exception:
        pass
print(json.dumps({
    "python": platform.python_version(),
    "implementation": platform.python_implementation(),
    "executable": sys.executable,
    "prefix": sys.prefix,
    "packages": versions,
    "blas": blas,
    "simd": simd,
}))
"""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    line: int


@dataclass(frozen=True)
class BuildEnv:
    python: Path  # the interpreter the commands run with
    bin_dir: Path | None  # the venv's bin directory, put first on PATH
    mode: str  # what was done: "venv (host packages reused)", "venv (installed)", "host interpreter"
    probe: dict[str, Any]


def read_pins(path: Path, shown: str) -> tuple[Pin, ...]:
    """Every requirement must be pinned with ``==``; ``--hash`` options (lock files) are allowed."""
    pins: list[Pin] = []
    problems: list[str] = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        spec = line.split("#", 1)[0].strip()
        if spec.endswith("\\"):
            spec = spec[:-1].strip()
        spec = " ".join(p for p in spec.split() if not p.startswith("--hash"))
        if not spec:
            continue
        if spec.startswith("-"):
            problems.append(
                f"{shown}:{number}: option {spec.split()[0]!r} is not supported; list pinned packages"
            )
            continue
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(f"{shown}:{number}: {exc}")
            continue
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
            problems.append(f"{shown}:{number}: {spec!r} is not pinned (use name==version)")
            continue
        pins.append(Pin(canonicalize_name(req.name), specs[0].version, number))
    if problems:
        raise RebuildError("; ".join(problems))
    return tuple(pins)


def find_python(version: str | None) -> Path:
    """The host interpreter if it is the requested major.minor, else ``pythonX.Y`` on PATH."""
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if version is None or version == current:
        return Path(sys.executable)
    found = shutil.which(f"python{version}")
    if found is None:
        raise RebuildError(
            f"the recipe needs Python {version}; this machine runs {current} and has no python{version}"
        )
    return Path(found)


def probe(python: Path, names: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [str(python), "-I", "-c", _PROBE, json.dumps(names)],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RebuildError(f"could not run {python}: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RebuildError(f"could not inspect the build interpreter {python}: {tail}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _mismatches(pins: tuple[Pin, ...], found: dict[str, str | None]) -> list[str]:
    return [
        f"{p.name}=={p.version} (found {found.get(p.name) or 'not installed'})"
        for p in pins
        if found.get(p.name) != p.version
    ]


def _venv(base: Path, where: Path, system_site: bool, with_pip: bool) -> Path:
    args = [str(base), "-m", "venv", str(where)]
    if system_site:
        args.append("--system-site-packages")
    if not with_pip:
        args.append("--without-pip")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=_PROBE_TIMEOUT, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RebuildError(f"could not create a virtual environment: {tail}")
    return where / "bin" / "python"


def prepare(
    *,
    mode: str,
    python_version: str | None,
    pins: tuple[Pin, ...],
    requirements: Path | None,
    venv_dir: Path,
    allow_network: bool,
    log: Path,
) -> BuildEnv:
    """Build the environment the commands will run in (inside ``venv_dir``)."""
    if mode not in ENV_MODES:
        raise RebuildError(f"unknown environment mode {mode!r} (use one of {', '.join(ENV_MODES)})")
    base = find_python(python_version)
    names = [p.name for p in pins]
    if mode == "host":
        info = probe(base, names)
        missing = _mismatches(pins, info["packages"])
        if missing:
            raise RebuildError("the host interpreter does not have the pinned " + ", ".join(missing))
        return BuildEnv(base, None, "host interpreter", info)
    if mode == "auto":
        missing = _mismatches(pins, probe(base, names)["packages"])
        if missing and not allow_network:
            # Fail fast: a venv with pip takes ~20 s to make, and could install nothing offline.
            raise RebuildError(
                "the host lacks the pinned "
                + ", ".join(missing)
                + "; pass --allow-network to install them into an isolated venv"
            )
        if not missing:
            python = _venv(base, venv_dir, system_site=True, with_pip=False)
            return BuildEnv(
                python, python.parent, "venv (host packages reused: pins matched)", probe(python, names)
            )
    python = _venv(base, venv_dir, system_site=False, with_pip=True)
    if pins and requirements is not None:
        _install(python, requirements, allow_network, log)
    info = probe(python, names)
    missing = _mismatches(pins, info["packages"])
    if missing:
        raise RebuildError("the build environment lacks the pinned " + ", ".join(missing))
    return BuildEnv(python, python.parent, "venv (isolated, pinned requirements installed)", info)


def _install(python: Path, requirements: Path, allow_network: bool, log: Path) -> None:
    args = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(requirements)]
    if not allow_network:
        args.insert(4, "--no-index")
    # pip's cache goes inside the working directory too: a rebuild writes nothing outside it.
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_CACHE_DIR": str(log.parent / "pip-cache")}
    with log.open("ab") as out:
        try:
            proc = subprocess.run(
                args, stdout=out, stderr=subprocess.STDOUT, timeout=_INSTALL_TIMEOUT, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            raise RebuildError(f"installing the requirements took over {_INSTALL_TIMEOUT:.0f} s") from None
    if proc.returncode != 0:
        hint = (
            "" if allow_network else " (no network: pass --allow-network to install from the package index)"
        )
        raise RebuildError(f"installing the pinned requirements failed{hint}; see {log}")


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _gpus() -> list[str]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        proc = subprocess.run(
            [exe, "--query-gpu=name,driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in proc.stdout.splitlines() if line.strip()] if proc.returncode == 0 else []


def host_facts() -> dict[str, Any]:
    """The machine: OS, CPU, GPUs."""
    return {
        "os": platform.platform(),
        "system": platform.system(),
        "kernel": platform.release(),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "gpus": _gpus(),
    }
