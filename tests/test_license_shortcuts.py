"""Shortcuts that make licence analysis cheaper must not change an answer (issue 14).

Clause rules are screened by literal keywords tested with ``in`` (found once per text, then looked
for per clause among those the text holds) where they were regular-expression alternations;
sentence boundaries match their mark where they looked behind for it; identification keeps one
token vocabulary per process and rules out curated fingerprints by their words. Each shortcut is
checked against the way it was done before (kept here as the oracle), on the real licence texts
of the corpus and on generated text.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness.licenses import clauses, identify
from openness.licenses.clause_patterns import Rule, kind_groups, rules, screen_words, screened
from openness.licenses.clause_segments import _BOUNDARY, segment
from openness.licenses.decode import decode
from openness.licenses.knowledge import knowledge
from openness.licenses.normalize import normalize
from openness.model import RestrictionKind

LICENCE_NAME = re.compile(r"licen[cs]e|notice|polic|copying|terms", re.I)
# The sentence boundary as it was written before: a lookbehind for the mark.
OLD_BOUNDARY = re.compile(
    r"(?<=[.!?;:])\s+(?=[\"'(\[]?[A-Z0-9\u4e00-\u9fff]|\(?(?:[ivx]{1,5}|[a-h])[.)]\s)|(?<=[。！？；：])\s*(?=\S)"
)


@functools.cache
def _alternation(words: frozenset[str]) -> re.Pattern[str]:
    """A screen as it was: one regular expression, its keywords as alternatives."""
    return re.compile("|".join(re.escape(w) for w in sorted(words)))


def _corpus_texts(corpus: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and LICENCE_NAME.search(path.name) and path.stat().st_size < 500_000:
            text, _encoding, binary = decode(path.read_bytes())
            if text is not None and not binary:
                yield str(path.relative_to(corpus)), text


@pytest.fixture(scope="module")
def corpus_texts(corpus_dir: Path) -> list[tuple[str, str]]:
    texts = list(_corpus_texts(corpus_dir))
    assert len(texts) > 50, "the corpus should hold a hundred-odd licence files"
    return texts


def _every_keyword(text: str, among: object = None) -> frozenset[str]:
    """``screened`` with every screen passing: each rule's pattern tried on every clause."""
    ascii_words, other_words = screen_words()
    return frozenset(ascii_words + other_words)


def _assert_screens_agree(text: str, present: frozenset[str]) -> None:
    for rule in rules():
        assert (not rule.screen.isdisjoint(present)) == bool(_alternation(rule.screen).search(text)), (
            rule.kind,
            sorted(rule.screen),
            text[:200],
        )
    for prohibited in (False, True):
        for kind, words, _rules in kind_groups(prohibited):
            assert (not words.isdisjoint(present)) == bool(_alternation(words).search(text)), (
                kind,
                text[:200],
            )


# ---------------------------------------------------------------------------- clause screens


def test_screens_are_lower_case_literals() -> None:
    for rule in rules():
        assert rule.screen, rule
        for word in rule.screen:
            assert word == word.lower() and "\n" not in word
            assert re.escape(word).replace("\\ ", " ") == word or not word.isascii(), word


def test_literal_screens_answer_as_the_alternations_did_on_corpus_clauses(
    corpus_texts: list[tuple[str, str]],
) -> None:
    checked = 0
    for _name, text in corpus_texts:
        lowered = [clauses._lowered(c) for c in segment(text) if not c.heading]
        among = tuple(screened("\n".join(lowered)))
        for clause_text in lowered:
            present = screened(clause_text, among)
            assert present == screened(clause_text)
            _assert_screens_agree(clause_text, present)
            checked += 1
    assert checked > 2000


