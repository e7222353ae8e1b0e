"""The web app over an index ``Store``: a table of releases, each report with its history, a
comparison page and a JSON API with an OpenAPI description.

Everything shown comes from releases and is hostile: templates autoescape, every string passes
``render.safe.clean`` first (the ``c`` filter) so controls and bidi marks show as escapes, JSON is
written by ``render.safe.dumps`` (``< > &`` escaped), and the Content-Security-Policy allows no
inline script at all. Query parameters go through the index's one filter grammar
(``index.query``) and reach SQL only as bound parameters.
"""

from __future__ import annotations

import hmac
import threading
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, Field

from openness.errors import OpennessError, UsageError
from openness.index.query import parse_filters, parse_search, parse_sort, sort_keys
from openness.index.store import MAX_PAGE, Store, StoreError, UnknownRelease, diff
from openness.render.safe import clean, dumps

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50  # rows of the table page
MAX_NAME_PARAM = 300  # characters of a release name in a path or a compare parameter
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


# Query parameters shared by the table page and the API (module level: FastAPI resolves them here).
Where = Annotated[
    list[str],
    Query(description="filters, all must hold: FRAMEWORK=STATUS, license=ID, restriction=KIND, "
                      "finding=KIND, source=KIND, open-washing=yes|no ('!=' negates)",
          max_length=200),
]
Search = Annotated[str | None, Query(max_length=200, description="part of the release name")]
Sort = Annotated[str, Query(max_length=40, pattern=r"^-?[a-z][a-z0-9-]*$",
                            description="name, audited, source, revision or a framework id; '-' first "
                                        "for descending")]


class AddRequest(BaseModel):
    target: str = Field(min_length=1, max_length=2000)
    name: str | None = Field(default=None, max_length=300)


