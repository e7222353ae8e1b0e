"""The rebuild recipe (``openness-rebuild.toml``): parsed and validated in one place.

Every problem in a recipe is collected and reported at once, naming the recipe's own keys
(``inputs[2].sha256``), so a release author fixes them in one pass. The format is documented in
``docs/rebuild.md``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from openness import lazy_re
from openness.errors import RebuildError

RECIPE_NAME = "openness-rebuild.toml"
SCHEMA_VERSION = 1
MAX_RECIPE_BYTES = 1024 * 1024
DEFAULT_TIMEOUT = 600.0
# Limits on the recipe's numbers (docs/rebuild.md, "Limits"). NaN, infinities, booleans and values past
# these are refused: a NaN timeout never expires, an infinite tolerance passes any tensor.
MAX_TIMEOUT = 7 * 24 * 3600.0  # seconds: a week of training is the longest rebuild we wait for
MAX_TOLERANCE = 0.1  # atol and rtol: beyond 10 % a "within tolerance" would say nothing
MAX_STEP = 10**12  # segment checkpoint steps, --steps and --from-step
MAX_SEED = 2**64 - 1  # seeds are unsigned 64-bit integers
MAX_VARIABLE_BYTES = 4096  # one [environment.variables] value
# Set by openness itself for isolation; a recipe may not override them (it could point HOME at the
# caller's home or give the build a working proxy).
# The network settings of a process, named once: pip gets the caller's, a build without network gets
# them pointed at nothing, and a recipe may set none of them.
PROXY_VARIABLES = (
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
)  # fmt: skip
OFFLINE_FLAGS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "PIP_NO_INDEX")
RESERVED_VARIABLES = frozenset(
    {
        "PATH",
        "HOME",
        "TMPDIR",
        "TEMP",
        "TMP",
        "VIRTUAL_ENV",
        "PYTHONNOUSERSITE",
        "PIP_CACHE_DIR",
        "XDG_CACHE_HOME",
        *PROXY_VARIABLES,
        *OFFLINE_FLAGS,
    }
)
_MAX_PROBLEMS_SHOWN = 20  # one line on stderr, not a screenful
_SHA256 = lazy_re.compile(r"^[0-9a-f]{64}$")
_VARIABLE_NAME = lazy_re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_PLACEHOLDERS = ("{start}", "{steps}", "{output}")


@dataclass(frozen=True)
class FileSpec:
    """A release file named by the recipe, with the sha256 it must have."""

    path: str  # POSIX, relative to the release root
    sha256: str


@dataclass(frozen=True)
class Checkpoint:
    step: int
    path: str
    sha256: str


@dataclass(frozen=True)
class TensorTolerance:
    atol: float = 0.0
    rtol: float = 0.0


@dataclass(frozen=True)
class Tolerance:
    """``exact``: bit-identical. ``close``: ``|a - b| <= atol + rtol * |b|`` element-wise."""

    mode: str = "exact"
    default: TensorTolerance = TensorTolerance()
    tensors: Mapping[str, TensorTolerance] = field(default_factory=dict)

    def for_tensor(self, name: str) -> TensorTolerance | None:
        """None means bit-identical is required."""
        if self.mode == "exact":
            return None
        return self.tensors.get(name, self.default)


@dataclass(frozen=True)
class Segment:
    command: tuple[str, ...]
    checkpoints: tuple[Checkpoint, ...]

    def pair(self, steps: int, from_step: int | None = None) -> tuple[Checkpoint, Checkpoint]:
        """The released checkpoint to start from and the one ``steps`` later to compare with."""
        by_step = {c.step: c for c in self.checkpoints}
        starts = [from_step] if from_step is not None else sorted(by_step)
        for s in starts:
            if s in by_step and s + steps in by_step:
                return by_step[s], by_step[s + steps]
        gaps = sorted({b - a for a in by_step for b in by_step if b > a})
        where = f" from step {from_step}" if from_step is not None else ""
        raise RebuildError(
            f"no pair of released checkpoints {steps} steps apart{where} "
            f"(released steps: {sorted(by_step)}; possible --steps: {gaps or 'none'})"
        )


@dataclass(frozen=True)
class Recipe:
    path: Path  # the recipe file
    root: Path  # the release root (the recipe's directory)
    sha256: str
    name: str
    python: str | None  # "3.11": the interpreter's major.minor
    requirements: str | None  # release-relative path of a pinned requirements / lock file
    variables: Mapping[str, str]
    seeds: Mapping[str, Any]
    commands: tuple[tuple[str, ...], ...]
    timeout: float
    inputs: tuple[FileSpec, ...]
    outputs: tuple[FileSpec, ...]
    tolerance: Tolerance
    segment: Segment | None
    raw: Mapping[str, Any]  # the parsed TOML, recorded in the attestation


def find_recipe(target: Path) -> Path:
    if target.is_dir():
        candidate = target / RECIPE_NAME
        if not candidate.is_file():
            raise RebuildError(f"no {RECIPE_NAME} in {target}: this release carries no rebuild recipe")
        return candidate
    if target.is_file():
        return target
    raise RebuildError(f"{target}: no such file or directory")


def load_recipe(target: Path) -> Recipe:
    """Read and validate the recipe of ``target`` (a release directory or a recipe file)."""
    path = find_recipe(target)
    with path.open("rb") as fh:  # bounded read: the size checked is the size read
        data = fh.read(MAX_RECIPE_BYTES + 1)
    return parse_recipe(data, path)


def parse_recipe(data: bytes | str, path: Path = Path(RECIPE_NAME)) -> Recipe:
    """Parse and validate recipe text. Raises only :class:`RebuildError`, whatever the input: the entry
    point for fuzzing (``scripts/fuzz.py``) and for the property tests. ``path`` names the recipe in
    messages; its directory is the release root."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            raise RebuildError(f"{path.name}: not valid UTF-8") from None
    if len(data) > MAX_RECIPE_BYTES:
        raise RebuildError(f"{path.name}: over {MAX_RECIPE_BYTES} bytes; a recipe may hold at most that")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RebuildError(f"{path.name}: not valid TOML: {_printable(str(exc))}") from None
    except RecursionError:
        raise RebuildError(f"{path.name}: not valid TOML: nested too deeply") from None
    try:
        return _validate(raw, path, hashlib.sha256(data).hexdigest())
    except RecursionError:
        raise RebuildError(f"{path.name}: nested too deeply") from None


