"""Hostile sources and audit I/O (issue 9): nothing hangs or traces back, every read is bounded,
and a verdict never fails on what could not be read.

Everything is built in ``tmp_path``. Tests run as root in CI, where ``chmod 000`` hides nothing,
so unreadable files are FIFOs (listed, never opened for reading) or a reader that fails the way
a permission error does.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import sys
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fs_helpers import remove_tree_iteratively
from hub_fixtures import build_hf_cache, write_card
from openness.cli import main
from openness.errors import SourceError
from openness.model import Component, Status
from openness.pipeline import audit
from openness.sources import SourceOptions, hf_cache
from openness.sources import local as local_source
from openness.sources.local import open_snapshot as open_local

ROOT = Path(__file__).resolve().parent.parent
OPEN = ROOT / "examples" / "tiny-open-lm"
T = TypeVar("T")
DEEP = 1_500  # deeper than Python's recursion limit (1,000)


def _within(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()`` or a test failure if it has not returned after ``seconds`` (a daemon thread, so a
    hang on the old code fails the test instead of freezing the suite)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked or unbounded)"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(autouse=True)
def _remove_deep_trees(tmp_path: Path) -> Any:
    """1,500-level trees would make pytest's later clean-up of old temporary folders (recursive
    ``shutil.rmtree``) raise RecursionError at the end of another session: remove them here."""
    yield
    remove_tree_iteratively(tmp_path)


def _deep(root: Path, depth: int, name: str, text: str) -> None:
    """``root/d/d/.../d/name`` (``depth`` levels), made one level at a time through directory
    descriptors: ``Path.mkdir(parents=True)`` itself recurses once per level."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            sub = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = sub
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, text.encode())
        os.close(out)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the offline hub cache


def _safetensors(path: Path) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 16)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], tuple[Path, str]]:
    """A factory: a small model laid out in a Hugging Face cache under ``tmp_path`` as ``org/<name>``;
    returns (the repo folder, the commit)."""
    cache = tmp_path / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "openness-cache"))
    monkeypatch.delenv("HF_HOME", raising=False)

    def make(name: str) -> tuple[Path, str]:
        src = tmp_path / "src" / name
        write_card(src, {"license": "apache-2.0"}, "# Model\n\n## Training data\nWeb text.\n")
        (src / "LICENSE").write_text("MIT License\n\nPermission is hereby granted...\n", encoding="utf-8")
        _safetensors(src / "model.safetensors")
        commit = build_hf_cache(src, cache, f"org/{name}")
        return cache / f"models--org--{name}", commit

    return make


def _offline(name: str) -> Any:
    return _within(20, lambda: audit(f"hf:org/{name}", options=SourceOptions(offline=True)))


@pytest.mark.parametrize("planted", ["README.md", "LICENSE", "model.safetensors"])
def test_fifo_blob_in_the_hub_cache_never_blocks(
    hub: Callable[[str], tuple[Path, str]], planted: str
) -> None:
    folder, commit = hub("fifo")
    blob = (folder / "snapshots" / commit / planted).resolve()
    blob.unlink()
    os.mkfifo(blob)  # the snapshot's symlink now leads to a FIFO: opening it for reading would block
    report = _offline("fifo")
    notes = " | ".join(n.message for n in report.notes)
    assert planted in notes or "not a regular file" in notes
    if planted == "README.md":
        assert report.evidence.get(Component.MODEL_CARD).status is Status.UNKNOWN
        assert report.assessments["osaid"].status != "open-source-ai"


def test_fifo_blob_is_refused_by_every_cache_reader(hub: Callable[[str], tuple[Path, str]]) -> None:
    folder, commit = hub("fifo2")
    entry = folder / "snapshots" / commit / "model.safetensors"
    blob = entry.resolve()
    blob.unlink()
    os.mkfifo(blob)
    with pytest.raises(OSError, match="not a regular file"):
        _within(5, lambda: hf_cache.read_bounded(entry, 100))
    with pytest.raises(OSError, match="not a regular file"):
        _within(5, lambda: hf_cache.safetensors_summary(entry))
    listed = {cf.path: cf for cf in hf_cache.list_snapshot(folder, commit, 100)}
    assert listed["model.safetensors"].readable is False and listed["README.md"].readable


