"""Large trees (issue 14): ``--files summary|all``, the streamed JSON report, the streamed walk.

A release above ``listing.SUMMARY_ABOVE`` files gets a summarised inventory by default (schema 2.0,
``"listing": "summary"``); ``--files all`` lists every file; below the threshold the document is
what it always was. The JSON is written in pieces, and the pieces join to exactly the text of one
``json.dumps`` of the whole document.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from fs_helpers import remove_tree_iteratively
from openness import SCHEMA_VERSION
from openness.cli import main
from openness.model import Report
from openness.pipeline import audit
from openness.render import json as render_json_module
from openness.render import listing
from openness.render.json import SUMMARY_SCHEMA_VERSION, render_json, report_dict, write_json
from openness.render.safe import dumps
from openness.sources import SourceOptions
from openness.sources.local import snapshot_directory

LICENSE = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
CARD = "---\nlicense: mit\n---\n# tiny\n\n## Training Data\n\nThe JSONL files under data/.\n"


def _tree(root: Path, files: int) -> Path:
    """A release of exactly ``files`` files: a licence, a card, a weight file, the rest bulk."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "LICENSE").write_text(LICENSE)
    (root / "README.md").write_text(CARD)
    header = b'{"__metadata__":{}}'
    (root / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header)
    for n in range(files - 3):
        folder = root / ("src" if n % 2 else "data") / f"part{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"mod{n:05}.py" if n % 2 else f"rows{n:05}.jsonl"
        (folder / name).write_text(f"# {n}\n" if n % 2 else '{"text": "x"}\n')
    return root


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main(["audit", *argv, "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file over the threshold."""
    root = _tree(tmp_path_factory.mktemp("large") / "release", listing.SUMMARY_ABOVE + 1)
    yield root
    remove_tree_iteratively(root)


# --------------------------------------------------------------------------- --files


def test_summary_is_the_default_above_the_threshold(large: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _cli_json(capsys, str(large))
    inv = doc["inventory"]
    assert doc["schema_version"] == SUMMARY_SCHEMA_VERSION
    assert inv["listing"] == "summary"
    assert inv["files"] == listing.SUMMARY_ABOVE + 1 == sum(inv["roles"].values())
    # The files the verdicts rest on are listed, with the same item shape as a full listing.
    paths = [i["path"] for i in inv["items"]]
    assert {"LICENSE", "README.md"} <= set(paths)
    assert paths == sorted(paths)
    assert inv["not_listed"] == inv["files"] - len(inv["items"])
    assert len(inv["items"]) < 50
    summary = inv["summary"]
    assert sum(summary["extensions"].values()) == inv["files"]
    assert summary["extensions"][".py"] == (listing.SUMMARY_ABOVE - 2) // 2
    assert len(summary["largest"]) == listing.SAMPLES
    sizes = [f["size"] for f in summary["largest"]]
    assert sizes == sorted(sizes, reverse=True)
    assert summary["bytes"] == sum(summary["bytes_by_role"].values())


def test_files_all_lists_every_file(large: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _cli_json(capsys, str(large), "--files", "all")
    inv = doc["inventory"]
    assert doc["schema_version"] == SCHEMA_VERSION
    assert "listing" not in inv and "summary" not in inv
    assert len(inv["items"]) == inv["files"] == listing.SUMMARY_ABOVE + 1
    assert len({i["path"] for i in inv["items"]}) == inv["files"]


def test_at_the_threshold_every_file_is_listed_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _tree(tmp_path / "release", listing.SUMMARY_ABOVE)
    doc = _cli_json(capsys, str(release))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert set(doc["inventory"]) == {"files", "roles", "items"}  # the 1.x shape, nothing added
    assert len(doc["inventory"]["items"]) == listing.SUMMARY_ABOVE


def test_files_summary_can_be_asked_for_a_small_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _tree(tmp_path / "release", 12)
    (release / "odd.bin2").write_bytes(b"\x00" * 10)
    doc = _cli_json(capsys, str(release), "--files", "summary")
    inv = doc["inventory"]
    assert inv["listing"] == "summary" and doc["schema_version"] == SUMMARY_SCHEMA_VERSION
    unclassified = inv["summary"]["unclassified"]
    assert unclassified["files"] == inv["roles"].get("other", 0)
    assert all(f["reason"] for f in unclassified["sample"])


@pytest.mark.parametrize("fmt", ["text", "html", "sarif", "cyclonedx"])
def test_files_applies_to_json_only(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    release = _tree(tmp_path / "release", 5)
    assert main(["audit", str(release), "--format", fmt, "--files", "all"]) == 2
    err = capsys.readouterr().err
    assert "--files applies to the json format" in err and "Traceback" not in err


def test_files_with_a_batch_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch.txt"
    batch.write_text(f"{_tree(tmp_path / 'release', 5)}\n")
    assert main(["audit", "--from-file", str(batch), "--files", "all"]) == 2
    assert "--files goes with one TARGET" in capsys.readouterr().err


def test_unknown_listing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(tmp_path), "--format", "json", "--files", "some"])
    assert exc.value.code == 2
    with pytest.raises(ValueError):
        listing.resolve("some", 10)


def test_extensions_are_bounded(tmp_path: Path) -> None:
    release = _tree(tmp_path / "release", 4)
    for n in range(listing.MAX_EXTENSIONS + 15):
        (release / f"f{n}.x{n}").write_text("x")
    report = audit(str(release))
    shown = listing.summary(report.inventory.items)["extensions"]
    assert len(shown) == listing.MAX_EXTENSIONS + 1
    assert sum(shown.values()) == len(report.inventory.items)
    assert shown["(other)"] == len(report.inventory.items) - listing.MAX_EXTENSIONS


# --------------------------------------------------------------------------- streaming


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    release = _tree(tmp_path_factory.mktemp("small") / "release", 40)
    (release / "evil\u202etxt.py").write_text("x = 1\n")  # an unsafe code point in a listed name
    (release / "tag<b>.md").write_text("# doc\n")
    return audit(str(release))


@pytest.mark.parametrize("files", [None, "all", "summary"])
@pytest.mark.parametrize("compact", [False, True])
def test_streamed_equals_one_dumps(
    small_report: Report, files: str | None, compact: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pieces join to exactly what one ``dumps`` of the whole document gives, written in
    small pieces here (a listing of more than 3 files is streamed, 40 tokens a write)."""
    monkeypatch.setattr(render_json_module, "STREAM_ABOVE", 3)
    monkeypatch.setattr(render_json_module, "PIECES", 40)
    got = render_json(small_report, compact=compact, files=files)
    doc = report_dict(small_report, files)
    doc["generated_at"] = json.loads(got)["generated_at"]  # the one field that moves with the clock
    if compact:
        want = dumps(doc, default=str, separators=(",", ":"))
    else:
        want = dumps(doc, indent=2, default=str) + "\n"
    assert got == want
    assert "\u202e" not in got and "\\u202e" in got and "<b>" not in got  # escaped, chunk by chunk


@pytest.mark.parametrize("stream_above", [-1, 1_000])
def test_an_empty_listing_is_an_empty_array(
    small_report: Report, stream_above: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_json_module, "STREAM_ABOVE", stream_above)  # -1: streamed even when empty
    empty = dataclasses.replace(small_report, inventory=dataclasses.replace(small_report.inventory, items=()))
    for compact in (False, True):
        doc = json.loads(render_json(empty, compact=compact, files="all"))
        assert doc["inventory"]["items"] == [] and doc["inventory"]["files"] == 0
    assert '"items": []' in render_json(empty, files="all")


def test_the_full_listing_is_written_in_pieces(small_report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """No write holds the listing: each holds a few items (the streaming shape), and the
    listing's dicts are made as the encoder reaches them, not all before."""
    monkeypatch.setattr(render_json_module, "STREAM_ABOVE", 5)
    monkeypatch.setattr(render_json_module, "PIECES", 60)  # compact records: encoder tokens a write
    monkeypatch.setattr(render_json_module, "LISTED_PER_WRITE", 4)  # indented: listed files a write
    made: list[int] = []
    real_item = render_json_module._item

    def counted(c: object) -> dict:
        made.append(1)
        return real_item(c)  # type: ignore[arg-type]

    monkeypatch.setattr(render_json_module, "_item", counted)
    pieces: list[str] = []
    made_at_write: list[int] = []

    def write(piece: str) -> None:
        pieces.append(piece)
        made_at_write.append(len(made))

    write_json(small_report, write, files="all")
    items = len(small_report.inventory.items)
    assert json.loads("".join(pieces))["inventory"]["files"] == items == len(made)
    assert max(p.count('"size": ') for p in pieces) <= 5
    assert sum(1 for n in made_at_write if 0 < n < items) >= 5  # written while items were still to come


def test_a_small_listing_is_one_dumps(small_report: Report) -> None:
    pieces: list[str] = []
    write_json(small_report, pieces.append, files="all")
    assert len(pieces) == 1  # at most STREAM_ABOVE files: encoded whole (json's C encoder when compact)


def test_report_file_gets_the_streamed_document(large: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert main(["audit", str(large), "--format", "json", "--files", "all", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert len(json.loads(text)["inventory"]["items"]) == listing.SUMMARY_ABOVE + 1


def test_quiet_without_output_writes_nothing(large: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(large), "--format", "json", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- the walk


def test_walk_lists_in_path_order_with_tricky_names(tmp_path: Path) -> None:
    """``a-b`` < ``a.txt`` < ``a/x`` < ``a0``: the walk's output is plain path order."""
    for rel in ("a/x", "a/b/y", "a-b", "a.txt", "a0", "A", "é.md", "z/a/b/c/d"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
    snap = snapshot_directory(str(tmp_path), SourceOptions())
    paths = [f.path for f in snap.files]
    assert paths == sorted(paths) and len(paths) == 8


def test_walk_yields_one_entry_at_a_time(tmp_path: Path) -> None:
    from openness.sources import local

    root = str(_tree(tmp_path / "release", 30))
    walk = local._Walk(root=root, allowed=(root,), max_files=10, max_depth=8, device=os.stat(root).st_dev)
    it = local.iter_files(walk)
    first = next(it)
    assert walk.listed == 1 and first.path
    rest = list(it)
    assert len(rest) == 9 and walk.truncated


def test_chunks_written_do_not_pile_up_until_the_collector_runs() -> None:
    """The indented writer's recursive helper is a reference cycle; it must not keep each chunk's
    pieces alive until the collector runs (a 100,000-file listing peaked at ~250 MB that way)."""
    import gc
    import tracemalloc

    from openness.render.safe import indented_at

    chunk = [{"path": f"data/shard-{n:05d}.jsonl", "role": "dataset", "size": n} for n in range(2_000)]
    enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        for _ in range(20):
            indented_at(chunk, 2, 2)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if enabled:
            gc.enable()
    assert held < 2_000_000, held  # 20 chunks of ~170 KB each: none kept
