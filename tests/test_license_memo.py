"""Licence texts analysed once per process (``interface._analysed``): same answers as afresh.

The memo is a fast path only: the differential test holds every corpus licence text's result
with it equal to the result without it, at two different paths (the memo keeps a path-free
answer and labels it per caller).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openness.licenses import interface
from openness.licenses.interface import analyze_bytes, analyze_text
from openness.model import Location

_LICENCE_NAME = re.compile(r"(licen[cs]e|copying|notice|policy)", re.I)


def _fresh(text: str, location: Location) -> object:
    saved = interface.MEMO
    interface.MEMO = False
    try:
        return analyze_text(text, location)
    finally:
        interface.MEMO = saved


@pytest.fixture(autouse=True)
def _empty_memo() -> None:
    interface._memo.clear()


def test_identical_text_is_identified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from openness.licenses import identify as identify_module

    calls: list[str | None] = []
    real = identify_module.identify

    def counting(text: str, path: str | None = None) -> object:
        calls.append(path)
        return real(text, path)

    monkeypatch.setattr(identify_module, "identify", counting)
    text = "Permission is hereby granted, free of charge, to any person obtaining a copy. " * 3
    first = analyze_text(text, Location(path="a/LICENSE"))
    second = analyze_text(text, Location(path="b/LICENSE", origin="hf:org/x"))
    assert len(calls) == 1
    assert first == _fresh(text, Location(path="a/LICENSE"))
    assert second == _fresh(text, Location(path="b/LICENSE", origin="hf:org/x"))


def test_memo_is_bounded_and_keyed_by_exact_text() -> None:
    for n in range(interface.MEMO_TEXTS + 10):
        analyze_text(f"Copyright {n} someone. All rights reserved.\n", Location(path=f"L{n}"))
    assert len(interface._memo) == interface.MEMO_TEXTS
    # The same words laid out on other lines are another text: their line spans differ.
    one = analyze_text("line one\nline two\n", Location(path="X"))
    two = analyze_text("line one\n\n\nline two\n", Location(path="X"))
    assert one == _fresh("line one\nline two\n", Location(path="X"))
    assert two == _fresh("line one\n\n\nline two\n", Location(path="X"))


def test_lone_surrogates_and_restrictions_relabelled(tmp_path: Path) -> None:
    text = "Licensed for non-commercial research use only. \udcff You may not use it commercially.\n" * 4
    for path in ("one/LICENSE", "two/MODEL_LICENSE", None):
        got = analyze_text(text, Location(path=path))
        assert got == _fresh(text, Location(path=path))
        assert all(r.location.path == path for r in got.restrictions)


def _corpus_texts(corpus: Path) -> list[Path]:
    out = []
    for release in sorted(corpus.iterdir()):
        files = release / "files"
        if not files.is_dir():
            continue
        for p in sorted(files.rglob("*")):
            if p.is_file() and _LICENCE_NAME.search(p.name) and p.stat().st_size <= 300_000:
                out.append(p)
    return out


def test_corpus_licence_texts_same_with_and_without_fast_paths(corpus_dir: Path) -> None:
    paths = _corpus_texts(corpus_dir)
    assert len(paths) >= 50
    for p in paths:
        data = p.read_bytes()
        rel = str(p.relative_to(corpus_dir))
        for where in (Location(path=rel), Location(path="copy/" + p.name, origin="local")):
            interface.MEMO = True
            try:
                cached = [analyze_bytes(data, where) for _ in range(2)]  # computed, then remembered
            finally:
                interface.MEMO = True
            interface.MEMO = False
            try:
                fresh = analyze_bytes(data, where)
            finally:
                interface.MEMO = True
            assert cached[0] == fresh, rel
            assert cached[1] == fresh, rel


def test_threads_sharing_the_memo_never_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch audits and the web service analyse licences in threads: evictions by one thread
    while another looks up and reorders the memo must not raise (it was KeyError from
    move_to_end, an internal error for that release)."""
    import time
    from collections import OrderedDict
    from concurrent.futures import ThreadPoolExecutor

    class _YieldingMemo(OrderedDict):
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            found = super().get(key, default)
            time.sleep(0)  # let other threads run between the lookup and what follows it
            return found

    monkeypatch.setattr(interface, "_memo", _YieldingMemo())
    monkeypatch.setattr(interface, "MEMO_TEXTS", 2)  # evict on almost every new text
    monkeypatch.setattr(interface, "_analyse", lambda text, path: (text, (), ()))  # the memo alone
    monkeypatch.setattr(interface, "_with_path", lambda found, path: found)
    texts = [f"text {i}" for i in range(3)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: interface._analysed(texts[n % 3], None), range(3_000)))
    assert results == [(texts[n % 3], (), ()) for n in range(3_000)]
    assert len(interface._memo) <= 2
