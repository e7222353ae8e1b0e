"""``openness license FILE...``: which licence each file holds, and what it restricts, with lines.

Reads are bounded (the first 1 MB of a file), binary files and empty files get a one-line answer,
and text in UTF-8, UTF-16/32 (with a BOM or recognisably UTF-16), GB18030 or Latin-1 is decoded.
Exit 2 when a named file does not exist, is no regular file (a FIFO, socket or device would block
or never end) or cannot be read; the others are still reported. File names, licence names and
clause text are release content: text output shows them through ``render.safe.clean`` and JSON
escapes their control and bidi characters.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openness.licenses.decode import decode

MAX_READ = 1_000_000  # bytes read per file: licences are tens of KB, a 50 MB text is not one


@dataclass(frozen=True)
class Loaded:
    text: str | None
    notes: tuple[str, ...] = ()
    error: str | None = None  # the file could not be read at all
    binary: bool = False


def load(path: str) -> Loaded:
    """The text of one file, read once and bounded; only regular files are read at all.

    A FIFO would block ``open`` until a writer comes (forever), a device never ends: the file is
    opened non-blocking and checked on the open descriptor (``openness.safe_io``).
    """
    from openness import safe_io

    try:
        data, size = safe_io.read_regular(path, MAX_READ)
    except FileNotFoundError:
        return Loaded(None, error="no such file")
    except OSError as exc:
        return Loaded(None, error=exc.strerror or str(exc))
    notes: list[str] = []
    if not data:
        return Loaded("", ("empty file",))
    text, encoding, binary = decode(data)
    if binary or text is None:
        return Loaded(None, ("binary, not a licence text",), binary=True)
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        notes.append(f"decoded as {encoding}")
    if size > MAX_READ:
        cut = text.rfind("\n")
        text = text[:cut] if cut > 0 else text
        notes.append(f"only the first {MAX_READ / 1e6:.1f} MB of {size / 1e6:.1f} MB were read")
    return Loaded(text, tuple(notes))


def analyze_file(path: str) -> dict[str, Any]:
    """The JSON record for one file (``LicenseResult.to_dict()`` plus read notes)."""
    from openness.licenses import analyze_text
    from openness.model import LicenseKind, LicenseResult, Location

    loaded = load(path)
    location = Location(path=Path(path).as_posix())
    if loaded.error is not None:
        return {"path": location.path, "error": loaded.error}
    if loaded.text is None or not loaded.text.strip():
        result = LicenseResult(location, LicenseKind.OTHER, notes=loaded.notes or ("no text",))
    else:
        result = analyze_text(loaded.text, location)
        if loaded.notes:
            result = LicenseResult(
                result.location,
                result.kind,
                result.matches,
                result.restrictions,
                result.expression,
                loaded.notes + result.notes,
            )
    return result.to_dict()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "license",
        help="name the licence in each file and list what it restricts, with line spans",
        description=(
            "Identify the licence(s) in each file (SPDX, ScanCode LicenseDB and curated AI model "
            "licences), say whether the text was modified, and list the clauses that restrict use, "
            "study, modification or sharing, with their lines."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="licence, notice or policy files")
    p.add_argument("--format", "-f", default="text", choices=("text", "json"), help="output format")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from openness.render.safe import dumps

    records = [analyze_file(f) for f in args.files]
    if args.format == "json":
        from openness import SCHEMA_VERSION, __version__
        from openness.licenses.interface import data_version

        doc = {
            "schema_version": SCHEMA_VERSION,
            "tool": f"openness {__version__}",
            "license_data": data_version(),
            "files": records,
        }
        sys.stdout.write(dumps(doc, indent=2) + "\n")
    else:
        _print_text(records)
    return 2 if any("error" in r for r in records) else 0


def _print_text(records: list[dict[str, Any]]) -> None:
    """Text output, one block per file; errors are one line each on stderr.

    Every value is rich ``Text`` (markup in a licence name stays literal) made with ``clean``
    (a path, licence name, summary or note may carry terminal escapes or bidi controls).
    """
    from rich.console import Console
    from rich.text import Text

    from openness.render.safe import clean

    def t(*parts: tuple[str, str] | str) -> Text:
        out = Text()
        for part in parts:
            text, style = (part, "") if isinstance(part, str) else part
            out.append(clean(text), style=style)
        return out

    console = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for rec in records:
        path = str(rec["path"])
        if "error" in rec:
            err.print(t((path, "bold red"), ": ", str(rec["error"])))
            continue
        console.print(t((path, "bold"), f"  ({rec['kind']})"))
        if not rec["matches"]:
            console.print(t("  licence: ", ("unknown", "yellow"), " (no known licence matches well enough)"))
        for m in rec["matches"]:
            lines = m["lines"]
            where = f" lines {lines[0]}-{lines[1]}" if lines else ""
            state = ("modified", "red") if m["modified"] else "unmodified"
            osi = {True: "OSI-approved", False: "not OSI-approved", None: "OSI status unknown"}[
                m["osi_approved"]
            ]
            console.print(
                t("  licence: ", (str(m["name"]), "cyan"), " ", (f"({m['id']})", "dim"),
                  f"{where}, score {m['score']:.2f}, ", state, f", {osi}")
            )
            for c in m["changes"]:
                cl = c.get("lines") or ["?", "?"]
                console.print(t(f"    change at lines {cl[0]}-{cl[1]}"))
        if rec["restrictions"]:
            console.print(t("  restrictions:"))
            for r in rec["restrictions"]:
                lines = r["lines"] or ["?", "?"]
                span = f" lines {lines[0]}-{lines[1]}: "
                console.print(t("    ", (f"{r['kind']:<15}", "magenta"), span, str(r["summary"])))
        limited = [f for f, v in rec["freedoms"].items() if v == "limited"]
        if limited:
            console.print(t(f"  freedoms limited: {', '.join(limited)}"))
        for note in rec["notes"]:
            console.print(t((f"  note: {note}", "dim")))
