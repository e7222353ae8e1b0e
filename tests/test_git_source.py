"""The git source on repositories made in tmp_path (file:// and plain paths; no network)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from openness.errors import SourceError, UsageError
from openness.sources import SourceOptions, detect_kind
from openness.sources.git import BLOB_LIMIT, GitRef, open_snapshot, parse_target

LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:" + "ab" * 32 + "\n"
    "size 4000000000\n"
)


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A release repo: licence, code, an LFS pointer, a 2 MB blob, a tag and a later commit."""
    src = tmp_path / "release"
    src.mkdir()
    _git(src, "init", "-q", "-b", "main")
    _git(src, "config", "uploadpack.allowFilter", "true")  # so the local "server" honours --filter
    (src / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n", encoding="utf-8")
    (src / "train").mkdir()
    (src / "train" / "train.py").write_text("import torch\n", encoding="utf-8")
    (src / "model.safetensors").write_text(LFS_POINTER, encoding="ascii")
    (src / "data.bin").write_bytes(os.urandom(2 * BLOB_LIMIT))
    hook = src / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {tmp_path / 'HOOK_RAN'}\n", encoding="ascii")
    hook.chmod(0o755)
    _git(src, "add", "-A")
    _git(src, "commit", "-qm", "v1")
    _git(src, "tag", "v1")
    (src / "README.md").write_text("# later\n", encoding="utf-8")
    _git(src, "add", "-A")
    _git(src, "commit", "-qm", "readme")
    return src


@pytest.fixture
def options(tmp_path: Path) -> SourceOptions:
    return SourceOptions(cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://github.com/org/repo", GitRef("https://github.com/org/repo", None)),
        ("https://github.com/org/repo.git@v1.0", GitRef("https://github.com/org/repo", "v1.0")),
        ("https://github.com/org/repo/tree/dev", GitRef("https://github.com/org/repo", "dev")),
        ("git@github.com:org/repo.git", GitRef("git@github.com:org/repo.git", None)),
        ("git@github.com:org/repo.git@feature/x", GitRef("git@github.com:org/repo.git", "feature/x")),
        ("git+ssh://git@host/org/repo.git", GitRef("ssh://git@host/org/repo.git", None)),
        ("git+https://user@host/org/repo.git@abc123", GitRef("https://user@host/org/repo.git", "abc123")),
        ("file:///srv/repo.git@v2", GitRef("file:///srv/repo.git", "v2")),
    ],
)
def test_parse_target(target: str, expected: GitRef) -> None:
    assert parse_target(target) == expected


def test_parse_target_refuses_option_injection_and_conflicts() -> None:
    with pytest.raises(UsageError):
        parse_target("https://github.com/org/repo@--upload-pack=evil")
    with pytest.raises(UsageError):
        parse_target("https://github.com/org/repo@v1", revision="v2")
    assert detect_kind("https://github.com/org/repo") == "git"
    assert detect_kind("git@github.com:org/repo.git") == "git"


def test_shallow_filtered_clone_lists_everything_reads_small_files(repo: Path, options: SourceOptions,
                                                                   tmp_path: Path) -> None:
    snap = open_snapshot(repo.as_uri(), options)
    assert snap.kind == "git" and snap.origins == (f"git:{repo.as_uri()}",)
    paths = {f.path for f in snap.files}
    assert paths == {"LICENSE", "README.md", "train/train.py", "model.safetensors", "data.bin"}
    assert all(f.origin == f"git:{repo.as_uri()}" for f in snap.files)
    assert snap.read("LICENSE").startswith(b"Apache License")
    big = snap.entry("data.bin")
    assert big is not None and not big.readable and big.size > BLOB_LIMIT  # filtered out, lower bound
    lfs = snap.entry("model.safetensors")
    assert lfs is not None and lfs.lfs and not lfs.readable and lfs.size == 4_000_000_000
    with pytest.raises(SourceError):
        snap.read("data.bin")
    assert any("not fetched" in n.message for n in snap.notes)
    assert not (tmp_path / "HOOK_RAN").exists()
    # The 2 MB blob never reached the clone: only the filtered-out marker is there.
    clone = next((options.cache_dir or tmp_path).glob("git/*"))
    assert not (clone / "data.bin").exists()


def test_ref_from_target_and_from_option(repo: Path, options: SourceOptions) -> None:
    at_tag = open_snapshot(f"{repo.as_uri()}@v1", options)
    assert at_tag.entry("README.md") is None  # added after v1
    via_option = open_snapshot(repo.as_uri(), SourceOptions(cache_dir=options.cache_dir, revision="v1"))
    assert {f.path for f in via_option.files} == {f.path for f in at_tag.files}
    head = open_snapshot(str(repo), options)  # a plain path to a repository works too
    assert head.entry("README.md") is not None


def test_offline_reuses_the_cached_clone_or_says_why_not(repo: Path, options: SourceOptions) -> None:
    offline = SourceOptions(cache_dir=options.cache_dir, offline=True)
    with pytest.raises(SourceError, match="no cached clone"):
        open_snapshot(repo.as_uri(), offline)
    open_snapshot(repo.as_uri(), options)
    snap = open_snapshot(repo.as_uri(), offline)
    assert snap.read("train/train.py") == b"import torch\n"
    assert any("offline" in n.message for n in snap.notes)


def test_bad_repository_is_a_source_error(tmp_path: Path, options: SourceOptions) -> None:
    with pytest.raises(SourceError, match="no such repository"):
        open_snapshot(str(tmp_path / "absent"), options)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="git fetch"):
        open_snapshot((tmp_path / "empty").as_uri(), options)
    with pytest.raises(SourceError):
        open_snapshot(f"{(tmp_path / 'empty').as_uri()}@nosuchref", options)


def test_bare_repository_and_file_urls_go_to_the_git_source(repo: Path, tmp_path: Path,
                                                            options: SourceOptions) -> None:
    bare = tmp_path / "release.git"
    _git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    _git(bare, "config", "uploadpack.allowFilter", "true")
    assert detect_kind(str(bare)) == "git"
    assert detect_kind(bare.as_uri()) == "git"
    assert detect_kind("https://example.org/org/repo.git@v1") == "git"
    assert detect_kind(str(repo)) == "local"  # a working tree is audited as it is on disk
    snap = open_snapshot(str(bare), options)
    assert snap.read("LICENSE").startswith(b"Apache")
    assert snap.entry("HEAD") is None and snap.entry("objects") is None


def test_release_spread_over_a_directory_and_a_git_repo(repo: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from openness.pipeline import audit

    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Model\n", encoding="utf-8")
    (model / "config.json").write_text("{}", encoding="utf-8")
    report = audit(str(model), also=[repo.as_uri()])
    assert report.source_kind == "merged"
    assert report.inventory is not None
    origins = {c.entry.path: c.entry.origin for c in report.inventory.items}
    assert origins["config.json"] == f"local:{model}"
    assert origins["train/train.py"] == f"git:{repo.as_uri()}"
    # Both READMEs survive: the main target's at the root, the repo's under its origin's prefix.
    assert origins["README.md"] == f"local:{model}"
    assert any(p.endswith("/README.md") and o.startswith("git:") for p, o in origins.items())


@pytest.mark.online
def test_online_github_repository(options: SourceOptions) -> None:
    snap = open_snapshot("https://github.com/octocat/Hello-World", options)
    assert snap.kind == "git" and snap.entry("README") is not None
    assert snap.read("README").startswith(b"Hello World")
