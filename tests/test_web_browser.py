"""The index's pages in Debian's chromium (Playwright, never its own browser download), against
a uvicorn server this module starts on 127.0.0.1: the table filters, a release page shows its
verdicts and history, compare shows the difference, and a card's injected script never runs."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from index_fixtures import CHROMIUM_ARGS, audit_document, chromium_path

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "examples" / "tiny-open-lm"
OPENWASHED = ROOT / "examples" / "openwashed-lm"
PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"


def _hostile_release(folder: Path) -> Path:
    """A release whose card and file names carry markup that would run if echoed raw."""
    release = folder / "hostile-card"
    release.mkdir()
    (release / "README.md").write_text(
        "---\n"
        f"license: other\nlicense_name: '{PAYLOAD}'\n"
        f"datasets:\n  - '{PAYLOAD}'\n"
        f"base_model: '{PAYLOAD}'\n"
        "---\n\n"
        f"# Model {PAYLOAD}\n\nThis model is fully open source. {PAYLOAD}\n",
        encoding="utf-8",
    )
    (release / "LICENSE").write_text(f"All rights reserved. {PAYLOAD}\n", encoding="utf-8")
    (release / f"{'<img src=x onerror=window.__pwned=3>'}.md").write_text("x")
    (release / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    return release


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from openness.index.store import Store
    from openness.web.app import create_app

    folder = tmp_path_factory.mktemp("web")
    store = Store(f"sqlite:///{folder / 'index.sqlite'}")
    for target in (TINY, OPENWASHED, _hostile_release(folder)):
        document, html = audit_document(target)
        store.add(document, html=html)
    # a second audit of tiny-open-lm at another revision: history and a revision comparison
    changed = folder / "tiny-open-lm"
    shutil.copytree(TINY, changed)
    (changed / "LICENSE").write_text("All rights reserved. No use without permission.\n")
    document, html = audit_document(changed)
    store.add(document, html=html)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(store), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()
        store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    context.close()


def _names(page) -> list[str]:
    return page.locator("#releases tbody tr[data-name]").evaluate_all("rows => rows.map(r => r.dataset.name)")


def test_the_table_filters_sorts_and_searches(server, page) -> None:
    page.goto(server + "/")
    assert set(_names(page)) == {"tiny-open-lm", "openwashed-lm", "hostile-card"}
    with page.expect_navigation():
        page.select_option("select[data-key=osaid]", "osaid=not-open-source-ai")
    assert "openwashed-lm" in _names(page)
    statuses = page.locator("#releases tbody td[data-framework=osaid]").all_inner_texts()
    assert statuses and all(s.strip() == "not-open-source-ai" for s in statuses)
    page.goto(server + "/")
    with page.expect_navigation():
        page.select_option("select[data-key=open-washing]", "open-washing=yes")
    assert "openwashed-lm" in _names(page) and "tiny-open-lm" not in _names(page)
    page.goto(server + "/")
    page.fill("#search", "washed")
    with page.expect_navigation():
        page.click("#apply")
    assert _names(page) == ["openwashed-lm"]
    page.goto(server + "/")
    with page.expect_navigation():
        page.click("th a.sort >> text=release")  # sorted by name already: this reverses it
    names = _names(page)
    assert names == sorted(names, reverse=True)


def test_a_release_page_shows_verdicts_and_history(server, page) -> None:
    page.goto(server + "/releases/openwashed-lm")
    assert page.locator("#name").inner_text() == "openwashed-lm"
    assert "not-open-source-ai" in page.content()
    page.goto(server + "/releases/tiny-open-lm")
    rows = page.locator("#history tbody tr")
    assert rows.count() == 2
    assert "first audit" in rows.nth(1).inner_text()
    newest = rows.nth(0).inner_text()
    assert "osaid" in newest and "open-source-ai" in newest  # the verdict change is listed
    with page.expect_navigation():
        rows.nth(0).locator("a >> text=compare").click()
    assert page.locator("#compare tr.differs[data-framework=osaid]").count() == 1


def test_compare_shows_the_difference(server, page) -> None:
    page.goto(f"{server}/compare?a={quote('openwashed-lm')}&b={quote('hostile-card')}")
    table = page.locator("#compare")
    assert table.count() == 1
    assert page.locator("#compare tr.differs").count() >= 1
    assert "openwashed-lm" in table.inner_text() and "hostile-card" in table.inner_text()


def test_an_injected_script_in_a_card_never_runs(server, page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in ("/", "/releases/hostile-card", "/compare?a=hostile-card&b=tiny-open-lm",
                 "/api/releases/hostile-card", "/api/releases/hostile-card/history"):
        page.goto(server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined"), path
    assert page.dialogs == []
    page.goto(server + "/releases/hostile-card")
    assert page.locator("script:not([src])").count() == 0  # no inline script made it into the DOM
    assert "window.__pwned" in page.inner_text("body")  # shown as text, not run
    assert json.loads(page.evaluate("JSON.stringify(document.scripts.length)")) == 1  # only /static/app.js
