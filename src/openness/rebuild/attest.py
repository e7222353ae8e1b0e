"""The rebuild attestation: an in-toto Statement v1 about the released weight files.

``subject`` names the released files the rebuild was compared with, by sha256; ``predicate`` says what
was run (the recipe), where (the environment) and what came out (result and per-tensor comparison).
It is unsigned: signing (DSSE, sigstore) is the release author's step; ``openness audit`` reads it as
reproducibility evidence and checks that its subjects match the files it sees.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openness.rebuild.recipe import Recipe
from openness.rebuild.result import RebuildResult

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://openness.dev/rebuild/v1"


def statement(result: RebuildResult, recipe: Recipe, started_at: datetime) -> dict[str, Any]:
    from openness import __version__

    subjects = [
        {"name": o.path, "digest": {"sha256": o.released_sha256 or o.expected_sha256}} for o in result.outputs
    ]
    if not subjects:  # nothing was compared (an input changed, a command failed): name what should have been
        if result.segment:
            end = str(result.segment["compare_with"])
            sha = (
                next((c.sha256 for c in recipe.segment.checkpoints if c.path == end), "")
                if recipe.segment
                else ""
            )
            subjects = [{"name": end, "digest": {"sha256": sha}}]
        else:
            subjects = [{"name": o.path, "digest": {"sha256": o.sha256}} for o in recipe.outputs]
    body = result.to_dict()
    predicate = {
        "builder": {"id": f"openness/{__version__}"},
        "recipe": {
            "path": recipe.path.name,
            "sha256": recipe.sha256,
            "content": recipe.raw,
        },
        "mode": result.mode,
        "segment": body["segment"],
        "result": result.result,
        "reason": result.reason,
        "cause": body["cause"],
        "inputs": body["inputs"],
        "outputs": body["outputs"],
        "environment": body["environment"],
        "metadata": {
            "started_on": started_at.isoformat(timespec="seconds"),
            "finished_on": datetime.now(UTC).isoformat(timespec="seconds"),
            "elapsed_seconds": result.elapsed_seconds,
        },
    }
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def write_attestation(
    result: RebuildResult, recipe: Recipe, path: Path, started_at: datetime, extra: Path | None = None
) -> RebuildResult:
    """Write the statement to ``path`` (and ``extra``); return the result naming where it is."""
    text = json.dumps(statement(result, recipe, started_at), indent=2, sort_keys=False) + "\n"
    path.write_text(text, encoding="utf-8")
    where = path
    if extra is not None:
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(text, encoding="utf-8")
        where = extra
    return dataclasses.replace(result, attestation=str(where))
