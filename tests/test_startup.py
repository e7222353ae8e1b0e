"""Start-up of `openness audit` (issue 14): what a run imports, and the two code caches.

No timing is asserted (benchmarks/bench_audit.py measures). What can be asserted exactly is what
the gains rest on: the modules a JSON audit never loads, and that the regex and dataclass code
caches give the very objects an uncached run builds, survive a damaged cache file and write
nothing when bytecode writing is off.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness import dataclass_cache, lazy_re

ROOT = Path(__file__).resolve().parent.parent
OPEN = ROOT / "examples" / "tiny-open-lm"

MIT = (
    "MIT License\n\nCopyright (c) 2026 Example\n\nPermission is hereby granted, free of charge, to any "
    "person obtaining a copy\nof this software and associated documentation files (the \"Software\"), "
    "to deal\nin the Software without restriction, including without limitation the rights\nto use, "
    "copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to "
    "permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:"
    "\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or "
    "substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF "
    "ANY KIND, EXPRESS OR\nIMPLIED.\n"
)

# Never needed by `audit --format json`: other commands, other renderers, the index and web
# stacks, the templates, the terminal UI, a policy parser, the -o temporary file.
NEVER_FOR_JSON_AUDIT = {
    "jinja2", "markupsafe", "rich", "cyclonedx", "spdx_python_model", "sqlalchemy", "fastapi",
    "ray", "tempfile", "tomllib",
    "openness.commands.license", "openness.commands.index", "openness.commands.serve",
    "openness.commands.rebuild", "openness.index", "openness.web", "openness.rebuild",
    "openness.render.text", "openness.render.html", "openness.render.badge", "openness.render.markdown",
    "openness.render.sarif", "openness.render.cyclonedx", "openness.render.spdx3", "openness.render.mof",
}  # fmt: skip


# What the interpreter loaded before openness ran (``site`` and any ``.pth`` file of the host's
# packages: a system Python whose certifi .pth pulls in importlib.resources and tempfile) is not the
# audit's doing and is left out, so the test does not depend on what the host has installed.
_RUN_AND_LIST = (
    "import atexit, json, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "before = set(sys.modules)\n"
    "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(set(sys.modules) - before))))\n"
    "sys.argv[0] = 'openness'\n"
    "runpy.run_module('openness', run_name='__main__')\n"
)


def _audit_imports(target: Path, tmp_path: Path) -> tuple[set[str], dict]:
    """The modules a whole `openness audit TARGET --format json` process has loaded when it exits
    (``sys.modules``: ``-X importtime`` misses what ``importlib.import_module`` loads), and its report."""
    listing = tmp_path / f"modules-{target.name}.json"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}  # caches kept out of src/
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, str(listing), "audit", str(target), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(json.loads(listing.read_text())), json.loads(proc.stdout)


def _release(root: Path, readme: str) -> Path:
    root.mkdir()
    (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "LICENSE").write_text(MIT, encoding="utf-8")
    (root / "train.py").write_text("import torch\n\nmodel = torch.nn.Linear(4, 4)\n", encoding="utf-8")
    return root


def test_json_audit_of_the_example_loads_only_what_it_uses(tmp_path: Path) -> None:
    modules, report = _audit_imports(OPEN, tmp_path)
    assert report["assessments"]["osaid"]["status"] == "open-source-ai"
    assert "openness.commands.audit" in modules and "openness.render.json" in modules  # the parse works
    assert not modules & NEVER_FOR_JSON_AUDIT, sorted(modules & NEVER_FOR_JSON_AUDIT)


def test_yaml_and_openssl_load_only_for_a_text_that_needs_them(tmp_path: Path) -> None:
    """A card without front matter and no small weights to hash: no PyYAML, no OpenSSL. With front
    matter, PyYAML loads and the metadata is read as before."""
    plain, _ = _audit_imports(_release(tmp_path / "plain", "# demo\n\nA small model.\n"), tmp_path)
    assert not {"yaml", "hashlib", "_hashlib"} & plain
    assert not plain & NEVER_FOR_JSON_AUDIT

    card = "---\nlicense: mit\ntags:\n- demo\n---\n# demo\n\nA small model.\n"
    with_meta, report = _audit_imports(_release(tmp_path / "card", card), tmp_path)
    assert "yaml" in with_meta
    assert "yaml" not in json.dumps(report["notes"]).lower()  # loaded, not refused
    assert '"mit"' in json.dumps(report).lower() or '"MIT"' in json.dumps(report)


def test_a_command_line_naming_a_command_registers_that_command_alone() -> None:
    from openness.cli import build_parser, chosen_command

    assert chosen_command(["audit", "x"]) == "audit"
    assert chosen_command(["--version"]) is None and chosen_command([]) is None
    assert chosen_command(["auditx"]) is None  # a typo gets the whole parser and its message
    sub = build_parser("license")._subparsers
    assert sub is not None and set(getattr(sub._group_actions[0], "choices", None) or ()) == {"license"}


# --------------------------------------------------------------------------- the regex code cache


PATTERNS = [
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"\blicen[cs]e[ds]?\b", re.IGNORECASE),
    (r"^(?:#+)\s*(.*?)\s*$", re.MULTILINE),
    (r"预训练|训练|[\u4e00-\u9fff]{2,}", 0),
    (r"(a|b)*?c{2,5}(?=d)(?!e)", re.VERBOSE | re.DOTALL),
    (r"[^\x00-\x1f]+", re.ASCII),
]
SAMPLES = ["the the licence", "Licensed LICENSES", "## Title ##\nbody", "模型预训练数据", "ababccd", "\x01ok"]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_cached_code_builds_the_pattern_re_compile_builds(pattern: str, flags: int) -> None:
    entry = lazy_re._entry(pattern, flags)
    cached = lazy_re._from_entry(pattern, entry)
    plain = re.compile(pattern, flags)
    assert cached is not None
    assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == (
        plain.pattern, plain.flags, plain.groups, plain.groupindex,
    )  # fmt: skip
    for text in SAMPLES:
        a, b = cached.search(text), plain.search(text)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
        assert cached.findall(text) == plain.findall(text)


def test_damaged_cache_entries_and_files_fall_back_to_compiling(tmp_path: Path) -> None:
    assert lazy_re._from_entry("a+", (0, b"\xff\xff\xff\xff", 0, {}, (None,))) is None  # engine refuses
    assert lazy_re._from_entry("a+", ("not", "an", "entry")) is None
    bad = tmp_path / "cache.sre"
    for data in (b"", b"\x00garbage", b"\xe3" * 100, b"[" + b"\x00" * 64):
        bad.write_bytes(data)
        assert lazy_re._read(str(bad)) == {}
    assert lazy_re._read(str(tmp_path / "missing")) == {}
    with pytest.raises(re.error):
        lazy_re.compile("(unclosed")


_CACHE_RUN = """
import re, sys
from openness import lazy_re
p = lazy_re.compile(r"(?P<x>ab+)c", re.I)
assert p.search("xxABBC").group("x") == "ABB"
print(int(lazy_re._CACHE.dirty))
"""


def test_the_regex_cache_is_written_once_and_reused(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)
    first = subprocess.run([sys.executable, "-c", _CACHE_RUN], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    written = list(tmp_path.rglob("lazy_re.*.sre"))
    assert len(written) == 1 and first.stdout.strip() == "1"  # compiled, then kept
    second = subprocess.run([sys.executable, "-c", _CACHE_RUN], capture_output=True, text=True, env=env)
    assert second.returncode == 0 and second.stdout.strip() == "0"  # nothing compiled afresh

    off = tmp_path / "off"
    env_off = {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(off)}
    third = subprocess.run([sys.executable, "-c", _CACHE_RUN], capture_output=True, text=True, env=env_off)
    assert third.returncode == 0 and not list(off.rglob("*.sre"))  # bytecode writing off: no file


# --------------------------------------------------------------------------- the dataclass code cache


_DATACLASS_RUN = """
import dataclasses, sys
from openness import dataclass_cache
dataclass_cache.install()

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()

