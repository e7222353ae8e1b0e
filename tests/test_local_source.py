"""The local-directory source on real directories built in tmp_path, hostile ones included."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import pytest

from corpus_release import scratch_dir
from openness.errors import SourceError
from openness.inventory import build_inventory
from openness.model import Snapshot
from openness.sources.interface import SourceOptions, detect_kind
from openness.sources.local import open_snapshot, snapshot_directory

OPTIONS = SourceOptions()


def _write(root: Path, rel: str, content: bytes | str = b"x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def _paths(snap: Snapshot) -> list[str]:
    return [f.path for f in snap.files]


def _notes(snap: Snapshot) -> list[str]:
    return [f"{n.location.path if n.location else ''}: {n.message}" for n in snap.notes]


def test_lists_files_sorted_with_sizes_and_skips_vcs(tmp_path: Path) -> None:
    _write(tmp_path, "README.md", "# hi\n")
    _write(tmp_path, "src/train.py", "print(1)\n")
    _write(tmp_path, "b/a.txt", b"12345")
    _write(tmp_path, ".git/config", "[core]\n")
    _write(tmp_path, ".hg/store", "x")
    _write(tmp_path, ".github/workflows/ci.yml", "on: push\n")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert snap.kind == "local"
    assert _paths(snap) == [".github/workflows/ci.yml", "README.md", "b/a.txt", "src/train.py"]
    assert snap.entry("b/a.txt") is not None and snap.entry("b/a.txt").size == 5  # type: ignore[union-attr]
    assert snap.read("src/train.py") == b"print(1)\n"
    assert snap.read("src/train.py", 5) == b"print"
    assert snap.notes == ()


def test_caches_and_environments_are_not_the_release(tmp_path: Path) -> None:
    _write(tmp_path, "train.py", "optimizer.step()\n")
    _write(tmp_path, "__pycache__/train.cpython-311.pyc", b"\0")
    _write(tmp_path, ".pytest_cache/v/cache/lastfailed", "{}")
    _write(tmp_path, "env/pyvenv.cfg", "home = /usr/bin\n")
    _write(tmp_path, "env/lib/python3.11/site-packages/torch/optim/adam.py", "class Adam: ...\n")
    _write(tmp_path, "web/node_modules/left-pad/index.js", "module.exports = 1\n")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["train.py"]
    assert _notes(snap) == [
        "env: environment folder (virtualenv, node_modules) skipped",
        "web/node_modules: environment folder (virtualenv, node_modules) skipped",
    ]


def test_small_weight_files_are_hashed(tmp_path: Path) -> None:
    _write(tmp_path, "model.safetensors", b"weights")
    _write(tmp_path, "README.md", "card")
    big = tmp_path / "big.safetensors"
    with open(big, "wb"):
        pass
    os.truncate(big, 1024**3)  # sparse: above the per-file limit, never read
    snap = open_snapshot(str(tmp_path), OPTIONS)
    by_path = {f.path: f for f in snap.files}
    assert by_path["model.safetensors"].sha256 == hashlib.sha256(b"weights").hexdigest()
    assert by_path["README.md"].sha256 is None and by_path["big.safetensors"].sha256 is None


def test_empty_directory_is_an_empty_snapshot(tmp_path: Path) -> None:
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert snap.files == () and snap.notes == ()


def test_missing_target_and_file_target_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open"):
        open_snapshot(str(tmp_path / "nope"), OPTIONS)
    f = _write(tmp_path, "file.txt")
    with pytest.raises(SourceError, match="not a directory"):
        open_snapshot(str(f), OPTIONS)


def test_git_working_tree_lists_like_a_directory(tmp_path: Path) -> None:
    _write(tmp_path, "LICENSE", "MIT License\n")
    _write(tmp_path, "model.py", "import torch\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert (tmp_path / ".git").is_dir()
    assert detect_kind(str(tmp_path)) == "local"
    assert _paths(open_snapshot(str(tmp_path), OPTIONS)) == ["LICENSE", "model.py"]


def test_symlink_inside_root_is_listed_and_readable(tmp_path: Path) -> None:
    _write(tmp_path, "weights/real.bin", b"abcdef")
    os.symlink("weights/real.bin", tmp_path / "alias.bin")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["alias.bin", "weights/real.bin"]
    assert snap.read("alias.bin") == b"abcdef"


def test_symlink_leaving_the_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, "secret.txt", "do not read")
    root = tmp_path / "release"
    _write(root, "README.md", "hi")
    os.symlink(outside / "secret.txt", root / "LICENSE")
    os.symlink(outside, root / "linked_dir")
    os.symlink("../outside/secret.txt", root / "relative.txt")
    snap = open_snapshot(str(root), OPTIONS)
    assert _paths(snap) == ["README.md"]
    notes = _notes(snap)
    assert "LICENSE: symlink points outside the release: not followed" in notes
    assert "relative.txt: symlink points outside the release: not followed" in notes
    assert "linked_dir: symlink points outside the release: not followed" in notes
    with pytest.raises(SourceError):
        snap.read("LICENSE")


def test_reader_rechecks_containment(tmp_path: Path) -> None:
    outside = _write(tmp_path, "secret.txt", "secret")
    root = tmp_path / "release"
    _write(root, "a.txt", "fine")
    snap = open_snapshot(str(root), OPTIONS)
    assert snap.reader is not None
    for bad in ("../secret.txt", "/etc/passwd", "a/../../secret.txt", "", "./a.txt"):
        with pytest.raises(SourceError):
            snap.reader(bad, 100)
    # The file is swapped for a link to the outside after listing: the reader refuses it.
    (root / "a.txt").unlink()
    os.symlink(outside, root / "a.txt")
    with pytest.raises(SourceError, match="outside"):
        snap.read("a.txt")


def test_symlink_loop_and_broken_link_are_noted(tmp_path: Path) -> None:
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    os.symlink("nowhere", tmp_path / "dangling")
    os.symlink(".", tmp_path / "self")  # a directory link back to the root
    _write(tmp_path, "ok.txt")
    start = time.perf_counter()
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert time.perf_counter() - start < 2
    assert _paths(snap) == ["ok.txt"]
    notes = _notes(snap)
    assert "a: symlink loop: skipped" in notes and "b: symlink loop: skipped" in notes
    assert any(n.startswith("dangling: broken symlink") for n in notes)
    assert "self: symlinked directory not followed" in notes


def test_trusted_roots_allow_hub_cache_links(tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    _write(blobs, "abc123", b"{}")
    snapshot_dir = tmp_path / "snapshots" / "rev"
    snapshot_dir.mkdir(parents=True)
    os.symlink(blobs / "abc123", snapshot_dir / "config.json")
    assert open_snapshot(str(snapshot_dir), OPTIONS).files == ()
    snap = snapshot_directory(str(snapshot_dir), OPTIONS, kind="hf", trusted_roots=[blobs])
    assert _paths(snap) == ["config.json"] and snap.read("config.json") == b"{}"


def test_huge_sparse_file_is_listed_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "model.safetensors"
    with open(big, "wb"):
        pass
    os.truncate(big, 10 * 1024**3)
    start = time.perf_counter()
    snap = open_snapshot(str(tmp_path), OPTIONS)
    head = snap.read("model.safetensors", 16)
    assert time.perf_counter() - start < 1
    assert snap.files[0].size == 10 * 1024**3
    assert head == b"\0" * 16


def test_unreadable_file_is_listed_not_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = _write(tmp_path, "LICENSE", "secret terms")
    locked.chmod(0)
    if os.geteuid() == 0:
        # root reads anything: make the permission check answer as it would for a user.
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m: False if str(p).endswith("LICENSE") else real_access(p, m)
        )
    try:
        snap = open_snapshot(str(tmp_path), OPTIONS)
    finally:
        locked.chmod(0o644)
    entry = snap.entry("LICENSE")
    assert entry is not None and entry.readable is False
    assert "LICENSE: permission denied: listed, content not inspected" in _notes(snap)
    with pytest.raises(SourceError, match="not available"):
        snap.read("LICENSE")


def test_unlistable_directory_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "private/a.txt")
    _write(tmp_path, "public/b.txt")
    real_scandir = os.scandir

    def scandir(path: str) -> object:  # simulate EACCES even for root
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["public/b.txt"]
    assert "private: directory not listed: permission denied" in _notes(snap)


def test_fifo_is_listed_unreadable_and_never_blocks(tmp_path: Path) -> None:
    """A FIFO is listed (what it would show is unknown, not absent) but never opened."""
    os.mkfifo(tmp_path / "pipe")
    _write(tmp_path, "a.txt")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["a.txt", "pipe"]
    assert snap.entry("pipe").readable is False  # type: ignore[union-attr]
    assert "pipe: not a regular file (fifo, socket or device): not read" in _notes(snap)
    with pytest.raises(SourceError, match="not a regular file"):
        snap.reader("pipe", 10)  # type: ignore[misc]


def test_undecodable_file_name_is_noted(tmp_path: Path) -> None:
    fd = os.open(os.path.join(os.fsencode(tmp_path), b"bad\xffname.txt"), os.O_CREAT | os.O_WRONLY)
    os.close(fd)
    _write(tmp_path, "good.txt")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["good.txt"]
    assert "bad\\xffname.txt: file name is not valid UTF-8: skipped" in _notes(snap)


def test_control_characters_in_names_are_noted(tmp_path: Path) -> None:
    _write(tmp_path, "LICENSE\nMIT License.txt", "forged")
    _write(tmp_path, "\x1b[31mred.md", "ansi")
    _write(tmp_path, "good.txt")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["good.txt"]
    assert sorted(_notes(snap)) == [
        "LICENSE\\nMIT License.txt: file name holds control characters: skipped",
        "\\x1b[31mred.md: file name holds control characters: skipped",
    ]


def test_other_file_systems_are_not_crossed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "README.md", "hi")
    _write(tmp_path, "mnt/proc/self/mem", "x")
    root = os.path.realpath(tmp_path)
    real_stat = os.stat

    def stat(path: str, *args: object, **kwargs: object) -> os.stat_result:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if os.fspath(path) == root:  # pretend the root lives on another device than its folders
            fields = list(st[:10])
            fields[2] += 1
            return os.stat_result(fields)
        return st

    monkeypatch.setattr(os, "stat", stat)
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert _paths(snap) == ["README.md"]
    assert _notes(snap) == ["mnt: another file system is mounted here: not listed"]


def test_depth_and_file_count_are_bounded(tmp_path: Path) -> None:
    deep = tmp_path / "/".join(f"d{i}" for i in range(6))
    _write(deep, "leaf.txt")
    _write(tmp_path, "top.txt")
    snap = snapshot_directory(str(tmp_path), OPTIONS, max_depth=3)
    assert _paths(snap) == ["top.txt"]
    assert "d0/d1/d2/d3: deeper than 3 levels: not listed" in _notes(snap)

    for i in range(20):
        _write(tmp_path, f"many/{i:02}.txt")
    snap = open_snapshot(str(tmp_path), SourceOptions(max_files=10))
    assert len(snap.files) == 10
    assert any("listing truncated (limit 10 files)" in n for n in _notes(snap))
    # Folders are walked in name order, each folder's files before its sub-folders.
    expected = ["d0/d1/d2/d3/d4/d5/leaf.txt", *(f"many/{i:02}.txt" for i in range(8)), "top.txt"]
    assert [f.path for f in snap.files] == expected


def test_very_deep_tree_needs_no_recursion(tmp_path: Path) -> None:
    # Deeper than the default depth bound; the walk is iterative so nothing overflows.
    path = tmp_path
    for _ in range(80):
        path = path / "d"
    path.mkdir(parents=True)
    (path / "leaf.txt").write_text("x")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert snap.files == ()
    assert any("deeper than 64 levels" in n for n in _notes(snap))


def test_git_lfs_pointer_is_listed_with_its_real_size(tmp_path: Path) -> None:
    oid = "a" * 64
    _write(
        tmp_path,
        "model.safetensors",
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 5000000000\n",
    )
    snap = open_snapshot(str(tmp_path), OPTIONS)
    entry = snap.files[0]
    assert (entry.lfs, entry.readable, entry.size, entry.sha256) == (True, False, 5_000_000_000, oid)
    assert "model.safetensors: Git LFS pointer: content not fetched" in _notes(snap)


def test_notes_are_capped(tmp_path: Path) -> None:
    for i in range(80):
        os.symlink("/etc/hostname", tmp_path / f"l{i}")
    snap = open_snapshot(str(tmp_path), OPTIONS)
    assert len(snap.notes) == 51
    assert snap.notes[-1].message == "30 more 'symlink' notes not shown"


@pytest.mark.slow
def test_hundred_thousand_files_in_bounded_time(tmp_path: Path) -> None:
    with scratch_dir(tmp_path) as root:
        for d in range(100):
            folder = root / f"dir{d:03}"
            folder.mkdir()
            for i in range(1000):
                os.close(os.open(folder / f"f{i:04}.txt", os.O_CREAT | os.O_WRONLY))
        start = time.perf_counter()
        snap = open_snapshot(str(root), OPTIONS)
        elapsed = time.perf_counter() - start
        assert len(snap.files) == 100_000
        assert elapsed < 10, elapsed
        start = time.perf_counter()
        inventory = build_inventory(snap)
        assert len(inventory.items) == 100_000
        assert time.perf_counter() - start < 20
        capped = open_snapshot(str(root), SourceOptions(max_files=5000))
        assert len(capped.files) == 5000 and any("truncated" in n.message for n in capped.notes)