class _JSON(Response):
    """JSON written by ``render.safe.dumps``: release text keeps its value, its unsafe code points
    and ``< > &`` are escapes."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content, indent=None, separators=(",", ":")).encode("utf-8")


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["c"] = lambda value: clean("" if value is None else str(value))
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.2f}"
    return env


def create_app(store: Store, *, allow_add: bool = False, token: str | None = None) -> FastAPI:
    app = FastAPI(
        title="openness index",
        description="Every audited AI release, its verdicts with evidence, and its history.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    env = _templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    facet_cache: dict[str, Any] = {}
    lock = threading.Lock()

    def facets() -> dict[str, list[str]]:
        stamp = store.stamp()
        with lock:
            if facet_cache.get("stamp") != stamp:
                facet_cache["value"] = store.facets()
                facet_cache["stamp"] = stamp
            value: dict[str, list[str]] = facet_cache["value"]
            return value

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def _error(request: Request, status: int, message: str) -> Response:
        message = clean(message)[:500]
        if _is_api(request) or request.url.path == "/openapi.json":
            return _JSON({"error": message}, status_code=status)
        return page("error.html", status=status, message=message, status_code=status)

    @app.exception_handler(UsageError)
    async def _usage(request: Request, exc: UsageError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(UnknownRelease)
    async def _unknown(request: Request, exc: UnknownRelease) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(request, 400, f"invalid parameter {where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        return _error(request, 404, "no such page")

    # ------------------------------------------------------------------ shared query handling

    def _list(where: list[str], q: str | None, sort: str, limit: int, offset: int) -> tuple[Any, ...]:
        filters = parse_filters(where)
        key, descending = parse_sort(sort)
        search = parse_search(q)
        total, items = store.query(filters, search=search, sort=key, descending=descending,
                                  limit=limit, offset=offset)
        return filters, key, descending, search, total, items

    # ------------------------------------------------------------------ HTML pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page(
        where: Where = [],  # noqa: B006 - FastAPI reads the default, never mutates it
        q: Search = None,
        sort: Sort = "name",
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ) -> HTMLResponse:
        filters, key, descending, search, total, items = _list(
            where, q, sort, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
        chosen = {f.key: str(f) for f in filters if not f.negate}
        def link(**over: Any) -> str:
            state = {"q": search or "", "sort": ("-" if descending else "") + key, "page": page_no, **over}
            pairs = [("where", str(f)) for f in filters]
            pairs += [(k, str(v)) for k, v in state.items() if v not in ("", None)]
            return "/?" + urlencode(pairs)

        frameworks = sorted({fw for i in items for fw in i["verdicts"]} | {
            k for k in facets() if k not in ("license", "restriction", "finding", "source")})
        return page(
            "index.html",
            items=items, total=total, filters=filters, chosen=chosen, q=search or "", sort=key,
            descending=descending, page=page_no, pages=max(1, -(-total // PAGE_SIZE)), facets=facets(),
            frameworks=frameworks, sort_keys=sort_keys(), where=[str(f) for f in filters], link=link,
        )

    @app.get("/releases/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def release_page(
        name: str,
        revision: Annotated[str | None, Query(max_length=200)] = None,
    ) -> HTMLResponse:
        _check_name(name)
        audit = store.get(name, revision)
        history = store.history(name)
        return page("release.html", audit=audit, report=audit["report"],
                    report_html=Markup(audit["html"]) if audit.get("html") else None, history=history)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        a: Annotated[str | None, Query(max_length=520)] = None,
        b: Annotated[str | None, Query(max_length=520)] = None,
    ) -> HTMLResponse:
        if not a or not b:
            return page("compare.html", left=None, right=None, changes=None, a=a or "", b=b or "")
        left, right = _resolve(a), _resolve(b)
        return page("compare.html", left=left, right=right, changes=diff(left, right), a=a, b=b)

    @app.get("/report.css", include_in_schema=False)
    def report_stylesheet() -> Response:
        """The stylesheet the HTML renderer's report fragment expects (a file, as the CSP wants)."""
        try:
            from openness.render.html import report_css
        except ImportError:
            return Response("", media_type="text/css")
        return Response(report_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page() -> HTMLResponse:
        """The OpenAPI description as a page (no script from a CDN: the spec is drawn server-side)."""
        return page("api.html", spec=app.openapi(), allow_add=allow_add)

    # ------------------------------------------------------------------ JSON API

    @app.get("/api/releases", response_class=_JSON, summary="List releases (latest audit of each)")
    def api_releases(
        where: Where = [],  # noqa: B006
        q: Search = None,
        sort: Sort = "name",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE_SIZE,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> _JSON:
        filters, _key, _descending, _search, total, items = _list(where, q, sort, limit, offset)
        nxt = offset + len(items) if offset + len(items) < total else None
        return _JSON({"total": total, "offset": offset, "limit": limit, "next_offset": nxt,
                      "where": [str(f) for f in filters], "releases": items})

    @app.get("/api/releases/{name:path}/history", response_class=_JSON,
             summary="Every audit of a release, newest first, with what changed")
    def api_history(name: str, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> _JSON:
        _check_name(name)
        return _JSON({"name": name, "audits": store.history(name, limit)})

    @app.get("/api/releases/{name:path}", response_class=_JSON,
             summary="A release's latest audit (or the one at ?revision=), with the full JSON report")
    def api_release(name: str, revision: Annotated[str | None, Query(max_length=200)] = None) -> _JSON:
        _check_name(name)
        audit = store.get(name, revision)
        audit.pop("html", None)
        return _JSON(audit)

    @app.post("/api/releases", response_class=_JSON, status_code=201,
              summary="Audit a target and add it (only with --allow-add and the token)")
    def api_add(body: AddRequest, authorization: Annotated[str | None, Header()] = None) -> _JSON:
        if not allow_add or token is None:
            raise HTTPException(status_code=403, detail="read-only index (start with --allow-add)")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(status_code=401, detail="a valid token is needed (Authorization: Bearer ...)")
        from openness.index.engine import Job, audit_job

        outcome = audit_job(Job(body.target, name=body.name))
        if outcome.document is None:
            return _JSON({"error": outcome.error}, status_code=422)
        result = store.add(outcome.document, html=outcome.html, name=body.name)
        return _JSON({"name": result.name, "revision": result.revision, "added": result.added},
                     status_code=201 if result.added else 200)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    def _resolve(spec: str) -> dict[str, Any]:
        """``name`` (its latest audit) or ``name@revision``."""
        name, sep, revision = spec.rpartition("@")
        if sep and name:
            try:
                _check_name(name)
                return store.get(name, revision)
            except UnknownRelease:
                pass  # a name holding '@'
        _check_name(spec)
        return store.get(spec)

    return app


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME_PARAM or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UsageError("a release name is 1-300 printable characters")


__all__ = ["OpennessError", "create_app"]
