"""``openness audit TARGET``: verdicts with evidence for one release (or many)."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from openness import lazy_re
from openness.errors import OpennessError, OutputError, UsageError
from openness.frameworks import known_ids
from openness.render import RENDERERS, render
from openness.render.safe import clean

if TYPE_CHECKING:  # pragma: no cover
    from openness.policy import Outcomes, Policy


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "audit",
        help="audit a release: a directory, hf:org/name, a git URL or a MOF YAML file",
        description="Audit an AI release and report its verdict under each framework, with evidence.",
    )
    p.add_argument("target", nargs="?", help="directory, hf:org/name[@rev], git URL, or MOF YAML file")
    p.add_argument("--format", "-f", default=None, choices=sorted(RENDERERS),
                   help="output format (default: text; json Lines with --from-file)")
    p.add_argument(
        "--framework",
        default="all",
        help=f"comma-separated framework ids or 'all' (known: {', '.join(known_ids())})",
    )
    p.add_argument(
        "--fail-unless",
        metavar="LEVEL",
        help="exit 1 unless the OSAID verdict is LEVEL (e.g. open-source-ai), or FRAMEWORK=LEVEL "
             "(this level or better, e.g. mof=class-2), or FRAMEWORK>=SCORE (e.g. osai-index>=0.6)",
    )
    p.add_argument("--policy", metavar="FILE",
                   help="exit 1 unless the release meets every rule of this TOML policy (docs/policy.md)")
    p.add_argument("--summary", action="store_true", help="text format: only the verdicts block")
    from openness.render import listing

    p.add_argument("--files", choices=listing.CHOICES, default=None,
                   help="json format: 'all' lists every file; 'summary' gives the counts per role and "
                        "extension, the files the evidence cites and samples of the largest and unclassified "
                        f"(default: all up to {listing.SUMMARY_ABOVE:,} files, summary above)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print nothing but errors (and failed policy rules); the exit code tells")
    p.add_argument("--also", action="append", default=[], metavar="TARGET",
                   help="another place holding part of the same release (repeatable)")
    p.add_argument("--offline", action="store_true", help="no network; read only caches")
    p.add_argument("--follow", action=argparse.BooleanOptionalAction, default=None,
                   help="read the Hub repositories the release names as its weights/datasets as part of it "
                        "(at most 3, no weights downloaded); default: on for git and hf targets")
    p.add_argument("--revision", help="branch, tag or commit for hub and git targets")
    p.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    p.add_argument("--from-file", metavar="FILE",
                   help="audit every release listed in FILE ('-' for stdin): one per line, the target first, "
                        "then any --also places; '#' starts a comment")
    p.add_argument("--jobs", "-j", type=int, default=4, metavar="N",
                   help="releases audited at once with --from-file (default 4)")
    p.add_argument("--output-dir", metavar="DIR",
                   help="with --from-file: one report file per release in DIR, named by its line number")
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
    import shutil  # only for a terminal (with bz2 and lzma, ~5 ms of every other run)

    width = max(80, shutil.get_terminal_size().columns)
    return {"width": width} if os.environ.get("NO_COLOR") else {"color": True, "width": width}


# ------------------------------------------------------------------ policy gates (--policy, --fail-unless)


def _load_policy(args: argparse.Namespace) -> Policy | None:
    """The policy file and ``--fail-unless`` as one policy, checked before any audit (exit 2)."""
    # openness.policy is imported in the branches that use it: most audits have no policy (~1.6 ms).
    policy: Policy | None = None
    if getattr(args, "policy", None):
        from openness.policy import MAX_POLICY_BYTES, PolicyError, parse_policy

        shown = clean(args.policy)
        try:
            data = _read_regular(args.policy, MAX_POLICY_BYTES + 1)
        except OSError as exc:
            raise PolicyError(f"{shown}: cannot read the policy ({_strerror(exc)})") from exc
        if len(data) > MAX_POLICY_BYTES:
            raise PolicyError(f"{shown}: policy larger than {MAX_POLICY_BYTES // 1024} KB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"{shown}: not a text policy (not UTF-8 at byte {exc.start})") from exc
        policy = parse_policy(text, shown)
    if getattr(args, "fail_unless", None):
        from openness.policy import fail_unless

        one = fail_unless(args.fail_unless)
        policy = one if policy is None else replace(policy, levels=policy.levels + one.levels)
    return policy


def _with_policy_frameworks(ids: list[str] | None, policy: Policy | None) -> list[str] | None:
    """``--framework`` plus every framework the policy judges (None: all of them anyway)."""
    if ids is None or policy is None:
        return ids
    return ids + [f for f in dict.fromkeys(policy.frameworks) if f not in ids]


def _judge(report: Any, policy: Policy | None) -> Outcomes | None:
    if policy is None:
        return None
    from openness.policy import evaluate

    return evaluate(report, policy)


def _tell(outcomes: Outcomes | None, quiet: bool, prefix: str = "") -> int:
    """Each failed rule on stderr (warnings too unless quiet); 1 if any rule failed."""
    if outcomes is None:
        return 0
    for f in outcomes.failures:
        print(clean(f"openness: {prefix}policy failed: {f.message()}"), file=sys.stderr)
    if not quiet:
        for f in outcomes.warnings:
            line = f"openness: {prefix}policy warning (not established): {f.message()}"
            print(clean(line), file=sys.stderr)
    return 0 if outcomes.passed else 1


def _render(report: Any, fmt: str, outcomes: Outcomes | None, **options: Any) -> str:
    if fmt == "sarif":  # code-scanning results carry the failed rules with the findings
        options["failures"] = outcomes.failures if outcomes is not None else ()
    return render(report, fmt, **options)


def run(args: argparse.Namespace) -> int:
    if args.format is None:
        args.format = "json" if getattr(args, "from_file", None) else "text"
    if getattr(args, "summary", False) and args.format != "text":
        raise UsageError("--summary applies to the text format only")
    files = getattr(args, "files", None)
    if files is not None and args.format != "json":
        raise UsageError("--files applies to the json format (the other formats never list every file)")
    if files is not None and getattr(args, "from_file", None):
        raise UsageError("--files goes with one TARGET (batch records list every file up to the summary "
                         "threshold, a summary above)")
    if getattr(args, "from_file", None):
        return run_batch(args)
    if not args.target:
        raise UsageError("audit needs a TARGET (a directory, hf:org/name, a git URL or a MOF YAML file)")
    if getattr(args, "output_dir", None):
        raise UsageError("--output-dir goes with --from-file (use -o for one report)")
    policy = _load_policy(args)
    ids = _with_policy_frameworks(_frameworks(args.framework), policy)
    quiet = getattr(args, "quiet", False)
    # The pipeline is imported here, not at module level: every command builds this parser.
    from openness.pipeline import audit
    from openness.sources import SourceOptions

    options = SourceOptions(offline=args.offline, revision=args.revision, follow=args.follow)
    out = ReportFile(args.output) if args.output else None  # checked before the audit runs
    try:
        report = audit(args.target, frameworks=ids, options=options, also=args.also)
        outcomes = _judge(report, policy)
        extra: dict[str, Any] = {"summary": True} if getattr(args, "summary", False) else {}
        if args.format == "json":
            _write_json(report, out, quiet, files)
        else:
            text = _render(report, args.format, outcomes, **_colour(args), **extra)
            if out is not None:
                out.write(text)
                out.commit()
            elif not quiet:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
    finally:
        if out is not None:
            out.discard()
    return _tell(outcomes, quiet)


def _write_json(report: Any, out: ReportFile | None, quiet: bool, files: str | None) -> None:
    """The JSON report written as it is encoded: a 100,000-file listing is never one string."""
    from openness.render.json import write_json

    if out is not None:
        out.write_with(lambda write: write_json(report, write, files=files))
        out.commit()
    elif not quiet:
        write_json(report, sys.stdout.write, files=files)


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
            import tempfile  # only with -o: tempfile pulls in random (issue 14)

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

    def write_with(self, produce: Callable[[Callable[[str], object]], None]) -> None:
        """Let ``produce`` write the report piece by piece (a streamed JSON document)."""
        try:
            produce(self.stream.write)
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

    @classmethod
    def write_whole(cls, path: str, text: str) -> None:
        """Write one complete report to ``path`` (replacing it whole, as ``-o`` does)."""
        out = cls(path)
        try:
            out.write(text)
            out.commit()
        finally:
            out.discard()

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
# Many releases, concurrently, bounded by --jobs: threads in this process, or for a large batch on
# several cores, worker processes each running threads (batch_workers: the audit is CPU-bound).
# Each release is audited on its own: a failure is one line on stderr, never a record, and the batch
# goes on. With --format json the output is
# JSON Lines: one compact report document per release, in the batch file's order; with --output-dir,
# one report file per release in any format. A progress bar goes to stderr when it is a terminal.
# Exit: 2 if any release failed, else 1 if any policy rule (--policy, --fail-unless) failed, else 0.


_COMMENT = lazy_re.compile(r"(?:^|\s)#")
_CONTROL = lazy_re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab, newline and CR are line structure
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
    (opened without blocking, then refused: ``openness.safe_io``)."""
    from openness import safe_io

    return safe_io.read_regular(path, limit)[0]


