"""The build environment: an interpreter, a virtual environment, and a record of what was used.

Environment modes (``--env``):

- ``auto`` (default): when the host interpreter already has every pinned requirement at exactly the
  pinned version, make a venv that sees the host's packages and install nothing: seconds instead of
  minutes. Otherwise behave like ``isolated``.
- ``isolated``: a fresh venv without the host's packages, and ``pip install -r`` the pinned
  requirements from the package index the machine's pip is configured for (wheels only, so no
  package's build code runs). ``--offline`` keeps pip off the network (a local wheelhouse in
  ``PIP_FIND_LINKS`` or pip's config still works).
- ``host``: run with the host interpreter itself, no venv (the weakest isolation; recorded as such).

pip is the only thing that may reach the network on its own; it gets only the environment it needs
(:func:`pip_environment`), never the caller's tokens. Whatever the mode, the environment actually
used is probed from inside it and recorded.
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
from openness.rebuild.recipe import PROXY_VARIABLES

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
import site, sysconfig
site_dirs = []
for d in [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]:
    if d not in site_dirs:
        site_dirs.append(d)
print(json.dumps({
    "site_dirs": site_dirs,
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


def minimal_environment(workdir: Path) -> dict[str, str]:
    """What an interpreter we start for our own purposes (venv creation, probes) gets: nothing of the
    caller's beyond PATH and the locale, HOME and TMPDIR inside the working directory."""
    home, tmp = workdir / "home", workdir / "tmp"
    home.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(tmp),
    }
    env.update({k: v for k, v in os.environ.items() if k in _LOCALE})
    return env


_LOCALE = ("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE")
# What pip needs from the caller: where to find programs, its own configuration (PIP_*, the config
# files found through HOME and XDG_CONFIG_*), how to reach the index (proxies) and trust it (CA bundles).
_PIP_PASSED = frozenset(
    {
        "PATH",
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_CONFIG_DIRS",
        *PROXY_VARIABLES,
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        *_LOCALE,
    }
)


def pip_environment(workdir: Path, offline: bool) -> dict[str, str]:
    """The environment ``pip install`` runs with: the caller's pip configuration and network settings,
    nothing else (no ``HF_TOKEN``, no ``AWS_*``). HOME stays the caller's so pip finds its user
    configuration file; TMPDIR and pip's cache are inside the working directory."""
    env = {k: v for k, v in os.environ.items() if k in _PIP_PASSED or k.startswith("PIP_")}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "TMPDIR": str(tmp),
            "PIP_NO_INPUT": "1",
            "PIP_CACHE_DIR": str(workdir / "pip-cache"),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
    )
    if offline:
        env["PIP_NO_INDEX"] = "1"
    return env


