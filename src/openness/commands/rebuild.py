"""``openness rebuild PATH``: retrain a release from its recipe, compare tensor by tensor, attest.

Exit codes: 0 identical or within tolerance; 1 diverged; 2 failed (bad recipe, command failed or
timed out, outputs missing) or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from openness.errors import OpennessError, UsageError

if TYPE_CHECKING:
    from openness.rebuild import RebuildResult

# Defined here rather than imported from openness.rebuild, which loads NumPy: every `openness`
# command builds this parser, and start-up time is part of every audit. A test keeps the two equal.
ENV_MODES = ("auto", "isolated", "host")

EXIT = {"identical": 0, "within-tolerance": 0, "diverged": 1, "failed": 2}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "rebuild",
        help="retrain a release from its openness-rebuild.toml and compare with the released weights",
        description="Rebuild a release's weights from its recipe, compare them tensor by tensor with the "
        "released files, and write an in-toto attestation. Runs the release's own training command.",
    )
    p.add_argument("path", help="release directory holding openness-rebuild.toml, or the recipe file")
    p.add_argument(
        "--steps",
        type=int,
        metavar="N",
        help="segment rebuild: N steps from a released checkpoint to the next one",
    )
    p.add_argument("--from-step", type=int, metavar="S", help="segment start (default: the first that fits)")
    p.add_argument("--format", "-f", default="text", choices=("text", "json"), help="output format")
    p.add_argument(
        "--timeout", type=float, metavar="S", help="time limit for the commands (default: recipe's)"
    )
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="let the build commands reach the network (pip always may, unless --offline)",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="no network at all: pip installs only from a local wheelhouse (PIP_FIND_LINKS)",
    )
    p.add_argument(
        "--env",
        default="auto",
        choices=ENV_MODES,
        dest="env_mode",
        help="auto: venv reusing host packages when the pins match, else isolated; "
        "isolated: fresh venv + pip install from the package index; host: the current interpreter",
    )
    p.add_argument("--workdir", type=Path, help="working directory (new or empty; default: a temp dir)")
    p.add_argument("--keep-workdir", action="store_true", help="keep the build tree and venv afterwards")
    p.add_argument("--attestation", type=Path, metavar="FILE", help="also write the attestation here")
    p.set_defaults(run=run)


def render_text(r: RebuildResult) -> str:
    lines = [f"rebuild {r.target} ({r.mode}): {r.result}", f"  {r.reason}"]
    if r.segment:
        s = r.segment
        lines.append(
            f"  segment: step {s['from_step']} -> {s['to_step']} ({s['start']} -> {s['compare_with']})"
        )
    for o in r.outputs:
        lines.append(f"  {o.status:<16} {o.path}  {o.detail}")
        for t in [t for t in o.tensors if t.status not in ("identical", "within-tolerance")][:5]:
            extra = (
                f"max abs {t.max_abs_diff:.3g}, max rel {t.max_rel_diff:.3g}, {t.mismatched}/{t.elements} "
                "elements"
                if t.max_abs_diff is not None
                else t.detail
            )
            lines.append(f"      {t.name}: {t.status} ({extra})")
    env = r.environment
    if env.get("python"):
        pkgs = ", ".join(f"{k} {v}" for k, v in (env.get("packages") or {}).items())
        host = env.get("host", {})
        lines.append(f"  environment: Python {env['python']}; {pkgs}; {host.get('os')}; {host.get('cpu')}")
        lines.append(f"  isolation: {env.get('mode')}; network {env.get('network')}")
        iso = env.get("isolation") or {}
        if iso and not iso.get("release_hidden"):
            lines.append("  note: the release was readable by the build (no mount namespace on this host)")
    if r.attestation:
        lines.append(f"  attestation: {r.attestation}")
    if r.log:
        lines.append(f"  log: {r.log}")
    return "\n".join(lines) + "\n"


# Modules of the `rebuild` extra; a plain `pip install openness` lacks them.
EXTRA_MODULES = ("numpy", "safetensors")
EXTRA_HINT = "pip install 'openness[rebuild]'"


def require_extra() -> None:
    """One line naming the extra instead of a traceback when NumPy or safetensors is missing."""
    import importlib

    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise UsageError(f"openness rebuild needs {name}, which is not installed: {EXTRA_HINT}") from None


def run(args: argparse.Namespace) -> int:
    if args.from_step is not None and args.steps is None:
        raise UsageError("--from-step needs --steps")
    if args.offline and args.allow_network:
        raise UsageError("--offline and --allow-network contradict each other")
    require_extra()
    from openness.rebuild import RebuildOptions, rebuild
    from openness.rebuild.runner import check_options

    options = RebuildOptions(
        steps=args.steps,
        from_step=args.from_step,
        timeout=args.timeout,
        allow_network=args.allow_network,
        offline=args.offline,
        keep_workdir=args.keep_workdir,
        workdir=args.workdir,
        env_mode=args.env_mode,
        attestation=args.attestation,
    )
    try:
        check_options(options)  # bad usage: one line, no attestation
    except OpennessError as exc:
        raise UsageError(str(exc)) from None
    result = rebuild(args.path, options)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    elif result.result == "failed":
        # One message on stderr, plus where to look when there is something to look at.
        print(f"openness: rebuild failed: {result.reason}", file=sys.stderr)
        for label, where in (("log", result.log), ("attestation", result.attestation)):
            if where:
                print(f"  {label}: {where}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(result))
    return EXIT[result.result]
