"""openness: is this AI release open source, in which sense, and what would it take?

The Python API (docs/api.md)::

    import openness

    report = openness.audit("path/to/release")          # or "hf:org/name", a git URL, a MOF YAML file
    report.assessments["osaid"].status                   # "open-source-ai", ...
    openness.identify_license(text).expression           # "Apache-2.0", ...

``import openness`` stays cheap (the CLI imports it on every run, tools import it to read
``__version__``): the API functions are attributes resolved on first use (PEP 562), so the pipeline,
the licence data and the hub client load only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Version of the JSON report schema (docs/json-schema.md): the minor number for added fields, the major
# number for a field removed, renamed or changed in meaning.
SCHEMA_VERSION = "1.2"

if TYPE_CHECKING:  # pragma: no cover
    from openness.api import audit, identify_license

__all__ = ["SCHEMA_VERSION", "__version__", "audit", "identify_license"]
_LAZY = frozenset({"audit", "identify_license"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from openness import api

        value = getattr(api, name)
        globals()[name] = value  # resolved once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
