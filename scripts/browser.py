"""How this project starts a browser: Debian's chromium driven by Playwright, never Playwright's own
browser download. The one place for the binary's location and its launch flags, used by
``scripts/screenshot.py`` and by the browser tests (``tests/index_fixtures.py``), so a flag added
for one (say, a sandbox change on a new Debian) cannot be missed by the other."""

from __future__ import annotations

import os

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Headless, no sandbox (CI runs as root in a container, where chromium's sandbox cannot start), and
# nothing that reaches the network on its own: the pages under test are self-contained.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> str:
    """``$OPENNESS_TEST_CHROMIUM`` (set by ``.ci/run``) or Debian's package path."""
    return os.environ.get("OPENNESS_TEST_CHROMIUM") or DEFAULT_CHROMIUM
