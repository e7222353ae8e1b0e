"""The local reader sees a folder swapped between two reads (issue 14 measured keeping folder
descriptors between reads: ~4 us a read saved, not worth it; these guard any future cache)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openness.errors import SourceError
from openness.sources import local


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f.txt").write_text("inside")


def test_folder_swapped_for_a_symlink_between_reads_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "rel"
    _tree(root)
    outside = tmp_path / "outside"
    (outside / "b").mkdir(parents=True)
    (outside / "b" / "f.txt").write_text("SECRET")
    read = local.make_reader(str(root))
    assert read("a/b/f.txt", 100) == b"inside"  # a cache would now hold "a" and "a/b"
    os.rename(root / "a", tmp_path / "moved")
    os.symlink(outside, root / "a")
    with pytest.raises(SourceError, match="outside the release"):
        read("a/b/f.txt", 100)


def test_inner_folder_swapped_for_a_symlink_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "rel"
    _tree(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("SECRET")
    read = local.make_reader(str(root))
    assert read("a/b/f.txt", 100) == b"inside"
    os.rename(root / "a" / "b", tmp_path / "moved")
    os.symlink(outside, root / "a" / "b")
    with pytest.raises(SourceError, match="outside the release"):
        read("a/b/f.txt", 100)


def test_folder_replaced_by_another_folder_reads_the_new_one(tmp_path: Path) -> None:
    root = tmp_path / "rel"
    _tree(root)
    read = local.make_reader(str(root))
    assert read("a/b/f.txt", 100) == b"inside"
    os.rename(root / "a", tmp_path / "old")
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f.txt").write_text("new")
    assert read("a/b/f.txt", 100) == b"new"  # what a fresh walk from the root finds


def test_folder_removed_between_reads_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "rel"
    _tree(root)
    read = local.make_reader(str(root))
    assert read("a/b/f.txt", 100) == b"inside"
    os.rename(root / "a", tmp_path / "gone")
    with pytest.raises(SourceError, match="cannot read"):
        read("a/b/f.txt", 100)
