"""Golden files for the human and data formats (text, HTML, badge, JSON, Markdown, MOF YAML; the bills of
materials and SARIF are in test_golden_boms.py): both examples and one corpus release with
a custom licence (Baichuan 2's community licence), compared byte for byte after normalising what
legitimately varies between runs (elapsed time, the package version, where the release sits).

A difference fails with a unified diff. When the change is intended, regenerate and review the diff
in git:  ``OPENNESS_REGEN_GOLDEN=1 python3 -m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from pathlib import Path

import pytest

from conftest import CORPUS, EXAMPLES
from corpus_release import rebuild
from openness import __version__
from openness.model import Report
from openness.pipeline import audit
from openness.render import render

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("OPENNESS_REGEN_GOLDEN") == "1"
CORPUS_CASE = "baichuan-inc__Baichuan2"  # a custom community licence with use restrictions
CASES = ("tiny-open-lm", "openwashed-lm", f"corpus-{CORPUS_CASE}")
FORMATS = {
    "text": "txt", "html": "html", "badge": "svg", "json": "report.json", "markdown": "md", "mof": "mof.yml",
}
TEXT_WIDTH = 100  # columns of the golden terminal report


def normalise(text: str, release: Path) -> str:
    """What varies between runs, replaced by placeholders: paths, times, the package version."""
    text = text.replace(str(release.resolve()), "<RELEASE>").replace(str(release), "<RELEASE>")
    text = re.sub(r"\b\d+\.\d+ s\b", "<ELAPSED>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?", "<TIME>", text)
    text = re.sub(r'"license_data": "[^"]*"', '"license_data": "<DATA>"', text)  # the data's own stamp
    text = text.replace(f'"version": "{__version__}"', '"version": "<VERSION>"')
    return text.replace(f"openness {__version__}", "openness <VERSION>")


_reports: dict[str, tuple[Report, Path]] = {}


def _report(case: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    if case not in _reports:
        if case.startswith("corpus-"):
            if not (CORPUS / CORPUS_CASE / "TREE.txt").is_file():
                pytest.skip("../shared/corpus is absent (it sits beside the checkout in CI)")
            release = rebuild(CORPUS / CORPUS_CASE, tmp_path_factory.mktemp("golden") / CORPUS_CASE)
        else:
            release = EXAMPLES / case
        report = audit(str(release))
        # The target as typed and the run time are not the release's: fixed before rendering, so a
        # long temporary path cannot change how the terminal report wraps.
        report = dataclasses.replace(report, target=case, elapsed_seconds=1.0)
        _reports[case] = (report, release)
    return _reports[case]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report, release = _report(case, tmp_path_factory)
    options = {"width": TEXT_WIDTH} if fmt == "text" else {}
    got = normalise(render(report, fmt, **options), release)
    path = GOLDEN / f"{case}.{FORMATS[fmt]}"
    if REGEN or not path.exists():
        if not REGEN:
            pytest.fail(f"{path.name} is missing: create it with OPENNESS_REGEN_GOLDEN=1")
        path.write_text(got, encoding="utf-8")
        return
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(
            difflib.unified_diff(
                want.splitlines(keepends=True), got.splitlines(keepends=True), str(path.name), "rendered", n=2
            )
        )
        pytest.fail(
            f"{path.name} differs (if intended: OPENNESS_REGEN_GOLDEN=1, then review the diff):\n"
            + diff[:6000]
        )


def test_normaliser_replaces_what_varies(tmp_path: Path) -> None:
    text = f"openness audit {tmp_path}/x  (local, 3 files, 0.17 s) · openness {__version__} · 12.5 s"
    out = normalise(text, tmp_path)
    assert out == "openness audit <RELEASE>/x  (local, 3 files, <ELAPSED>) · openness <VERSION> · <ELAPSED>"
