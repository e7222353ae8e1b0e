"""Property-based tests of the licence engine: any text, id or expression a release can hold is
answered (a result or the package's own error), quickly, never with a traceback or a hang.

Strategies mix random text with fragments of real licence wording and hostile shapes (deep
parentheses in expressions, long runs of one character, controls, bidi marks, CJK), because
uniformly random strings almost never reach the identification and clause code paths.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import OpennessError
from openness.licenses import analyze_id, analyze_text
from openness.model import LicenseResult, Location

FRAGMENTS = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "Licensed under the Apache License, Version 2.0",
    "You may not use the Model for commercial purposes.",
    "If monthly active users exceed 700 million",
    "You shall not use the outputs to improve any other large language model.",
    "This license does not apply to users domiciled in the European Union.",
    "No commercial rights are granted.",
    "Attachment A: Use Restrictions",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND",
    "Llama 2 Community License Agreement",
    "CreativeML Open RAIL-M",
    "非商业用途",
    "本模型仅供学术研究使用",
    "https://example.com/" + "a" * 300,
    "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07",
    "\u202e\u2028\u0085\x9b",
    "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1",
    "(" * 50,
)

texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=200)),
    max_size=40,
).map("\n".join)

ids = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ("mit", "apache-2.0", "llama2", "cc-by-nc-4.0", "other", "openrail++", "MIT OR Apache-2.0", "unknown")
    ),
    st.builds(
        lambda a, op, b, depth: "(" * depth + f"{a} {op} {b}" + ")" * depth,
        st.sampled_from(("MIT", "Apache-2.0", "GPL-2.0-or-later", "x", "")),
        st.sampled_from(("AND", "OR", "WITH", "and", "")),
        st.sampled_from(("MIT", "Classpath-exception-2.0", "CC-BY-4.0", "(")),
        st.integers(0, 300),
    ),
)

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@SETTINGS
@given(texts)
def test_analyze_text_answers_any_text(text: str) -> None:
    start = time.perf_counter()
    result = analyze_text(text, Location(path="LICENSE"))
    assert isinstance(result, LicenseResult)
    assert time.perf_counter() - start < 5.0
    for m in result.matches:
        if m.lines:
            first, last = m.lines
            assert 1 <= first <= last


@SETTINGS
@given(ids, st.one_of(st.none(), st.text(max_size=60)), st.one_of(st.none(), st.text(max_size=120)))
def test_analyze_id_answers_any_id(ident: str, name: str | None, link: str | None) -> None:
    start = time.perf_counter()
    try:
        result = analyze_id(ident, Location(key="license"), name=name, link=link)
    except OpennessError:
        return
    assert isinstance(result, LicenseResult)
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "MIT " * 50_000,
        "\n" * 100_000,
        "(" * 100_000,
        "Permission is hereby granted " * 5_000,
        "1." * 50_000,
    ],
)
def test_long_degenerate_texts_are_fast(text: str) -> None:
    start = time.perf_counter()
    analyze_text(text, Location(path="LICENSE"))
    assert time.perf_counter() - start < 5.0
