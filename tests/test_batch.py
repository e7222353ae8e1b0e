"""Batch audits: ``openness audit --from-file FILE --format json --jobs N``: JSON Lines, failures kept."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import pytest

from hub_fixtures import MINILM_ID, Unavailable, build_hf_cache, minilm_dir, write_card
from openness.commands import audit as audit_cmd
from openness.errors import UsageError


def run_audit(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="openness")
    sub = parser.add_subparsers(dest="command", required=True)
    audit_cmd.register(sub)
    args = parser.parse_args(["audit", *argv])
    code: int = args.run(args)
    return code


def _release(root: Path, licence: str) -> Path:
    write_card(root, {"license": licence, "tags": ["text-generation"]}, "# A model\n")
    (root / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge...\n",
                                  encoding="utf-8")
    (root / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    return root


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _input(doc: dict[str, Any]) -> str:
    target = doc["target"]
    return str(target["input"]) if isinstance(target, dict) else str(target)


@pytest.fixture
def releases(tmp_path: Path) -> list[Path]:
    return [_release(tmp_path / f"model-{i}", "mit") for i in range(3)]


def test_batch_writes_one_json_line_per_release_and_records_failures(
    releases: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-release"
    batch = tmp_path / "models.txt"
    batch.write_text("# releases to audit\n\n" + "\n".join(map(str, releases)) + f"\n{missing}  # gone\n",
                     encoding="utf-8")
    code = run_audit(["--from-file", str(batch), "--format", "json", "--jobs", "2"])
    out, err = capsys.readouterr()
    docs = _lines(out)
    assert len(docs) == 3 and len(out.strip().splitlines()) == 3  # one line each, JSON Lines
    assert [_input(d) for d in docs] == list(map(str, releases))  # the batch file's order
    assert all(d["schema_version"] and d["assessments"] and d["target"]["kind"] == "local" for d in docs)
    assert f"openness: {missing}: error: " in err and "no such directory" in err  # errors: stderr only
    assert code == 2  # a failure is reported in the exit code, after the whole batch ran
    assert "4 release(s) audited, 1 failed" in err
    assert "\x1b[" not in err  # no progress bar when stderr is not a terminal


def test_batch_all_good_exits_zero_and_can_write_a_file(releases: list[Path], tmp_path: Path) -> None:
    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(map(str, releases)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_audit(["--from-file", str(batch), "--format", "json", "-j", "3", "-o", str(out)]) == 0
    assert sorted(_input(d) for d in _lines(out.read_text(encoding="utf-8"))) == sorted(map(str, releases))


def test_batch_line_with_several_places_is_one_release(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    model = _release(tmp_path / "model", "apache-2.0")
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text("import torch\n\ndef train():\n    pass\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{model} {code}\n"))
    assert run_audit(["--from-file", "-", "--format", "json"]) == 0
    (doc,) = _lines(capsys.readouterr().out)
    assert doc["target"]["kind"] == "merged" and len(doc["target"]["origins"]) == 2
    assert "train.py" in {item["path"] for item in doc["inventory"]["items"]}


def test_batch_from_the_hub_cache_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    try:
        src = minilm_dir()
    except Unavailable as exc:
        pytest.skip(str(exc))
    build_hf_cache(src, tmp_path / "hub", MINILM_ID)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "oc"))
    batch = tmp_path / "models.txt"
    batch.write_text(f"hf:{MINILM_ID}\nhf:nobody/absent\n", encoding="utf-8")
    assert run_audit(["--from-file", str(batch), "--format", "json", "--offline"]) == 2
    out, err = capsys.readouterr()
    docs = {_input(d): d for d in _lines(out)}
    assert "hf:nobody/absent" not in docs
    assert "openness: hf:nobody/absent: error: " in err and "not in the Hugging Face cache" in err
    minilm = docs[f"hf:{MINILM_ID}"]
    assert minilm["target"]["kind"] == "hf" and minilm["target"]["hub"]["repo_id"] == MINILM_ID
    evidence = minilm["evidence"]
    assert any(lic["expression"] == "Apache-2.0" for lic in evidence["licenses"])
    assert [f["value"] for f in evidence["facts"] if f["key"] == "parameters"] == [22_713_728]
    assert len(evidence["datasets"]) == 21 and "embedding-data/QQP" in {d["id"] for d in evidence["datasets"]}


def test_batch_usage_errors(tmp_path: Path, releases: list[Path]) -> None:
    batch = tmp_path / "models.txt"
    batch.write_text(f"{releases[0]}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not both"):
        run_audit([str(releases[0]), "--from-file", str(batch)])
    with pytest.raises(UsageError, match="--jobs"):
        run_audit(["--from-file", str(batch), "--jobs", "0"])
    with pytest.raises(UsageError, match="--also"):
        run_audit(["--from-file", str(batch), "--also", str(releases[1])])
    with pytest.raises(UsageError, match="cannot read"):
        run_audit(["--from-file", str(tmp_path / "absent.txt")])
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no release listed"):
        run_audit(["--from-file", str(tmp_path / "empty.txt")])


def test_read_batch_skips_comments_and_keeps_fragments(tmp_path: Path) -> None:
    batch = tmp_path / "b.txt"
    batch.write_text("# header\nhf:a/b\n  hf:c/d https://github.com/o/r  # code too\nhttps://x/y#frag\n",
                     encoding="utf-8")
    assert audit_cmd.read_batch(str(batch)) == [
        ("hf:a/b", []), ("hf:c/d", ["https://github.com/o/r"]), ("https://x/y#frag", [])
    ]


def test_progress_bar_on_a_terminal(releases: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(map(str, releases)) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run_audit(["--from-file", str(batch), "--format", "json", "--jobs", "2"]) == 0
    out, err = capsys.readouterr()
    assert len(_lines(out)) == 3  # the records still reach stdout whole, one per line
    assert "audit" in err and "3/3" in err


def test_batch_records_escape_release_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON Lines records and error lines carry no raw control, bidi or HTML characters."""
    hostile = "\x1b[2J\u202e<script>alert(1)</script>\u2028"
    root = tmp_path / "model"
    write_card(root, {"license": "other", "license_name": hostile, "tags": [hostile]}, "# A model\n")
    (root / "LICENSE").write_text("MIT License\n" + hostile + "\n", encoding="utf-8")
    name = "\x1b[2J\u202e<img src=x onerror=alert(1)>\u2028.txt"
    (root / name).write_text("x", encoding="utf-8")
    missing = tmp_path / f"gone{hostile}"
    listing = tmp_path / "list.txt"
    listing.write_text(f"{root}\n", encoding="utf-8")
    assert run_audit(["--from-file", str(listing), "--format", "json"]) == 0
    out = capsys.readouterr().out
    for bad in ("\x1b", "\u202e", "\u2028", "<script", "<img"):
        assert bad not in out
    assert _lines(out)[0]["assessments"]  # still one valid record
    assert "\\u003cimg src=x onerror" in out  # escaped in transit, not dropped
    from openness.cli import main

    assert main(["audit", str(missing), "--format", "text"]) == 2
    captured = capsys.readouterr()
    for bad in ("\x1b", "\u202e", "\u2028"):
        assert bad not in captured.out + captured.err


