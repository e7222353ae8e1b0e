"""What a rebuild found: one overall result, per-output and per-tensor comparisons, the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openness.rebuild.compare import TensorDiff

IDENTICAL = "identical"
WITHIN_TOLERANCE = "within-tolerance"
DIVERGED = "diverged"
FAILED = "failed"
RESULTS = (IDENTICAL, WITHIN_TOLERANCE, DIVERGED, FAILED)


@dataclass(frozen=True)
class InputCheck:
    path: str
    expected_sha256: str
    actual_sha256: str | None  # None: missing

    @property
    def ok(self) -> bool:
        return self.expected_sha256 == self.actual_sha256

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "expected_sha256": self.expected_sha256,
            "actual_sha256": self.actual_sha256,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class OutputResult:
    path: str  # release-relative path of the released file it is compared with
    status: str  # identical | within-tolerance | diverged | failed
    expected_sha256: str
    rebuilt_sha256: str | None
    released_sha256: str | None  # of the file in the release, when it is there
    detail: str
    tensors: tuple[TensorDiff, ...] = ()
    copied_from: str | None = None  # the readable file whose bytes the output equals: refused

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "status": self.status,
            "detail": self.detail,
            "expected_sha256": self.expected_sha256,
            "rebuilt_sha256": self.rebuilt_sha256,
            "released_sha256": self.released_sha256,
            "tensors": [t.to_dict() for t in self.tensors],
        }
        if self.copied_from is not None:
            d["copied_from"] = self.copied_from
        return d


@dataclass(frozen=True)
class RebuildResult:
    target: str
    mode: str  # "full" | "segment"
    result: str  # one of RESULTS
    reason: str  # one line: why this result
    cause: Mapping[str, Any] = field(default_factory=dict)  # machine-readable cause of divergence/failure
    inputs: tuple[InputCheck, ...] = ()
    outputs: tuple[OutputResult, ...] = ()
    environment: Mapping[str, Any] = field(default_factory=dict)
    segment: Mapping[str, Any] | None = None
    recipe: str | None = None
    workdir: str | None = None
    log: str | None = None
    attestation: str | None = None
    elapsed_seconds: float | None = None

    @property
    def verified(self) -> bool:
        return self.result in (IDENTICAL, WITHIN_TOLERANCE)

    def to_dict(self) -> dict[str, Any]:
        from openness import __version__

        return {
            "schema_version": "1.0",
            "tool": {"name": "openness", "version": __version__},
            "target": self.target,
            "mode": self.mode,
            "result": self.result,
            "reason": self.reason,
            "cause": dict(self.cause),
            "segment": dict(self.segment) if self.segment else None,
            "inputs": [i.to_dict() for i in self.inputs],
            "outputs": [o.to_dict() for o in self.outputs],
            "environment": dict(self.environment),
            "recipe": self.recipe,
            "workdir": self.workdir,
            "log": self.log,
            "attestation": self.attestation,
            "elapsed_seconds": self.elapsed_seconds,
        }