def test_sparse_ref_is_read_bounded(hub: Callable[[str], tuple[Path, str]]) -> None:
    """A 256 MB sparse refs/main cost the old reader 256 MB (2 GB: 4.2 GB RSS; 10 GB: never ends);
    a ref is one commit id, so at most ``MAX_REF`` bytes are read and the padding makes it invalid."""
    folder, _commit = hub("sparse")
    ref = folder / "refs" / "main"
    with open(ref, "r+b") as fh:
        fh.truncate(256 * 1024 * 1024)
    tracemalloc.start()
    try:
        found = _within(10, lambda: hf_cache.resolve_commit(folder, None))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found is None
    assert peak < 1024 * 1024
    with pytest.raises(SourceError, match="not in the Hugging Face cache"):
        _offline("sparse")


def test_ten_gigabyte_sparse_ref_and_a_valid_ref(hub: Callable[[str], tuple[Path, str]]) -> None:
    folder, commit = hub("huge")
    assert hf_cache.resolve_commit(folder, None) == commit  # the ordinary ref still resolves
    (folder / "refs" / "main").write_text(commit + "\n", encoding="ascii")
    assert hf_cache.resolve_commit(folder, None) == commit
    with open(folder / "refs" / "big", "wb") as fh:
        fh.truncate(10 * 1024**3)
    assert _within(5, lambda: hf_cache.resolve_commit(folder, "big")) is None
    assert hf_cache.resolve_commit(folder, "../snapshots") is None  # a ref name, never a path
    assert "big" in hf_cache.cached_refs(folder)


def test_symlink_loops_in_a_snapshot(hub: Callable[[str], tuple[Path, str]]) -> None:
    """Path.resolve raised RuntimeError on a loop; a directory link back up must not be followed."""
    folder, commit = hub("loop")
    snap = folder / "snapshots" / commit
    (snap / "a").symlink_to("b")
    (snap / "b").symlink_to("a")
    (snap / "sub").mkdir()
    (snap / "sub" / "up").symlink_to("..")
    (snap / "sub" / "self").symlink_to("self")
    (folder / "refs" / "loop").symlink_to(".")
    report = _offline("loop")
    paths = {f.path for f in report.inventory.snapshot.files}
    assert {"README.md", "LICENSE", "model.safetensors"} <= paths
    assert not paths & {"a", "b", "sub/up", "sub/self"}
    assert report.evidence.get(Component.MODEL_CARD).status is Status.PRESENT


def test_deep_snapshot_and_refs_trees(hub: Callable[[str], tuple[Path, str]]) -> None:
    """os.walk / Path.rglob recursed once per level: RecursionError at 1,500 levels."""
    folder, commit = hub("deep")
    _deep(folder / "snapshots" / commit, DEEP, "x.txt", "deep")
    _deep(folder / "refs" / "heads", DEEP, "r", commit)
    listed = [cf.path for cf in _within(20, lambda: list(hf_cache.list_snapshot(folder, commit, 1000)))]
    assert "README.md" in listed
    assert not any(p.endswith("x.txt") for p in listed)  # beyond MAX_DEPTH: not listed
    assert _within(20, lambda: hf_cache.cached_refs(folder)) == ("main",)
    report = _offline("deep")
    assert report.evidence.get(Component.MODEL_CARD).status is Status.PRESENT


def test_snapshot_walk_bounds_files(hub: Callable[[str], tuple[Path, str]]) -> None:
    folder, commit = hub("many")
    assert len(list(hf_cache.list_snapshot(folder, commit, 2))) == 2


