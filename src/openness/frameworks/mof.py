"""Model Openness Framework 1.0, classified exactly as the Model Openness Tool (MOT) does.

The record (a MOF YAML's ``release``, or the one built from the release's artifacts) goes
through a port of MOT's evaluator (``mof_evaluator``); this module turns the result into one
criterion per component, fixes that would raise the class, and notes where a plain reading of
non-SPDX licence strings would change the result. Rules: ``docs/frameworks/mof.md``.
"""

from __future__ import annotations

from openness.frameworks import mof_catalog as cat
from openness.frameworks.mof_evaluator import MofResult, evaluate
from openness.frameworks.mof_record import Record, is_placeholder, plain_reading, plainly_read, record_for
from openness.model import Assessment, Criterion, Evidence, Outcome

ID = "mof"
NAME = "Model Openness Framework"
VERSION = cat.FRAMEWORK_VERSION

# Criteria order: by class (III, II, I), required before optional, catalogue order within.
ORDER: tuple[int, ...] = tuple(
    c.id
    for cls in (3, 2, 1)
    for req in (True, False)
    for c in cat.CATALOG
    if c.mof_class == cls and c.required == req
)


def status_of(result: MofResult) -> str:
    return f"class-{result.classification}" if result.classification else "unclassified"


def progress_dict(result: MofResult) -> dict[str, float]:
    """Progress keyed "1", "2", "3" (JSON keys), values as MOT computes them."""
    return {str(c): result.progress[c] for c in (1, 2, 3)}


def assess(evidence: Evidence) -> Assessment:
    record = record_for(evidence)
    result = evaluate(record.release)
    extra: dict[str, object] = {
        "class": result.classification,
        "label": result.label,
        "progress": progress_dict(result),
    }
    alt, _ = plain_reading_result(record)
    if alt is not None:
        extra["plain_reading"] = {"class": alt.classification, "progress": progress_dict(alt)}
    criteria = tuple(_criterion(cid, result, record) for cid in ORDER)
    summary = (
        f"{result.label}; progress Class III {result.progress[3]:.0f}%, "
        f"Class II {result.progress[2]:.0f}%, Class I {result.progress[1]:.0f}%"
    )
    return Assessment(
        framework=ID,
        name=NAME,
        version=VERSION,
        status=status_of(result),
        criteria=criteria,
        summary=summary,
        score=round(result.total_progress, 2),
        fixes=_fixes(result),
        notes=_notes(result, record),
        extra=extra,
    )


# --------------------------------------------------------------------------- criteria


def _component_status(cid: int, result: MofResult) -> str:
    """included | invalid | unlicensed | missing (required) or optional-* / not-listed."""
    comp = cat.BY_ID[cid]
    ev = result.classes[comp.mof_class]
    found = ev.status(cid)
    if comp.required:
        return found or "missing"
    if found == "optional":
        return "included"
    return found or "not-listed"


def _criterion(cid: int, result: MofResult, record: Record) -> Criterion:
    comp = cat.BY_ID[cid]
    status = _component_status(cid, result)
    listed = result.listed.get(cid)
    resolved = result.resolved.get(cid)
    license_id = resolved.license if resolved else None
    evidence = tuple(record.locations.get(cid, ()))
    if resolved is not None:
        scope = "" if resolved.source in ("component", "none") else resolved.source.split(":", 1)[1]
        evidence += tuple(record.license_locations.get(scope or str(cid), ()))
    where = f"Class {cat.ROMAN[comp.mof_class]}, {'required' if comp.required else 'optional'}"
    title = f"{comp.name} ({where})"
    fix: str | None = None
    paper = _component_status(cat.RESEARCH_PAPER, result)
    stand_in = cid == cat.TECHNICAL_REPORT and result.report_substituted and status != "included"

    if stand_in and listed is None:
        outcome = Outcome.PASS if paper == "included" else Outcome.FAIL
        detail = f"not listed; the research paper stands in for it (paper: {paper})"
        status = f"substituted:{paper}"
    elif stand_in and paper == "included":
        outcome = Outcome.PASS
        detail = f"listed but {status} ({license_id!r}); the included research paper stands in for it"
        status = "substituted:included"
    elif status == "included":
        outcome = Outcome.PASS
        source = _source_text(resolved.source if resolved else "")
        detail = f"listed under {license_id} ({source}), open for MOT"
        if cid in result.not_type_appropriate:
            detail += f"; MOT warns {license_id} is not a type-appropriate {comp.content_type} licence"
    elif status == "unlicensed":
        outcome = Outcome.FAIL
        detail = "listed but unlicensed"
        fix = f"license the {comp.name} under an open licence (e.g. {cat.SUGGESTED[comp.content_type]})"
    elif status == "invalid":
        outcome = Outcome.FAIL
        shown = repr(license_id)
        lic_paths = [loc.path for loc in record.license_locations.get(str(cid), ()) if loc.path]
        if not record.declared and lic_paths:
            shown += f" (from {', '.join(dict.fromkeys(lic_paths))})"
        detail = f"listed under {shown}, which MOT does not count as open"
        fix = f"release the {comp.name} under an open licence (e.g. {cat.SUGGESTED[comp.content_type]})"
        plain = plain_reading(license_id) if license_id else None
        if license_id and is_placeholder(license_id):
            detail += " (a placeholder: MOT still counts the component as listed)"
        elif plain and cat.is_open_license(plain):
            detail += f" ({license_id!r} plainly means {plain}, which MOT would count)"
            fix = f"write the {comp.name}'s licence as the SPDX id {plain} (MOT compares ids exactly)"
    elif status == "missing":
        outcome = Outcome.UNKNOWN if cid in record.unknown else Outcome.FAIL
        detail = "not listed" if outcome is Outcome.FAIL else "not inspected: evidence unknown"
        fix = f"publish the {comp.name} under an open licence (e.g. {cat.SUGGESTED[comp.content_type]})"
    else:  # optional, not listed
        outcome = Outcome.UNKNOWN if cid in record.unknown else Outcome.NOT_APPLICABLE
        detail = "optional; not listed"
    if listed is not None and not listed.known_name:
        detail += f"; listed as {listed.name!r}, an unknown name MOT files under Datasets"
    return Criterion(
        id=comp.component.value,
        title=title,
        outcome=outcome,
        detail=detail,
        evidence=evidence,
        fix=fix,
        value={
            "mof_id": cid,
            "class": comp.mof_class,
            "required": comp.required,
            "content_type": comp.content_type,
            "status": status,
            "license": license_id,
            "license_source": resolved.source if resolved else None,
        },
    )


