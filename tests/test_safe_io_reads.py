"""safe_io's bounded reads: the size hint ends a read without the extra read that finds the end
(issue 14), and never changes what is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openness import safe_io


class _CountingReads:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = os.read

        def counting(fd: int, n: int) -> bytes:
            self.calls += 1
            return real(fd, n)

        monkeypatch.setattr(safe_io.os, "read", counting)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, (1 << 20) + 3])
@pytest.mark.parametrize("limit", [0, 10, 4096, 2 << 20])
def test_the_size_hint_reads_what_reading_to_the_end_reads(tmp_path: Path, size: int, limit: int) -> None:
    path = tmp_path / "f"
    data = os.urandom(size)
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        plain = safe_io.read_fd(fd, limit)
        os.lseek(fd, 0, os.SEEK_SET)
        hinted = safe_io.read_fd(fd, limit, os.fstat(fd).st_size)
    finally:
        os.close(fd)
    assert hinted == plain == data[:limit]
    assert safe_io.read_regular(path, limit) == (data[:limit], size)


def test_a_small_file_is_read_in_one_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"hidden_size": 64}')
    counter = _CountingReads(monkeypatch)
    assert safe_io.read_regular(path, 1 << 16)[0] == b'{"hidden_size": 64}'
    assert counter.calls == 1  # without the size: a second read to find the end


def test_a_file_that_shrank_or_reports_no_size_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert safe_io.read_fd(fd, 100, 10) == b"abc"  # a stale, larger size: stops at the end
        os.lseek(fd, 0, os.SEEK_SET)
        assert safe_io.read_fd(fd, 100, 0) == b"abc"  # size 0 (procfs-like): read to the end
        os.lseek(fd, 0, os.SEEK_SET)
        assert safe_io.read_fd(fd, 100, 2) == b"ab"  # grew since fstat: the size it had
    finally:
        os.close(fd)
