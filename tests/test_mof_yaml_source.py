"""The MOF YAML source: real MOT records load; bad files fail with one line naming every
problem by the user's keys; hostile files are bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from openness.errors import SourceError
from openness.sources import SourceOptions, detect_kind
from openness.sources.mof_yaml import MAX_BYTES, open_snapshot

GOOD = """\
framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: tiny
  producer: someone
  license:
    distribution: {name: MIT, path: LICENSE}
  components:
    - name: Model architecture
    - name: Model card
      license: CC-BY-4.0
"""


def write(tmp_path: Path, text: str, name: str = "model.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_mot_record_loads_without_warnings(mot_dir: Path) -> None:
    paths = sorted((mot_dir / "models").glob("*.yml")) + sorted((mot_dir / "test_data").glob("*_C1_*.yml"))
    assert len(paths) > 100
    for path in paths:
        snap = open_snapshot(str(path), SourceOptions())
        assert snap.kind == "mof-yaml" and snap.files == ()
        assert snap.declared is not None and snap.declared["release"]["name"]
        assert snap.notes == (), path.name


def test_snapshot_holds_the_parsed_document(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert detect_kind(str(path)) == "mof-yaml"
    snap = open_snapshot(str(path), SourceOptions())
    assert snap.declared == yaml.safe_load(GOOD)
    assert snap.target == str(path)


def test_all_problems_reported_at_once_by_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "framework: {name: Something else}\n"
        "release:\n  producer: 3\n  license: MIT\n  components:\n    - description: x\n    - name: [1]\n",
    )
    with pytest.raises(SourceError) as info:
        open_snapshot(str(path), SourceOptions())
    message = str(info.value)
    assert "\n" not in message
    for key in (
        "framework.name",
        "release.name",
        "release.producer",
        "release.license",
        "release.components[0].name",
        "release.components[1].name",
    ):
        assert key in message, key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("release: [unclosed\n", "invalid YAML at line"),
        ("- just\n- a list\n", "not a MOF record"),
        ("release: {}\n", "framework: missing"),
        ("framework: {name: Model Openness Framework}\n", "release: missing"),
    ],
)
def test_unusable_files_fail_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(SourceError, match=expected):
        open_snapshot(str(write(tmp_path, text)), SourceOptions())


def test_too_many_components(tmp_path: Path) -> None:
    doc = yaml.safe_load(GOOD)
    doc["release"]["components"] = [{"name": "Datasets"}] * 18
    with pytest.raises(SourceError, match="at most 17"):
        open_snapshot(str(write(tmp_path, yaml.safe_dump(doc))), SourceOptions())


def test_warnings_for_what_mot_would_reject_or_misread(tmp_path: Path) -> None:
    text = GOOD.replace("  producer: someone\n", "  producer: someone\n  type: robot\n")
    text += "    - name: Model Card\n    - name: Data card\n      license:\n"
    snap = open_snapshot(str(write(tmp_path, text)), SourceOptions())
    keys = {n.location.key: n.message for n in snap.notes if n.location}
    assert "release.type" in keys
    assert "Datasets" in keys["release.components[2].name"]
    assert "unlicensed" in keys["release.components[3].license"]
    assert all(n.level == "warning" for n in snap.notes)


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("release: *a7")
    with pytest.raises(SourceError, match="YAML nodes"):
        open_snapshot(str(write(tmp_path, "\n".join(lines) + "\n")), SourceOptions())


def test_size_is_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "#" * (MAX_BYTES + 1))
    with pytest.raises(SourceError, match="larger than"):
        open_snapshot(str(path), SourceOptions())


def test_not_utf8_and_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_bytes(b"release: \xff\xfe\n")
    with pytest.raises(SourceError, match="UTF-8"):
        open_snapshot(str(path), SourceOptions())
    with pytest.raises(SourceError, match="cannot read"):
        open_snapshot(str(tmp_path / "absent.yml"), SourceOptions())


def test_python_tags_are_not_constructed(tmp_path: Path) -> None:
    path = write(tmp_path, "release: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(SourceError, match="invalid YAML"):
        open_snapshot(str(path), SourceOptions())