# A report file's extension per format, for --output-dir (anything else: .txt).
EXTENSIONS = {"json": "json", "markdown": "md", "html": "html", "badge": "svg", "sarif": "sarif",
              "cyclonedx": "cdx.json", "spdx3": "spdx3.json", "mof": "yaml", "text": "txt"}
_SLUG_UNSAFE = lazy_re.compile(r"[^A-Za-z0-9._-]+")
MAX_SLUG = 80  # characters of the target kept in a report file's name


def report_name(number: int, target: str, fmt: str) -> str:
    """``NNNN-slug.ext``: the release's position in the batch file keeps names unique and ordered;
    the slug is the target's tail made safe for any file system (never a path, never hidden)."""
    slug = _SLUG_UNSAFE.sub("-", target.rstrip("/"))[-MAX_SLUG:].strip("-.") or "release"
    return f"{number:04d}-{slug}.{EXTENSIONS.get(fmt, 'txt')}"


def _batch_record(report: Any, fmt: str, outcomes: Outcomes | None, one_line: bool, summary: bool) -> str:
    if fmt == "json" and one_line:  # one JSON Lines record, escaped like every JSON the package writes
        from openness.render.json import render_json

        return render_json(report, compact=True)
    return _render(report, fmt, outcomes, **({"summary": True} if summary else {}))


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


