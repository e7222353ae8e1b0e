"""Helpers shared by the human-readable renderers (text, Markdown)."""

from __future__ import annotations

from collections.abc import Iterable

from openness.frameworks import registry
from openness.model import Assessment, Criterion, Location, Outcome, Report

SYMBOL = {
    Outcome.PASS: "✓",
    Outcome.PARTIAL: "◐",
    Outcome.FAIL: "✗",
    Outcome.UNKNOWN: "?",
    Outcome.NOT_APPLICABLE: "–",
}

# Shown in detail first; the rest follow in registry order.
PRIMARY = "osaid"


def where(locations: Iterable[Location], limit: int = 3) -> str:
    locs = [str(loc) for loc in locations]
    if not locs:
        return ""
    more = f" (+{len(locs) - limit} more)" if len(locs) > limit else ""
    return ", ".join(locs[:limit]) + more


def headline(a: Assessment) -> str:
    """The one value a comparison table shows for an assessment (the framework's rule)."""
    return registry.headline(a)


def score_text(a: Assessment) -> str:
    """How far from the framework's next level ("3/11 met", "C3:80% ..."), "" when nothing to add."""
    return registry.progress(a)


def standing(a: Assessment) -> Outcome:
    """How the verdict stands at a glance: what colours it."""
    return registry.standing(a)


def blocker(a: Assessment) -> str:
    """The first criterion that keeps the assessment from its best outcome."""
    for wanted in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.PARTIAL):
        for c in a.criteria:
            if c.outcome == wanted:
                return f"{c.title}: {c.detail}"
    return ""


REASON_MAX = 160  # characters of the deciding reason in the verdicts block (the details follow)


def deciding_reason(a: Assessment, limit: int = REASON_MAX) -> str:
    """Why the verdict is what it is, in one sentence: the first blocker of a verdict short of the
    framework's best, else the framework's own summary (a pass, or a score with no blocker to name).

    Cut at ``limit`` characters on a word boundary with "…": the full text is in the details.
    """
    reason = ""
    if standing(a) not in (Outcome.PASS, Outcome.NOT_APPLICABLE):
        reason = blocker(a)
    reason = " ".join((reason or a.summary).split())
    if len(reason) <= limit:
        return reason
    cut = reason[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def ordered(report: Report) -> list[Assessment]:
    items = list(report.assessments.values())
    items.sort(key=lambda a: a.framework != PRIMARY)
    return items


def interesting(criteria: Iterable[Criterion]) -> list[Criterion]:
    """Criteria worth a line in a compact section: anything short of a pass."""
    return [c for c in criteria if c.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE)]


def file_count(report: Report) -> int:
    return len(report.inventory.items) if report.inventory is not None else 0
