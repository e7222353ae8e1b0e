"""``openness serve``: the index as a web page and a JSON API (docs/index.md).

Read-only unless started with ``--allow-add`` and a token (``--token`` or ``OPENNESS_INDEX_TOKEN``).
FastAPI and uvicorn are imported inside ``run`` only.
"""

from __future__ import annotations

import argparse
import os
import sys

from openness.errors import UsageError
from openness.render.safe import clean

MIN_TOKEN = 16  # characters of an --allow-add token


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the index as a web page and a JSON API",
                       description="Serve the index: a table of releases, each report with its history, "
                                   "comparisons, and a JSON API (read-only by default).")
    p.add_argument("--db", metavar="URL",
                   help="database URL (default: $OPENNESS_DB, else the user's SQLite index)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--allow-add", action="store_true",
                   help="accept POST /api/releases with the token (the server audits targets it is sent)")
    p.add_argument("--token", help="the token for --allow-add (default: $OPENNESS_INDEX_TOKEN)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise UsageError("--port must be 1-65535")
    token = args.token or os.environ.get("OPENNESS_INDEX_TOKEN")
    if args.allow_add and (not token or len(token) < MIN_TOKEN):
        raise UsageError(f"--allow-add needs a token of at least {MIN_TOKEN} characters "
                         "(--token or OPENNESS_INDEX_TOKEN)")
    from openness.index.store import Store
    from openness.web.app import create_app

    store = Store(args.db)
    app = create_app(store, allow_add=args.allow_add, token=token if args.allow_add else None)
    import uvicorn

    where = f"http://{clean(args.host)}:{args.port}/"
    print(f"openness: serving {clean(store.shown)} on {where}", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        store.close()
    return 0
