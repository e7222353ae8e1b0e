"""An audit with no policy never imports ``openness.policy`` (issue 14: ~1.6 ms of start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import sys
from openness.cli import main
try:
    main(["audit", sys.argv[1], "--format", "json", "--output", sys.argv[2]])
except SystemExit:
    pass
print("openness.policy" in sys.modules)
"""


def test_audit_without_policy_does_not_import_policy(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text("# A model\n\nSome words.\n")
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(release), str(out)], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.strip().splitlines()[-1] == "False", proc.stderr
    assert out.is_file()
