"""Frameworks: one pure module per framework, ``assess(evidence) -> Assessment``, no I/O.

A new framework is one module exposing ``ID``, ``NAME``, ``VERSION`` and ``assess``, and
one line in ``REGISTRY``; tests check every registered id works end to end.
"""

from __future__ import annotations

from openness.frameworks.registry import REGISTRY, assess_all, get, known_ids

__all__ = ["REGISTRY", "assess_all", "get", "known_ids"]
