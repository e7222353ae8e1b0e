"""Every registered framework end to end through the command line: `openness audit --framework ID`."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from openness.cli import main
from openness.frameworks.registry import REGISTRY
from test_frameworks_registry import OUR_IDS, _open_release

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _cli_json(*argv: str) -> dict[str, object]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    assert code == 0
    data: dict[str, object] = json.loads(out.getvalue())
    return data


@pytest.mark.parametrize("framework_id", list(REGISTRY))
def test_every_framework_end_to_end_through_the_cli(framework_id: str) -> None:
    data = _cli_json("audit", str(EXAMPLES / "tiny-open-lm"), "--framework", framework_id, "--format", "json")
    assessments = data["assessments"]
    assert isinstance(assessments, dict)
    assert list(assessments) == [framework_id]
    a = assessments[framework_id]
    assert a["framework"] == framework_id and a["status"]
    assert a["criteria"] and all("evidence" in c and "outcome" in c for c in a["criteria"])


def test_four_frameworks_side_by_side_on_a_tmp_release(tmp_path: Path) -> None:
    release = _open_release(tmp_path / "open")
    data = _cli_json("audit", str(release), "--framework", ",".join(OUR_IDS), "--format", "json")
    assessments = data["assessments"]
    assert isinstance(assessments, dict)
    assert list(assessments) == list(OUR_IDS)
    assert assessments["debian-ml"]["status"] == "free-model"
    assert assessments["eu-ai-act"]["status"] == "exemption-may-apply"
    assert assessments["osai-index"]["categories"]["availability"] == 1.0
    assert assessments["reproducibility"]["factors"]["training-data"] == "present"
