"""Golden files for the human and data formats (text, HTML, badge, JSON, Markdown, MOF YAML; the bills of
materials and SARIF are in test_golden_boms.py): both examples and one corpus release with
a custom licence (Baichuan 2's community licence), compared byte for byte after normalising what
legitimately varies between runs (elapsed time, the package version, where the release sits).

A difference fails with a unified diff. When the change is intended, regenerate and review the diff
in git:  ``OPENNESS_REGEN_GOLDEN=1 python3 -m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from golden_support import CASES, GOLDEN, compare_golden, golden_report, normalise_common
from openness import __version__
from openness.render import render

FORMATS = {
    "text": "txt", "html": "html", "badge": "svg", "json": "report.json", "markdown": "md", "mof": "mof.yml",
}
TEXT_WIDTH = 100  # columns of the golden terminal report


def normalise(text: str, release: Path) -> str:
    """What varies between runs, replaced by placeholders: paths, times, the package version."""
    text = normalise_common(text, release)
    text = re.sub(r"\b\d+\.\d+ s\b", "<ELAPSED>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?", "<TIME>", text)
    text = re.sub(r'"license_data": "[^"]*"', '"license_data": "<DATA>"', text)  # the data's own stamp
    return text.replace(f'"version": "{__version__}"', '"version": "<VERSION>"')


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report, release = golden_report(case, tmp_path_factory)
    options = {"width": TEXT_WIDTH} if fmt == "text" else {}
    compare_golden(GOLDEN / f"{case}.{FORMATS[fmt]}", normalise(render(report, fmt, **options), release))


def test_normaliser_replaces_what_varies(tmp_path: Path) -> None:
    text = f"openness audit {tmp_path}/x  (local, 3 files, 0.17 s) · openness {__version__} · 12.5 s"
    out = normalise(text, tmp_path)
    assert out == "openness audit <RELEASE>/x  (local, 3 files, <ELAPSED>) · openness <VERSION> · <ELAPSED>"
