"""Command line: parse, call the library, render, map errors to one line and an exit code.

Exit codes: 0 done; 1 a policy gate failed (``--fail-unless``); 2 bad usage or unreadable target.
Each subcommand is one module in ``openness.commands`` with ``register`` and ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from openness import __version__
from openness.errors import OpennessError

COMMANDS = ("audit", "license", "rebuild")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openness",
        description="Is this AI release open source, in which sense, and what would it take?",
    )
    parser.add_argument("--version", action="version", version=f"openness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"openness.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except OpennessError as exc:
        print(f"openness: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("openness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
