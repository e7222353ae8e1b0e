"""A README badge: one framework's verdict as a small SVG, coloured by how the verdict stands.

Which framework: ``render_badge(report, framework="mof")``; without one, OSAID when the report
assessed it, else the first framework assessed. So ``openness audit . --framework mof --format
badge`` gives the MOF badge with no badge-specific option. A framework the report did not assess
is a usage error (one line, exit 2), never a badge for something else.

The SVG comes from a Jinja2 template with autoescape (XML needs the same ``< > & "`` escaping),
and every printed value goes through ``safe.clean`` first, exactly as the HTML report does: a
verdict or framework name is release-influenced text (a MOF YAML target names its own release).
No script, link or external reference: it is shown in READMEs, often inlined.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from openness.errors import UsageError
from openness.model import Assessment, Outcome, Report
from openness.render.common import PRIMARY, headline, ordered, score_text, standing
from openness.render.safe import clean

TEXT_MAX = 40  # characters of the label or the message; longer text is cut with "…"
TITLE_MAX = 300  # characters of the tooltip / accessible name (framework name, verdict, progress)
# Shields.io's palette, by how the verdict stands (a score, not a verdict, is blue).
COLOUR = {
    Outcome.PASS: "#44cc11",
    Outcome.PARTIAL: "#dfb317",
    Outcome.FAIL: "#e05d44",
    Outcome.UNKNOWN: "#9f9f9f",
    Outcome.NOT_APPLICABLE: "#007ec6",
}
_NARROW = set("fijlrtI1.,:;|!'() -")
_WIDE = set("mwMW@%")


def _width(text: str) -> int:
    """An estimate of the text's width in Verdana 11 px; ``textLength`` makes the glyphs fit it."""
    w = 0.0
    for ch in text:
        w += 3.6 if ch in _NARROW else 9.5 if ch in _WIDE else 7.6 if ch.isupper() else 6.6
    return max(1, round(w))


def _short(text: str, limit: int = TEXT_MAX) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("openness.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=lambda v: clean(v) if isinstance(v, str) else v,
        keep_trailing_newline=True,
    )


def choose(report: Report, framework: str | None = None) -> Assessment:
    """The assessment a badge shows: the one named, else OSAID, else the first assessed."""
    if framework is not None:
        found = report.assessments.get(framework)
        if found is None:
            raise UsageError(
                f"badge: framework {clean(framework)!r} was not assessed "
                f"(assessed: {', '.join(clean(k) for k in report.assessments) or 'none'})"
            )
        return found
    if PRIMARY in report.assessments:
        return report.assessments[PRIMARY]
    items = ordered(report)
    if not items:
        raise UsageError("badge: the report assessed no framework")
    return items[0]


def render_badge(report: Report, *, framework: str | None = None) -> str:
    a = choose(report, framework)
    label, message = _short(a.framework), _short(headline(a))
    progress = score_text(a)
    title = _short(f"{a.name}: {headline(a)}" + (f" ({progress})" if progress else ""), TITLE_MAX)
    lw, rw = _width(label), _width(message)
    left, right = lw + 10, rw + 10
    return _environment().get_template("badge.svg.j2").render(
        label=label,
        message=message,
        title=title,
        colour=COLOUR[standing(a)],
        width=left + right,
        left=left,
        right=right,
        left_mid=left / 2,
        right_mid=left + right / 2,
        left_text=lw,
        right_text=rw,
    )
