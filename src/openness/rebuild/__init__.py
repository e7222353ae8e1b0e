"""``openness rebuild``: prove that a release's weights come out of its source, or show where they diverge.

A release carries a recipe (``openness-rebuild.toml``, see ``docs/rebuild.md``); :func:`rebuild` copies its
inputs into a fresh working directory, checks their hashes, builds the environment, runs the command with
a time limit, compares the outputs with the released files tensor by tensor and writes an in-toto
attestation.
"""

from __future__ import annotations

from openness.rebuild.attest import PREDICATE_TYPE, STATEMENT_TYPE
from openness.rebuild.recipe import RECIPE_NAME, Recipe, load_recipe
from openness.rebuild.result import RESULTS, RebuildResult
from openness.rebuild.runner import ATTESTATION_NAME, RebuildOptions, rebuild

__all__ = [
    "ATTESTATION_NAME",
    "PREDICATE_TYPE",
    "RECIPE_NAME",
    "RESULTS",
    "STATEMENT_TYPE",
    "RebuildOptions",
    "RebuildResult",
    "Recipe",
    "load_recipe",
    "rebuild",
]