p = Point(1, 2)
assert p == Point(1, 2) and p < Point(1, 3) and hash(p) == hash(Point(1, 2))
assert repr(p) == "Point(x=1, y=2, tags=())"
try:
    p.x = 3
except dataclasses.FrozenInstanceError:
    pass
else:
    raise SystemExit("not frozen")
print(int(dataclass_cache._state["dirty"]))
"""


def test_the_dataclass_cache_builds_the_same_classes_and_is_reused(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", _DATACLASS_RUN], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    assert run() == "1"
    cache = list(tmp_path.rglob("dataclass_cache.*.parts"))
    assert len(cache) == 1
    assert run() == "0"  # every method came from the cache
    from openness import derived_cache

    parts = derived_cache.map_parts(str(cache[0]))
    assert parts is not None and len(parts.ranges) >= 5
    # a part whose stored text is not the text asked for (two texts sharing a key) is not used
    swapped = {key: marshal.dumps(("another text", marshal.loads(parts.get(key))[1])) for key in parts.ranges}
    cache[0].write_bytes(derived_cache.parts_file(derived_cache.pack_parts(swapped)))
    assert run() == "1"
    assert run() == "0"  # and the rewritten file serves the next run
    for damaged in (b"\x00not a cache", b"ODC1\x02\x00\x00\x00{}"):
        cache[0].write_bytes(damaged)
        assert run() == "1"


def test_the_cached_exec_defines_what_exec_defines() -> None:
    """As ``exec`` of the text from ``dataclasses`` (no ``from __future__`` there): annotations
    are evaluated, not inherited as strings from the module that installed the cache."""
    text = "def __create_fn__(a):\n def f(self, x:a=1)->a:\n  return x\n return f"
    ns_cached: dict[str, object] = {}
    dataclass_cache._cached_exec(text, {}, ns_cached)
    f_cached = ns_cached["__create_fn__"](int)  # type: ignore[operator]
    assert f_cached.__annotations__ == {"x": int, "return": int}
    assert f_cached(None, 5) == 5 and f_cached.__code__.co_filename == "<string>"
    assert dataclasses.is_dataclass(dataclasses.make_dataclass("Made", ["a"]))


# --------------------------------------------------------------------------- the licence data cache


_KNOWLEDGE_RUN = """
from openness.licenses import knowledge as K
k = K.knowledge()
assert k.info("apache-2.0").id == "Apache-2.0"
assert k.by_link("https://opensource.org/licenses/MIT").id == "MIT"
print(len(k.references), len(k._aliases), k.meta["stamp"]["normalize"][:12])
"""


def test_the_licence_data_cache_gives_the_decoded_data(tmp_path: Path) -> None:
    """Decoded from the data file, from the cache it wrote, from a damaged cache and from a cache of
    another data file: the same licences every time."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", _KNOWLEDGE_RUN], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    first = run()
    cache = list(tmp_path.rglob("knowledge.*.parts"))
    assert len(cache) == 1
    assert run() == first  # from the cache
    cache[0].write_bytes(b"\x00damaged")
    assert run() == first
    from openness import derived_cache

    stale = derived_cache.map_parts(str(cache[0]))  # rewritten whole by the run above
    assert stale is not None
    parts = {name: stale.get(name) for name in stale.ranges}
    empty = marshal.dumps({})
    parts.update({name: empty for name in parts if name.startswith(("bucket:aliases", "json:aliases"))})
    cache[0].unlink()
    # another data file's cache (it would lose every alias): must not be used
    cache[0].write_bytes(derived_cache.parts_file(derived_cache.pack_parts(parts, [0, 0, 0])))
    assert derived_cache.map_parts(str(cache[0])) is not None
    assert run() == first
    # a cache missing a part (an older layout under the same key) is rebuilt, not half-used
    key = stale.meta
    cache[0].unlink()
    partial = derived_cache.pack_parts({"json:meta": parts["json:meta"]}, key)
    cache[0].write_bytes(derived_cache.parts_file(partial))
    assert run() == first
    for bad in (b"ODC1\xff\xff\xff\x7f", b"ODC1\x04\x00\x00\x00" + marshal.dumps(1)):
        cache[0].write_bytes(bad)  # a header longer than the file; a header that is not a dict
        assert derived_cache.map_parts(str(cache[0])) is None
        assert run() == first