def test_empty_cached_snapshot_is_one_error_line(
    hub: Callable[[str], tuple[Path, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, commit = hub("empty")
    snap = folder / "snapshots" / commit
    shutil.rmtree(snap)
    snap.mkdir()
    assert main(["audit", "hf:org/empty", "--offline"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "nothing to audit" in captured.err


# --------------------------------------------------------------------------- local directories


def test_local_special_files_are_listed_unreadable_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    os.mkfifo(tmp_path / "README.md")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        if os.geteuid() == 0:
            os.mknod(tmp_path / "dev", 0o600 | 0o020000, os.makedev(1, 3))  # a char device (/dev/null)
        snap = _within(10, lambda: open_local(str(tmp_path), SourceOptions()))
    finally:
        server.close()
    entries = {f.path: f for f in snap.files}
    assert entries["a.txt"].readable
    for special in ("README.md", "sock", *(["dev"] if os.geteuid() == 0 else [])):
        assert entries[special].readable is False, special
        with pytest.raises(SourceError):
            _within(5, lambda p=special: snap.read(p, 10))  # type: ignore[misc]


def test_local_deep_tree_and_loops(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# r\n", encoding="utf-8")
    _deep(tmp_path, DEEP, "x.txt", "deep")
    (tmp_path / "up").symlink_to(".")
    (tmp_path / "l1").symlink_to("l2")
    (tmp_path / "l2").symlink_to("l1")
    snap = _within(20, lambda: open_local(str(tmp_path), SourceOptions()))
    assert [f.path for f in snap.files] == ["README.md"]
    notes = " | ".join(n.message for n in snap.notes)
    assert "symlink loop" in notes and "deeper than" in notes


def test_file_swapped_for_a_fifo_after_listing_is_not_hashed_blocking(tmp_path: Path) -> None:
    """The listing hashes small weight files; a FIFO swapped in must be refused, not waited on."""
    path = tmp_path / "w.safetensors"
    os.mkfifo(path)
    assert _within(5, lambda: local_source._sha256(str(path), 10)) is None
    assert _within(5, lambda: local_source._lfs_pointer(str(path))) is None


@pytest.mark.parametrize("layout", ["empty", "only-vcs", "only-fifo"])
def test_nothing_to_audit_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    """An empty directory exited 0 with a 178-line report of "absent"."""
    if layout == "only-vcs":
        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "HEAD2").write_text("x", encoding="utf-8")
        (tmp_path / "__pycache__").mkdir()
        (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"\0")
    elif layout == "only-fifo":
        os.mkfifo(tmp_path / "README.md")
    assert _within(10, lambda: main(["audit", str(tmp_path)])) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "nothing to audit" in captured.err


# --------------------------------------------------------------------------- unreadable evidence


@pytest.fixture
def release(tmp_path: Path) -> Path:
    dest = tmp_path / "tiny-open-lm"
    shutil.copytree(OPEN, dest)
    return dest


def _deny(monkeypatch: pytest.MonkeyPatch, victim: str) -> None:
    """Reads of ``victim`` fail as they do for a file its owner made unreadable (root ignores
    chmod 000): the local source's reader raises its SourceError for EACCES."""
    make = local_source.make_reader

    def make_reader(root: str, allowed: tuple[str, ...] | None = None) -> Any:
        read = make(root, allowed)

        def guarded(path: str, limit: int) -> bytes:
            if path == victim:
                raise SourceError(f"{path}: cannot read (permission denied)")
            return read(path, limit)

        return guarded

    monkeypatch.setattr(local_source, "make_reader", make_reader)


def test_the_example_is_open_source_ai_when_everything_is_read(release: Path) -> None:
    assert audit(str(release)).assessments["osaid"].status == "open-source-ai"


@pytest.mark.parametrize("how", ["fifo", "permission"])
def test_unreadable_readme_is_insufficient_evidence_not_a_fail(
    release: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """It flipped OSAID from open-source-ai to not-open-source-ai: the card's metadata became
    "absent", its data section "partial", the code licence its statement gives "none"."""
    if how == "fifo":
        (release / "README.md").unlink()
        os.mkfifo(release / "README.md")
    else:
        _deny(monkeypatch, "README.md")
    report = _within(30, lambda: audit(str(release)))
    osaid = report.assessments["osaid"]
    assert osaid.status == "insufficient-evidence", [
        (c.id, c.outcome, c.detail) for c in osaid.criteria if c.outcome != "pass"
    ]
    for c in (Component.MODEL_CARD, Component.MODEL_METADATA, Component.DATA_INFORMATION):
        ev = report.evidence.get(c)
        assert ev.status is Status.UNKNOWN, c
        assert any(loc.path == "README.md" for loc in ev.locations), c
    assert not [ev for ev in report.evidence.components.values() if ev.status is Status.ABSENT
                and ev.component in (Component.MODEL_METADATA, Component.EVALUATION_RESULTS)]
    assert any(n.location is not None and n.location.path == "README.md" for n in report.notes)
    assert all(c.outcome != "fail" for c in osaid.criteria), [
        (c.id, c.detail) for c in osaid.criteria if c.outcome == "fail"
    ]


def test_unreadable_data_card_makes_data_information_unknown(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, "DATA_CARD.md")
    report = audit(str(release))
    info = report.evidence.get(Component.DATA_INFORMATION)
    assert info.status is Status.UNKNOWN
    assert info.locations[0].path == "DATA_CARD.md"
    assert report.assessments["osaid"].status == "insufficient-evidence"


# --------------------------------------------------------------------------- -o and --from-file


def _refuse_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_audit(*_a: object, **_k: object) -> None:
        raise AssertionError("the audit ran before the output was checked")

    monkeypatch.setattr("openness.pipeline.audit", no_audit)


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_bad_output_is_one_line_before_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    output = tmp_path / "missing" / "dir" / "r.txt" if where == "missing-folder" else tmp_path
    _refuse_audit(monkeypatch)
    assert main(["audit", str(OPEN), "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("openness: error: ")
    batch = tmp_path / "list.txt"
    batch.write_text(f"{OPEN}\n", encoding="utf-8")
    assert main(["audit", "--from-file", str(batch), "-o", str(output)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_failed_audit_leaves_no_half_written_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.txt"
    out.write_text("previous report\n", encoding="utf-8")

    def broken(*_a: object, **_k: object) -> None:
        raise SourceError("the release vanished")

    monkeypatch.setattr("openness.pipeline.audit", broken)
    assert main(["audit", str(OPEN), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]  # no temporary file left
    monkeypatch.undo()
    assert main(["audit", str(OPEN), "-o", str(out), "-f", "json"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["target"]["input"] == str(OPEN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


def test_output_to_a_device_is_written_directly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(OPEN), "-o", os.devnull]) == 0
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo", "binary", "control"])
def test_bad_batch_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "list.txt"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # no writer: reading would wait forever
    elif kind == "binary":
        path.write_bytes(b"\x7fELF\x02\x01\x01\x00\xff\xfe" + bytes(range(256)))
    elif kind == "control":
        path.write_bytes(b"ok/release\nevil\x1b[2Jname\n")
    _refuse_audit(monkeypatch)
    assert _within(10, lambda: main(["audit", "--from-file", str(path)])) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "\x1b" not in captured.err


def test_unreadable_batch_file_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unreadable as root too: the open itself fails the way EACCES does."""
    path = tmp_path / "list.txt"
    path.write_text(f"{OPEN}\n", encoding="utf-8")
    real_open = os.open

    def deny(p: Any, *a: Any, **k: Any) -> int:
        if os.fspath(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    assert main(["audit", "--from-file", str(path)]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_oversized_batch_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openness.commands import audit as audit_cmd

    path = tmp_path / "list.txt"
    with open(path, "wb") as fh:
        fh.truncate(audit_cmd.MAX_BATCH_BYTES + 1)
    assert main(["audit", "--from-file", str(path)]) == 2
    assert "larger than" in capsys.readouterr().err


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("FIFOs and symlinks need a POSIX system", allow_module_level=True)
