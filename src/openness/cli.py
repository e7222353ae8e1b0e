"""Command line: parse, call the library, render, map errors to one line and an exit code.

Exit codes: 0 done; 1 a policy gate failed (``--fail-unless``); 2 bad usage or unreadable target;
3 an internal error (a bug in openness: one line, the traceback with OPENNESS_DEBUG=1).
Each subcommand is one module in ``openness.commands`` with ``register`` and ``run``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import typing
from collections.abc import Sequence

from openness import __version__
from openness.errors import OpennessError
from openness.render.safe import clean

COMMANDS = ("audit", "license", "rebuild", "index", "serve")
ONE_SHOT_COMMANDS = ("audit", "license")  # run their job and exit (not a server, not a training run)
GC_GEN0_THRESHOLD = 50_000  # new container objects between collections in a one-shot command


class _Parser(argparse.ArgumentParser):
    """argparse whose error line shows arguments through ``clean``: a target path or a value
    pasted from a release may hold terminal escapes (subparsers inherit this class)."""

    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {clean(message)}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` a parser holding just that subcommand.

    Each command module imports what its options need (the renderers' names, the framework ids,
    the index's engines...): registering all five cost a typical audit ~20 ms of imports it never
    used (issue 14). A command line naming a known command parses the same with that command
    alone; anything else (no command, ``--help``, a typo) gets the whole parser and its messages.
    """
    parser = _Parser(
        prog="openness",
        description="Is this AI release open source, in which sense, and what would it take?",
    )
    parser.add_argument("--version", action="version", version=f"openness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"openness.commands.{name}").register(sub)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand a command line names, when parsing can only reach that one.

    The top-level parser has no option taking a value, so its first positional argument is the
    command; a top-level option before it (``--version``, ``-h``) needs the whole parser."""
    first = argv[0] if argv else None
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    from openness import dataclass_cache

    dataclass_cache.install()  # before the command's imports create their dataclasses (issue 14)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = chosen_command(argv)
    thresholds = gc.get_threshold()
    if command in ONE_SHOT_COMMANDS:
        # The collector's default (a pass every 700 new containers) ran 55-80 times in an audit,
        # ~10 ms, and found nearly nothing: the pipeline builds trees, not cycles. A one-shot
        # command collects after GC_GEN0_THRESHOLD new containers instead (restored on return,
        # for a caller running commands in its own process).
        gc.set_threshold(GC_GEN0_THRESHOLD, *thresholds[1:])
    try:
        return _run(command, argv)
    finally:
        gc.set_threshold(*thresholds)


def _run(command: str | None, argv: list[str]) -> int:
    parser = build_parser(command)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except OpennessError as exc:
        print(f"openness: error: {clean(str(exc))}", file=sys.stderr)  # messages quote targets
        return 2
    except KeyboardInterrupt:
        print("openness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line and exit 3, the traceback only on request
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        print(
            f"openness: internal error (a bug in openness; OPENNESS_DEBUG=1 shows where): "
            f"{type(exc).__name__}: {clean(str(exc))[:500]}",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
