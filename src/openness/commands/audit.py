"""``openness audit TARGET``: verdicts with evidence for one release (or many)."""

from __future__ import annotations

import argparse
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, TYPE_CHECKING, Any

from openness.errors import OpennessError, OutputError, UsageError
from openness.frameworks import known_ids
from openness.render import RENDERERS, render
from openness.render.safe import clean

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future


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
    p.add_argument("--from-file", metavar="FILE",
                   help="audit every release listed in FILE ('-' for stdin): one per line, the target first, "
                        "then any --also places; '#' starts a comment")
    p.add_argument("--jobs", "-j", type=int, default=4, metavar="N",
                   help="releases audited at once with --from-file (default 4)")
    p.set_defaults(run=run)


def _frameworks(value: str) -> list[str] | None:
    if value in ("", "all"):
        return None
    ids = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [i for i in ids if i not in known_ids()]
    if unknown:
        raise UsageError(f"unknown framework(s): {', '.join(unknown)} (known: {', '.join(known_ids())})")
    return ids


def _colour(args: argparse.Namespace) -> dict[str, Any]:
    """Colour for the terminal report on a terminal only, and never when NO_COLOR is set."""
    if args.format != "text" or args.output or not sys.stdout.isatty():
        return {}
    width = max(80, shutil.get_terminal_size().columns)
    return {"width": width} if os.environ.get("NO_COLOR") else {"color": True, "width": width}


def _gate(report_statuses: dict[str, str], spec: str) -> bool:
    framework, _, status = spec.rpartition("=")
    framework = framework or "osaid"
    if framework not in report_statuses:
        raise UsageError(f"--fail-unless names framework {framework!r}, which was not assessed")
    return report_statuses[framework] == status


def run(args: argparse.Namespace) -> int:
    if getattr(args, "from_file", None):
        return run_batch(args)
    if not args.target:
        raise UsageError("audit needs a TARGET (a directory, hf:org/name, a git URL or a MOF YAML file)")
    ids = _frameworks(args.framework)
    if args.fail_unless and ids is not None:
        fw = args.fail_unless.rpartition("=")[0] or "osaid"
        if fw not in ids:
            ids.append(fw)
    # The pipeline is imported here, not at module level: every command builds this parser.
    from openness.pipeline import audit
    from openness.sources import SourceOptions

    options = SourceOptions(offline=args.offline, revision=args.revision)
    out = ReportFile(args.output) if args.output else None  # checked before the audit runs
    try:
        report = audit(args.target, frameworks=ids, options=options, also=args.also)
        text = render(report, args.format, **_colour(args))
        if out is not None:
            out.write(text)
            out.commit()
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    finally:
        if out is not None:
            out.discard()
    if args.fail_unless:
        statuses = {k: a.status for k, a in report.assessments.items()}
        return 0 if _gate(statuses, args.fail_unless) else 1
    return 0


# --------------------------------------------------------------------------- the report file (-o)


