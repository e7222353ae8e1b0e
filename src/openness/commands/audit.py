"""``openness audit TARGET``: verdicts with evidence for one release (or many)."""

from __future__ import annotations

import argparse
import sys

from openness.errors import UsageError
from openness.frameworks import known_ids
from openness.pipeline import audit
from openness.render import RENDERERS, render
from openness.sources import SourceOptions


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="audit a release: a directory, hf:org/name, a git URL or a MOF YAML file",
        description="Audit an AI release and report its verdict under each framework, with evidence.",
    )
    p.add_argument("target", nargs="?", help="directory, hf:org/name[@rev], git URL, or MOF YAML file")
    p.add_argument("--format", "-f", default="text", choices=sorted(RENDERERS), help="output format")
    p.add_argument(
        "--framework",
        default="all",
        help=f"comma-separated framework ids or 'all' (known: {', '.join(known_ids())})",
    )
    p.add_argument(
        "--fail-unless",
        metavar="STATUS",
        help="exit 1 unless the OSAID verdict is STATUS (e.g. open-source-ai), or FRAMEWORK=STATUS",
    )
    p.add_argument("--also", action="append", default=[], metavar="TARGET",
                   help="another place holding part of the same release (repeatable)")
    p.add_argument("--offline", action="store_true", help="no network; read only caches")
    p.add_argument("--revision", help="branch, tag or commit for hub and git targets")
    p.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    p.set_defaults(run=run)


def _frameworks(value: str) -> list[str] | None:
    if value in ("", "all"):
        return None
    ids = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [i for i in ids if i not in known_ids()]
    if unknown:
        raise UsageError(f"unknown framework(s): {', '.join(unknown)} (known: {', '.join(known_ids())})")
    return ids


def _gate(report_statuses: dict[str, str], spec: str) -> bool:
    framework, _, status = spec.rpartition("=")
    framework = framework or "osaid"
    if framework not in report_statuses:
        raise UsageError(f"--fail-unless names framework {framework!r}, which was not assessed")
    return report_statuses[framework] == status


def run(args: argparse.Namespace) -> int:
    if not args.target:
        raise UsageError("audit needs a TARGET (a directory, hf:org/name, a git URL or a MOF YAML file)")
    ids = _frameworks(args.framework)
    if args.fail_unless and ids is not None:
        fw = args.fail_unless.rpartition("=")[0] or "osaid"
        if fw not in ids:
            ids.append(fw)
    options = SourceOptions(offline=args.offline, revision=args.revision)
    report = audit(args.target, frameworks=ids, options=options, also=args.also)
    text = render(report, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.fail_unless:
        statuses = {k: a.status for k, a in report.assessments.items()}
        return 0 if _gate(statuses, args.fail_unless) else 1
    return 0
