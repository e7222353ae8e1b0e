"""Property-based tests of the YAML parsers of release content: card front matter
(``evidence.card.front_matter_data`` / ``parse_card``) and MOF records
(``sources.mof_yaml.parse_text``). Whatever the text, the answer is a result or the package's own
error (``OpennessError``), quickly: never another exception, never a hang.

Uniformly random text almost never reaches PyYAML's constructors, so the strategies also build
*near-valid* YAML: real keys with values drawn from the shapes that used to crash or explode
(typed tags on wrong text, impossible dates, huge ints, sexagesimal runs, deep flow nesting,
anchors and aliases, merge keys, sets and omaps, control characters, lone surrogates).
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import OpennessError
from openness.evidence.card import front_matter_data, parse_card
from openness.safe_yaml import YamlError
from openness.sources.mof_yaml import parse_text

SLOW = 2.0  # seconds one input may take: a 64 KB document loads in milliseconds

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# Scalars that are valid plain YAML anywhere (block or flow) but hostile to the constructors.
HOSTILE = (
    "foo", "2024-99-99", "2024-01-01", "2024-02-30 25:61:61", "2001-12-14t21:59:43.10-05:00",
    "1" * 5000, "-0x" + "f" * 300, "0b", "0x_", "0o7", "0777", ":".join(["59"] * 400), "1e99999",
    ".inf", "-.nan", "1_000", "yes", "off", "~", "null", "aGk=", "==", "'quoted'",
    '"\\x00\\u202e\\x1b[2J"',
)  # fmt: skip
SCALAR_TAGS = ("", "", "!!timestamp ", "!!int ", "!!float ", "!!bool ", "!!binary ", "!!str ", "!!null ")
COLLECTION_TAGS = ("", "", "", "!!set ", "!!omap ", "!!pairs ", "!!map ", "!!seq ", "!!python/tuple ")
WORD = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9 ._/-]{0,20}", fullmatch=True).map(str.strip)
KEYS = st.one_of(
    st.sampled_from(("license", "tags", "datasets", "base_model", "framework", "release", "name", "date",
                     "components", "1", "yes", "~", "2024-01-01", "'quoted key'")),
    st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True),
)  # fmt: skip


@st.composite
def values(draw: st.DrawFn, depth: int = 0) -> str:
    """One well-formed YAML value (flow style, so it fits any line)."""
    kind = draw(st.integers(0, 7 if depth < 3 else 2))
    if kind <= 1:
        return draw(st.sampled_from(SCALAR_TAGS)) + draw(st.sampled_from(HOSTILE))
    if kind == 2:
        return draw(st.one_of(WORD, st.integers().map(str), st.floats().map(str)))
    if kind == 3:
        n = draw(st.integers(0, 30))
        return "[" * n + draw(st.sampled_from(HOSTILE)) + "]" * n
    if kind == 4:
        items = draw(st.lists(values(depth + 1), max_size=4))
        return draw(st.sampled_from(COLLECTION_TAGS)) + "[" + ", ".join(items) + "]"
    if kind == 5:
        pairs = [f"{draw(KEYS)}: {draw(values(depth + 1))}" for _ in range(draw(st.integers(0, 4)))]
        return draw(st.sampled_from(COLLECTION_TAGS)) + "{" + ", ".join(pairs) + "}"
    if kind == 6:
        inner = draw(values(depth + 1))
        anchor = draw(st.from_regex(r"[d-z][a-z0-9]{0,5}", fullmatch=True))  # rarely one used twice
        return inner if inner[:1] in "*&" else f"&{anchor} {inner}"
    return "*" + draw(st.sampled_from("abcabcz"))  # *z is never defined


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A well-formed document of hostile values, so the constructors run on most examples."""
    lines = ["a0: &a x", "b0: &b [1, 2]", "c0: &c {k: v}"]  # what aliases refer to
    lines += [f"{draw(KEYS)}: {draw(values())}" for _ in range(draw(st.integers(0, 10)))]
    if draw(st.booleans()):
        lines.append(f"merged: {{<<: {draw(values())}, k: v}}")
    if draw(st.integers(0, 2)) == 0:
        # an alias chain: the billion-laughs shape at a random width and height
        width, height = draw(st.integers(1, 12)), draw(st.integers(1, 10))
        lines.append("l0: &l0 [" + ", ".join(["lol"] * width) + "]")
        lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, height)]
    if draw(st.booleans()):
        lines.append("deep:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, draw(st.integers(1, 40)))))
    return "\n".join(lines) + draw(st.sampled_from(("", "\n", "\n---\nx: 1\n", "\n...\n")))


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    """A well-formed document with a few characters inserted or deleted: the parser's error paths."""
    text = draw(documents())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and at < len(text):
            text = text[:at] + text[at + 1 :]
        else:
            glyph = draw(st.sampled_from(":[]{}&*!-?|>'\"\n #%@`,\t\x00\x1b\x85\u202e\ud800"))
            text = text[:at] + glyph + text[at:]
    return text


MOF_HEAD = (
    "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n"
    "release:\n  name: tiny\n  producer: someone\n  license: {}\n  components:\n    - name: Model card\n"
)

TEXTS = st.one_of(
    st.text(max_size=400),
    documents(),
    near_valid(),
    documents().map(lambda d: MOF_HEAD + d),
    near_valid().map(lambda d: MOF_HEAD + d),
)


def _plain(value: object) -> bool:
    """What the loader promises: JSON data with string keys and finite numbers."""
    json.dumps(value, allow_nan=False)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert all(isinstance(k, str) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            assert item is None or isinstance(item, str | int | float | bool), type(item)
    return True


@SETTINGS
@given(TEXTS)
def test_front_matter_parser_is_total_and_fast(text: str) -> None:
    start = time.perf_counter()
    try:
        data = front_matter_data(text)
    except YamlError as exc:
        assert isinstance(exc, OpennessError)
        assert "\n" not in str(exc) and all(c.isprintable() for c in str(exc))
    else:
        assert _plain(data)
    assert time.perf_counter() - start < SLOW


@SETTINGS
@given(TEXTS, st.sampled_from(("---\n", "\ufeff---\n", "---  \n")), st.sampled_from(("---\n", "...\n", "")))
def test_card_parser_never_raises(front: str, opening: str, closing: str) -> None:
    start = time.perf_counter()
    card = parse_card(f"{opening}{front}\n{closing}# Model\n\nApache-2.0\n", "README.md")
    assert _plain(dict(card.front_matter))
    assert all("\n" not in n.message for n in card.notes)
    assert time.perf_counter() - start < SLOW


@SETTINGS
@given(TEXTS)
def test_mof_record_parser_is_total_and_fast(text: str) -> None:
    start = time.perf_counter()
    try:
        document = parse_text(text, "model.yml")
    except OpennessError as exc:
        assert "\n" not in str(exc)
    else:
        assert _plain(document)
    assert time.perf_counter() - start < SLOW