def test_clause_analysis_with_screens_finds_what_every_pattern_finds(
    corpus_texts: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No screen drops a restriction its rule's pattern would find, on real licence texts (a third
    of them: trying every pattern on every clause is slow)."""
    sample = corpus_texts[::3]
    screened_answers = [clauses.find_restrictions(text, name) for name, text in sample]
    assert sum(map(len, screened_answers)) > 30
    monkeypatch.setattr(clauses, "screened", _every_keyword)
    unscreened_answers = [clauses.find_restrictions(text, name) for name, text in sample]
    for (name, _text), mine, every in zip(sample, screened_answers, unscreened_answers, strict=True):
        assert mine == every, name


_SCREEN_PIECES = sorted(
    {w for rule in rules() for w in rule.screen} | set(" \n'nota商用户") | {"no", "us", "a"}
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SCREEN_PIECES), max_size=40))
def test_literal_screens_answer_as_the_alternations_did(pieces: list[str]) -> None:
    """Keywords glued to each other and split across lines: found exactly where the alternation
    finds them, and the keywords found in the whole text are all each line can hold."""
    text = "".join(pieces)
    _assert_screens_agree(text, screened(text))
    among = tuple(screened(text))
    for line in text.split("\n"):
        assert screened(line, among) == screened(line)
        _assert_screens_agree(line, screened(line, among))


# ---------------------------------------------------------------------------- needed words

NEEDING = [rule for rule in rules() if rule.needs]


@pytest.mark.parametrize("rule", NEEDING, ids=lambda r: f"{r.kind.value}:{sorted(r.screen)[0]}")
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_match_of_a_pattern_holds_a_needed_word(rule: Rule, data: st.DataObject) -> None:
    """``Rule.needs`` is a shortcut only: any text the pattern matches holds one of the words."""
    text = data.draw(st.from_regex(re.compile(rule.pattern_source.lower())))
    assert rule.pattern.search(text)
    assert any(word in text for word in rule.needs), text


def test_needed_words_rule_out_no_match_on_corpus(
    corpus_texts: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(NEEDING) >= 3
    matched = 0
    for _name, text in corpus_texts:
        for clause in segment(text):
            lowered = clauses._lowered(clause)
            for rule in NEEDING:
                if rule.pattern.search(lowered):
                    matched += 1
                    assert any(word in lowered for word in rule.needs), (rule.kind, lowered[:200])
    assert matched > 10
    sample = corpus_texts[::2]
    kept = [clauses.find_restrictions(text, name) for name, text in sample]
    monkeypatch.setattr(clauses, "kind_groups", _plain)
    assert [clauses.find_restrictions(text, name) for name, text in sample] == kept


def _plain(prohibited: bool) -> tuple[tuple[RestrictionKind, frozenset[str], tuple[Rule, ...]], ...]:
    return tuple(
        (kind, words, tuple(dataclasses.replace(rule, needs=()) for rule in group))
        for kind, words, group in kind_groups(prohibited)
    )


# ---------------------------------------------------------------------------- sentence boundaries


def _old_gaps(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in OLD_BOUNDARY.finditer(text)]


def _new_gaps(text: str) -> list[tuple[int, int]]:
    return [m.span(m.lastindex or 0) for m in _BOUNDARY.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".!?;:。！？；： \t\nAZa09\"'([)ivxbh一中,", max_size=60))
def test_sentence_boundaries_are_where_the_lookbehind_found_them(text: str) -> None:
    assert _new_gaps(text) == _old_gaps(text)


def test_sentence_boundaries_unchanged_on_corpus(corpus_texts: list[tuple[str, str]]) -> None:
    for name, text in corpus_texts:
        assert _new_gaps(text) == _old_gaps(text), name


OLD_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a.Z9_ .é-漢\n,", max_size=40))
def test_inner_dots_are_where_the_lookbehind_found_them(text: str) -> None:
    assert clauses._INNER_DOT.sub("_", text) == OLD_INNER_DOT.sub("_", text)


def test_inner_dots_unchanged_on_corpus(corpus_texts: list[tuple[str, str]]) -> None:
    for name, text in corpus_texts:
        assert clauses._INNER_DOT.sub("_", text.lower()) == OLD_INNER_DOT.sub("_", text.lower()), name


# ---------------------------------------------------------------------------- identification


def test_identification_unchanged_when_the_vocabulary_starts_again(
    corpus_texts: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Token ids are shared between texts; a vocabulary over its bound starts again between texts
    (its reference ids with it), and the answers are the same either way."""
    sample = corpus_texts[::5]
    kept = [identify.identify(text, name) for name, text in sample]
    monkeypatch.setattr(identify, "MAX_VOCABULARY", 0)  # start again before every text
    again = [identify.identify(text, name) for name, text in sample]
    assert again == kept


def test_vocabulary_is_bounded_between_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identify, "MAX_VOCABULARY", 10)
    identify.identify("Permission is hereby granted to zzqqxx, free of charge, to any person.")
    assert "zzqqxx" in identify._vocabulary
    identify.identify("Licensed under the Apache License, Version 2.0.")
    assert "zzqqxx" not in identify._vocabulary  # over the bound: started again for this text


