"""Several places forming one release: one snapshot, every item with its origin, collisions kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import SourceError
from openness.model import FileEntry, HubMetadata, Location, Note, Snapshot
from openness.sources import SourceOptions
from openness.sources.local import open_snapshot as open_local
from openness.sources.merge import merge_snapshots, origin_slug


def _release(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _hub_snapshot() -> Snapshot:
    contents = {"README.md": b"---\nlicense: apache-2.0\n---\n# Model\n", "config.json": b"{}"}

    def read(path: str, limit: int) -> bytes:
        return contents[path][:limit]

    files = (
        FileEntry("README.md", 37, origin="hf:org/model"),
        FileEntry("config.json", 2, origin="hf:org/model"),
        FileEntry("model.safetensors", 10**9, sha256="0" * 64, origin="hf:org/model", readable=False,
                  lfs=True),
    )
    hub = HubMetadata("org/model", card_data={"license": "apache-2.0"})
    notes = (Note("info", "from the Hub", Location(key="hub:api", origin="hf:org/model")),)
    return Snapshot("hf:org/model", "hf", files, read, hub, notes=notes, origins=("hf:org/model",))


def test_merge_keeps_origins_and_resolves_collisions(tmp_path: Path) -> None:
    code = _release(tmp_path / "code", {"README.md": "# Code\n", "LICENSE": "MIT License\n",
                                        "train.py": "import torch\n"})
    local = open_local(str(code), SourceOptions())
    merged = merge_snapshots([_hub_snapshot(), local])

    assert merged.kind == "merged"
    assert merged.origins == ("hf:org/model", f"local:{code}")
    assert merged.hub is not None and merged.hub.repo_id == "org/model"
    by_path = {f.path: f for f in merged.files}
    # The main target keeps its root card; the code repo's README moves under its origin's slug.
    assert by_path["README.md"].origin == "hf:org/model"
    moved = f"{origin_slug(f'local:{code}')}/README.md"
    assert by_path[moved].origin == f"local:{code}"
    assert by_path["LICENSE"].origin == f"local:{code}" and by_path["train.py"].origin == f"local:{code}"
    # Reads go to the right origin, through the translated path.
    assert merged.read("README.md").startswith(b"---\nlicense")
    assert merged.read(moved) == b"# Code\n"
    assert merged.read("LICENSE") == b"MIT License\n"
    with pytest.raises(SourceError):
        merged.read("model.safetensors")
    assert set(merged.extra_readers) == set(merged.origins)
    # Notes are concatenated, each with its origin; the collision is reported.
    assert any(n.location and n.location.origin == "hf:org/model" for n in merged.notes)
    assert any("also exist" in n.message and "README.md" in n.message for n in merged.notes)


def test_two_local_directories_stay_apart(tmp_path: Path) -> None:
    a = open_local(str(_release(tmp_path / "a", {"LICENSE": "A\n"})), SourceOptions())
    b = open_local(str(_release(tmp_path / "b", {"LICENSE": "B\n"})), SourceOptions())
    merged = merge_snapshots([a, b])
    assert len(set(merged.origins)) == 2
    assert merged.read("LICENSE") == b"A\n"
    other = next(f.path for f in merged.files if f.path != "LICENSE")
    assert other.endswith("/LICENSE") and merged.read(other) == b"B\n"


def test_merge_of_one_is_identity_and_of_none_an_error() -> None:
    snap = _hub_snapshot()
    assert merge_snapshots([snap]) is snap
    with pytest.raises(SourceError):
        merge_snapshots([])


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("git:https://github.com/org/code@v1", "github.com/org/code-at-v1"),
        ("hf:org/model", "org/model"),
        ("local:/tmp/../x", "tmp/x"),
        ("git:git@host:org/r.git", "git-at-host/org/r.git"),
    ],
)
def test_origin_slug_is_a_safe_relative_path(label: str, slug: str) -> None:
    assert origin_slug(label) == slug
