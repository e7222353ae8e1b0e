#!/usr/bin/env python3
"""Screenshot an HTML report: ``scripts/screenshot.py REPORT.html OUT.png [--width 1200] [--full-page]``.

Drives Debian's chromium through Playwright (never Playwright's own browser download): the binary
is ``$OPENNESS_TEST_CHROMIUM`` or ``/usr/bin/chromium``. The page is opened from a file with
JavaScript disabled and every network request refused, exactly as a reader's browser would show
an untrusted report; the screenshot is of the viewport (``--height``) unless ``--full-page``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM_ARGS, chromium_path

MAX_SIDE = 8000  # pixels: the largest viewport side accepted (chromium's own limit is ~16k)


def screenshot(
    report: Path, out: Path, *, width: int = 1200, height: int = 1500, full_page: bool = False
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height}, java_script_enabled=False, device_scale_factor=1
            )
            page = context.new_page()
            # A report is self-contained: anything but the file itself is refused.
            page.route(
                "**/*",
                lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
            )
            page.goto(report.resolve().as_uri())
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1500)
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args(argv)
    if not args.report.is_file():
        print(f"screenshot: {args.report} is not a file", file=sys.stderr)
        return 2
    if not (0 < args.width <= MAX_SIDE and 0 < args.height <= MAX_SIDE):
        print(f"screenshot: width and height must be 1..{MAX_SIDE}", file=sys.stderr)
        return 2
    if not Path(chromium_path()).is_file():
        print(f"screenshot: no chromium at {chromium_path()} (set OPENNESS_TEST_CHROMIUM)", file=sys.stderr)
        return 2
    screenshot(args.report, args.out, width=args.width, height=args.height, full_page=args.full_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