class ReportFile:
    """Where ``-o`` writes, checked before the audit runs and written whole or not at all.

    A missing folder, a folder given as the file, or a place that cannot be written is one
    error line (exit 2) before any work. The report goes to a temporary file beside the target
    and replaces it only once complete (``commit``): an interrupted or failed audit leaves the
    old file, never half a report. A device or FIFO (``/dev/stdout``, a named pipe) is written
    directly: it cannot be replaced, and what it receives is a stream anyway.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._tmp: str | None = None
        shown = clean(path)
        target = os.path.realpath(path)  # a symlink is written through, not replaced
        try:
            st: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputError(f"{shown}: cannot write the report ({_strerror(exc)})") from exc
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{shown}: is a directory (give a file name for the report)")
        try:
            if st is not None and not stat.S_ISREG(st.st_mode):
                self.stream: IO[str] = open(target, "w", encoding="utf-8")  # noqa: SIM115
                self._target = target
                return
            folder = os.path.dirname(target) or "."
            if not os.path.isdir(folder):
                raise OutputError(f"{shown}: folder {clean(folder)} does not exist")
            if st is not None and not os.access(target, os.W_OK):
                raise OutputError(f"{shown}: cannot write the report (permission denied)")
            prefix = f".{os.path.basename(target)}."
            fd, self._tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{shown}: cannot write the report ({_strerror(exc)})") from exc
        self._target = target
        self._mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
        self.stream = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, text: str) -> None:
        try:
            self.stream.write(text if text.endswith("\n") else text + "\n")
            self.stream.flush()
        except OSError as exc:
            raise OutputError(f"{clean(self.path)}: cannot write the report ({_strerror(exc)})") from exc

    def commit(self) -> None:
        """The report is complete: put it in place."""
        try:
            self.stream.close()
            if self._tmp is not None:
                os.chmod(self._tmp, self._mode)
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as exc:
            raise OutputError(f"{clean(self.path)}: cannot write the report ({_strerror(exc)})") from exc

    def discard(self) -> None:
        """Drop an unfinished report (no-op after ``commit``)."""
        if not self.stream.closed:
            with suppress(OSError):
                self.stream.close()
        if self._tmp is not None:
            with suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _strerror(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


# --------------------------------------------------------------------------- batch (--from-file)
#
# Many releases, concurrently (threads: the work is mostly waiting on the network), bounded by --jobs.
# Each release is audited on its own: a failure becomes a record ({"target", "error"} in JSON) and the
# batch goes on. With --format json the output is JSON Lines: one compact report document per release,
# in completion order, flushed as each finishes. A progress bar goes to stderr when it is a terminal.
# Exit: 2 if any release failed, else 1 if any --fail-unless gate failed, else 0.


_COMMENT = re.compile(r"(?:^|\s)#")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab, newline and CR are line structure
MAX_BATCH_BYTES = 8 * 1024 * 1024  # a batch file: ~100,000 lines of targets
MAX_BATCH_ENTRIES = 100_000  # releases listed in one batch file


def read_batch(source: str) -> list[tuple[str, list[str]]]:
    """Lines of a batch file as (target, also-places); blank lines and '#' comments are skipped.

    The file is input like any other: a FIFO, a device, a folder, a binary or a huge file is one
    error line, never a hang or a traceback (stdin, '-', may be a pipe: it is read bounded).
    """
    shown = clean(source)
    try:
        if source == "-":
            stream: Any = getattr(sys.stdin, "buffer", sys.stdin)  # a StringIO in tests has no buffer
            raw = stream.read(MAX_BATCH_BYTES + 1)
            data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
        else:
            data = _read_regular(source, MAX_BATCH_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read the batch file ({_strerror(exc)})") from exc
    if len(data) > MAX_BATCH_BYTES:
        raise UsageError(f"{shown}: batch file larger than {MAX_BATCH_BYTES >> 20} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shown}: not a text batch file (not UTF-8 at byte {exc.start})") from exc
    out: list[tuple[str, list[str]]] = []
    for number, raw_line in enumerate(text.splitlines(), 1):
        line = _COMMENT.split(raw_line, maxsplit=1)[0].strip()  # '#' after a space: URLs may hold '#'
        if not line:
            continue
        if _CONTROL.search(line):
            raise UsageError(f"{shown}: line {number} holds control characters (a binary file?)")
        if len(out) >= MAX_BATCH_ENTRIES:
            raise UsageError(f"{shown}: more than {MAX_BATCH_ENTRIES} releases listed")
        first, *rest = line.split()
        out.append((first, rest))
    return out


def _read_regular(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; OSError for a folder, FIFO, socket or device
    (opened without blocking, then refused)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise OSError(errno.EISDIR, "is a directory")
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks: list[bytes] = []
        remaining = limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _batch_record(report: Any, fmt: str) -> str:
    if fmt == "json":  # one JSON Lines record, escaped like every JSON the package writes
        from openness.render.json import render_json

        return render_json(report, compact=True)
    return render(report, fmt)


def _error_record(target: str, message: str, fmt: str) -> str:
    from openness.render.safe import dumps

    if fmt == "json":
        return dumps({"target": target, "error": message})
    return f"openness: {clean(target)}: error: {clean(message)}"


def _markup_escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]audit"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
                  redirect_stdout=False, redirect_stderr=False) as bar:
        bar.add_task("", total=total)
        yield bar


def run_batch(args: argparse.Namespace) -> int:
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait  # batch only: not on every run

    if args.target:
        raise UsageError("give a TARGET or --from-file, not both")
    if args.also:
        raise UsageError("--also does not combine with --from-file: list the places on the release's line")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    ids = _frameworks(args.framework)
    if args.fail_unless and ids is not None:
        fw = args.fail_unless.rpartition("=")[0] or "osaid"
        if fw not in ids:
            ids.append(fw)
    entries = read_batch(args.from_file)
    if not entries:
        raise UsageError(f"{clean(args.from_file)}: no release listed")
    from openness.pipeline import audit
    from openness.sources import SourceOptions

    options = SourceOptions(offline=args.offline, revision=args.revision)
    report_file = ReportFile(args.output) if args.output else None  # checked before any audit
    out: IO[str] | None = report_file.stream if report_file is not None else None
    failed = gated = 0

    def one(target: str, also: list[str]) -> tuple[str, str | None, bool]:
        """(record, error, gate passed) for one release; never raises."""
        try:
            report = audit(target, frameworks=ids, options=options, also=also)
            passed = True
            if args.fail_unless:
                passed = _gate({k: a.status for k, a in report.assessments.items()}, args.fail_unless)
            return _batch_record(report, args.format), None, passed
        except OpennessError as exc:
            return _error_record(target, str(exc), args.format), str(exc), True
        except Exception as exc:  # a bug in one release's audit must not end the batch
            message = f"internal error: {type(exc).__name__}: {exc}"
            return _error_record(target, message, args.format), message, True

    try:
        # The bar is drawn on stderr when it is a terminal, unless the records go to that terminal too.
        show_bar = sys.stderr.isatty() and (out is not None or not sys.stdout.isatty())
        with _progress(len(entries), show_bar) as bar, \
                ThreadPoolExecutor(max_workers=args.jobs, thread_name_prefix="openness-batch") as pool:
            pending: dict[Future[tuple[str, str | None, bool]], str] = {
                pool.submit(one, target, also): target for target, also in entries
            }
            while pending:
                try:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
                for fut in done:
                    target = pending.pop(fut)
                    record, error, passed = fut.result()
                    failed += error is not None  # only this thread counts and writes
                    gated += not passed
                    stream = out or sys.stdout
                    stream.write(record if record.endswith("\n") else record + "\n")
                    stream.flush()
                    if bar is not None:
                        shown = _markup_escape(clean(target[-60:]))
                        bar.update(bar.task_ids[0], advance=1, description=shown)
        if report_file is not None:
            report_file.commit()
    finally:
        if report_file is not None:
            report_file.discard()
    if failed or len(entries) > 1:
        print(f"openness: {len(entries)} release(s) audited, {failed} failed", file=sys.stderr)
    if failed:
        return 2
    return 1 if gated else 0
