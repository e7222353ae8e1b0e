"""`openness audit` end to end: the README's quick start, exit codes, formats, the CI gate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from openness.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

OPEN = EXAMPLES / "tiny-open-lm"
WASHED = EXAMPLES / "openwashed-lm"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["audit", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_open_example_is_open_source_ai(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys, str(OPEN))
    assert code == 0
    osaid = doc["assessments"]["osaid"]
    assert osaid["status"] == "open-source-ai", [
        (c["id"], c["outcome"], c["detail"]) for c in osaid["criteria"] if c["outcome"] != "pass"
    ]
    # every passing criterion names what it rests on
    for c in osaid["criteria"]:
        if c["outcome"] == "pass":
            assert c["evidence"], c
    assert not [f for f in doc["findings"] if f["kind"] == "open-washing"]


def test_openwashed_example_fails_with_cited_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys, str(WASHED))
    assert code == 0
    osaid = doc["assessments"]["osaid"]
    assert osaid["status"] == "not-open-source-ai"
    assert osaid["fixes"], "a failing verdict says what would have to change"
    cited = [e for c in osaid["criteria"] if c["outcome"] == "fail" for e in c["evidence"]]
    assert any(e.get("path") == "LICENSE" and e.get("lines") for e in cited), cited
    washing = [f for f in doc["findings"] if f["kind"] == "open-washing"]
    assert washing and len(washing[0]["locations"]) >= 2  # the claim and the restriction


def test_every_framework_is_assessed_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    from openness.frameworks import known_ids

    _, doc = _json(capsys, str(WASHED))
    assert list(doc["assessments"]) == known_ids()


def test_fail_unless_gate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(WASHED), "--fail-unless", "open-source-ai"]) == 1
    assert main(["audit", str(OPEN), "--fail-unless", "open-source-ai"]) == 0
    capsys.readouterr()


def test_framework_selection(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = _json(capsys, str(OPEN), "--framework", "osaid,mof")
    assert set(doc["assessments"]) == {"osaid", "mof"}


def test_bad_usage_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("openness: error:") and "\n" not in err
    assert main(["audit", str(OPEN), "--framework", "nope"]) == 2
    assert "unknown framework" in capsys.readouterr().err


def test_empty_directory_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing to audit is said in one line, not a 178-line report of absences."""
    assert main(["audit", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "nothing to audit" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["text", "markdown", "cyclonedx", "spdx3", "mof"])
def test_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(WASHED), "--format", fmt]) == 0
    assert capsys.readouterr().out.strip()


def test_readme_quick_start_runs_as_a_process() -> None:
    """The README's quick start, as a newcomer runs it: a whole process, exit 0, a verdict."""
    env = {**os.environ, "COLUMNS": "120"}
    proc = subprocess.run(
        [sys.executable, "-m", "openness", "audit", "examples/openwashed-lm"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "NOT-OPEN-SOURCE-AI" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_readme_commands_are_the_ci_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = "python3 -m pip install -q -e '.[test]' && python3 -m pytest -q"
    assert test_cmd in readme and test_cmd in ci
    assert "openness audit examples/openwashed-lm" in readme


def test_building_the_parser_loads_no_pipeline() -> None:
    """Every command builds the whole parser: it must not pay for the audit pipeline."""
    code = (
        "import sys, openness.cli; openness.cli.build_parser(); "
        "print(sorted(m for m in ('openness.pipeline', 'openness.model', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_internal_error_is_one_line_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug never shows the user a traceback: one line, exit 3; OPENNESS_DEBUG=1 shows it."""
    import openness.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(openness.pipeline, "audit", broken)
    monkeypatch.delenv("OPENNESS_DEBUG", raising=False)
    assert main(["audit", str(WASHED)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("openness: internal error") and len(err.strip().splitlines()) == 1
    assert "\x1b" not in err and "RuntimeError: boom" in err
    monkeypatch.setenv("OPENNESS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["audit", str(WASHED)])
