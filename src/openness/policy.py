"""Policy gates: a ``Report`` and a ``Policy`` give the list of rules the release fails.

A policy says what a team accepts (docs/policy.md): a level per framework (``osaid =
"open-source-ai"``, ``mof = "class-2"`` meaning class 2 or better, ``osai-index = ">= 0.6"``),
licence ids allowed or forbidden (SPDX ids and expressions, parsed by license-expression),
restriction kinds forbidden (``RestrictionKind``), and whether what could not be established
(``unknown``) fails or only warns. ``--fail-unless`` is the one-rule shorthand and goes through the
same parser, checks and messages.

Pure: ``parse_policy`` takes the TOML text, ``evaluate`` a report; reading the file is the CLI's.
Every name in a policy is checked when it is loaded (``PolicyError``, exit 2): a typo in a gate
must never turn into a gate that silently passes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openness import lazy_re
from openness.errors import UsageError
from openness.model import LicenseKind, LicenseResult, Location, Outcome, Report, RestrictionKind

MAX_POLICY_BYTES = 256 * 1024  # a policy is a few lines; anything larger is not one
MAX_POLICY_LICENSES = 1000  # licence entries in one list
MAX_SHOWN_LOCATIONS = 3  # evidence locations quoted per failed rule

# Each framework's verdicts, best first, and the verdicts that mean "not established".
# ``mof = "class-2"`` is met by class-2 and class-1. Frameworks scored on a 0..1 scale accept
# ``">= X"`` thresholds; osai-index has no ladder (its status is its score).
LADDERS: dict[str, tuple[str, ...]] = {
    "osaid": ("open-source-ai", "not-open-source-ai"),
    "mof": ("class-1", "class-2", "class-3", "unclassified"),
    "osai-index": (),
    "debian-ml": ("free-model", "toxiccandy-model", "non-free-model"),
    "eu-ai-act": ("exemption-may-apply", "exemption-does-not-apply"),
    "reproducibility": ("reproducible-verified", "rebuildable", "partially-documented", "not-reproducible"),
}
UNKNOWN_LEVELS = frozenset({"insufficient-evidence"})
SCORED = frozenset({"osai-index", "reproducibility"})
_THRESHOLD = lazy_re.compile(r"^\s*>=\s*([0-9]*\.?[0-9]+)\s*$")
_SHORTHAND = lazy_re.compile(r"^\s*([A-Za-z0-9_-]+)\s*(>=|=)\s*(.*?)\s*$")
_UNKNOWN_MODES = ("fail", "warn")
ALLOWED, NOT_FORBIDDEN = "a licence on the allowed list", "no forbidden licence"
_TOP_KEYS = frozenset({"unknown", "frameworks", "licenses", "restrictions"})


class PolicyError(UsageError):
    """A policy that cannot be applied as written (exit 2, one line)."""


@dataclass(frozen=True)
class LevelRule:
    framework: str
    level: str | None = None  # a ladder level: this or better
    threshold: float | None = None  # a score: at least this

    @property
    def wanted(self) -> str:
        if self.threshold is not None:
            return f"score >= {self.threshold:g}"
        return self.level if self.level == LADDERS[self.framework][0] else f"{self.level} or better"


@dataclass(frozen=True)
class Policy:
    levels: tuple[LevelRule, ...] = ()
    allowed: frozenset[str] = frozenset()  # licence keys, lower case; empty: no allow list
    forbidden: frozenset[str] = frozenset()
    forbidden_kinds: frozenset[RestrictionKind] = frozenset()
    unknown_fails: bool = True
    source: str = "policy"  # where it came from, for messages

    @property
    def frameworks(self) -> list[str]:
        return [r.framework for r in self.levels]


@dataclass(frozen=True)
class Failure:
    """One rule the release does not meet. ``unknown``: not established rather than broken."""

    rule: str  # "frameworks.mof", "licenses.allowed", "licenses.forbidden", "restrictions.forbidden"
    found: str
    wanted: str
    locations: tuple[Location, ...] = ()
    unknown: bool = False

    def message(self) -> str:
        where = ", ".join(str(loc) for loc in self.locations[:MAX_SHOWN_LOCATIONS])
        more = len(self.locations) - MAX_SHOWN_LOCATIONS
        if more > 0:
            where += f" (+{more} more)"
        at = f" (at {where})" if where else ""
        return f"{self.rule}: found {self.found}; required {self.wanted}{at}"


@dataclass(frozen=True)
class Outcomes:
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Failure, ...] = field(default_factory=tuple)  # unknowns under ``unknown = "warn"``

    @property
    def passed(self) -> bool:
        return not self.failures


# --------------------------------------------------------------------------- parsing


def parse_policy(text: str, source: str = "policy") -> Policy:
    """A policy from TOML text; ``PolicyError`` naming the first problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise PolicyError(f"{source}: policy larger than {MAX_POLICY_BYTES // 1024} KB")
    import tomllib  # only when a policy file is given: ~13 ms of every audit otherwise

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML ({_one_line(str(exc))})") from exc
    return policy_from_dict(data, source)


