"""Shared fixtures: where the real corpus lives, and the opt-in online tier."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property-based tests in the suite are derandomized: the same inputs on every run, so a CI result
# does not depend on luck. Exploration with fresh inputs is scripts/fuzz.py's job.
settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
MOT = SHARED / "data" / "mot"
EXAMPLES = ROOT / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--online", action="store_true", help="run tests that need the network")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--online"):
        return
    skip = pytest.mark.skip(reason="needs the network; run with --online")
    for item in items:
        if "online" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (it sits beside the checkout in CI)")
    return CORPUS


@pytest.fixture(scope="session")
def mot_dir() -> Path:
    if not MOT.is_dir():
        pytest.skip("../shared/data/mot is absent (it sits beside the checkout in CI)")
    return MOT


@pytest.fixture(scope="session")
def scancode_wheel() -> Path:
    """The ScanCode wheel the licence data is built from, fetched with the build script's own
    downloader (``.cache/license-build/``, reused between runs)."""
    import importlib.util
    import subprocess

    script = ROOT / "scripts" / "build_license_data.py"
    spec = importlib.util.spec_from_file_location("build_license_data", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        wheel: Path = module.fetch_wheel(None)
    except (subprocess.CalledProcessError, SystemExit) as exc:
        pytest.skip(f"could not download the ScanCode wheel from PyPI: {exc}")
    return wheel