def _output_dir(path: str) -> str:
    shown = clean(path)
    if not os.path.isdir(path):
        raise OutputError(f"{shown}: --output-dir is not an existing folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{shown}: cannot write reports there (permission denied)")
    return path


@dataclass(frozen=True)
class _BatchSetup:
    """What every release of a batch is audited and rendered with (sent once to each worker process)."""

    ids: list[str] | None
    policy: Policy | None
    options: Any  # SourceOptions
    fmt: str
    one_line: bool
    summary: bool


_Result = tuple[str | None, str | None, "Outcomes | None"]  # record, error, policy outcomes


def _audit_release(setup: _BatchSetup, target: str, also: list[str]) -> _Result:
    """(record, error, policy outcomes) for one release; never raises (threads and worker processes)."""
    from openness.pipeline import audit  # at call time: tests stand in for the pipeline

    try:
        report = audit(target, frameworks=setup.ids, options=setup.options, also=also)
        outcomes = _judge(report, setup.policy)
        record = _batch_record(report, setup.fmt, outcomes, setup.one_line, setup.summary)
        return record, None, outcomes
    except OpennessError as exc:
        return None, str(exc), None
    except Exception as exc:  # a bug in one release's audit must not end the batch
        return None, f"internal error: {type(exc).__name__}: {exc}", None


def _threaded(one: Callable[[str, list[str]], _Result], entries: list[tuple[str, list[str]]],
              jobs: int) -> Iterator[tuple[int, _Result]]:
    """(index, result) in the order releases finish, ``jobs`` threads in this process."""
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait  # batch only

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="openness-batch") as pool:
        pending: dict[Future[_Result], int] = {
            pool.submit(one, target, also): i for i, (target, also) in enumerate(entries)
        }
        while pending:
            try:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            for fut in done:
                yield pending.pop(fut), fut.result()


