"""The MOF YAML source: a Model Openness Framework record (as MOT stores one) as a snapshot.

The snapshot has no files; ``declared`` holds the parsed document, which the evidence stage
turns into declared component evidence and the ``mof`` framework evaluates as MOT does.
The file is hostile input: it goes through the package's one bounded YAML loader
(``openness.safe_yaml``: size, depth and alias-expanded node count checked before anything is
built, only plain data built, dates kept as text), and every problem with it is reported at
once, naming the user's keys.
What MOT's schema (``schema/mof_schema.json``) requires is an error; what MOT would merely
reject or read oddly (an unknown enum value, an unknown component name) is a warning note.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openness import safe_io
from openness.errors import SourceError
from openness.frameworks import mof_catalog as cat
from openness.model import Location, Note, NoteKind, NoteLevel, Snapshot, SourceKind
from openness.safe_yaml import YamlError, YamlLimits, YamlProblem, load_yaml
from openness.sources.interface import SourceOptions

MAX_BYTES = 1024 * 1024  # real MOT records are a few KB
MAX_NODES = 20_000  # nodes once aliases expand, so a "billion laughs" record is refused
MAX_DEPTH = 32
LIMITS = YamlLimits(MAX_BYTES, MAX_DEPTH, MAX_NODES)

_ENUMS = {
    "type": ("", "language", "vision", "image", "audio", "video", "3d", "code", "multimodal", "other"),
    "architecture": (
        "", "transformer", "transformer decoder", "transformer encoder-decoder", "decoder", "encoder",
        "diffusion", "RNN", "CNN", "LSTM", "NeRF", "hybrid", "undisclosed", "other",
    ),
    "treatment": ("pre-trained", "instruct fine-tuned", "chat fine-tuned"),
}  # fmt: skip
_COMPONENT_STRINGS = ("name", "description", "license", "license_path", "component_path")


def open_snapshot(target: str, options: SourceOptions) -> Snapshot:
    """Read ``target`` (a MOF YAML file) into a snapshot of kind ``mof-yaml``."""
    document = load(Path(target))
    notes = tuple(Note(NoteLevel.WARNING, msg, Location(path=Path(target).name, key=key, declared=True),
                       NoteKind.MALFORMED)  # read, but not what the MOF schema requires
                  for key, msg in check(document, strict=True))
    return Snapshot(target=target, kind=SourceKind.MOF_YAML, files=(), declared=document, notes=notes)


def load(path: Path) -> dict[str, Any]:
    """Parse a MOF YAML file, bounded; raise one-line ``SourceError`` when it is unusable."""
    try:
        raw = safe_io.read_regular(path, MAX_BYTES + 1)[0]  # never blocks on a FIFO swapped in
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_BYTES:
        raise SourceError(f"{path}: larger than {MAX_BYTES // 1024} KB, not a MOF record")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    return parse_text(text, str(path))


def parse_text(text: str, name: str = "MOF record") -> dict[str, Any]:
    """A MOF record's text -> the parsed, schema-checked document; raises ``SourceError`` (one
    line, starting with ``name``) and nothing else. The plain entry point of this parser for
    fuzzing; ``load`` is it plus a bounded file read."""
    try:
        document = load_yaml(text, LIMITS)
    except YamlError as exc:
        raise SourceError(f"{name}: {_refusal(exc)}") from None
    if not isinstance(document, dict):
        raise SourceError(f"{name}: not a MOF record (expected a mapping with 'framework' and 'release')")
    errors = [f"{key}: {msg}" for key, msg in check(document, strict=False)]
    if errors:
        raise SourceError(f"{name}: not a valid MOF record: " + "; ".join(errors))
    return document


def _refusal(exc: YamlError) -> str:
    if exc.problem is YamlProblem.TOO_LARGE:
        return f"larger than {MAX_BYTES // 1024} KB, not a MOF record"
    if exc.problem is YamlProblem.TOO_DEEP:
        return f"nested deeper than {MAX_DEPTH} levels, not a MOF record"
    if exc.problem is YamlProblem.TOO_MANY_NODES:
        return f"more than {MAX_NODES} YAML nodes (aliases expanded), not a MOF record"
    return str(exc)  # "invalid YAML at line N: ..."


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def check(document: Mapping[str, Any], *, strict: bool) -> list[tuple[str, str]]:
    """Problems with a parsed MOF record as (key, message) pairs.

    ``strict=False``: what makes the record unusable (MOT's schema requirements).
    ``strict=True``: what MOT would reject or read oddly although we can evaluate it.
    """
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    framework = document.get("framework")
    if framework is None:
        errors.append(("framework", "missing"))
    elif not isinstance(framework, Mapping):
        errors.append(("framework", f"must be a mapping, got {_type(framework)}"))
    else:
        if framework.get("name") != cat.FRAMEWORK_NAME:
            got = framework.get("name")
            errors.append(("framework.name", f"must be {cat.FRAMEWORK_NAME!r}, got {got!r}"))
        for key in ("version", "date"):
            if not isinstance(framework.get(key), str):
                warnings.append((f"framework.{key}", "missing or not a string (MOT's schema requires it)"))
    release = document.get("release")
    if release is None:
        errors.append(("release", "missing"))
    elif not isinstance(release, Mapping):
        errors.append(("release", f"must be a mapping, got {_type(release)}"))
    else:
        _check_release(release, errors, warnings)
    return warnings if strict else errors


def _check_release(
    release: Mapping[str, Any], errors: list[tuple[str, str]], warnings: list[tuple[str, str]]
) -> None:
    name = release.get("name")
    if not isinstance(name, str) or not name.strip():
        what = "missing or empty" if name in (None, "") else f"must be a string, got {_type(name)}"
        errors.append(("release.name", what))
    producer = release.get("producer")
    if not isinstance(producer, str):
        what = "missing" if producer is None else f"must be a string, got {_type(producer)}"
        errors.append(("release.producer", what))
    license_block = release.get("license")
    if not isinstance(license_block, Mapping):
        what = "missing" if license_block is None else f"must be a mapping, got {_type(license_block)}"
        errors.append(("release.license", what + " (use {} for none)"))
    else:
        for scope, value in license_block.items():
            key = f"release.license.{scope}"
            if not isinstance(value, Mapping):
                errors.append((key, f"must be a mapping with name and path, got {_type(value)}"))
                continue
            for field in ("name", "path"):
                if value.get(field) is not None and not isinstance(value.get(field), str):
                    errors.append((f"{key}.{field}", f"must be a string, got {_type(value.get(field))}"))
    for key, allowed in _ENUMS.items():
        value = release.get(key)
        if value is not None and value not in allowed:
            accepted = ", ".join(map(repr, allowed))
            warnings.append((f"release.{key}", f"{value!r} is not one MOT accepts ({accepted})"))
    components = release.get("components")
    if not isinstance(components, list):
        what = "missing" if components is None else f"must be a list, got {_type(components)}"
        errors.append(("release.components", what))
        return
    if len(components) > len(cat.CATALOG):
        count = len(components)
        errors.append(("release.components", f"{count} entries; MOT allows at most {len(cat.CATALOG)}"))
    for index, entry in enumerate(components):
        key = f"release.components[{index}]"
        if not isinstance(entry, Mapping):
            errors.append((key, f"must be a mapping, got {_type(entry)}"))
            continue
        for field in _COMPONENT_STRINGS:
            value = entry.get(field)
            if field == "name" and value is None:
                errors.append((f"{key}.name", "missing"))
            elif field == "license" and "license" in entry and value is None:
                warnings.append((f"{key}.license", "empty: read as unlicensed (MOT's schema wants a string)"))
            elif value is not None and not isinstance(value, str):
                errors.append((f"{key}.{field}", f"must be a string, got {_type(value)}"))
        name = entry.get("name")
        if isinstance(name, str) and name not in cat.BY_NAME:
            warnings.append(
                (f"{key}.name", f"{name!r} is not a MOF component name; MOT files it under Datasets")
            )
