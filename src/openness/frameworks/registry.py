"""Framework registry: id -> module. Order here is the order of the comparison table."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, cast

from openness.errors import FrameworkError

if TYPE_CHECKING:  # the data model is imported by the frameworks themselves, when they run
    from openness.model import Assessment, Evidence, Outcome


class Framework(Protocol):
    ID: str
    NAME: str
    VERSION: str

    def assess(self, evidence: Evidence) -> Assessment: ...


REGISTRY: dict[str, str] = {
    "osaid": "openness.frameworks.osaid",
    "mof": "openness.frameworks.mof",
    "osai-index": "openness.frameworks.osai_index",
    "debian-ml": "openness.frameworks.debian_ml",
    "eu-ai-act": "openness.frameworks.eu_ai_act",
    "reproducibility": "openness.frameworks.reproducibility",
}


def known_ids() -> list[str]:
    return list(REGISTRY)


def get(framework_id: str) -> Framework:
    module_name = REGISTRY.get(framework_id)
    if module_name is None:
        raise FrameworkError(
            f"unknown framework {framework_id!r} (known: {', '.join(REGISTRY)})"
        )
    module: ModuleType = importlib.import_module(module_name)
    return cast(Framework, module)


def assess_all(evidence: Evidence, ids: Iterable[str] | None = None) -> dict[str, Assessment]:
    out: dict[str, Assessment] = {}
    for fid in ids or REGISTRY:
        out[fid] = get(fid).assess(evidence)
    return out


# --------------------------------------------------------------------------- what a reader sees first
# Each framework's rule for its headline, its progress and how good its verdict is, in one place, so
# no renderer tests a framework id. A framework module that sets ``Assessment.headline`` /
# ``progress`` itself wins; the rules below are the defaults until every module does.

# How each verdict stands at a glance (colour, badge): PASS = the framework's best answer, PARTIAL =
# a lower level or a partial answer, FAIL = does not qualify, UNKNOWN = the evidence could not tell.
# A framework absent here gives a score, not a verdict: NOT_APPLICABLE (shown neutral).
_STANDING: dict[str, dict[str, str]] = {
    "osaid": {
        "open-source-ai": "pass",
        "not-open-source-ai": "fail",
        "insufficient-evidence": "unknown",
    },
    "mof": {"class-1": "pass", "class-2": "partial", "class-3": "partial", "unclassified": "fail"},
    "debian-ml": {
        "free-model": "pass",
        "toxiccandy-model": "partial",
        "non-free-model": "fail",
        "insufficient-evidence": "unknown",
    },
    "eu-ai-act": {
        "exemption-may-apply": "pass",
        "exemption-does-not-apply": "fail",
        "insufficient-evidence": "unknown",
    },
    "reproducibility": {
        "reproducible-verified": "pass",
        "rebuildable": "partial",
        "partially-documented": "partial",
        "not-reproducible": "fail",
        "insufficient-evidence": "unknown",
    },
}


def headline(a: Assessment) -> str:
    """The one value a comparison shows for an assessment: a MOF class, else the status."""
    if a.headline:
        return a.headline
    if a.framework == "mof":
        cls = a.extra.get("class")
        return f"Class {cls}" if cls else "Unclassified"
    return a.status


def progress(a: Assessment) -> str:
    """How far the release is from the framework's next level, "" when the headline says it all."""
    from openness.model import Outcome

    if a.progress:
        return a.progress
    if a.framework == "osaid":  # a verdict, not a score: how far from passing instead
        judged = [c for c in a.criteria if c.outcome is not Outcome.NOT_APPLICABLE]
        met = sum(1 for c in judged if c.outcome is Outcome.PASS)
        return f"{met}/{len(judged)} met" if judged else ""
    if a.framework == "mof":
        done = a.extra.get("progress")
        if not isinstance(done, dict):
            return ""
        return " ".join(f"C{k}:{float(v):.0f}%" for k, v in sorted(done.items(), reverse=True))
    if a.framework == "osai-index":  # its headline is the score already
        return ""
    return "" if a.score is None else f"score {a.score:.2f}"


def standing(a: Assessment) -> Outcome:
    """How the verdict stands at a glance.

    A status the table does not know is UNKNOWN (never a pass); a framework that gives a score,
    not a verdict, is NOT_APPLICABLE.
    """
    from openness.model import Outcome

    table = _STANDING.get(a.framework)
    if table is None:
        return Outcome.NOT_APPLICABLE
    return Outcome(table.get(a.status, "unknown"))