def test_the_licence_data_parts_give_what_the_data_file_gives() -> None:
    """Each licence's line, each decoded section and each alias from the laid-out parts are what
    splitting and decoding the shipped file give."""
    import gzip
    import json as _json

    from openness.licenses.knowledge import DATA_DIR, _Sections

    body = gzip.decompress((DATA_DIR / "licenses.json.gz").read_bytes())
    end = body.find(b"\n")
    ranges = _json.loads(body[:end])["sections"]

    def section(name: str) -> bytes:
        a, b = ranges[name]
        return body[end + 1 + a : end + 1 + b]

    sections = _Sections(_Sections._decode((DATA_DIR / "licenses.json.gz").read_bytes(), None))
    lines = section("licenses").split(b"\n")
    assert sections.line_count("licenses") == len(lines) > 1000
    assert all(sections.line("licenses", i) == line for i, line in enumerate(lines))
    for name in _Sections.JSON_SECTIONS:
        assert sections.json(name) == _json.loads(section(name)), name
    aliases = _json.loads(section("aliases"))
    assert all(sections.lookup("aliases", k) == v for k, v in aliases.items())
    assert sections.lookup("aliases", "no such licence name") is None
    entries = [_json.loads(line) for line in lines]
    free = {e["spdx"] for e in entries if e["spdx"] and (e["osi"] or e["fsf"])}
    assert set(sections.json("spdx_free")) == free and {"MIT", "Apache-2.0", "GPL-3.0-only"} <= free
    assert not free & {"CC-BY-NC-4.0", "LicenseRef-scancode-unknown"}


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only install (or a file where the folder should be): the run goes on, uncached."""
    from openness import derived_cache

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    derived_cache.write(str(blocker / "sub" / "cache.data"), {"a": 1})  # makedirs fails: silent
    assert blocker.read_text() == "x" and not list(tmp_path.glob("**/*.tmp"))
    target = tmp_path / "ok.data"
    derived_cache.write(str(target), {"a": 1})
    assert derived_cache.read(str(target)) == {"a": 1}
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    derived_cache.write(str(tmp_path / "off.data"), {"a": 1})
    assert not (tmp_path / "off.data").exists()
    assert derived_cache.read(str(target), max_bytes=2) is None  # over the bound: not read


# --------------------------------------------------------------------------- the indented JSON encoder


class _Kind(enum.StrEnum):
    A = "a\u202e<b>"


class _Level(enum.IntEnum):
    TWO = 2


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from([_Kind.A, _Level.TWO, Path("x/y"), b"raw", 1.5e300, -0.0, "\x00\u2028\ud800"]),
)  # fmt: skip
_KEYS = st.one_of(st.text(max_size=6), st.integers(-5, 5), st.floats(), st.booleans(), st.none())
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=4),
    ),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, indent=st.sampled_from([0, 1, 2, 4]))
def test_the_indented_encoder_writes_what_json_dumps_writes(value: object, indent: int) -> None:
    from openness.render.safe import dumps, json_document

    expected = json_document(json.dumps(value, ensure_ascii=False, indent=indent, default=str))
    assert dumps(value, indent=indent, default=str) == expected


def test_the_indented_encoder_raises_what_json_dumps_raises() -> None:
    from openness.render.safe import dumps

    for bad in ({(1, 2): "tuple key"}, {"x": object()}):
        with pytest.raises(TypeError) as ours:
            dumps(bad, indent=2)
        with pytest.raises(TypeError) as theirs:
            json.dumps(bad, ensure_ascii=False, indent=2)
        assert str(ours.value) == str(theirs.value)


# Text mixing safe ASCII with every kind of code point json_document must escape or keep.
_DOC_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("<>&\t\n\r\x00\x08\x0b\x1f\x7f\x9b\u00ad\u061c\u200b\u200c\u200d\u202e\u2028\ufeff"),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(),  # anything, lone surrogates and astral planes included
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(text=_DOC_TEXT)
def test_json_document_escapes_what_the_one_unsafe_class_names(text: str) -> None:
    """The run-by-run scan (issue 14) escapes exactly the code points the unsafe class names,
    as one pass of that class over the whole document does."""
    from openness.render import safe

    expected = safe._JSON_UNSAFE.sub(safe._json_escape, text)
    assert safe.json_document(text) == expected
    assert not safe._JSON_UNSAFE.search(safe.json_document(text))


def _is_bytes_literal(node: object) -> bool:
    import ast

    return isinstance(node, ast.Constant) and isinstance(node.value, bytes)


def test_every_text_pattern_is_compiled_through_the_code_cache() -> None:
    """One way to compile (issue 14): a bare ``re.compile`` of a text pattern parses it again in
    every process; ``lazy_re.compile`` / ``lazy_compile`` keep its engine code between runs. Only
    bytes patterns (which the cache does not keep) and lazy_re itself call ``re.compile``."""
    import ast

    src = ROOT / "src" / "openness"
    bare = []
    for path in sorted(src.rglob("*.py")):
        if path.name == "lazy_re.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "compile"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and not (node.args and _is_bytes_literal(node.args[0]))
            ):
                bare.append(f"{path.relative_to(src)}:{node.lineno}")
    assert not bare, f"re.compile of a text pattern outside lazy_re: {bare}"
