"""Framework registry: id -> module. Order here is the order of the comparison table."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, cast

from openness.errors import FrameworkError

if TYPE_CHECKING:  # the data model is imported by the frameworks themselves, when they run
    from openness.model import Assessment, Evidence


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
