"""What the index keeps in columns, taken from one JSON report document (pure, no I/O).

The full document is stored as it is; these are the few things people filter and sort on.
Every value is bounded here, once, so a hostile report (a 10 MB licence id, 100,000 findings)
cannot make the store's rows or indexes unbounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from openness.model import FindingKind, SourceKind

MAX_NAME = 300  # characters of a release name kept (hub ids are <= 96)
MAX_TERM = 200  # characters of one licence id / restriction kind / finding kind
MAX_TERMS = 200  # terms of one kind kept per audit
MAX_STATUS = 100  # characters of one framework status

# Keys of the report that change between two audits of the same content: left out of the digest.
_VOLATILE = ("generated_at", "elapsed_seconds", "tool")


class TermKind:
    """The kinds of indexed term (one table, one column naming the kind)."""

    LICENSE = "license"
    RESTRICTION = "restriction"
    FINDING = "finding"
    ALL = ("license", "restriction", "finding")


@dataclass(frozen=True)
class Verdict:
    framework: str
    status: str
    score: float | None = None
    mof_class: int | None = None


@dataclass(frozen=True)
class Summary:
    name: str
    source: str
    target: str
    revision: str
    digest: str
    files: int
    open_washing: bool
    verdicts: tuple[Verdict, ...]
    terms: tuple[tuple[str, str], ...]  # (kind, value), unique
    extra: dict[str, Any] = field(default_factory=dict)


def _bounded(text: Any, limit: int) -> str:
    return str(text)[:limit]


def digest(document: dict[str, Any]) -> str:
    """A content hash of what the audit saw and concluded, without the stamp, the timing or the
    place it was read from: two audits of the same content give the same digest."""
    stable = {k: v for k, v in document.items() if k not in _VOLATILE}
    target = dict(stable.get("target") or {})
    target.pop("input", None)
    stable["target"] = target
    text = json.dumps(stable, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def release_name(document: dict[str, Any]) -> str:
    """The release's name: the hub id when there is one, else the last part(s) of the target
    (a directory's name, ``org/repo`` of a git URL, a YAML file's stem)."""
    target = document.get("target") or {}
    hub = target.get("hub") or {}
    if hub.get("repo_id"):
        return _bounded(hub["repo_id"], MAX_NAME)
    raw = str(target.get("input") or "release").rstrip("/\\")
    kind = target.get("kind")
    if kind == SourceKind.GIT or re.match(r"^[a-z+]+://", raw) or raw.startswith("git@"):
        raw = re.sub(r"\.git$", "", raw)
        parts = [p for p in re.split(r"[/:]", raw) if p]
        return _bounded("/".join(parts[-2:]) or "release", MAX_NAME)
    if raw.startswith("hf:"):
        return _bounded(raw[3:].split("@", 1)[0] or "release", MAX_NAME)
    base = os.path.basename(raw) or raw
    if kind == SourceKind.MOF_YAML:  # a stored report: the kind as its JSON spells it
        base = re.sub(r"\.ya?ml$", "", base, flags=re.IGNORECASE)
    return _bounded(base or "release", MAX_NAME)


def summarise(document: dict[str, Any], *, name: str | None = None) -> Summary:
    target = document.get("target") or {}
    hub = target.get("hub") or {}
    content = digest(document)
    revision = hub.get("sha") or hub.get("revision") or f"sha256:{content[:16]}"
    verdicts = []
    for fid, a in sorted((document.get("assessments") or {}).items()):
        score = a.get("score")
        klass = a.get("class")
        verdicts.append(
            Verdict(
                framework=_bounded(fid, 64),
                status=_bounded(a.get("status", "unknown"), MAX_STATUS),
                score=None if isinstance(score, bool) or not isinstance(score, int | float) else float(score),
                mof_class=klass if isinstance(klass, int) and not isinstance(klass, bool) else None,
            )
        )
    terms: dict[tuple[str, str], None] = {}

    def add(kind: str, value: Any) -> None:
        if sum(1 for k, _ in terms if k == kind) < MAX_TERMS:
            terms[(kind, _bounded(value, MAX_TERM))] = None

    evidence = document.get("evidence") or {}
    for lic in evidence.get("licenses") or []:
        ids = [m.get("id") for m in lic.get("matches") or [] if m.get("id")]
        for i in ids or ["unknown"]:
            add(TermKind.LICENSE, i)
        for r in lic.get("restrictions") or []:
            add(TermKind.RESTRICTION, r.get("kind", "unknown"))
    findings = document.get("findings") or []
    for f in findings:
        add(TermKind.FINDING, f.get("kind", "unknown"))
    return Summary(
        name=_bounded(name, MAX_NAME) if name else release_name(document),
        source=_bounded(target.get("kind") or "unknown", 32),
        target=_bounded(target.get("input") or "", 2000),
        revision=_bounded(revision, 200),
        digest=content,
        files=int((document.get("inventory") or {}).get("files") or 0),
        open_washing=any(f.get("kind") == FindingKind.OPEN_WASHING for f in findings),
        verdicts=tuple(verdicts),
        terms=tuple(terms),
    )
