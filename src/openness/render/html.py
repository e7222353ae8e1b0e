"""The HTML report: one self-contained page a non-engineer can read.

What it shows, in reading order: the verdict of every framework at a glance (coloured by how it
stands, with the reason that decided it), the findings, then each framework with every criterion
and the evidence behind it (licence clauses quoted with their line numbers), what would have to
change, what was found, the licences with their restrictive clauses, and the notes.

Self-contained: CSS inline, no script, font, image or any other URL the page would fetch, so it
can be mailed, archived or opened offline and shows the same thing. A strict Content-Security-Policy
(no script at all) backs that up should anything slip through.

Release content is hostile (card fields, file names, licence texts), so the page is built from
Jinja2 templates (``templates/``) with autoescape on, never by string concatenation, and every
value any ``{{ }}`` prints first goes through ``safe.clean`` (the environment's ``finalize``):
control, bidi and invisible characters show as visible escapes, then autoescape makes ``< > & "``
entities. No template prints a value with ``|safe``.

API (also for the web index, which embeds the body in its own page):

- ``render_html(report)`` -> the whole page (``<!doctype html>`` ... ``</html>``);
- ``render_html(report, standalone=False)`` -> the report's ``<article class="openness-report">``
  fragment alone, no ``<style>``: the embedding page adds ``report_css()`` once in its head.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from openness import __version__
from openness.model import Assessment, Criterion, LicenseResult, Location, Outcome, Report, Restriction
from openness.render.common import (
    PRIMARY,
    SYMBOL,
    deciding_reason,
    file_count,
    headline,
    ordered,
    score_text,
    standing,
)
from openness.render.safe import clean

CLAUSE_MAX = 1200  # characters of one quoted licence clause (the clause is in the licence file)
EVIDENCE_SHOWN = 12  # locations listed under one criterion or finding before "+N more"
QUOTES_SHOWN = 8  # clauses quoted under one criterion
FIXES_SHOWN = 30  # fixes listed per framework
NOTES_SHOWN = 50  # report notes listed

# Words a non-engineer reads next to a verdict; the colour comes from the same standing.
STANDING_WORDS = {
    Outcome.PASS: "meets it",
    Outcome.PARTIAL: "partly",
    Outcome.FAIL: "does not meet it",
    Outcome.UNKNOWN: "cannot tell",
    Outcome.NOT_APPLICABLE: "a score",
}
OUTCOME_WORDS = {
    Outcome.PASS: "met",
    Outcome.PARTIAL: "partly met",
    Outcome.FAIL: "not met",
    Outcome.UNKNOWN: "unknown",
    Outcome.NOT_APPLICABLE: "not applicable",
}


def _finalize(value: Any) -> Any:
    """Every printed value: release text with unsafe code points made visible (autoescape follows)."""
    if value is None:
        return ""
    if isinstance(value, Markup):  # only the templates' own markup, never release content
        return value
    if isinstance(value, str):
        return clean(value)
    return value


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("openness.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def report_css() -> str:
    """The stylesheet the report's markup expects (inline it once in a page that embeds fragments)."""
    loader = _environment().loader
    assert loader is not None
    source, _, _ = loader.get_source(_environment(), "report.css")
    return source


def _loc(loc: Location) -> str:
    return str(loc)


def _locations(locs: Iterable[Location]) -> tuple[list[str], int]:
    items = [_loc(loc) for loc in locs]
    return items[:EVIDENCE_SHOWN], max(0, len(items) - EVIDENCE_SHOWN)


def _clause(r: Restriction) -> dict[str, Any]:
    text = r.text.strip()
    cut = len(text) > CLAUSE_MAX
    return {
        "kind": str(r.kind),
        "summary": r.summary,
        "where": _loc(r.location),
        "lines": _lines(r.location),
        "text": text[:CLAUSE_MAX] + ("…" if cut else ""),
        "freedoms": ", ".join(sorted(str(f) for f in r.freedoms)),
        "osd": ", ".join(str(n) for n in r.osd_criteria),
    }


def _lines(loc: Location) -> str:
    if not loc.lines:
        return ""
    a, b = loc.lines
    return f"line {a}" if a == b else f"lines {a}–{b}"


_Clauses = dict[tuple[str | None, tuple[int, int] | None], Restriction]


