"""Output formats: name -> "module:function" taking a Report and returning str."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from openness.errors import UsageError

if TYPE_CHECKING:  # building the CLI parser should not load the data model
    from openness.model import Report

RENDERERS: dict[str, str] = {
    "text": "openness.render.text:render_text",
    "json": "openness.render.json:render_json",
    "markdown": "openness.render.markdown:render_markdown",
    "mof": "openness.render.mof:render_mof",
    "cyclonedx": "openness.render.cyclonedx:render_cyclonedx",
    "spdx3": "openness.render.spdx3:render_spdx3",
    "sarif": "openness.render.sarif:render_sarif",
    "html": "openness.render.html:render_html",
    "badge": "openness.render.badge:render_badge",
}


def render(report: Report, fmt: str, **options: object) -> str:
    spec = RENDERERS.get(fmt)
    if spec is None:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(RENDERERS)})")
    module_name, func = spec.split(":")
    fn: Callable[..., str] = getattr(importlib.import_module(module_name), func)
    return fn(report, **options)