def _printable(text: str, limit: int = 200) -> str:
    """Recipe text quoted in a message: no control characters, bounded."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return out + ("…" if len(text) > limit else "")


def _jsonable(value: Any) -> Any:
    """The parsed TOML as JSON can carry it in the attestation: dates as ISO text, and NaN or
    infinities (invalid JSON) as text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return value


def check_number(
    value: object, *, integer: bool, minimum: float, maximum: float, positive: bool = False
) -> str | None:
    """Why ``value`` is not an acceptable recipe or option number, or None. One rule for every number
    a recipe or the command line gives a rebuild: no booleans, no NaN or infinity, within bounds."""
    kinds = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be {kinds}"
    if integer and not isinstance(value, int):
        return "must be an integer"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value!r}"
    if (positive and value <= 0) or value < minimum:
        return f"must be {'> 0' if positive else f'>= {minimum:g}'}"
    if value > maximum:
        return f"must be at most {maximum:g}"
    return None


class _Problems:
    """Collects every problem so the author sees all of them at once."""

    def __init__(self, recipe: Path) -> None:
        self.recipe = recipe
        self.items: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{key}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = self.items[:_MAX_PROBLEMS_SHOWN]
            more = len(self.items) - len(shown)
            head = f"{self.recipe.name}: " + "; ".join(shown) + (f"; and {more} more" if more else "")
            raise RebuildError(head)


def _relpath(value: Any, key: str, problems: _Problems) -> str | None:
    if not isinstance(value, str) or not value:
        problems.add(key, "must be a non-empty string")
        return None
    p = PurePosixPath(value)
    if (
        p.is_absolute()
        or ".." in p.parts
        or "\\" in value
        or not value.isprintable()
        or len(value) > 4096
        or str(p) == "."
    ):
        problems.add(key, f"{_printable(repr(value))} must be a relative POSIX path inside the release")
        return None
    return str(p)


def _sha(value: Any, key: str, problems: _Problems) -> str | None:
    if not isinstance(value, str) or not _SHA256.match(value.lower()):
        problems.add(key, "must be 64 hexadecimal digits (a sha256)")
        return None
    return value.lower()


