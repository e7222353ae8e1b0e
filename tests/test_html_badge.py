"""The SVG badge: framework + verdict, coloured by how the verdict stands, escaped, OSAID by default."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from openness.cli import main
from openness.errors import UsageError
from openness.model import Outcome, Report
from openness.pipeline import audit
from openness.render.badge import COLOUR, TEXT_MAX, render_badge

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def tiny() -> Report:
    return audit(str(ROOT / "examples" / "tiny-open-lm"))


@pytest.fixture(scope="module")
def openwashed() -> Report:
    return audit(str(ROOT / "examples" / "openwashed-lm"))


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_default_is_osaid_coloured_by_verdict(tiny: Report, openwashed: Report) -> None:
    good, bad = render_badge(tiny), render_badge(openwashed)
    assert _texts(good)[1::2] == ["osaid", "open-source-ai"]  # each text is drawn twice (shadow)
    assert COLOUR[Outcome.PASS] in good and COLOUR[Outcome.FAIL] in bad
    assert "not-open-source-ai" in _texts(bad)


def test_framework_chosen_by_option_or_by_what_was_assessed(
    tiny: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    svg = render_badge(tiny, framework="mof")
    assert "Class 3" in _texts(svg) and COLOUR[Outcome.PARTIAL] in svg
    only_mof = dataclasses.replace(tiny, assessments={"mof": tiny.assessments["mof"]})
    assert "Class 3" in _texts(render_badge(only_mof))
    with pytest.raises(UsageError, match="not assessed"):
        render_badge(only_mof, framework="osaid")
    target = str(ROOT / "examples" / "tiny-open-lm")
    assert main(["audit", target, "--framework", "mof", "--format", "badge"]) == 0
    assert "Class 3" in capsys.readouterr().out


def test_hostile_verdict_is_escaped_and_bounded(tiny: Report) -> None:
    osaid = dataclasses.replace(
        tiny.assessments["osaid"], headline="<script>x</script>&\u202e\x1b[2J" + "y" * 200
    )
    svg = render_badge(dataclasses.replace(tiny, assessments={"osaid": osaid}))
    assert "<script" not in svg and "\u202e" not in svg and "\x1b" not in svg
    message = _texts(svg)[-1]
    assert len(message) <= TEXT_MAX and message.startswith("\\x3cscript>x\\x3c/script>&\\u202e")
    ET.fromstring(svg)  # still well-formed XML
