"""SPDX licence expressions from release content, parsed by license-expression, safely.

The one place the package calls the expression parser. Card ``license`` values are hostile input,
and the parser has edge bugs on malformed expressions (``0 AND()`` raises IndexError, ``(AND 0``
an AssertionError from the boolean algebra underneath, deep parentheses recurse), so every call
is bounded before it starts and any exception it raises means "not an expression".
"""

from __future__ import annotations

from typing import Any

MAX_EXPRESSION = 2000  # characters: real expressions are a few licence ids long
MAX_NESTING = 32  # parenthesis depth


def _bounded(value: str) -> bool:
    if len(value) > MAX_EXPRESSION:
        return False
    depth = 0
    for ch in value:
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                return False
        elif ch == ")":
            depth -= 1
    return True


def parse(value: str, licensing: Any = None) -> Any | None:
    """The parsed expression (a license_expression ``LicenseExpression``), or None when ``value``
    is not one. ``licensing`` defaults to a plain ``Licensing()`` that accepts any symbol."""
    if not value or not _bounded(value):
        return None
    from license_expression import Licensing

    try:
        return (licensing or Licensing()).parse(value, validate=False, strict=False)
    except Exception:  # ExpressionError and the parser's edge bugs alike: not an expression
        return None


def spdx_parse(value: str) -> Any | None:
    """``parse`` with the SPDX licensing (known ids and exceptions)."""
    from license_expression import get_spdx_licensing

    return parse(value, get_spdx_licensing())