def _files(raw: Any, key: str, problems: _Problems) -> tuple[FileSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(key, "must be an array of tables ([[" + key + "]])")
        return ()
    out: list[FileSpec] = []
    for i, item in enumerate(raw):
        k = f"{key}[{i}]"
        if not isinstance(item, dict):
            problems.add(k, "must be a table with path and sha256")
            continue
        path = _relpath(item.get("path"), f"{k}.path", problems)
        sha = _sha(item.get("sha256"), f"{k}.sha256", problems)
        if path and sha:
            out.append(FileSpec(path, sha))
    seen: set[str] = set()
    for f in out:
        if f.path in seen:
            problems.add(key, f"{f.path} is listed twice")
        seen.add(f.path)
    return tuple(out)


def _argv(raw: Any, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if not isinstance(raw, list) or not raw or not all(isinstance(a, str) and a for a in raw):
        problems.add(key, "must be a non-empty array of strings (argv; no shell)")
        return None
    if any("\0" in a for a in raw):
        problems.add(key, "an argument holds a NUL character")
        return None
    return tuple(raw)


def _commands(build: Mapping[str, Any], problems: _Problems) -> tuple[tuple[str, ...], ...]:
    if "command" in build and "commands" in build:
        problems.add("build", "give either command or commands, not both")
        return ()
    if "command" in build:
        one = _argv(build["command"], "build.command", problems)
        return (one,) if one else ()
    many = build.get("commands")
    if not isinstance(many, list) or not many:
        problems.add("build.commands", "missing: the command(s) that produce the outputs")
        return ()
    out = []
    for i, c in enumerate(many):
        argv = _argv(c, f"build.commands[{i}]", problems)
        if argv:
            out.append(argv)
    return tuple(out)


def _tensor_tolerance(raw: Mapping[str, Any], key: str, problems: _Problems) -> TensorTolerance:
    values = {}
    for name in ("atol", "rtol"):
        v = raw.get(name, 0.0)
        why = check_number(v, integer=False, minimum=0.0, maximum=MAX_TOLERANCE)
        if why:
            problems.add(f"{key}.{name}", why)
            v = 0.0
        values[name] = float(v)
    return TensorTolerance(**values)


def _tolerance(raw: Any, problems: _Problems) -> Tolerance:
    if raw is None:
        return Tolerance()
    if not isinstance(raw, dict):
        problems.add("tolerance", "must be a table")
        return Tolerance()
    mode = raw.get("mode", "exact")
    if mode not in ("exact", "close"):
        problems.add("tolerance.mode", f"{mode!r}: use 'exact' (bit-identical) or 'close'")
        mode = "exact"
    default = _tensor_tolerance(raw, "tolerance", problems)
    tensors: dict[str, TensorTolerance] = {}
    per = raw.get("tensors", {})
    if not isinstance(per, dict):
        problems.add("tolerance.tensors", "must be a table of tensor name -> {atol, rtol}")
        per = {}
    for name, spec in per.items():
        shown = _printable(name)
        if not isinstance(spec, dict):
            problems.add(f"tolerance.tensors.{shown}", "must be a table with atol and/or rtol")
            continue
        tensors[name] = _tensor_tolerance(spec, f"tolerance.tensors.{shown}", problems)
    if mode == "exact" and (tensors or default != TensorTolerance()):
        problems.add("tolerance", "atol/rtol given but mode is 'exact'; set mode = 'close'")
    return Tolerance(mode, default, tensors)


def _segment(raw: Any, problems: _Problems) -> Segment | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.add("segment", "must be a table")
        return None
    command = _argv(raw.get("command"), "segment.command", problems)
    if command:
        text = " ".join(command)
        missing = [p for p in _PLACEHOLDERS if p not in text]
        if missing:
            problems.add("segment.command", f"must use the placeholders {', '.join(missing)}")
    checkpoints: list[Checkpoint] = []
    items = raw.get("checkpoints")
    if not isinstance(items, list) or len(items) < 2:
        problems.add(
            "segment.checkpoints", "needs at least two released checkpoints ([[segment.checkpoints]])"
        )
        items = []
    for i, item in enumerate(items):
        k = f"segment.checkpoints[{i}]"
        if not isinstance(item, dict):
            problems.add(k, "must be a table with step, path and sha256")
            continue
        step = item.get("step")
        why = check_number(step, integer=True, minimum=0, maximum=MAX_STEP)
        if why or not isinstance(step, int):
            problems.add(f"{k}.step", why or "must be an integer")
            continue
        path = _relpath(item.get("path"), f"{k}.path", problems)
        sha = _sha(item.get("sha256"), f"{k}.sha256", problems)
        if path and sha:
            checkpoints.append(Checkpoint(step, path, sha))
    if len({c.step for c in checkpoints}) != len(checkpoints):
        problems.add("segment.checkpoints", "two checkpoints have the same step")
    if not command:
        return None
    return Segment(command, tuple(sorted(checkpoints, key=lambda c: c.step)))


def _validate(raw: dict[str, Any], path: Path, sha256: str) -> Recipe:
    problems = _Problems(path)
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version != SCHEMA_VERSION:
        problems.add(
            "schema_version",
            f"{_printable(repr(version))} is not supported (this openness reads {SCHEMA_VERSION})",
        )

    env = raw.get("environment", {})
    if not isinstance(env, dict):
        problems.add("environment", "must be a table")
        env = {}
    python = env.get("python")
    if python is not None and not (isinstance(python, str) and re.fullmatch(r"3\.\d+", python)):
        problems.add("environment.python", f'{_printable(repr(python))}: give major.minor, e.g. "3.11"')
        python = None
    requirements = None
    if env.get("requirements") is not None:
        requirements = _relpath(env["requirements"], "environment.requirements", problems)
    variables = _variables(env.get("variables", {}), problems)

    seeds = raw.get("seeds", {})
    if not isinstance(seeds, dict):
        problems.add("seeds", "must be a table (name = integer)")
        seeds = {}
    for key, value in seeds.items():
        why = check_number(value, integer=True, minimum=0, maximum=MAX_SEED)
        if why:
            problems.add(f"seeds.{_printable(key)}", why)

    build = raw.get("build")
    if not isinstance(build, dict):
        problems.add("build", "missing: a [build] table with the command(s)")
        build = {}
    commands = _commands(build, problems) if build else ()
    timeout = build.get("timeout", DEFAULT_TIMEOUT)
    why = check_number(timeout, integer=False, minimum=0.0, maximum=MAX_TIMEOUT, positive=True)
    if why:
        problems.add("build.timeout", f"{why} (seconds)")
        timeout = DEFAULT_TIMEOUT

    inputs = _files(raw.get("inputs"), "inputs", problems)
    outputs = _files(raw.get("outputs"), "outputs", problems)
    if not outputs:
        problems.add("outputs", "missing: name the files the command produces ([[outputs]] path, sha256)")
    overlap = {f.path for f in inputs} & {f.path for f in outputs}
    if overlap:
        problems.add("outputs", f"also listed as inputs: {', '.join(sorted(overlap))}")
    tolerance = _tolerance(raw.get("tolerance"), problems)
    segment = _segment(raw.get("segment"), problems)
    problems.raise_if_any()

    name = raw.get("name")
    return Recipe(
        path=path,
        root=path.parent,
        sha256=sha256,
        name=name if isinstance(name, str) else path.parent.name,
        python=python,
        requirements=requirements,
        variables=variables,
        seeds=dict(seeds),
        commands=commands,
        timeout=float(timeout),
        inputs=inputs,
        outputs=outputs,
        tolerance=tolerance,
        segment=segment,
        raw=_jsonable(raw),
    )


def _variables(raw: Any, problems: _Problems) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.add("environment.variables", "must be a table of strings")
        return {}
    out: dict[str, str] = {}
    for name, value in raw.items():
        key = f"environment.variables.{_printable(name)}"
        if not _VARIABLE_NAME.fullmatch(name):
            problems.add(key, "not a valid variable name (letters, digits, _)")
        elif name in RESERVED_VARIABLES:
            problems.add(key, "is set by openness for isolation; a recipe may not change it")
        elif not isinstance(value, str):
            problems.add(key, "must be a string")
        elif "\0" in value or len(value.encode("utf-8", "surrogatepass")) > MAX_VARIABLE_BYTES:
            problems.add(key, f"must be a string without NUL of at most {MAX_VARIABLE_BYTES} bytes")
        else:
            out[name] = value
    return out