def probe(
    python: Path, names: list[str], env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Ask ``python`` what it is. ``prefix`` runs it in the build's sandbox: a venv's packages are
    the release's choice, and importing NumPy to read its BLAS runs their code."""
    try:
        proc = subprocess.run(
            [*prefix, str(python), "-I", "-c", _PROBE, json.dumps(names)],
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
        raise RebuildError(f"could not inspect the build interpreter {python}: {tail[:300]!r}")
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = None
    if not isinstance(result, dict) or not isinstance(result.get("packages"), dict):
        raise RebuildError(f"could not inspect the build interpreter {python}: unexpected output")
    return result


def _mismatches(pins: tuple[Pin, ...], found: dict[str, str | None]) -> list[str]:
    return [
        f"{p.name}=={p.version} (found {found.get(p.name) or 'not installed'})"
        for p in pins
        if found.get(p.name) != p.version
    ]


def _venv(base: Path, where: Path, with_pip: bool, env: dict[str, str], host_sites: list[str]) -> Path:
    """A venv at ``where``. ``host_sites``: the host interpreter's site directories, added with a
    ``.pth`` file. ``--system-site-packages`` would not do: when the host interpreter is itself in a
    venv, it exposes the base interpreter's packages, not the host venv's."""
    args = [str(base), "-m", "venv", str(where)]
    if not with_pip:
        args.append("--without-pip")
    proc = subprocess.run(
        args, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT, env=env, check=False
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RebuildError(f"could not create a virtual environment: {tail}")
    python = where / "bin" / "python"
    if host_sites:
        lib = sorted((where / "lib").glob("python3*/site-packages"))
        if lib:
            lines = [f"import site; site.addsitedir({d!r})" for d in host_sites]
            (lib[0] / "_openness_host_packages.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def prepare(
    *,
    mode: str,
    python_version: str | None,
    pins: tuple[Pin, ...],
    requirements: Path | None,
    venv_dir: Path,
    offline: bool,
    log: Path,
    sandbox: tuple[str, ...] = (),
) -> BuildEnv:
    """Build the environment the commands will run in (inside ``venv_dir``). ``sandbox`` is the
    command prefix the build runs under; the build venv is probed under it too."""
    if mode not in ENV_MODES:
        raise RebuildError(f"unknown environment mode {mode!r} (use one of {', '.join(ENV_MODES)})")
    workdir = venv_dir.parent
    quiet = minimal_environment(workdir)
    base = find_python(python_version)
    names = [p.name for p in pins]
    if mode == "host":
        info = probe(base, names, quiet)
        missing = _mismatches(pins, info["packages"])
        if missing:
            raise RebuildError("the host interpreter does not have the pinned " + ", ".join(missing))
        return BuildEnv(base, None, "host interpreter", info)
    if mode == "auto":
        host = probe(base, names, quiet)
        if not _mismatches(pins, host["packages"]):
            sites = [d for d in host.get("site_dirs", []) if isinstance(d, str)]
            python = _venv(base, venv_dir, with_pip=False, env=quiet, host_sites=sites)
            return BuildEnv(
                python,
                python.parent,
                "venv (host packages reused: pins matched)",
                probe(python, names, quiet, sandbox),
            )
    host_pip = _host_pip() if pins else False
    python = _venv(base, venv_dir, with_pip=bool(pins) and not host_pip, env=quiet, host_sites=[])
    if pins and requirements is not None:
        _install(python, requirements, offline, log, host_pip)
    info = probe(python, names, quiet, sandbox)
    missing = _mismatches(pins, info["packages"])
    if missing:
        raise RebuildError("the build environment lacks the pinned " + ", ".join(missing))
    return BuildEnv(python, python.parent, "venv (isolated, pinned requirements installed)", info)


def _host_pip() -> bool:
    """Whether openness's own interpreter has pip >= 22.3, which can install into another
    interpreter (``--python``): that spares the ~10 s of bootstrapping pip into the new venv."""
    try:
        from importlib.metadata import version

        major, minor = (int(x) for x in version("pip").split(".")[:2])
    except Exception:  # not installed, or an unparsable version: bootstrap pip into the venv
        return False
    return (major, minor) >= (22, 3)


def _install(python: Path, requirements: Path, offline: bool, log: Path, host_pip: bool = False) -> None:
    # Wheels only: an sdist would run its build code here, outside the build's sandbox.
    pip = [sys.executable, "-m", "pip", "--python", str(python)] if host_pip else [str(python), "-m", "pip"]
    args = [*pip, "install", "--only-binary", ":all:", "-r", str(requirements)]
    env = pip_environment(log.parent, offline)
    with log.open("ab") as out:
        out.write(b"$ pip install --only-binary :all: -r " + str(requirements).encode() + b"\n")
        out.flush()
        try:
            proc = subprocess.run(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=_INSTALL_TIMEOUT,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RebuildError(f"installing the requirements took over {_INSTALL_TIMEOUT:.0f} s") from None
    if proc.returncode != 0:
        hint = " (--offline: pip may not use the package index)" if offline else ""
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