def policy_from_dict(data: Mapping[str, Any], source: str = "policy") -> Policy:
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        raise PolicyError(f"{source}: unknown key {extra[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    unknown = data.get("unknown", "fail")
    if unknown not in _UNKNOWN_MODES:
        raise PolicyError(f"{source}: unknown must be \"fail\" or \"warn\", not {_show(unknown)}")
    frameworks = _table(data, "frameworks", source)
    levels = tuple(_level_rule(fid, value, source) for fid, value in frameworks.items())
    licenses = _table(data, "licenses", source)
    _only(licenses, {"allowed", "forbidden"}, "licenses", source)
    restrictions = _table(data, "restrictions", source)
    _only(restrictions, {"forbidden"}, "restrictions", source)
    kinds = _strings(restrictions.get("forbidden", []), "restrictions.forbidden", source)
    known_kinds = {str(k) for k in RestrictionKind}
    for kind in kinds:
        if kind not in known_kinds:
            raise PolicyError(
                f"{source}: restrictions.forbidden: unknown restriction kind {kind!r} "
                f"(known: {', '.join(sorted(known_kinds))})"
            )
    return Policy(
        levels=levels,
        allowed=_license_keys(licenses.get("allowed", []), "licenses.allowed", source),
        forbidden=_license_keys(licenses.get("forbidden", []), "licenses.forbidden", source),
        forbidden_kinds=frozenset(RestrictionKind(k) for k in kinds),
        unknown_fails=unknown == "fail",
        source=source,
    )


def fail_unless(spec: str) -> Policy:
    """``--fail-unless LEVEL`` (OSAID) or ``FRAMEWORK=LEVEL`` or ``FRAMEWORK>=SCORE``: one rule."""
    m = _SHORTHAND.match(spec)
    if m is None:
        fid, value = "osaid", spec.strip()
    else:
        fid, op, value = m.group(1), m.group(2), m.group(3)
        if op == ">=":
            value = f">= {value}"
    return Policy(levels=(_level_rule(fid, value, "--fail-unless"),), source="--fail-unless")


def _level_rule(fid: str, value: Any, source: str) -> LevelRule:
    if fid not in LADDERS:
        raise PolicyError(f"{source}: unknown framework {fid!r} (known: {', '.join(LADDERS)})")
    if isinstance(value, bool):
        raise PolicyError(f"{source}: {fid}: a level or \">= SCORE\", not {_show(value)}")
    if isinstance(value, int | float):
        value = f">= {value}"
    if not isinstance(value, str):
        raise PolicyError(f"{source}: {fid}: a level or \">= SCORE\", not {_show(value)}")
    threshold = _THRESHOLD.match(value)
    if threshold is not None:
        if fid not in SCORED:
            raise PolicyError(f"{source}: {fid} has no score; give a level ({', '.join(LADDERS[fid])})")
        number = float(threshold.group(1))
        if not (0.0 <= number <= 1.0) or math.isnan(number):
            raise PolicyError(f"{source}: {fid}: a score threshold is between 0 and 1, not {number:g}")
        return LevelRule(fid, threshold=number)
    level = value.strip().lower()
    if level not in LADDERS[fid]:
        known = ", ".join(LADDERS[fid]) or "none: use \">= SCORE\""
        raise PolicyError(f"{source}: unknown level {_show(value)} for {fid} (known: {known})")
    return LevelRule(fid, level=level)


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise PolicyError(f"{source}: [{key}] must be a table")
    return value


def _only(table: Mapping[str, Any], keys: set[str], where: str, source: str) -> None:
    extra = sorted(set(table) - keys)
    if extra:
        raise PolicyError(f"{source}: {where}: unknown key {extra[0]!r} (known: {', '.join(sorted(keys))})")


def _strings(value: Any, where: str, source: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{source}: {where} must be a string or a list of strings")
    if len(value) > MAX_POLICY_LICENSES:
        raise PolicyError(f"{source}: {where}: more than {MAX_POLICY_LICENSES} entries")
    return value


def _license_keys(value: Any, where: str, source: str) -> frozenset[str]:
    """Every licence id the entries name (an entry is an SPDX id or expression); each id must be a
    known SPDX id or exception, or a ``LicenseRef-`` id the licence knowledge has."""
    from openness.licenses import license_info
    from openness.licenses.expression import parse

    entries = _strings(value, where, source)
    if not entries:
        return frozenset()
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    keys: set[str] = set()
    for entry in entries:
        parsed = parse(entry, licensing)
        if parsed is None:
            raise PolicyError(f"{source}: {where}: {_show(entry)} is not an SPDX licence expression")
        for key in licensing.license_keys(parsed):
            known = key.lower() in licensing.known_symbols_lowercase
            info = license_info(key) if key.startswith("LicenseRef-") else None
            if not known and info is None:
                raise PolicyError(f"{source}: {where}: unknown licence id {_show(key)}")
            keys.add(_canonical(info.id if info is not None else key, licensing))
    return frozenset(keys)


def _canonical(key: str, licensing: Any) -> str:
    symbol = licensing.known_symbols_lowercase.get(key.lower())
    return (symbol.key if symbol is not None else key).lower()


def _show(value: Any) -> str:
    return repr(_one_line(str(value))[:80])


def _one_line(text: str) -> str:
    from openness.render.safe import clean

    return clean(" ".join(text.split()))


# --------------------------------------------------------------------------- evaluation


def evaluate(report: Report, policy: Policy) -> Outcomes:
    """Every rule of ``policy`` the report does not meet, in policy order."""
    results: list[Failure] = []
    for rule in policy.levels:
        results.extend(_check_level(report, rule))
    if policy.allowed or policy.forbidden:
        results.extend(_check_licenses(report, policy))
    if policy.forbidden_kinds:
        results.extend(_check_restrictions(report, policy.forbidden_kinds))
    failures = tuple(f for f in results if policy.unknown_fails or not f.unknown)
    warnings = tuple(f for f in results if f.unknown and not policy.unknown_fails)
    return Outcomes(failures=failures, warnings=warnings)


def _deciding(report: Report, fid: str) -> tuple[str, tuple[Location, ...]]:
    """The criterion that kept the assessment from its best outcome, with its evidence."""
    a = report.assessments[fid]
    for wanted in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.PARTIAL):
        for c in a.criteria:
            if c.outcome is wanted:
                return f" ({c.title}: {c.outcome})", tuple(c.evidence)
    return "", ()


def _check_level(report: Report, rule: LevelRule) -> list[Failure]:
    name = f"frameworks.{rule.framework}"
    a = report.assessments.get(rule.framework)
    if a is None:  # the CLI always assesses what the policy names; an API caller may not
        return [Failure(name, "not assessed", rule.wanted, unknown=True)]
    why, locs = _deciding(report, rule.framework)
    if rule.threshold is not None:
        if a.score is None:
            return [Failure(name, f"no score ({a.status}){why}", rule.wanted, locs, unknown=True)]
        if a.score + 1e-9 < rule.threshold:
            return [Failure(name, f"score {a.score:.2f}{why}", rule.wanted, locs)]
        return []
    ladder = LADDERS[rule.framework]
    assert rule.level is not None
    if a.status in UNKNOWN_LEVELS or a.status not in ladder:
        return [Failure(name, f"{a.status}{why}", rule.wanted, locs, unknown=True)]
    if ladder.index(a.status) > ladder.index(rule.level):
        return [Failure(name, f"{a.status}{why}", rule.wanted, locs)]
    return []


def _license_texts(report: Report) -> Iterable[LicenseResult]:
    return (r for r in report.evidence.licenses if r.kind in (LicenseKind.LICENSE, LicenseKind.OTHER))


def _ids(result: LicenseResult) -> tuple[Any | None, list[str]]:
    """The found expression (parsed) and its ids, as lower-case keys; modified texts are marked."""
    from openness.licenses.expression import parse

    ids = [m.id + (" (modified)" if m.modified else "") for m in result.matches]
    modified = any(m.modified for m in result.matches)
    expr = parse(result.expression) if result.expression and not modified else None
    return expr, ids


def _satisfiable(expr: Any, ok: Any) -> bool:
    """Whether the expression can be met using only symbols ``ok`` accepts (OR: any branch)."""
    from license_expression import AND, OR

    if isinstance(expr, OR):
        return any(_satisfiable(a, ok) for a in expr.args)
    if isinstance(expr, AND):
        return all(_satisfiable(a, ok) for a in expr.args)
    keys = [expr.key] if hasattr(expr, "key") else [
        expr.license_symbol.key, expr.exception_symbol.key]  # LicenseWithExceptionSymbol
    return all(ok(k) for k in keys)


def _check_licenses(report: Report, policy: Policy) -> list[Failure]:
    out: list[Failure] = []
    results = list(_license_texts(report))
    if not results:
        wanted = ALLOWED if policy.allowed else "a licence"
        rule = "licenses.allowed" if policy.allowed else "licenses.forbidden"
        out.append(Failure(rule, "no licence", wanted, unknown=True))
        return out
    for result in results:
        loc = (result.location,)
        if not result.matches:
            what = "an unidentified licence"
            if policy.allowed:
                out.append(Failure("licenses.allowed", what, ALLOWED, loc, unknown=True))
            if policy.forbidden:
                out.append(Failure("licenses.forbidden", what, NOT_FORBIDDEN, loc, unknown=True))
            continue
        expr, ids = _ids(result)
        shown = str(result.expression) if expr is not None else " AND ".join(ids)
        if policy.forbidden:
            if expr is not None:
                forbidden = not _satisfiable(expr, lambda k: k.lower() not in policy.forbidden)
            else:
                forbidden = any(m.id.lower() in policy.forbidden for m in result.matches)
            if forbidden:
                out.append(Failure("licenses.forbidden", shown, NOT_FORBIDDEN, loc))
        if policy.allowed:
            if expr is not None:
                allowed = _satisfiable(expr, lambda k: k.lower() in policy.allowed)
            else:
                allowed = all(m.id.lower() in policy.allowed and not m.modified for m in result.matches)
            if not allowed:
                out.append(Failure("licenses.allowed", shown, ALLOWED, loc))
    return out


def _check_restrictions(report: Report, kinds: frozenset[RestrictionKind]) -> list[Failure]:
    out: list[Failure] = []
    seen: set[tuple[RestrictionKind, str]] = set()
    for result in report.evidence.licenses:
        for r in result.restrictions:
            if r.kind not in kinds:
                continue
            key = (r.kind, str(r.location))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Failure("restrictions.forbidden", f"{r.kind}: {_one_line(r.summary)[:160]}",
                        f"no {r.kind} clause", (r.location,))
            )
    for result in _license_texts(report):
        # A name with no text (a card's ``license: other``) has no clauses to read: not established.
        if not result.matches and result.location.path is None:
            out.append(Failure("restrictions.forbidden", "a licence named without its text",
                               "no forbidden clause", (result.location,), unknown=True))
    return out
