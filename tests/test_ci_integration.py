"""The pre-commit hook and the composite GitHub Action (docs/ci.md), run as CI would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WASHED = ROOT / "examples" / "openwashed-lm"
OPEN = ROOT / "examples" / "tiny-open-lm"


def _action() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return doc


def test_action_declares_its_inputs_and_never_interpolates_them_in_shell() -> None:
    action = _action()
    assert set(action["inputs"]) >= {"target", "policy", "format"}
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step  # inputs go through env, never into the script
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "uses: OWNER/openness@" in docs and "id: openness-audit" in docs


def _run_audit_step(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str, str]:
    """The action's audit step in bash, with the variables the runner sets, openness on PATH."""
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "audit")
    exe = Path(sys.executable).parent / "openness"
    if not exe.exists() or shutil.which("bash") is None:
        pytest.skip("needs the openness script and bash")
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {
        **os.environ,
        "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(tmp_path),
        **{f"OPENNESS_{k.upper()}": v for k, v in {"target": ".", "policy": "", "format": "sarif",
                                                     "output": "", **inputs}.items()},
    }
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    outs = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return proc.returncode, outs, summary.read_text(encoding="utf-8") if summary.exists() else "", proc.stderr


def test_action_gate_fails_with_the_rules_and_writes_summary_and_sarif(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[frameworks]\nosaid = 'open-source-ai'\n", encoding="utf-8")
    code, outs, summary, err = _run_audit_step(tmp_path, target=str(WASHED), policy=str(policy))
    assert code == 1 and outs["exit-code"] == "1"
    assert summary.startswith("# openness audit:")
    assert "policy failed: frameworks.osaid: found not-open-source-ai" in err
    assert err.count("policy failed: frameworks.osaid") == 1  # printed once, not by both runs
    import json

    sarif = json.loads((tmp_path / outs["report"]).read_text(encoding="utf-8"))
    assert any(r["ruleId"] == "policy/frameworks.osaid" for r in sarif["runs"][0]["results"])


def test_action_passes_and_reports_errors(tmp_path: Path) -> None:
    code, outs, summary, _ = _run_audit_step(tmp_path, target=str(OPEN), format="cyclonedx",
                                             output="bom.json")
    assert code == 0 and outs == {"report": "bom.json", "exit-code": "0"}
    assert (tmp_path / "bom.json").read_text(encoding="utf-8").lstrip().startswith("{")
    assert summary
    bad = tmp_path / "bad.toml"
    bad.write_text("[frameworks]\nosaid = 'bogus'\n", encoding="utf-8")
    code, outs, _, err = _run_audit_step(tmp_path, target=str(OPEN), policy=str(bad))
    assert code == 2 and outs["exit-code"] == "2" and "unknown level 'bogus'" in err
    hostile = "$(touch pwned); `touch pwned2`"
    code, _, _, err = _run_audit_step(tmp_path, target=hostile)
    assert code == 2 and not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_pre_commit_hook_runs_the_policy_gate(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "openness-audit" and hook["pass_filenames"] is False and hook["language"] == "python"
    release = tmp_path / "release"
    shutil.copytree(WASHED, release)
    policy = release / "openness-policy.toml"
    policy.write_text("[frameworks]\nosaid = 'open-source-ai'\n", encoding="utf-8")
    argv = [*hook["entry"].split(), *hook["args"]]
    assert argv[:3] == ["openness", "audit", "."]
    from openness.cli import main

    cwd = os.getcwd()
    os.chdir(release)  # pre-commit runs hooks at the repository's root
    try:
        assert main(argv[1:]) == 1
        policy.write_text("[frameworks]\nmof = 'unclassified'\n", encoding="utf-8")
        assert main(argv[1:]) == 0
    finally:
        os.chdir(cwd)
