"""Issue 14, the evidence stage: each faster path gives the answer the plain one gave.

Every shortcut here (a literal that must be present before a regular expression can match, a
shape decided without the PEP 508 parser) is checked against the reference it replaces, on crafted
lines built from the awkward pieces (case-folding letters, separators, markers) and on the real
cards, READMEs and requirement files of ../shared/corpus.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.evidence import facts

# --------------------------------------------------------------------------- requirement lines

_REQ_PIECES = st.sampled_from(
    ["numpy", "torch", "a", "x_y", "pkg.name", "-", " ", "[cuda]", "[a, b]", "==", "===", ">=", "<",
     "~=", "!=", ">", "<=", "=", "1.0", "2", "1.*", "1!2.0", "0.1.dev0", ",", ";", " ; ",
     "python_version < '3.9'", "extra == 'a@b'", "@", " @ ", "git+https://x.test/y.git@v1",
     "https://x.test/a-1.0-py3-none-any.whl", "file:///tmp/x", "(", ")", "#", "İ", "\t", "*"]
)
_REQ_LINES = st.lists(_REQ_PIECES, min_size=1, max_size=10).map("".join)


@settings(max_examples=300, deadline=None)
@given(_REQ_LINES)
def test_pinned_agrees_with_the_pep508_parser(line: str) -> None:
    assert facts._pinned(line) is _reference_pinned(line)


@pytest.mark.parametrize(
    "line",
    [
        "numpy>=1.23.4,<2.0",
        "torch >= 2.1 , < 3 ; sys_platform == 'linux'",
        "foo==1.0,!=1.0.1",
        "foo~=1.0,==1.0",
        "foo==1.0,==1.0",  # a duplicate collapses to one specifier: pinned, by the parser
        "foo===1.0,<2",
        "InstructorEmbedding @ https://h2o-release.s3.amazonaws.com/h2ogpt/x-1.0.1-py3-none-any.whl",
        "python-doctr @ git+https://github.com/h2oai/doctr.git@aee9b1c",
        "flash-attn[x] @ https://x.test/f.whl ; platform_system == 'Linux'",
        "foo@bar",
        "foo @",
        "foo[a]==1.0 @ x",
    ],
)
def test_pinned_named_shapes_agree_with_the_parser(line: str) -> None:
    assert facts._pinned(line) is _reference_pinned(line)


def test_url_and_range_requirements_need_no_pep508_parser() -> None:
    """h2ogpt's and open-instruct's manifests hold URL requirements and version ranges: deciding
    them imported packaging (~25 ms of each audit); the answers (unpinned) are the parser's."""
    import subprocess
    import sys

    lines = [
        "numpy>=1.23.4,<2.0",
        "sentence_transformers_old @ https://h2o-release.s3.amazonaws.com/h2ogpt/s-2.2.2-py3-none-any.whl",
        "evaluate @ git+https://github.com/huggingface/evaluate@7d7d81dd3ffec0812e2edb09f86b3b1e31d61118",
        "torch[cuda] >= 2.1, < 3 ; sys_platform == 'linux'",
    ]
    code = (
        "import sys\nfrom openness.evidence.facts import _pinned\n"
        f"lines = {lines!r}\n"
        "assert not any(_pinned(x) for x in lines)\n"
        "print('packaging.requirements' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_pinned_agrees_on_every_corpus_requirement(corpus_dir: Path) -> None:
    seen = 0
    for path in _corpus_files(corpus_dir):
        name = path.name.lower()
        if not (name.startswith("requirements") or name in ("pyproject.toml", "setup.py", "setup.cfg")
                or name.endswith((".yml", ".yaml", ".in"))):
            continue
        reqs = facts._requirements(name, path.read_text(encoding="utf-8", errors="replace"))
        for line in reqs or []:
            seen += 1
            assert facts._pinned(line) is _reference_pinned(line), (path, line)
    assert seen > 500


def _reference_pinned(line: str) -> bool:
    """The answer before issue 14's shortcuts: conda and the plain shape, else the PEP 508 parser."""
    import re

    if re.match(r"^[\w.\-]+=(?!=)[\w.]+", line):
        return True
    simple = facts._SIMPLE_REQ.match(line.strip())
    if simple:
        op, version = simple.groups()
        return op in ("==", "===") and "*" not in (version or "*")
    return facts._pep508_pinned(line)


def _corpus_files(corpus_dir: Path) -> Iterator[Path]:
    for release in sorted(corpus_dir.iterdir()):
        files = release / "files"
        if files.is_dir():
            yield from sorted(p for p in files.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- literal prefilters

_TEXT_PIECES = st.sampled_from(
    ["commercial", "COMMERCİAL", "commercıal", "Commercial use", " requires ", "registration", "research",
     "reſearch", "ACADEMIC", "only", "non-commercial", "not for commercial", "weights", "the model",
     "must", " accept ", "agree to", "ſign", "SIGN", "terms", "licence", "LİCENSE", "license", "before",
     "download", "follow", "a separate", "under", "商用", "需申请", "商业用途", "授权", "仅限", "于", "学术",
     "研究", "非商业", "模型权重", ".", "。", " ", "\n", "K", "-", "based on"]
)
_TEXT_LINES = st.lists(_TEXT_PIECES, min_size=1, max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT_LINES)
def test_stated_terms_literals_are_in_every_line_a_pattern_matches(line: str) -> None:
    _assert_stated_literals(line)


def test_stated_terms_literals_on_every_corpus_line(corpus_dir: Path) -> None:
    n = 0
    for line in _corpus_lines(corpus_dir):
        n += 1
        _assert_stated_literals(line)
    assert n > 10_000


def test_stated_terms_match_the_every_line_scan_on_the_corpus(corpus_dir: Path) -> None:
    from openness.evidence.scope import stated_terms

    found = 0
    for card in _parsed_cards(corpus_dir):
        path = card.path
        new = stated_terms([card], ["license-model"])
        assert new == _old_stated_terms([card], ["license-model"]), path
        found += len(new)
    assert found > 5


def test_stated_terms_sees_case_folded_letters() -> None:
    """re's IGNORECASE matches 'İ', 'ı', 'ſ' and the Kelvin sign to ASCII letters that lower()
    does not give: the prefilter folds them, so such a line is read as before."""
    from openness.evidence.card import parse_card
    from openness.evidence.scope import stated_terms

    text = (
        "# X\n\nThe model weights are for reſearch purposes only.\n"
        "Commercİal use of the weights requires registration.\n"
    )
    card = parse_card(text, "README.md")
    new = stated_terms([card])
    assert [r.location.lines for r in new] == [(3, 3), (4, 4)]
    assert new == _old_stated_terms([card])


def _assert_stated_literals(line: str) -> None:
    from openness.evidence.scope import _STATED, _STATED_NEEDS
    from openness.evidence.text import fold

    assert len(_STATED) == len(_STATED_NEEDS)
    folded = fold(line)
    assert len(folded) == len(line)
    for (rx, _kind, _summary), needs in zip(_STATED, _STATED_NEEDS, strict=True):
        if rx.search(line):
            assert any(lit in folded for lit in needs), (rx.pattern, line)


def _old_stated_terms(cards: list, licence_files: list[str] | tuple[str, ...] = ()) -> list:
    """scope.stated_terms before issue 14: every line of every card through every pattern."""
    from openness.evidence import scope
    from openness.model import LicenseKind, LicenseResult, Location, Restriction

    files = [f.lower() for f in licence_files]
    out: list = []
    for card in cards:
        for n, raw in enumerate(card.lines, 1):
            if n < card.body_start or len(out) >= scope.MAX_STATEMENTS:
                continue
            line = raw[: scope.MAX_LINE]
            if not scope._WEIGHTS_SUBJECT.search(line) or scope._ABOUT_OTHERS.search(line):
                continue
            for rx, kind, summary in scope._STATED:
                m = rx.search(line)
                if m is None:
                    continue
                loc = Location(card.path, (n, n))
                if kind is None:
                    if any(f in line.lower() for f in files if f):
                        break
                    out.append(LicenseResult(loc, LicenseKind.OTHER, notes=(f"{summary} ({loc})",)))
                    break
                info = scope.KINDS[kind]
                r = Restriction(kind, loc, m.group(0)[:200], summary, info.freedoms, info.osd)
                out.append(LicenseResult(loc, LicenseKind.OTHER, restrictions=(r,), notes=(summary,)))
                break
    return out


@functools.lru_cache(maxsize=2)
def _corpus_lines(corpus_dir: Path) -> tuple[str, ...]:
    """Every distinct line of the corpus's texts (read once for all the per-line tests: READMEs in
    several languages and the same licences repeat most of them)."""
    texts = _corpus_cards(corpus_dir)
    return tuple(dict.fromkeys(line for _path, text in texts for line in text.splitlines()))


@functools.lru_cache(maxsize=2)
def _parsed_cards(corpus_dir: Path) -> tuple:
    """``parse_card`` of every corpus text, once for the tests that read whole cards."""
    from openness.evidence.card import parse_card

    return tuple(parse_card(text, path) for path, text in _corpus_cards(corpus_dir))


@functools.lru_cache(maxsize=2)
def _corpus_cards(corpus_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every markdown and text file of the corpus (cards, READMEs, docs, licences), read once."""
    return tuple(
        (str(path.relative_to(corpus_dir)), path.read_text(encoding="utf-8", errors="replace"))
        for path in _corpus_files(corpus_dir)
        if path.suffix.lower() in (".md", ".txt", ".rst", ".markdown", "") and path.stat().st_size < 600_000
    )


# --------------------------------------------------------------------------- line indexes

_CARD_PIECES = st.sampled_from(
    ["open", "OPEN", "İ", "ı", "ſ", "K", "mit", "MIT", "cc", "```", "~~~", "  ```", "\u2003~~~", "x```",
     "/", "://", "hf.co/",
     "magnet:", ".torrent", "zenodo", "figshare.com", "from_pretrained(", "'org/name'", "\n", "\n\n",
     "\r\n", " ", "x", "Research", "licen", "é", "模型", "sign", "?", "x?", "\U0001f600"]
)
_CARD_TEXTS = st.lists(_CARD_PIECES, max_size=30).map("".join)
_LITERALS = ("open", "mit", "cc", "/", "://", "research", "licen", "ı", "sign", "```", "x?", "?é", "模型")


@settings(max_examples=300, deadline=None)
@given(_CARD_TEXTS, st.integers(min_value=1, max_value=6))
def test_line_index_searches_agree_with_a_per_line_test(text: str, start: int) -> None:
    from openness.evidence.text import LineIndex, fold

    lines = tuple(text.splitlines())
    index = LineIndex(lines, start)
    first = max(0, start - 1)
    assert index.containing(_LITERALS) == [
        i for i, line in enumerate(lines) if any(lit in fold(line) for lit in _LITERALS)
    ]
    assert index.holding(_LITERALS, first) == [
        i for i, line in enumerate(lines) if i >= first and any(lit in line for lit in _LITERALS)
    ]
    # candidates: what the hit-by-hit search gave (lowered, from the body, fenced lines out)
    low = "\n".join(lines).lower()
    hits: set[int] = set()
    for hint in _LITERALS:
        pos = low.find(hint)
        while pos >= 0:
            hits.add(sum(1 for s in index.starts if s <= pos) - 1)
            pos = low.find(hint, pos + 1)
    assert index.candidates(_LITERALS) == sorted(i for i in hits if i >= first and i not in index.fenced)


@settings(max_examples=300, deadline=None)
@given(_CARD_TEXTS)
def test_line_index_fences_and_offsets_as_the_per_line_loop(text: str) -> None:
    from openness.evidence.text import LineIndex

    lines = tuple(text.splitlines())
    index = LineIndex(lines, 1)
    starts: list[int] = []
    fenced: set[int] = set()
    pos, in_fence = 0, False
    for i, line in enumerate(lines):  # LineIndex.__init__ before issue 14
        starts.append(pos)
        pos += len(line) + 1
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            fenced.add(i)
        elif in_fence:
            fenced.add(i)
    assert index.starts == starts
    assert index.fenced == fenced
    assert index.fence_marked == [i for i, line in enumerate(lines) if "```" in line or "~~~" in line]
    assert index.aligned == (len(index.lower) == max(0, pos - 1))


_HEADING_PIECES = st.sampled_from(
    ["# ", "## ", "### ", "#", " # ", "    # ", "\u3000# ", "\t#", "**Training Data**", "__Data__",
     "===", "---", "- item", "* item", "```", "~~~", "Title", "GLM-4-9B", "Model", " ", "\n", "\n\n",
     "\x1f", "\u2003", "x", "Llama 3", "-", "=", "_", "`"]
)
_HEADING_TEXTS = st.lists(_HEADING_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HEADING_TEXTS, st.integers(min_value=1, max_value=4))
def test_sections_and_own_names_with_the_index_as_without(text: str, start: int) -> None:
    from openness.evidence.card import _sections
    from openness.evidence.text import LineIndex, own_names

    lines = tuple(text.splitlines())
    index = LineIndex(lines, start)
    assert _sections(lines, start, index) == _sections(lines, start)
    assert own_names(lines, index.first, index) == own_names(lines, index.first)
    assert index.own_names() == own_names(lines, index.first)


def test_sections_and_own_names_on_the_corpus(corpus_dir: Path) -> None:
    from openness.evidence.card import _sections
    from openness.evidence.text import own_names

    for card in _parsed_cards(corpus_dir):
        path = card.path
        assert card.sections == _sections(card.lines, card.body_start), path
        assert card.index is not None
        assert card.index.own_names() == own_names(card.lines, card.index.first), path


def test_card_places_skips_only_lines_it_would_skip(corpus_dir: Path) -> None:
    """_card_places visits only the lines _place_lines gives: every corpus line it leaves out is one
    the every-line loop let go at once (no fence, no place hint; in code no load call; with "/" no
    trained-on phrase and no data label)."""
    from openness.evidence import elsewhere

    n = 0
    for card in _parsed_cards(corpus_dir):
        path = card.path
        visited = set(elsewhere._place_lines(card))
        for i, line in enumerate(card.lines):
            if i in visited or i < card.body_start - 1:
                continue
            n += 1
            assert not elsewhere._FENCE.match(line), (path, line)
            assert "```" not in line and "~~~" not in line, (path, line)
            assert not any(h in line for h in elsewhere._PLACE_HINTS), (path, line)
            assert not any(h in line for h in elsewhere._LOAD_HINTS), (path, line)
            if "/" in line:
                assert not (elsewhere._has_trained_on(line.lower()) and elsewhere._TRAINED_ON.search(line))
                assert not ((":" in line or "：" in line) and elsewhere._DATA_LABEL.search(line))
    assert n > 10_000


_URL_PIECES = st.sampled_from(
    ["https://", "http://", "gs://", "s3://", "magnet:?xt=urn", ".torrent", "x.torrent ",
     "zenodo.org/record/1",
     "doi.org/10.5281/zenodo.7", "figshare.com/a", "huggingface.co/", "hf.co/", "datasets/", "org/name",
     "HuggingFace.co/", "/", ":", " ", "a", "-", ".", "(", ")"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_URL_PIECES, min_size=1, max_size=10).map("".join))
def test_place_patterns_need_their_substrings(line: str) -> None:
    _assert_place_needs(line)


def test_place_patterns_need_their_substrings_on_every_corpus_line(corpus_dir: Path) -> None:
    for line in _corpus_lines(corpus_dir):
        _assert_place_needs(line)


def _assert_place_needs(line: str) -> None:
    from openness.evidence import elsewhere

    for (_kind, rx), needs in zip(elsewhere._PLACES, elsewhere._PLACE_NEEDS, strict=True):
        if rx.search(line):
            assert any(n in line for n in needs), (rx.pattern, line)


def test_place_lines_with_case_folded_letters() -> None:
    """A data label written with a letter re folds ("DATAſETS:") is still visited."""
    from openness.evidence import elsewhere
    from openness.evidence.card import parse_card

    card = parse_card("# X\n\n- DATAſETS: see org/set\nplain line with a/b\n", "README.md")
    assert elsewhere._place_lines(card) == [2]
    assert elsewhere._DATA_LABEL.search(card.lines[2])


# --------------------------------------------------------------------------- prefiltered patterns


def _prefiltered() -> list:
    import openness.evidence.builder  # noqa: F401 - every evidence module, so every instance is listed
    from openness.evidence.text import PREFILTERED

    assert PREFILTERED
    return PREFILTERED


def _assert_prefiltered(line: str) -> None:
    from openness.evidence.text import fold

    folded = fold(line)
    for p in _prefiltered():
        if p.rx.search(line):
            assert p.may_match(folded), (p.rx.pattern, line)


_PREFILTER_PIECES = st.sampled_from(
    ["weights", "WEİGHTS", "checkpoint", "ckpt", "parameters", "model", "our models", "权重", "模型下载",
     "dataset", "DATA", "dataſet", "corpus", "corpora", "tokens", "数据集", "训练数据", "数据", "Data:",
     "| data |", "- **Datasets**:", "download", "available", "released", "get", "下载", "based on",
     "built upon", "fine-tuned from", "e.g.", "cited", "vs.", "evaluation", "benchmarks", "评测",
     "thanks", " ", ":", "：", "|", "-", "*", "\t", "on", "K", "ı", "x", "source code", "SOFTWARE",
     '"Software" means', "inference-enabling code", "the Dataset", "training data is licensed",
     "third-party", "libraries", "tokenizer from", "inherited", "upstream", "基于", "衍生", "本模型"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PREFILTER_PIECES, min_size=1, max_size=12).map("".join))
def test_prefiltered_literals_hold_in_every_match(line: str) -> None:
    _assert_prefiltered(line)


def test_prefiltered_literals_on_every_corpus_line(corpus_dir: Path) -> None:
    n = 0
    for line in _corpus_lines(corpus_dir):
        n += 1
        _assert_prefiltered(line)
    assert n > 10_000


def test_named_files_searches_lines_like_the_whole_text(corpus_dir: Path) -> None:
    """documentation._named_files reads only the lines holding an extension: the same names at
    the same lines as the whole-text search, on every corpus card and README."""
    from openness.evidence import documentation

    cards = [card for card in _parsed_cards(corpus_dir) if card.path.endswith(".md")]
    for exts in ({".py", ".sh"}, {".py", ".ipynb", ".yaml", ".c"}, {".json"}):
        for card in cards:
            assert documentation._named_files([card], exts) == _old_named_files([card], exts), card.path


def test_named_files_with_case_folded_letters() -> None:
    from openness.evidence import documentation
    from openness.evidence.card import parse_card

    card = parse_card("Run TRAİN.PY then\nscripts/ſetup.ſh and x.py.\n", "README.md")
    got = documentation._named_files([card], {".py", ".sh"})
    assert got == _old_named_files([card], {".py", ".sh"})
    assert set(got) == {"TRAİN.PY", "ſetup.ſh", "x.py"}


def _old_named_files(cards: list, exts: set[str]) -> dict:
    import re

    from openness.evidence import documentation
    from openness.model import Location

    exts = {e for e in exts if re.fullmatch(r"\.\w{1,8}", e)}
    rx = re.compile(
        r"(?<![\w.-])([\w.-]{1,120}(?:" + "|".join(re.escape(e) for e in sorted(exts)) + r"))(?![\w-])", re.I
    )
    out: dict = {}
    for card in cards:
        text = "\n".join(card.lines)
        for m in rx.finditer(text):
            name = m.group(1).rsplit("/", 1)[-1]
            if name not in out:
                line = text.count("\n", 0, m.start()) + 1
                out[name] = Location(card.path, (line, line))
            if len(out) >= documentation.MAX_NAMED:
                return out
    return out


# --------------------------------------------------------------------------- open-source claims


def _blanked_before(line: str) -> str:
    from openness.evidence import text as t

    return t._NOISE.sub(lambda m: " " * len(m.group(0)), t._LINK_IN_PROSE.sub(t._link_text, line))


def _blanked_now(line: str) -> str:
    from openness.evidence import text as t

    if "[" in line:
        line = t._LINK_IN_PROSE.sub(t._link_text, line)
    rx = t._NOISE if "@" in line else t._NOISE_NO_AT
    return rx.sub(lambda m: " " * len(m.group(0)), line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["[open-source](https://x.test/a)", "![badge](https://img.test/b)", "<code>", "</b>", "https://x.test",
     "www.y.test", "a@b.test", "@", "[", "]", "(", ")", " ", "open source", "!", "x", "\n"]
), max_size=12).map("".join))
def test_open_claims_blanking_without_at_or_bracket_is_the_same(line: str) -> None:
    assert _blanked_now(line) == _blanked_before(line)


def test_open_claims_blanking_on_every_corpus_line(corpus_dir: Path) -> None:
    n = 0
    for line in _corpus_lines(corpus_dir):
        if "open" in line.lower() or "开源" in line or "開源" in line:
            n += 1
            assert _blanked_now(line) == _blanked_before(line), line
    assert n > 1000


# --------------------------------------------------------------------------- reads


def test_read_context_reads_a_text_once_and_a_failure_each_time(tmp_path: Path) -> None:
    """Readers asking for the same file at the same limit get the text read once; a file that
    could not be read is tried and noted each time, as before; another limit is another read."""
    from openness.evidence.reading import ReadContext
    from openness.inventory import build_inventory
    from openness.sources import SourceOptions, open_target

    (tmp_path / "requirements.txt").write_text("numpy==1.0\n")
    (tmp_path / "README.md").write_text("# X\n")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 4000)
    inv = build_inventory(open_target(str(tmp_path), SourceOptions()))
    calls: list[tuple[str, int]] = []
    reader = inv.snapshot.reader
    assert reader is not None

    def counting(path: str, limit: int) -> bytes:
        calls.append((path, limit))
        return reader(path, limit)

    object.__setattr__(inv.snapshot, "reader", counting)
    ctx = ReadContext(inv)
    assert ctx.read("requirements.txt", 1000) == ctx.read("requirements.txt", 1000) == "numpy==1.0\n"
    assert calls.count(("requirements.txt", 1000)) == 1
    assert ctx.read("requirements.txt", 5) == "numpy"
    assert ctx.read("blob.txt", 100_000) is None and ctx.read("blob.txt", 100_000) is None
    assert calls.count(("blob.txt", 100_000)) == 2
    assert sum("blob.txt" in n.message for n in ctx.notes) == 2


# --------------------------------------------------------------------------- matches made from the patterns


def _generated_matches(rx: re.Pattern[str]) -> st.SearchStrategy[str]:
    """Strings the pattern itself matches (hypothesis builds them from its parse), not only the
    pieces a test author thought of: a literal list that misses a branch fails here."""
    return st.from_regex(rx, fullmatch=False)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_prefiltered_literals_are_in_strings_generated_from_each_pattern(data: st.DataObject) -> None:
    from openness.evidence.text import fold

    for p in _prefiltered():
        rx = p.rx.compiled if hasattr(p.rx, "compiled") else p.rx
        line = data.draw(_generated_matches(rx), label=rx.pattern[:60])
        if rx.search(line):  # generated for the pattern; its own search confirms the match
            assert p.may_match(fold(line)), (rx.pattern, line)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_place_needs_are_in_strings_generated_from_each_place_pattern(data: st.DataObject) -> None:
    from openness.evidence import elsewhere

    for (_kind, rx), needs in zip(elsewhere._PLACES, elsewhere._PLACE_NEEDS, strict=True):
        compiled = rx.compiled if hasattr(rx, "compiled") else rx
        line = data.draw(_generated_matches(compiled), label=compiled.pattern[:60])
        if compiled.search(line):
            assert any(n in line for n in needs), (compiled.pattern, line)
