"""openness: is this AI release open source, in which sense, and what would it take?"""

from __future__ import annotations

__version__ = "0.1.0"

# Version of the JSON report schema (docs/json-schema.md). Bump on any incompatible change.
SCHEMA_VERSION = "1.0"

__all__ = ["SCHEMA_VERSION", "__version__"]