def test_fingerprints_ruled_out_by_their_words_would_not_have_matched(
    corpus_texts: list[tuple[str, str]],
) -> None:
    """A fingerprint skipped because a word of its phrases is not a token of the text has no
    phrase in the text: searching for them, as before, would have found nothing."""
    kb = knowledge()
    needed = identify._fingerprint_words(kb.fingerprints)
    assert all(words is not None for words in needed)  # the shipped phrases are all padded
    skipped = searched = 0
    for name, text in corpus_texts:
        query = normalize(text)
        joined, tokens = query.joined(), set(query.tokens)
        for fp, words in zip(kb.fingerprints, needed, strict=True):
            assert words is not None
            if words <= tokens:
                searched += 1
            else:
                skipped += 1
                assert not any(phrase in joined for phrase in fp.phrases), (name, fp.license_id)
    assert skipped > 10 * searched > 0


def test_a_text_aligned_in_another_thread_meanwhile_changes_nothing(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch audits analyse licences in threads, and the vocabulary is shared. Here another
    thread identifies a second text (starting the vocabulary again) while the first is between
    two alignments, as a thread switch would have it: the first text's answer is unchanged (the
    second waits for it). Without the lock the Llama 2 licence was named nothing."""
    first = decode((corpus_dir / "meta-llama__llama/files/LICENSE").read_bytes())[0]
    second = decode((corpus_dir / "01-ai__Yi/files/LICENSE").read_bytes())[0]
    assert first is not None and second is not None
    alone = identify.identify(first)
    monkeypatch.setattr(identify, "MAX_VOCABULARY", 0)  # every text starts the vocabulary again
    align = identify._align
    others: list[threading.Thread] = []

    def switching(*args: Any) -> list[Any]:
        if not others:
            others.append(threading.Thread(target=identify.identify, args=(second,)))
            others[0].start()
            others[0].join(timeout=0.5)  # as long as it may run before this text goes on
        return align(*args)

    monkeypatch.setattr(identify, "_align", switching)
    assert identify.identify(first) == alone
    others[0].join()


# --------------------------------------------------------------------------- normalize's shortcuts


def _normalize_every_pass(text: str) -> Any:
    """normalize as it was before its shortcuts: every pattern over the whole text, every line's
    markers tried, the quotes deleted by one translate (the reference the shortcuts must equal)."""
    from openness.licenses import normalize as n

    text = html.unescape(text) if "&" in text else text
    text = n._URL.sub(" ", n._MD_LINK.sub(r"\1", n._TAG.sub(" ", text)))
    tokens: list[str] = []
    lines: list[int] = []
    quotes = str.maketrans(dict.fromkeys(n._QUOTES, ""))
    for number, raw in enumerate(text.lower().translate(quotes).splitlines(), start=1):
        line = raw
        for _ in range(4):
            new = n._NUMBER.sub("", n._BULLET.sub("", line))
            if new == line:
                break
            line = new
        if n._COPYRIGHT.match(line) and len(line.split()) <= 16:
            continue
        found = n._TOKEN.findall(line)
        tokens.extend(n._EQUIVALENT.get(tok, tok) for tok in found)
        lines.extend([number] * len(found))
    return n.Normalized(tuple(tokens), tuple(lines))


_NORMALIZE_PIECES = st.sampled_from(
    ["https://x.test/a", "HTTP://A.B", "ftp://f", "www.example.de", "WWW.X", "example.com", "a.b.AI/x",
     "x.org/", "foo.comx", "site.cn", "Site.İO", "ı.ai", "<b>", "<a href='x'>", "</p>", "[link](u)",
     "![img](i.png)", "](", "[a](b\nc)", "&amp;", "&lt;x&gt;", "’", "'", "`", "\\", "‘", "-", "* ", "•", "# ",
     "1. ", "(a) ", "iv) ", "a.", "xi.", "ab) ", "_1._ ", "**2.** ", "(", "Copyright (c) 2024 X", "\n",
     "\r\n", "\u2028", "\x0c", " ", "\t", "word", "licence", "MIT", "許可", "数据"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NORMALIZE_PIECES, max_size=16).map("".join))
def test_normalize_shortcuts_tokenise_as_every_pass(text: str) -> None:
    from openness.licenses.normalize import normalize

    assert normalize(text) == _normalize_every_pass(text)


def test_normalize_shortcuts_on_every_corpus_licence(corpus_texts: list[tuple[str, str]]) -> None:
    from openness.licenses.normalize import normalize

    for name, text in corpus_texts:
        assert normalize(text) == _normalize_every_pass(text), name
