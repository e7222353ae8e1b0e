"""``openness index add|list|show|export``: the index of audited releases (docs/index.md).

SQLAlchemy, Alembic and Ray are imported inside ``run`` only: every command builds this parser,
and ``openness audit`` must start as fast as it did before the index existed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import TYPE_CHECKING, Any

from openness.errors import UsageError
from openness.render.safe import clean, dumps

if TYPE_CHECKING:  # pragma: no cover
    from openness.index.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell a spreadsheet would run as a formula


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "index",
        help="keep an index of audited releases, with history (SQLite, or PostgreSQL with --db)",
        description="Audit releases into an index and query it (see docs/index.md).",
    )
    db_help = ("database URL (sqlite:///FILE or postgresql://...); default: $OPENNESS_DB, "
               "else a SQLite file in the user's data folder")
    p.add_argument("--db", metavar="URL", help=db_help)
    # --db is also accepted after the action (`openness index list --db URL`); SUPPRESS keeps an
    # action's absent --db from overriding one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    isub = p.add_subparsers(dest="index_command", metavar="ACTION", required=True)

    add = isub.add_parser("add", help="audit releases and store the reports", parents=[common])
    add.add_argument("targets", nargs="*", metavar="TARGET", help="directory, hf:org/name, git URL, MOF YAML")
    add.add_argument("--from-file", metavar="FILE",
                     help="targets listed one per line, as `openness audit --from-file` reads them")
    add.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                     help="audits at once (processes, or Ray tasks); default: CPUs, at most 4")
    add.add_argument("--engine", choices=("local", "ray"), default="local",
                     help="local processes (default) or Ray tasks (pip install 'openness[ray]')")
    add.add_argument("--ray-address", metavar="ADDRESS",
                     help="a running Ray cluster (default: start a local one)")
    add.add_argument("--offline", action="store_true", help="no network; read only caches")
    add.add_argument("--name", help="the release's name in the index (one TARGET only)")

    ls = isub.add_parser("list", help="list indexed releases (the latest audit of each)", parents=[common])
    ls.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                    help="filter (repeatable, all must hold): FRAMEWORK=STATUS, license=ID, "
                         "restriction=KIND, finding=KIND, source=KIND, open-washing=yes|no; != negates")
    ls.add_argument("--search", "-s", help="part of the release name")
    ls.add_argument("--sort", default="name", help="name, audited, source, revision or a framework id; '-' "
                                                  "first for descending")
    ls.add_argument("--limit", type=int, default=1000, help="at most this many rows (default 1000)")
    ls.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")

    show = isub.add_parser("show", help="one release's latest audit (or its history)", parents=[common])
    show.add_argument("name")
    show.add_argument("--history", action="store_true", help="every audit, with what changed")
    show.add_argument("--revision", help="the audit at this revision (a prefix will do)")
    show.add_argument("--format", "-f", choices=("text", "json"), default="text")

    export = isub.add_parser("export", help="write the index out", parents=[common])
    export.add_argument("--format", "-f", choices=("jsonl", "csv", "parquet"), required=True)
    export.add_argument("--output", "-o", help="file to write (parquet needs one); default stdout")
    export.add_argument("--all", action="store_true", help="every audit, not only each release's latest")
    p.set_defaults(run=run)


def open_store(url: str | None, *, create: bool = False) -> Store:
    """The store at ``url``; only ``add`` creates one (a query never leaves a new file behind)."""
    from openness.index.store import Store

    return Store(url, create=create)


def run(args: argparse.Namespace) -> int:
    action = args.index_command
    if action == "add":
        return run_add(args)
    if action == "list":
        return run_list(args)
    if action == "show":
        return run_show(args)
    return run_export(args)


# --------------------------------------------------------------------------- add


def run_add(args: argparse.Namespace) -> int:
    from openness.index.engine import MAX_JOBS, Job, default_jobs, run_local, run_ray

    entries: list[tuple[str, list[str]]] = [(t, []) for t in args.targets]
    if args.from_file:
        from openness.commands.audit import read_batch

        entries += read_batch(args.from_file)
    if not entries:
        raise UsageError("index add needs a TARGET or --from-file")
    if args.name and len(entries) != 1:
        raise UsageError("--name names one release: give exactly one TARGET")
    workers = args.jobs if args.jobs is not None else default_jobs()
    if not 1 <= workers <= MAX_JOBS:
        raise UsageError(f"--jobs must be 1-{MAX_JOBS}")
    jobs = [Job(t, tuple(also), args.offline, None, args.name) for t, also in entries]
    store = open_store(args.db, create=True)  # checked before any audit runs
    added = unchanged = failed = 0
    try:
        if args.engine == "ray":
            outcomes = run_ray(jobs, workers, args.ray_address)
        else:
            outcomes = run_local(jobs, workers)
        for outcome in outcomes:
            shown = clean(outcome.job.target)
            if outcome.document is None:
                failed += 1
                print(f"openness: {shown}: {outcome.error}", file=sys.stderr)
                continue
            result = store.add(outcome.document, html=outcome.html, name=outcome.job.name)
            if result.added:
                added += 1
                print(f"added {clean(result.name)} @ {clean(result.revision)}")
            else:
                unchanged += 1
                print(f"unchanged {clean(result.name)} @ {clean(result.revision)}")
    finally:
        store.close()
    print(f"{added} added, {unchanged} unchanged, {failed} failed", file=sys.stderr)
    return 2 if failed else 0


# --------------------------------------------------------------------------- list


def _row(item: dict[str, Any], frameworks: list[str]) -> dict[str, Any]:
    row = {"name": item["name"], "source": item["source"], "revision": item["revision"],
           "audited_at": item["audited_at"]}
    for fw in frameworks:
        row[fw] = (item["verdicts"].get(fw) or {}).get("status", "")
    row["licenses"] = " ".join(item["licenses"])
    row["restrictions"] = " ".join(item["restrictions"])
    row["open_washing"] = "yes" if item["open_washing"] else "no"
    return row


def csv_cell(value: Any) -> str:
    """A CSV cell of release text: controls escaped, and a leading ``= + - @`` made inert (a
    spreadsheet opening the export would otherwise run it as a formula)."""
    text = clean("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def run_list(args: argparse.Namespace) -> int:
    from openness.frameworks import known_ids
    from openness.index.query import parse_filters, parse_search, parse_sort

    filters = parse_filters(args.where)
    sort, descending = parse_sort(args.sort)
    search = parse_search(args.search)
    if not 1 <= args.limit <= 100_000:
        raise UsageError("--limit must be 1-100000")
    store = open_store(args.db)
    try:
        items: list[dict[str, Any]] = []
        total = 0
        while len(items) < args.limit:
            total, page = store.query(filters, search=search, sort=sort, descending=descending,
                                     limit=min(500, args.limit - len(items)), offset=len(items))
            items += page
            if not page or len(items) >= total:
                break
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(dumps({"total": total, "releases": items}, indent=2) + "\n")
        return 0
    frameworks = list(known_ids())
    rows = [_row(i, frameworks) for i in items]
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        header = ["name", "source", "revision", "audited_at", *frameworks, "licenses", "restrictions",
                  "open_washing"]
        writer.writerow(header)
        for r in rows:
            writer.writerow([csv_cell(r[h]) for h in header])
        sys.stdout.write(out.getvalue())
        return 0
    columns = ["name", "osaid", "mof", "licenses", "open_washing", "audited_at"]
    table = [[clean(str(r.get(c, ""))) for c in columns] for r in rows]
    widths = [min(60, max([len(c)] + [len(t[i]) for t in table])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for t in table:
        print("  ".join(v[:w].ljust(w) for v, w in zip(t, widths, strict=True)).rstrip())
    print(f"{total} release(s)", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- show


def run_show(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    try:
        if args.history:
            history = store.history(args.name)
            if args.format == "json":
                sys.stdout.write(dumps({"name": args.name, "audits": history}, indent=2) + "\n")
                return 0
            for h in history:
                statuses = ", ".join(f"{k}={v['status']}" for k, v in h["verdicts"].items())
                print(f"{h['audited_at']}  {clean(h['revision'])}  {clean(statuses)}")
                for line in describe_changes(h.get("changes")):
                    print(f"    {clean(line)}")
            return 0
        audit = store.get(args.name, args.revision)
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(dumps(audit["report"], indent=2) + "\n")
        return 0
    print(f"{clean(audit['name'])} @ {clean(audit['revision'])}  (audited {audit['audited_at']}, "
          f"{audit['files']} files, source {clean(audit['source'])})")
    for fw, v in audit["verdicts"].items():
        print(f"  {clean(fw):<16} {clean(v['status'])}")
    print(f"  licences:     {clean(', '.join(audit['licenses']) or '-')}")
    print(f"  restrictions: {clean(', '.join(audit['restrictions']) or '-')}")
    print(f"  findings:     {clean(', '.join(audit['findings']) or '-')}")
    return 0


def describe_changes(changes: dict[str, Any] | None) -> list[str]:
    """Human lines for one history step (the web page shows the same dictionary)."""
    if changes is None:
        return ["first audit"]
    lines = [f"{fw}: {c['from']} -> {c['to']}" for fw, c in changes["verdicts"].items()]
    for key in ("licenses", "restrictions", "findings", "files"):
        for how, values in changes[key].items():
            if values:
                lines.append(f"{key} {how}: {', '.join(values[:20])}" + (" ..." if len(values) > 20 else ""))
    return lines or ["no change in verdicts, licences or files"]


# --------------------------------------------------------------------------- export


EXPORT_COLUMNS = ("name", "source", "revision", "audited_at", "tool_version", "files", "open_washing",
                  "licenses", "restrictions", "findings")


def _flat(audit: dict[str, Any], frameworks: list[str]) -> dict[str, Any]:
    row = {k: audit[k] for k in EXPORT_COLUMNS}
    for key in ("licenses", "restrictions", "findings"):
        row[key] = " ".join(row[key])
    for fw in frameworks:
        v = audit["verdicts"].get(fw) or {}
        row[f"{fw}_status"] = v.get("status")
        row[f"{fw}_score"] = v.get("score")
    return row


def run_export(args: argparse.Namespace) -> int:
    from openness.commands.audit import ReportFile
    from openness.frameworks import known_ids

    if args.format == "parquet":
        if not args.output:
            raise UsageError("--format parquet writes a binary file: give --output FILE")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise UsageError(
                "Parquet export needs the parquet extra: pip install 'openness[parquet]'"
            ) from None
    frameworks = list(known_ids())
    store = open_store(args.db)
    try:
        if args.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [_flat(a, frameworks) | {"report": json.dumps(a["report"])}
                    for a in store.iter_audits(latest_only=not args.all)]
            sink = pa.BufferOutputStream()
            pq.write_table(pa.Table.from_pylist(rows), sink)
            _write_whole(args.output, sink.getvalue().to_pybytes())
            return 0
        out_file = ReportFile(args.output) if args.output else None
        stream: Any = out_file if out_file is not None else sys.stdout
        try:
            if args.format == "jsonl":
                for a in store.iter_audits(latest_only=not args.all):
                    a.pop("html", None)
                    stream.write(dumps(a, separators=(",", ":")) + "\n")
            else:
                buf = io.StringIO()
                writer = csv.writer(buf, lineterminator="\n")
                header = [*EXPORT_COLUMNS, *(f"{fw}_{k}" for fw in frameworks for k in ("status", "score"))]
                writer.writerow(header)
                for a in store.iter_audits(latest_only=not args.all):
                    flat = _flat(a, frameworks)
                    writer.writerow([csv_cell(flat[h]) for h in header])
                    if buf.tell() > 1 << 20:
                        stream.write(buf.getvalue())
                        buf.seek(0)
                        buf.truncate()
                stream.write(buf.getvalue())
            if out_file is not None:
                out_file.commit()
        finally:
            if out_file is not None:
                out_file.discard()
    finally:
        store.close()
    return 0


def _write_whole(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file beside it, then a rename)."""
    import os

    from openness.errors import OutputError
    from openness.safe_io import write_atomic

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"{clean(path)}: folder {clean(folder)} does not exist")
    if os.path.isdir(path):
        raise OutputError(f"{clean(path)}: is a directory (give a file name)")
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"{clean(path)}: cannot write ({clean(exc.strerror or str(exc))})") from exc