def test_batch_keeps_input_order_whatever_finishes_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first release listed finishes last; the records still come out in the file's order."""
    import threading

    import openness.pipeline as pipeline

    releases = [_release(tmp_path / f"m{i}", "mit") for i in range(4)]
    real = pipeline.audit
    others_done = threading.Event()
    finished: list[str] = []

    def audit(target: str, **kw: Any) -> Any:
        if target == str(releases[0]):
            others_done.wait(10)
        report = real(target, **kw)
        finished.append(target)
        if len(finished) == 3:
            others_done.set()
        return report

    monkeypatch.setattr(pipeline, "audit", audit)
    batch = tmp_path / "models.txt"
    batch.write_text("\n".join(map(str, releases)) + "\n", encoding="utf-8")
    assert run_audit(["--from-file", str(batch), "--format", "json", "--jobs", "4"]) == 0
    assert finished[-1] == str(releases[0])
    assert [_input(d) for d in _lines(capsys.readouterr().out)] == list(map(str, releases))


def test_batch_output_dir_one_file_per_release_any_format(
    releases: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone"
    batch = tmp_path / "models.txt"
    batch.write_text(f"{releases[0]}\n{missing}\n{releases[1]}\n", encoding="utf-8")
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    code = run_audit(["--from-file", str(batch), "--format", "markdown", "--output-dir", str(out_dir)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""  # nothing on stdout: reports in files, the error on stderr
    assert f"openness: {missing}: error:" in err
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["0001-" + audit_cmd.report_name(1, str(releases[0]), "markdown")[5:],
                     "0003-" + audit_cmd.report_name(3, str(releases[1]), "markdown")[5:]]
    assert all(n.endswith(".md") for n in names)
    assert (out_dir / names[0]).read_text(encoding="utf-8").startswith("# openness audit:")


def test_batch_non_json_needs_output_dir(releases: list[Path], tmp_path: Path) -> None:
    batch = tmp_path / "models.txt"
    batch.write_text(f"{releases[0]}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="needs --output-dir"):
        run_audit(["--from-file", str(batch), "--format", "cyclonedx"])
    with pytest.raises(UsageError, match="not both"):
        run_audit(["--from-file", str(batch), "--output-dir", str(tmp_path), "-o", str(tmp_path / "x")])
    from openness.errors import OutputError

    with pytest.raises(OutputError, match="not an existing folder"):
        run_audit(["--from-file", str(batch), "--output-dir", str(tmp_path / "nope")])
    with pytest.raises(UsageError, match="goes with --from-file"):
        run_audit([str(releases[0]), "--output-dir", str(tmp_path)])


def test_report_names_are_safe_and_ordered() -> None:
    assert audit_cmd.report_name(7, "hf:org/Model", "cyclonedx") == "0007-hf-org-Model.cdx.json"
    assert audit_cmd.report_name(1, "../../etc/passwd", "json") == "0001-etc-passwd.json"
    assert audit_cmd.report_name(2, "/", "sarif") == "0002-release.sarif"
    assert "/" not in audit_cmd.report_name(3, "a/" * 200, "text")


def test_batch_policy_failures_name_the_release(releases: list[Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "models.txt"
    batch.write_text(f"{releases[0]}\n", encoding="utf-8")
    assert run_audit(["--from-file", str(batch), "--format", "json", "--fail-unless", "mof=class-1"]) == 1
    err = capsys.readouterr().err
    assert f"openness: {releases[0]}: policy failed: frameworks.mof: found " in err


def test_batch_summary_in_text_files(releases: list[Path], tmp_path: Path) -> None:
    batch = tmp_path / "models.txt"
    batch.write_text(f"{releases[0]}\n", encoding="utf-8")
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    argv = ["--from-file", str(batch), "--format", "text", "--summary", "--output-dir", str(out_dir)]
    assert run_audit(argv) == 0
    (only,) = out_dir.iterdir()
    text = only.read_text(encoding="utf-8")
    assert "Verdicts" in text and "What would have to change" not in text
