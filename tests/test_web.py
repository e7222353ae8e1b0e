"""The web app's pages and JSON API (Starlette's TestClient), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index_fixtures import BACKENDS, audit_document, database

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "examples" / "tiny-open-lm"
OPENWASHED = ROOT / "examples" / "openwashed-lm"
EVIL = "acme/evil\u202e<script>alert(1)</script>"
TOKEN = "a-token-of-sufficient-length"


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    return {"tiny": audit_document(TINY)[0], "openwashed": audit_document(OPENWASHED)[0]}


def _filled_store(url: str, docs: dict[str, str]):
    from openness.index.store import Store

    store = Store(url)
    store.add(docs["tiny"])
    store.add(docs["openwashed"])
    store.add(docs["tiny"], name="org/model-with-slash")
    changed = json.loads(docs["tiny"])
    changed["evidence"]["licenses"][0]["matches"][0]["id"] = "MIT"
    store.add(json.dumps(changed), name="org/model-with-slash")
    store.add(docs["openwashed"], name=EVIL)
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, docs):
    """One read-only app per backend for the module (tests that write make their own)."""
    from openness.web.app import create_app

    with database(request.param, tmp_path_factory.mktemp("web")) as url:
        store = _filled_store(url, docs)
        with TestClient(create_app(store)) as c:
            c.url = url  # type: ignore[attr-defined]
            yield c
        store.close()


def test_api_lists_filters_and_pages(client) -> None:
    r = client.get("/api/releases", params={"where": "osaid=not-open-source-ai"})
    assert r.status_code == 200
    names = {i["name"] for i in r.json()["releases"]}
    assert names == {"openwashed-lm", EVIL}
    r = client.get("/api/releases", params=[("where", "osaid=not-open-source-ai"), ("where", "source=local"),
                                            ("q", "washed")])
    assert [i["name"] for i in r.json()["releases"]] == ["openwashed-lm"]
    page = client.get("/api/releases", params={"limit": 2, "sort": "name"}).json()
    assert page["total"] == 4 and len(page["releases"]) == 2 and page["next_offset"] == 2
    last = client.get("/api/releases", params={"limit": 2, "offset": 2, "sort": "name"}).json()
    assert last["next_offset"] is None
    assert {i["name"] for i in page["releases"] + last["releases"]} == {
        "openwashed-lm", "tiny-open-lm", "org/model-with-slash", EVIL}


@pytest.mark.parametrize(
    "params",
    [
        {"where": "osaid"},
        {"where": "colour=red"},
        {"sort": "name; DROP TABLE audits"},
        {"sort": "nosuchkey"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"q": "x" * 500},
        {"q": "a\x00b"},
    ],
)
def test_bad_query_parameters_are_400(client, params) -> None:
    r = client.get("/api/releases", params=params)
    assert r.status_code == 400 and set(r.json()) == {"error"}
    if set(params) <= {"where", "sort", "q"}:  # the table page takes these (it pages with ?page=)
        page = client.get("/", params=params)
        assert page.status_code == 400 and "<h1>Error 400</h1>" in page.text
    assert client.get("/api/releases").json()["total"] == 4  # nothing dropped


def test_release_history_and_names_with_slashes(client) -> None:
    r = client.get("/api/releases/org/model-with-slash")
    assert r.status_code == 200 and "MIT" in r.json()["licenses"]
    assert r.json()["report"]["schema_version"]
    history = client.get("/api/releases/org/model-with-slash/history").json()["audits"]
    assert len(history) == 2 and history[0]["changes"]["licenses"]["added"] == ["MIT"]
    old = history[1]["revision"]
    at = client.get("/api/releases/org/model-with-slash", params={"revision": old})
    assert at.json()["revision"] == old
    page = client.get("/releases/org/model-with-slash")
    assert page.status_code == 200 and "licenses added: MIT" in page.text
    assert client.get("/api/releases/nope").status_code == 404
    assert client.get("/releases/nope").status_code == 404
    assert client.get("/api/releases/nope/history").status_code == 404


def test_compare_two_releases_and_two_revisions(client) -> None:
    page = client.get("/compare", params={"a": "tiny-open-lm", "b": "openwashed-lm"})
    assert page.status_code == 200 and 'class="differs" data-framework="osaid"' in page.text
    history = client.get("/api/releases/org/model-with-slash/history").json()["audits"]
    a = f"org/model-with-slash@{history[1]['revision']}"
    b = f"org/model-with-slash@{history[0]['revision']}"
    page = client.get("/compare", params={"a": a, "b": b})
    assert page.status_code == 200 and "licenses added: MIT" in page.text
    assert client.get("/compare", params={"a": "nope", "b": "tiny-open-lm"}).status_code == 404


def test_release_text_is_escaped_and_no_inline_script_may_run(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "\u202e" not in page.text and "\\u202e" in page.text
    assert "<script>alert(1)" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    api = client.get("/api/releases").text
    assert "<script>" not in api and "\\u003cscript\\u003e" in api and "\u202e" not in api
    assert client.get("/api/releases", params={"q": "evil"}).json()["releases"][0]["name"] == EVIL


def test_adding_needs_allow_add_and_the_token(client, tmp_path, docs) -> None:
    from openness.web.app import create_app

    r = client.post("/api/releases", json={"target": str(TINY)}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403  # read-only unless started with --allow-add
    with database("sqlite", tmp_path) as url:
        store = _filled_store(url, docs)
        with TestClient(create_app(store, allow_add=True, token=TOKEN)) as writer:
            r = writer.post("/api/releases", json={"target": str(TINY)},
                            headers={"Authorization": "Bearer wrong"})
            assert r.status_code == 401
            r = writer.post("/api/releases", json={"target": str(OPENWASHED), "name": "added-by-web"},
                            headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 201 and r.json()["added"] is True
            assert writer.get("/api/releases/added-by-web").status_code == 200
            r = writer.post("/api/releases", json={"target": str(tmp_path / "missing")},
                            headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 422 and "error" in r.json()
        store.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--allow-add"], "needs a token"),
        (["serve", "--allow-add", "--token", "short"], "at least 16"),
        (["serve", "--port", "0"], "--port must be"),
    ],
)
def test_serve_refuses_bad_options(capsys, monkeypatch, tmp_path, argv, message) -> None:
    from openness.cli import main

    monkeypatch.delenv("OPENNESS_INDEX_TOKEN", raising=False)
    code = main([*argv, "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_openapi_page_and_document(client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/releases", "/api/releases/{name}", "/api/releases/{name}/history"} <= set(spec["paths"])
    page = client.get("/api")
    assert page.status_code == 200 and "GET /api/releases" in page.text and "cdn" not in page.text.lower()
