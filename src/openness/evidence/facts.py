"""Facts read from artifacts: parameter counts from weight headers, pinned dependency
versions from manifests, random seeds from configs and code, container base images."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

from openness import lazy_re
from openness.model import Classified, CodeRole, Fact, Inventory, Location, Note, NoteKind, NoteLevel, Role

_SEED_CONFIG = lazy_re.compile(r"""^\s*["']?(?:[\w.]*_)?seed["']?\s*[:=]\s*["']?(\d{1,12})\b""", re.I | re.M)
_SEED_CODE = lazy_re.compile(
    r"\b(?:set_seed|manual_seed(?:_all)?|seed_everything|np\.random\.seed|random\.seed|PRNGKey|"
    r"tf\.random\.set_seed|set_random_seed)\s*\(\s*(\d+)?|--seed\b"
)
_FROM = lazy_re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.I | re.M)
_LOCK_NAMES = (
    "uv.lock",
    "poetry.lock",
    "pipfile.lock",
    "pdm.lock",
    "conda-lock.yml",
    "package-lock.json",
    "cargo.lock",
)
MAX_SCANNED = 60  # seed scans: files read per release (32 KB each)

Read = Callable[[str, int], str | None]


def weights_parameters(items: Iterable[Classified]) -> Fact | None:
    """Parameters of the final weights. The same model shipped in two formats is counted once."""
    by_format: dict[str, tuple[int, str]] = {}
    for it in items:
        w = it.weights
        if w is None or not w.parameters:
            continue
        total, first = by_format.get(str(w.format), (0, it.entry.path))
        by_format[str(w.format)] = (total + w.parameters, first)
    if not by_format:
        return None
    fmt, (count, path) = max(by_format.items(), key=lambda kv: kv[1][0])
    return Fact("parameters", count, Location(path, key=f"weights:{fmt}"))


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def seeds(inventory: Inventory, read: Read) -> list[Fact]:
    out: list[Fact] = []
    configs = inventory.by_role(Role.CONFIG, Role.TRAINING_CONFIG)
    # Seeds are set where training starts: training code and configs (bounded reads).
    code = [i for i in inventory.by_role(Role.CODE, Role.NOTEBOOK) if CodeRole.TRAINING in i.code_roles]
    for it in (list(configs) + code)[:MAX_SCANNED]:
        text = read(it.entry.path, 32 * 1024)
        if not text or "seed" not in text.lower():
            continue
        rx = _SEED_CONFIG if it.role in (Role.CONFIG, Role.TRAINING_CONFIG) else _SEED_CODE
        m = rx.search(text)
        if m:
            value: object = int(m.group(1)) if m.group(1) else "set in code"
            ln = line_of(text, m.start())
            out.append(Fact("random_seed", value, Location(it.entry.path, (ln, ln))))
    return out


def dependencies(items: Iterable[Classified], read: Read, notes: list[Note]) -> list[Fact]:
    """One fact per manifest: how many requirements it names and how many are pinned (==)."""
    out: list[Fact] = []
    for it in items:
        path = it.entry.path
        name = posixpath.basename(path).lower()
        if name in _LOCK_NAMES or name.endswith(".lock"):
            out.append(
                Fact(
                    "pinned_dependencies",
                    {"file": path, "lock": True, "pinned": None, "total": None},
                    Location(path),
                )
            )
            continue
        text = read(path, 256 * 1024)
        if text is None:
            message = f"{path}: dependency manifest unreadable"
            notes.append(Note(NoteLevel.WARNING, message, Location(path), NoteKind.UNREADABLE))
            continue
        reqs = _requirements(name, text)
        if reqs is None:
            continue
        pinned = sum(1 for r in reqs if _pinned(r))
        out.append(
            Fact(
                "pinned_dependencies",
                # the lines themselves (bounded) for bills of materials' dependency lists
                {"file": path, "lock": False, "pinned": pinned, "total": len(reqs),
                 "requirements": [str(r)[:200] for r in reqs[:MAX_REQUIREMENTS_KEPT]]},
                Location(path),
            )
        )
    return out


MAX_REQUIREMENTS_KEPT = 500  # requirement lines kept per manifest (bills of materials list them)


def _requirements(name: str, text: str) -> list[str] | None:
    if name.endswith((".txt", ".in")) or name.startswith("requirements"):
        lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
        return [ln for ln in lines if ln and not ln.startswith(("-", "git+", "http"))]
    if name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None
        project = data.get("project", {})
        deps = list(project.get("dependencies", []) or [])
        for extra in (project.get("optional-dependencies", {}) or {}).values():
            deps.extend(extra or [])
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}) or {}
        for k, v in poetry.items():
            if k != "python":
                deps.append(f"{k}=={v}" if isinstance(v, str) and re.match(r"^\d", v) else k)
        return [d for d in deps if isinstance(d, str)]
    if name.endswith((".yml", ".yaml")):  # conda environment
        deps = re.findall(r"^\s*-\s+([A-Za-z0-9_.\-\[\]]+(?:\s*[=<>!~]=?\s*[\w.*+\-]+)?)\s*$", text, re.M)
        return [d.replace(" ", "") for d in deps]
    if name in ("setup.py", "setup.cfg"):
        return (
            re.findall(
                r"""["']([A-Za-z0-9_.\-\[\]]+\s*(?:[=<>!~]=?[^"',]*)?)["']""",
                _between(text, "install_requires"),
            )
            or None
        )
    return None


def _between(text: str, marker: str) -> str:
    i = text.find(marker)
    return text[i : i + 4000] if i >= 0 else ""


# The plain shapes of nearly every requirement line: a name with optional extras, optionally one
# operator and a version, optionally an environment marker after ";". Decided here because importing
# packaging.requirements costs ~20 ms (it pulls in platform, subprocess and logging) on every audit
# with a manifest, and a lock file exported by uv or pip-compile has hundreds of marker lines
# (open-instruct: 363). Whether a line pins its version does not depend on its marker, which is not
# parsed; anything else the shapes below do not settle goes to packaging's PEP 508 parser.
_SIMPLE_REQ = lazy_re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._\-]*\s*(?:\[[A-Za-z0-9._,\s\-]*\]\s*)?"
    r"(?:(===?|~=|!=|[<>]=?)\s*([A-Za-z0-9.*+!\-_]+))?\s*(?:;.*)?$"
)


# Two more shapes that can never pin, decided without the parser for the same reason (h2ogpt's and
# open-instruct's requirements each have a handful, and one such line cost the import): a URL
# requirement ("name @ url": PEP 508 gives it no version specifier) and several specifiers of which
# one is not ==/=== (the parser's set then holds that one, so never exactly one == specifier). A
# line the parser would reject is unpinned too, so neither shape needs to be valid PEP 508.
_URL_REQ = lazy_re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*\s*(?:\[[A-Za-z0-9._,\s\-]*\]\s*)?@")
_SPEC = r"(?:===?|~=|!=|[<>]=?)\s*[A-Za-z0-9.*+!\-_]+\s*"
_MULTI_REQ = lazy_re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._\-]*\s*(?:\[[A-Za-z0-9._,\s\-]*\]\s*)?"
    rf"{_SPEC}(?:,\s*{_SPEC})+(?:;.*)?$"
)
_NOT_PINNING_OP = lazy_re.compile(r"~=|!=|[<>]")


def _pinned(req: str) -> bool:
    conda = re.match(r"^[\w.\-]+=(?!=)[\w.]+", req)  # conda "pkg=1.2"
    if conda:
        return True
    line = req.strip()
    simple = _SIMPLE_REQ.match(line)
    if simple:
        op, version = simple.groups()
        return op in ("==", "===") and "*" not in (version or "*")
    if _URL_REQ.match(line):
        return False
    multi = _MULTI_REQ.match(line)
    if multi and _NOT_PINNING_OP.search(line.split(";", 1)[0]):
        return False
    return _pep508_pinned(req)


def _pep508_pinned(req: str) -> bool:
    """The PEP 508 parser's answer (packaging): the reference the shortcuts above agree with."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        r = Requirement(req)
    except InvalidRequirement:
        return False
    specs = list(r.specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version


def containers(items: Iterable[Classified], read: Read) -> list[Fact]:
    out: list[Fact] = []
    for it in items:
        text = read(it.entry.path, 64 * 1024)
        if not text:
            continue
        m = _FROM.search(text)
        if m:
            ln = line_of(text, m.start())
            out.append(Fact("container_base", m.group(1), Location(it.entry.path, (ln, ln))))
    return out
