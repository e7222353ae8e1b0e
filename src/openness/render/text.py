"""The terminal report (rich): the verdict of every framework first, one line each with the reason
that decided it, then the OSAID verdict in detail, the other frameworks compactly, findings and notes.

``render_text(report, summary=True)`` stops after the verdicts (``audit --summary``).
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from openness.model import Assessment, NoteLevel, Outcome, Report
from openness.render.common import (
    PRIMARY,
    SYMBOL,
    deciding_reason,
    file_count,
    headline,
    interesting,
    ordered,
    score_text,
    standing,
    where,
)
from openness.render.safe import clean

STYLE = {
    Outcome.PASS: "green",
    Outcome.PARTIAL: "yellow",
    Outcome.FAIL: "red",
    Outcome.UNKNOWN: "magenta",
    Outcome.NOT_APPLICABLE: "dim",
}
NOTES_SHOWN = 10  # report-level warnings shown in the terminal; the rest are in --format json

# How a verdict is coloured, from how it stands (frameworks.registry.standing); a score is neutral.
VERDICT_STYLE = {
    Outcome.PASS: "bold green",
    Outcome.PARTIAL: "bold yellow",
    Outcome.FAIL: "bold red",
    Outcome.UNKNOWN: "bold magenta",
    Outcome.NOT_APPLICABLE: "bold cyan",
}


def _status_style(a: Assessment) -> str:
    return VERDICT_STYLE[standing(a)]


def _rows(console: Console, rows: list[tuple[Text, Text]], indent: int = 0) -> None:
    """Two-column rows (a marker, then a body): wrapped text keeps its indent."""
    if not rows:
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=max(2, max(len(m) for m, _ in rows)), justify="right")
    grid.add_column(ratio=1)
    for marker, body in rows:
        grid.add_row(marker, body)
    console.print(Padding(grid, (0, 0, 0, indent)))


def _t(text: str, style: str = "") -> Text:
    """A cell or line of report text: rich ``Text`` (so markup in it stays literal), cleaned.

    Every string taken from the report goes through here or through ``clean``: any of them may
    carry release content (a file name, a card field, a licence name) with terminal escapes.
    """
    return Text(clean(text), style=style)


def _criteria(console: Console, a: Assessment, *, all_criteria: bool) -> None:
    crits = list(a.criteria) if all_criteria else interesting(a.criteria)
    rows: list[tuple[Text, Text]] = []
    for c in crits:
        body = Text()
        body.append(clean(c.title), style="bold")
        body.append(f"  {c.outcome}", style=STYLE[c.outcome])
        body.append(f" — {clean(c.detail)}")
        loc = where(c.evidence)
        if loc:
            body.append(f"\n↳ {clean(loc)}", style="dim")
        rows.append((Text(SYMBOL[c.outcome], style=STYLE[c.outcome]), body))
    _rows(console, rows)


def _section(console: Console, a: Assessment, *, detailed: bool) -> None:
    title = Text()
    title.append(f"{clean(a.name)}: ", style="bold")
    title.append(clean(headline(a).upper() if detailed else headline(a)), style=_status_style(a))
    if score_text(a):
        title.append(f"  ({clean(score_text(a))})", style="dim")
    console.print(title)
    if a.summary:
        _rows(console, [(Text(""), _t(a.summary, "italic"))])
    _criteria(console, a, all_criteria=detailed)
    if a.fixes:
        console.print(Text("  What would have to change:", style="bold"))
        limit = len(a.fixes) if detailed else 3
        _rows(console, [(Text(f"{i}."), _t(fix)) for i, fix in enumerate(a.fixes[:limit], 1)], indent=2)
        if len(a.fixes) > limit:
            console.print(Text(f"    … {len(a.fixes) - limit} more (see --format json)", style="dim"))
    _rows(console, [(Text("note", style="dim"), _t(note, "dim")) for note in a.notes[:3]], indent=1)
    console.print()


def _verdicts(console: Console, report: Report) -> None:
    """One line per framework (wrapped, never cut): mark, id, verdict, progress, deciding reason."""
    console.print(Text("Verdicts", style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, justify="right", no_wrap=True)
    ids = [clean(a.framework) for a in ordered(report)]
    grid.add_column(no_wrap=True, min_width=max(len(i) for i in ids))
    grid.add_column(ratio=1, overflow="fold")
    for a, fid in zip(ordered(report), ids, strict=True):
        stand = standing(a)
        body = Text()
        body.append(clean(headline(a)), style=_status_style(a))
        progress = score_text(a)
        if progress:
            body.append(f" ({clean(progress)})", style="dim")
        reason = deciding_reason(a)
        if reason:
            body.append(f" — {clean(reason)}")
        grid.add_row(Text(SYMBOL[stand], style=_status_style(a)), Text(fid, style="bold"), body)
    console.print(grid)
    console.print()


def render_text(report: Report, *, summary: bool = False, color: bool = False, width: int = 110) -> str:
    """The terminal report; ``summary`` keeps only the heading and the verdicts block."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=False,
    )
    head = Text()
    head.append("openness audit ", style="bold")
    head.append(clean(report.target))
    head.append(f"  ({clean(report.source_kind)}, {file_count(report)} files", style="dim")
    if report.elapsed_seconds is not None:
        head.append(f", {report.elapsed_seconds:.2f} s", style="dim")
    head.append(")", style="dim")
    console.print(head)
    if report.evidence.summary:  # one line: where the weights are, under which terms, what was not seen
        console.print(_t(report.evidence.summary))
    console.print()
    if report.assessments:
        _verdicts(console, report)
    if summary:
        return _finish(buf)

    for a in ordered(report):
        _section(console, a, detailed=a.framework == PRIMARY)

    if report.findings:
        console.print(Text("Findings", style="bold"))
        rows: list[tuple[Text, Text]] = []
        for f in report.findings:
            sev = {"high": "red", "medium": "yellow"}.get(f.severity, "dim")
            body = Text()
            body.append(f"[{clean(f.severity)}] {clean(f.kind)}", style=sev)
            body.append(f": {clean(f.message)}")
            loc = where(f.locations, limit=4)
            if loc:
                body.append(f"\n↳ {clean(loc)}", style="dim")
            rows.append((Text("•", style=sev), body))
        _rows(console, rows)
        console.print()

    problems = [n for n in report.notes if n.level in (NoteLevel.WARNING, NoteLevel.ERROR)]
    if problems:
        console.print(Text(f"Notes ({len(problems)})", style="bold"))
        rows = []
        for n in problems[:NOTES_SHOWN]:
            loc = f" [{n.location}]" if n.location else ""
            rows.append((Text(""), _t(f"{n.level}: {n.message}{loc}", "dim")))
        _rows(console, rows)
        if len(problems) > NOTES_SHOWN:
            console.print(Text(f"    … {len(problems) - NOTES_SHOWN} more (see --format json)", style="dim"))
        console.print()
    return _finish(buf)


def _finish(buf: io.StringIO) -> str:
    # rich pads grid cells to the full width; trailing blanks only get in the way of copy and diff.
    text = "\n".join(line.rstrip() for line in buf.getvalue().splitlines()).rstrip("\n")
    return text + "\n"
