"""A Markdown report, for pull requests, issues and wikis.

Every string taken from the report goes through ``md`` (``render.safe.markdown``): any of them may
carry release content (a file name, a card field, a licence name), and a viewer that renders HTML
or follows links must see it as text, unable to open a tag, a link, a code span or a table cell,
or to start a line of its own. The report's own structure is written here, around it.
"""

from __future__ import annotations

from openness.model import Report
from openness.render.common import (
    PRIMARY,
    SYMBOL,
    deciding_reason,
    file_count,
    headline,
    interesting,
    ordered,
    score_text,
    where,
)
from openness.render.safe import markdown as md


def render_markdown(report: Report) -> str:
    out: list[str] = [f"# openness audit: {md(report.target)}", ""]
    out.append(f"Source: {md(report.source_kind)}, {file_count(report)} files.")
    out.append("")
    out += ["| framework | verdict | progress | deciding reason |", "|---|---|---|---|"]
    for a in ordered(report):
        out.append(
            f"| {md(a.framework)} | **{md(headline(a))}** | {md(score_text(a))} | {md(deciding_reason(a))} |"
        )
    out.append("")
    for a in ordered(report):
        out.append(f"## {md(a.name)}: {md(headline(a))}")
        out.append("")
        if a.summary:
            out += [md(a.summary), ""]
        crits = list(a.criteria) if a.framework == PRIMARY else interesting(a.criteria)
        if crits:
            out += ["| | criterion | outcome | why | evidence |", "|---|---|---|---|---|"]
            for c in crits:
                out.append(
                    f"| {SYMBOL[c.outcome]} | {md(c.title)} | {c.outcome} | {md(c.detail)} "
                    f"| {md(where(c.evidence))} |"
                )
            out.append("")
        if a.fixes:
            out.append("What would have to change:")
            out.append("")
            out += [f"{i}. {md(fix)}" for i, fix in enumerate(a.fixes, 1)]
            out.append("")
    if report.findings:
        out += ["## Findings", ""]
        for f in report.findings:
            loc = where(f.locations, limit=4)
            out.append(
                f"- **{md(f.kind)}** ({md(f.severity)}): {md(f.message)}" + (f" — {md(loc)}" if loc else "")
            )
        out.append("")
    return "\n".join(out)