def run_batch(args: argparse.Namespace) -> int:
    if args.target:
        raise UsageError("give a TARGET or --from-file, not both")
    if args.also:
        raise UsageError("--also does not combine with --from-file: list the places on the release's line")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out_dir = getattr(args, "output_dir", None)
    if out_dir and args.output:
        raise UsageError("give -o (one JSON Lines file) or --output-dir (one file per release), not both")
    if not out_dir and args.format != "json":
        raise UsageError(f"--format {args.format} with --from-file needs --output-dir (one file per "
                         "release); --format json writes one JSON object per line")
    policy = _load_policy(args)
    ids = _with_policy_frameworks(_frameworks(args.framework), policy)
    quiet = getattr(args, "quiet", False)
    entries = read_batch(args.from_file)
    if not entries:
        raise UsageError(f"{clean(args.from_file)}: no release listed")
    if out_dir:
        _output_dir(out_dir)
    from functools import partial

    from openness.commands import batch_workers
    from openness.sources import SourceOptions

    options = SourceOptions(offline=args.offline, revision=args.revision, follow=args.follow)
    setup = _BatchSetup(ids, policy, options, args.format, not out_dir, getattr(args, "summary", False))
    one = partial(_audit_release, setup)
    report_file = ReportFile(args.output) if args.output else None  # checked before any audit
    out: IO[str] | None = report_file.stream if report_file is not None else None
    failed = gated = 0
    # A large batch runs in worker processes (the audit is CPU-bound); they start here, before the
    # progress bar's thread, so that they can be forked (batch_workers).
    n_workers, threads = batch_workers.plan(args.jobs, len(entries))
    workers: batch_workers.Workers | None = None
    if n_workers > 1:
        batch_workers.preload([target for target, _ in entries], args.offline, ids)
        try:
            workers = batch_workers.Workers(one, entries, n_workers, threads)
        except OSError:
            workers = None  # no process could be started (memory, process limit): threads, as below

    def emit(number: int, target: str, result: _Result) -> None:
        """Write one release's record (stdout, -o or its own file) and its errors (stderr only)."""
        nonlocal failed, gated
        record, error, outcomes = result
        if error is not None:
            failed += 1
            print(f"openness: {clean(target)}: error: {clean(error)}", file=sys.stderr)
            return
        assert record is not None
        gated += _tell(outcomes, quiet, prefix=f"{clean(target)}: ")
        text = record if record.endswith("\n") else record + "\n"
        if out_dir:
            ReportFile.write_whole(os.path.join(out_dir, report_name(number, target, args.format)), text)
        elif out is not None or not quiet:
            stream = out or sys.stdout
            stream.write(text)
            stream.flush()

    try:
        # The bar is drawn on stderr when it is a terminal, unless the records go to that terminal too.
        show_bar = not quiet and sys.stderr.isatty() and (
            out is not None or out_dir is not None or not sys.stdout.isatty())
        with _progress(len(entries), show_bar) as bar:
            results = workers.results() if workers is not None else _threaded(one, entries, args.jobs)
            # Records are written in the order of the batch file: a finished release waits for the
            # ones listed before it (at most --jobs of them are running), then goes out at once.
            ready: dict[int, _Result] = {}
            next_out = 0
            for index, result in results:
                ready[index] = result
                if bar is not None:
                    shown = _markup_escape(clean(entries[index][0][-60:]))
                    bar.update(bar.task_ids[0], advance=1, description=shown)
                while next_out in ready:
                    emit(next_out + 1, entries[next_out][0], ready.pop(next_out))
                    next_out += 1
        if report_file is not None:
            report_file.commit()
    finally:
        if workers is not None:
            workers.close(graceful=False)  # a no-op after a complete batch (closed by then)
        if report_file is not None:
            report_file.discard()
    if (failed or len(entries) > 1) and not quiet:
        print(f"openness: {len(entries)} release(s) audited, {failed} failed", file=sys.stderr)
    if failed:
        return 2
    return 1 if gated else 0
