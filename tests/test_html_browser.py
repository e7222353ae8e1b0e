"""The HTML report in a real browser: Playwright driving Debian's chromium (never Playwright's own
download). The page shows every verdict, and script injected through a card field or a licence text
never runs, with JavaScript enabled, with the page's Content-Security-Policy and without it (so the
escaping is tested, not only the policy).

Skipped only when chromium is absent outside CI; in CI (``CI`` set) a missing chromium fails, since
``.ci/run`` installs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index_fixtures import CHROMIUM_ARGS, chromium_path
from openness.cli import main
from openness.pipeline import audit
from openness.render.common import headline

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "examples" / "openwashed-lm" / "model.safetensors"

# Each payload would mark the page if it ran: a script, an event handler, a javascript: URL and a
# tag breaking out of an attribute.
SCRIPT = "<script>document.title='pwned';window.pwned=1</script>"
EVENTS = "<img src=x onerror=\"window.pwned=2\"><svg onload=\"window.pwned=3\">"
ATTR = "\"><script>window.pwned=4</script><a href=\"javascript:window.pwned=5\">x</a>"
PAYLOAD = f"{SCRIPT} {EVENTS} {ATTR}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def hostile_release(tmp_path: Path) -> Path:
    rel = tmp_path / "rel"
    rel.mkdir()
    yaml_payload = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    (rel / "README.md").write_text(
        "---\n"
        "license: other\n"
        f'license_name: "{yaml_payload}"\n'
        f'datasets:\n  - "{yaml_payload}"\n'
        f'base_model: "{yaml_payload}"\n'
        f'tags:\n  - open-source\n  - "{yaml_payload}"\n'
        "---\n\n# Model\n\n"
        f"This model is fully open source. {PAYLOAD}\n",
        encoding="utf-8",
    )
    (rel / "LICENSE").write_text(
        "Acme Model Licence\n\n"
        f"You may not use the model for commercial purposes {PAYLOAD}.\n"
        f"You may not use the Model or its outputs to train other models {SCRIPT}.\n",
        encoding="utf-8",
    )
    (rel / "model.safetensors").write_bytes(WEIGHTS.read_bytes())
    (rel / "weights<svg onload=window.pwned=6>.txt").write_text("x")  # no '/' in a name
    return rel


def _open(browser: Any, html_path: Path) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(java_script_enabled=True)  # enabled: a script that could run, would
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html_path.resolve().as_uri())
    page.wait_for_load_state("load")
    return context, page, requests


def _assert_not_pwned(page: Any) -> None:
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "pwned" not in page.title()
    assert page.locator("script").count() == 0
    assert page.locator("img, svg, iframe, object, embed").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_page_shows_every_verdict_and_runs_no_injected_script(
    browser: Any, hostile_release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["audit", str(hostile_release), "--format", "html", "-o", str(out)]) == 0
    capsys.readouterr()
    report = audit(str(hostile_release))
    context, page, requests = _open(browser, out)
    try:
        _assert_not_pwned(page)
        cards = page.locator(".cards .card .verdict").all_inner_texts()
        assert len(cards) == len(report.assessments)
        for a in report.assessments.values():
            assert any(headline(a) in card for card in cards), headline(a)
        body = page.locator("body").inner_text()
        # The payload is there, as text a reader can see, from the card and from the licence clause.
        assert "window.pwned=1" in body
        assert "commercial purposes" in body
        assert requests == [out.resolve().as_uri()]  # nothing fetched but the page itself
    finally:
        context.close()


def test_escaping_holds_without_the_content_security_policy(
    browser: Any, hostile_release: Path, tmp_path: Path
) -> None:
    """The CSP is a second line: with it removed, the escaping alone keeps the payload inert."""
    from openness.render.html import render_html

    html = render_html(audit(str(hostile_release)))
    stripped, n = re.subn(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html)
    assert n == 1
    page_file = tmp_path / "no-csp.html"
    page_file.write_text(stripped, encoding="utf-8")
    context, page, _ = _open(browser, page_file)
    try:
        _assert_not_pwned(page)
        assert page.locator(".cards .card").count() >= 1
    finally:
        context.close()


def test_the_detector_sees_a_script_that_does_run(browser: Any, tmp_path: Path) -> None:
    """Control: the same payload raw in a page does mark it, so the checks above can fail."""
    raw = tmp_path / "raw.html"
    raw.write_text(f"<!doctype html><title>ok</title><body>{SCRIPT}</body>", encoding="utf-8")
    context, page, _ = _open(browser, raw)
    try:
        assert page.evaluate("window.pwned") == 1 and page.title() == "pwned"
    finally:
        context.close()


def test_fragment_embeds_with_the_stylesheet(browser: Any, hostile_release: Path, tmp_path: Path) -> None:
    """The web index's way in: the fragment plus report_css() in its own page renders the same cards."""
    from openness.render.html import render_html, report_css

    report = audit(str(hostile_release))
    fragment = render_html(report, standalone=False)
    assert fragment.lstrip().startswith('<article class="openness-report">')
    assert "<style" not in fragment and "<html" not in fragment
    host = tmp_path / "host.html"
    host.write_text(
        f"<!doctype html><meta charset=utf-8><style>{report_css()}</style><h1>index</h1>{fragment}",
        encoding="utf-8",
    )
    context, page, _ = _open(browser, host)
    try:
        _assert_not_pwned(page)
        assert page.locator(".cards .card").count() == len(report.assessments)
        colour = page.locator(".card.s-fail a").first.evaluate("e => getComputedStyle(e).borderLeftColor")
        assert colour == "rgb(198, 40, 40)"  # the stylesheet applied: a failing verdict is red
    finally:
        context.close()


def test_screenshot_script_renders_a_report(tmp_path: Path) -> None:
    """``scripts/screenshot.py`` (the README's screenshots) launches the same chromium with the same
    flags (``scripts/browser.py``) and writes a PNG of the requested viewport; bad sizes are one line."""
    import struct
    import subprocess
    import sys

    chromium_path()  # skip (or fail in CI) without the browser, as the other tests here
    root = Path(__file__).resolve().parent.parent
    report = tmp_path / "report.html"
    example = str(root / "examples" / "tiny-open-lm")
    assert main(["audit", example, "--format", "html", "-o", str(report)]) in (0, 1)
    out = tmp_path / "shot.png"
    script = root / "scripts" / "screenshot.py"
    done = subprocess.run(
        [sys.executable, str(script), str(report), str(out), "--width", "800", "--height", "600"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (800, 600)
    bad = subprocess.run(
        [sys.executable, str(script), str(report), str(out), "--width", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
