"""Render: pure functions from a ``Report`` to text. The CLI does the writing."""

from __future__ import annotations

from openness.render.registry import RENDERERS, render

__all__ = ["RENDERERS", "render"]
