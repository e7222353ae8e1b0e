"""The Python API: ``openness.audit`` and ``openness.identify_license``, and a cheap ``import openness``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import openness
from openness.errors import OpennessError, UsageError
from openness.model import LicenseResult, Report

ROOT = Path(__file__).resolve().parent.parent
OPEN = ROOT / "examples" / "tiny-open-lm"
WASHED = ROOT / "examples" / "openwashed-lm"
MIT = """MIT License

Copyright (c) 2024 X

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR
THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def test_audit_returns_a_report() -> None:
    report = openness.audit(str(OPEN))
    assert isinstance(report, Report)
    assert report.assessments["osaid"].status == "open-source-ai"
    only = openness.audit(str(WASHED), frameworks=["osaid", "mof"])
    assert list(only.assessments) == ["osaid", "mof"]
    assert list(openness.audit(str(WASHED), frameworks="osaid").assessments) == ["osaid"]


def test_audit_errors_are_the_package_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown framework"):
        openness.audit(str(OPEN), frameworks=["nope"])
    with pytest.raises(OpennessError):
        openness.audit(str(tmp_path / "absent"))


def test_identify_license() -> None:
    text = (OPEN / "LICENSE").read_text(encoding="utf-8") if (OPEN / "LICENSE").exists() else None
    mit = MIT
    result = openness.identify_license(mit)
    assert isinstance(result, LicenseResult) and result.expression == "MIT"
    assert openness.identify_license(mit.encode("utf-8"), path="LICENSE").location.path == "LICENSE"
    washed = openness.identify_license((WASHED / "LICENSE").read_text(encoding="utf-8"))
    assert {str(r.kind) for r in washed.restrictions} >= {"output-use"}
    assert all(r.location.lines for r in washed.restrictions)
    assert text is None or openness.identify_license(text).matches


def test_api_is_exported_and_documented() -> None:
    assert {"audit", "identify_license"} <= set(openness.__all__) <= set(dir(openness))
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "openness.audit(" in docs and "openness.identify_license(" in docs
    with pytest.raises(AttributeError):
        openness.no_such_thing  # noqa: B018


def test_import_openness_is_cheap() -> None:
    """``import openness`` loads no stage, no licence data and no third-party package."""
    code = (
        "import sys, json; before = set(sys.modules); import openness; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out)
    assert [m for m in loaded if m.startswith("openness")] == ["openness"]
    for heavy in ("rich", "yaml", "license_expression", "cyclonedx", "requests", "huggingface_hub", "jinja2"):
        assert heavy not in loaded
