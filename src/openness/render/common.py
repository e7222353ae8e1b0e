"""Helpers shared by the human-readable renderers (text, Markdown)."""

from __future__ import annotations

from collections.abc import Iterable

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
    """The one value a comparison table shows for an assessment."""
    if a.framework == "mof":
        cls = a.extra.get("class")
        return "Unclassified" if not cls else f"Class {cls}"
    return a.status


def score_text(a: Assessment) -> str:
    if a.framework == "osaid":  # a verdict, not a score: show how far from passing instead
        judged = [c for c in a.criteria if c.outcome is not Outcome.NOT_APPLICABLE]
        met = sum(1 for c in judged if c.outcome is Outcome.PASS)
        return f"{met}/{len(judged)} met" if judged else ""
    if a.framework == "mof":
        progress = a.extra.get("progress") or {}
        return " ".join(f"C{k}:{float(v):.0f}%" for k, v in sorted(progress.items(), reverse=True))
    return "" if a.score is None else f"{a.score:.2f}"


def blocker(a: Assessment) -> str:
    """The first criterion that keeps the assessment from its best outcome."""
    for wanted in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.PARTIAL):
        for c in a.criteria:
            if c.outcome == wanted:
                return f"{c.title}: {c.detail}"
    return ""


def ordered(report: Report) -> list[Assessment]:
    items = list(report.assessments.values())
    items.sort(key=lambda a: a.framework != PRIMARY)
    return items


def interesting(criteria: Iterable[Criterion]) -> list[Criterion]:
    """Criteria worth a line in a compact section: anything short of a pass."""
    return [c for c in criteria if c.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE)]


def file_count(report: Report) -> int:
    return len(report.inventory.items) if report.inventory is not None else 0
