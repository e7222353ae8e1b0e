"""Evidence: from the inventory, the card and the licence results, the per-component picture."""

from __future__ import annotations

from openness.evidence.builder import build_evidence

__all__ = ["build_evidence"]