def _restrictions(report: Report) -> _Clauses:
    """Every restrictive clause by where it is, so a criterion citing that span can quote it."""
    out: _Clauses = {}
    for lic in report.evidence.licenses:
        for r in lic.restrictions:
            out.setdefault((r.location.path, r.location.lines), r)
    return out


def _criterion(c: Criterion, clauses: _Clauses) -> dict[str, Any]:
    shown, more = _locations(c.evidence)
    quoted = [
        _clause(clauses[(loc.path, loc.lines)]) for loc in c.evidence if (loc.path, loc.lines) in clauses
    ]
    return {
        "title": c.title,
        "outcome": str(c.outcome),
        "symbol": SYMBOL[c.outcome],
        "words": OUTCOME_WORDS[c.outcome],
        "detail": c.detail,
        "fix": c.fix if c.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE) else None,
        "evidence": shown,
        "more": more,
        "quotes": quoted[:QUOTES_SHOWN],
        "more_quotes": max(0, len(quoted) - QUOTES_SHOWN),
    }


def _assessment(a: Assessment, index: int, clauses: _Clauses) -> dict[str, Any]:
    stand = standing(a)
    return {
        "anchor": f"framework-{index}",  # never built from the (hostile) framework text
        "id": a.framework,
        "name": a.name,
        "version": a.version,
        "status": a.status,
        "headline": headline(a),
        "progress": score_text(a),
        "standing": str(stand),
        "symbol": "" if stand is Outcome.NOT_APPLICABLE else SYMBOL[stand],  # a score needs no mark
        "standing_words": STANDING_WORDS[stand],
        "reason": deciding_reason(a),
        "summary": a.summary,
        "criteria": [_criterion(c, clauses) for c in a.criteria],
        "fixes": list(a.fixes[:FIXES_SHOWN]),
        "more_fixes": max(0, len(a.fixes) - FIXES_SHOWN),
        "notes": list(a.notes),
        "open": a.framework == PRIMARY,
    }


def _license(lic: LicenseResult) -> dict[str, Any]:
    return {
        "where": _loc(lic.location),
        "kind": str(lic.kind),
        "expression": lic.expression or "",
        "matches": [
            {
                "id": m.id,
                "name": m.name,
                "score": f"{m.score:.0%}",
                "modified": m.modified,
                "osi": m.osi_approved,
                "lines": f"{m.lines[0]}–{m.lines[1]}" if m.lines else "",
            }
            for m in lic.matches
        ],
        "resembling": [m.name or m.id for m in lic.resembling],
        "osi": lic.osi_approved,
        "clauses": [_clause(r) for r in lic.restrictions],
        "notes": list(lic.notes),
    }


def _context(report: Report) -> dict[str, Any]:
    clauses = _restrictions(report)
    components = [
        {
            "name": str(ev.component),
            "status": str(ev.status),
            "detail": ev.detail,
            "where": _locations(ev.locations)[0],
            "licenses": "; ".join(
                (al.license.expression or (al.license.match.id if al.license.match else "unidentified"))
                + ("" if al.scope_certain else " (scope uncertain)")
                for al in ev.licenses
            ),
            "declared": ev.declared,
        }
        for ev in report.evidence.components.values()
    ]
    findings = []
    for f in report.findings:
        shown, more = _locations(f.locations)
        findings.append(
            {"kind": f.kind, "severity": f.severity, "message": f.message, "where": shown, "more": more}
        )
    notes = [
        {"level": n.level, "message": n.message, "where": _loc(n.location) if n.location else ""}
        for n in report.notes
    ]
    return {
        "target": report.target,
        "source_kind": report.source_kind,
        "files": file_count(report),
        "elapsed": f"{report.elapsed_seconds:.2f} s" if report.elapsed_seconds is not None else "",
        "version": __version__,
        "weights": report.evidence.summary,  # where the weights are, their terms, what was not inspected
        "assessments": [_assessment(a, i, clauses) for i, a in enumerate(ordered(report), 1)],
        "findings": findings,
        "components": components,
        "licenses": [_license(lic) for lic in report.evidence.licenses],
        "notes": notes[:NOTES_SHOWN],
        "more_notes": max(0, len(notes) - NOTES_SHOWN),
    }


def render_html(report: Report, *, standalone: bool = True) -> str:
    """The report as one self-contained HTML page, or (``standalone=False``) its body fragment."""
    env = _environment()
    context = _context(report)
    if not standalone:
        return env.get_template("report.html.j2").render(**context)
    return env.get_template("page.html.j2").render(**context)