def _source_text(source: str) -> str:
    if source == "component":
        return "its own licence"
    if source.startswith("global:"):
        return f"the global {source.split(':', 1)[1]} licence"
    return "no licence"


# --------------------------------------------------------------------------- fixes and notes


def _fixes(result: MofResult) -> tuple[str, ...]:
    """What would raise the class: for each class above the current one, what it still lacks."""
    fixes: list[str] = []
    seen: set[int] = set()
    start = result.classification - 1 if result.classification else 3
    for mof_class in range(start, 0, -1):
        ev = result.classes[mof_class]
        for cid in [*ev.missing, *ev.unlicensed, *ev.invalid]:
            comp = cat.BY_ID[cid]
            if cid in seen or not comp.required or (cid == cat.TECHNICAL_REPORT and _paper_stands_in(result)):
                continue
            seen.add(cid)
            roman = cat.ROMAN[mof_class]
            suggestion = cat.SUGGESTED[comp.content_type]
            if cid in ev.missing:
                text = f"Class {roman}: publish the {comp.name} under an open licence (e.g. {suggestion})"
                if cid == cat.TECHNICAL_REPORT:
                    text += ", or a research paper"
            elif cid in ev.unlicensed:
                text = f"Class {roman}: license the {comp.name} (now unlicensed), e.g. under {suggestion}"
            elif (plain := plain_reading(ev.licenses.get(cid, ""))) and cat.is_open_license(plain):
                text = f"Class {roman}: write the {comp.name}'s licence {ev.licenses.get(cid)!r} as {plain}"
            else:
                text = (
                    f"Class {roman}: replace {ev.licenses.get(cid)!r} on the {comp.name} by an open licence, "
                    f"e.g. {suggestion} (MOT needs an exact OSI-approved, FSF-libre or open-data SPDX id)"
                )
            fixes.append(text)
    return tuple(fixes)


def _paper_stands_in(result: MofResult) -> bool:
    return result.report_substituted and cat.RESEARCH_PAPER in result.classes[3].included


def _fmt(progress: dict[str, float]) -> str:
    return ", ".join(f"Class {cat.ROMAN[int(k)]} {v:.0f}%" for k, v in sorted(progress.items(), reverse=True))


def plain_reading_result(record: Record) -> tuple[MofResult | None, dict[str, str]]:
    """The result if non-SPDX spellings were read as the ids they plainly mean ('Apache 2.0'
    as Apache-2.0), when that differs from MOT's; and the spellings replaced."""
    base = evaluate(record.release)
    better, changes = plainly_read(record.release)
    if not changes:
        return None, changes
    alt = evaluate(better)
    if alt.classification == base.classification and alt.progress == base.progress:
        return None, changes
    return alt, changes


def _notes(result: MofResult, record: Record) -> tuple[str, ...]:
    notes: list[str] = []
    notes.append(
        "evaluated the declared MOF record as MOT does"
        if record.declared
        else "evaluated the MOF record these artifacts amount to (components seen, with their licences)"
    )
    alt, changes = plain_reading_result(record)
    if changes:
        spelled = ", ".join(f"{k!r} as {v}" for k, v in sorted(changes.items()))
        if alt is not None:
            notes.append(
                f"MOT matches licence ids exactly; read plainly ({spelled}) the record would be "
                f"{alt.label}, progress {_fmt(progress_dict(alt))} "
                f"(MOT: {result.label}, {_fmt(progress_dict(result))})"
            )
        else:
            notes.append(f"non-SPDX licence spellings ({spelled}) would not change the result read plainly")
    if result.not_type_appropriate:
        names = ", ".join(
            f"{cat.BY_ID[c].name} ({cat.BY_ID[c].content_type})" for c in result.not_type_appropriate
        )
        notes.append(f"MOT warns these have an open but not type-appropriate licence: {names}")
    if result.unknown_names:
        notes.append(
            "unknown component names, which MOT files under Datasets: "
            + ", ".join(repr(n) for n in result.unknown_names)
        )
    if result.report_substituted and cat.TECHNICAL_REPORT in result.classes[3].included:
        notes.append(
            "MOT quirk mirrored: the included technical report sits first in MOT's Class III list, "
            "which PHP reads as absent, so the research paper is counted as well"
        )
    elif result.report_substituted:
        notes.append("the research paper stands in for the technical report (MOT allows it)")
    return tuple(notes)

