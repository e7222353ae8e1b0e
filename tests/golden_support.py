"""What the golden-file tests share: the cases, the audited reports, and the compare-or-regenerate step.

Regenerate after an intended change, then review the diff in git:
``OPENNESS_REGEN_GOLDEN=1 python3 -m pytest tests/test_golden.py tests/test_golden_boms.py``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from pathlib import Path

import pytest

from conftest import CORPUS, EXAMPLES
from corpus_release import rebuild
from openness import __version__
from openness.model import Report
from openness.pipeline import audit

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("OPENNESS_REGEN_GOLDEN") == "1"
CORPUS_CASE = "baichuan-inc__Baichuan2"  # a custom community licence with use restrictions
CASES = ("tiny-open-lm", "openwashed-lm", f"corpus-{CORPUS_CASE}")

_reports: dict[str, tuple[Report, Path]] = {}


def golden_report(case: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    """The audit of one case (once per process), and where its release sits."""
    if case not in _reports:
        if case.startswith("corpus-"):
            if not (CORPUS / CORPUS_CASE / "TREE.txt").is_file():
                pytest.skip("../shared/corpus is absent (it sits beside the checkout in CI)")
            release = rebuild(CORPUS / CORPUS_CASE, tmp_path_factory.mktemp("golden") / CORPUS_CASE)
        else:
            release = EXAMPLES / case
        # The target as typed and the run time are not the release's: fixed before rendering, so a
        # long temporary path cannot change how the terminal report wraps.
        report = dataclasses.replace(audit(str(release)), target=case, elapsed_seconds=1.0)
        _reports[case] = (report, release)
    return _reports[case]


def normalise_common(text: str, release: Path) -> str:
    """Where the release sits and the package version, replaced by placeholders."""
    text = text.replace(str(release.resolve()), "<RELEASE>").replace(str(release), "<RELEASE>")
    return text.replace(f"openness {__version__}", "openness <VERSION>")


def compare_golden(path: Path, got: str) -> None:
    """Fail with a unified diff when ``got`` differs from the golden file (write it when regenerating)."""
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
