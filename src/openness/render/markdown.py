"""A Markdown report, for pull requests, issues and wikis."""

from __future__ import annotations

from openness.model import Report
from openness.render.common import (
    PRIMARY,
    SYMBOL,
    blocker,
    file_count,
    headline,
    interesting,
    ordered,
    score_text,
    where,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    out: list[str] = [f"# openness audit: `{report.target}`", ""]
    out.append(f"Source: {report.source_kind}, {file_count(report)} files.")
    out.append("")
    out += ["| framework | verdict | score | main blocker |", "|---|---|---|---|"]
    for a in ordered(report):
        out.append(f"| {a.framework} | **{headline(a)}** | {score_text(a)} | {_cell(blocker(a))} |")
    out.append("")
    for a in ordered(report):
        out.append(f"## {a.name}: {headline(a)}")
        out.append("")
        if a.summary:
            out += [a.summary, ""]
        crits = list(a.criteria) if a.framework == PRIMARY else interesting(a.criteria)
        if crits:
            out += ["| | criterion | outcome | why | evidence |", "|---|---|---|---|---|"]
            for c in crits:
                out.append(
                    f"| {SYMBOL[c.outcome]} | {_cell(c.title)} | {c.outcome} | {_cell(c.detail)} "
                    f"| {_cell(where(c.evidence))} |"
                )
            out.append("")
        if a.fixes:
            out.append("What would have to change:")
            out.append("")
            out += [f"{i}. {fix}" for i, fix in enumerate(a.fixes, 1)]
            out.append("")
    if report.findings:
        out += ["## Findings", ""]
        for f in report.findings:
            loc = where(f.locations, limit=4)
            out.append(f"- **{f.kind}** ({f.severity}): {f.message}" + (f" — {loc}" if loc else ""))
        out.append("")
    return "\n".join(out)
