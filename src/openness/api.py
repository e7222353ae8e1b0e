"""The Python API behind ``openness.audit`` and ``openness.identify_license`` (docs/api.md).

Thin, stable entry points over the pipeline and the licence engine, with keyword arguments
instead of the internal option objects, so callers do not depend on how the stages are wired.
"""

from __future__ import annotations

from collections.abc import Sequence

from openness.model import LicenseResult, Location, Report


def audit(
    target: str,
    *,
    frameworks: Sequence[str] | None = None,
    also: Sequence[str] = (),
    offline: bool = False,
    revision: str | None = None,
) -> Report:
    """Audit one release and return its ``Report`` (the data model of ``openness.model``).

    ``target``: a directory, ``hf:org/name[@rev]``, a git URL or a MOF YAML file; ``frameworks``:
    framework ids (``openness.frameworks.known_ids()``), all of them when None; ``also``: other
    places holding part of the same release; ``offline``: read caches only, no network.
    Raises ``openness.errors.OpennessError`` (a subclass per stage) for an unknown framework or a
    target that cannot be read; problems with single files are ``Note``s in the report.
    """
    from openness.errors import UsageError
    from openness.frameworks import known_ids
    from openness.pipeline import audit as run
    from openness.sources import SourceOptions

    if isinstance(frameworks, str):  # a lone id is a common slip: "osaid" is not ("o", "s", ...)
        frameworks = [frameworks]
    if frameworks is not None:
        unknown = [f for f in frameworks if f not in known_ids()]
        if unknown:
            raise UsageError(f"unknown framework(s): {', '.join(unknown)} (known: {', '.join(known_ids())})")
    if isinstance(also, str):
        also = [also]
    return run(target, frameworks=frameworks, options=SourceOptions(offline=offline, revision=revision),
               also=also)


def identify_license(text: str | bytes, *, path: str | None = None) -> LicenseResult:
    """Identify the licence(s) in a text: matches (SPDX ids, or ``LicenseRef-`` for others) with
    their line spans, the SPDX expression, and the clauses that restrict, with their lines.

    ``bytes`` are decoded as the audit decodes licence files (a binary is reported, not guessed);
    ``path`` only labels the locations in the result.
    """
    from openness.licenses.interface import analyze_bytes, analyze_text

    location = Location(path=path) if path else Location(key="text")
    if isinstance(text, bytes):
        return analyze_bytes(text, location)
    return analyze_text(text, location)
