"""Re-export of ``openness.licenses.terms``, which owns every licence-freedom rule.

Kept so existing ``from openness.evidence.terms import ...`` lines (the evidence builder) keep
working; new code imports ``openness.licenses.terms``. No table or rule lives here.
"""

from __future__ import annotations

from openness.licenses.terms import (
    free_terms,
    implied_restrictions,
    license_id,
    osi_license,
    restrictions,
    restrictive,
)

__all__ = ["free_terms", "implied_restrictions", "license_id", "osi_license", "restrictions", "restrictive"]
