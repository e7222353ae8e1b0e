"""Release content can never inject into any output (issue 9, "Hostile input").

A release is built in ``tmp_path`` whose card fields, licence text and file names carry terminal
escapes (CSI, OSC-8 hyperlinks, BEL, a C1 CSI), bidi overrides, line separators, HTML and
Markdown structure. Every output format, the ``license`` command and the CLI's error lines must
show that content escaped: no raw control, bidi or separator code point, no live HTML tag, no
forged line or link; JSON and YAML stay valid and parse back to the true text.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from openness.cli import main
from openness.render import RENDERERS
from openness.render.safe import UNSAFE, clean, dumps, json_document, markdown, yaml_dump

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "examples" / "openwashed-lm" / "model.safetensors"

ESC_CLEAR = "\x1b[2J"
OSC8 = "\x1b]8;;http://evil\x07click\x1b]8;;\x07"
HTML = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
# What a card field holds once its YAML is parsed: HTML, ESC, BEL, C1 CSI, RLO, LS, PS, rich
# markup, Markdown table/code/link syntax, a zero-width no-break space and a newline that would
# start a Markdown heading.
PAYLOAD = (
    f"{HTML} {ESC_CLEAR} \x07 \x9b31m \u202eevil\u202c \u2028LS \u2029PS [red]x[/] | `code` "
    "[l](http://evil) \ufeffbom\n# forged heading"
)
# The same, as a YAML double-quoted scalar (the front matter is YAML).
PAYLOAD_YAML = (
    '"<script>alert(1)</script> <img src=x onerror=alert(1)> \\e[2J \\a \\x9b31m \\u202eevil\\u202c '
    '\\LLS \\PPS [red]x[/] | `code` [l](http://evil) \\ufeffbom\\n# forged heading"'
)
LS_NAME = "weights\u2028forged line.safetensors"
RLO_NAME = "\u202eevil.txt"

JSON_FORMATS = ("json", "cyclonedx", "spdx3")


def _raw_unsafe(text: str, allowed: str = "\n") -> list[str]:
    """Unsafe code points in an output, but the layout characters its format is built from."""
    return sorted({f"U+{ord(ch):04X}" for ch in UNSAFE.findall(text) if ch not in allowed})


def _assert_inert(text: str, fmt: str) -> None:
    allowed = "\n\t\r" if fmt in JSON_FORMATS else "\n"
    assert _raw_unsafe(text, allowed) == [], fmt
    assert "<script" not in text.lower() and "<img" not in text.lower(), fmt


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture()
def hostile_release(tmp_path: Path) -> Path:
    rel = tmp_path / "rel"
    rel.mkdir()
    (rel / "README.md").write_text(
        "---\n"
        "license: other\n"
        f"license_name: {PAYLOAD_YAML}\n"
        f"datasets:\n  - {PAYLOAD_YAML}\n"
        f"tags:\n  - {PAYLOAD_YAML}\n"
        f"base_model: {PAYLOAD_YAML}\n"
        "---\n\n# Model\n\n"
        f"Trained on the corpus. {OSC8} {ESC_CLEAR}\n",
        encoding="utf-8",
    )
    (rel / "LICENSE").write_text(
        "Acme Model Licence\n\n"
        f"You may not use the model for commercial purposes {ESC_CLEAR} {OSC8} \u202e {HTML}.\n"
        "You may not use the Model or its outputs to train other models.\n",
        encoding="utf-8",
    )
    weights = WEIGHTS.read_bytes()
    (rel / "model.safetensors").write_bytes(weights)
    (rel / LS_NAME).write_bytes(weights)
    (rel / RLO_NAME).write_text("x")
    return rel


def _audit(capsys: pytest.CaptureFixture[str], target: Path, fmt: str) -> str:
    assert main(["audit", str(target), "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out


# --------------------------------------------------------------------------- the helper itself


def test_unsafe_set_is_unicodes_invisible_and_control_categories() -> None:
    """The hand-written class covers every Cc, Cf, Cs, Zl and Zp code point of the running
    Python's Unicode database (but ZWNJ/ZWJ, which scripts need) and no assigned glyph."""
    missing, extra = [], []
    for cp in range(0x110000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        invisible = cat in ("Cc", "Cf", "Cs", "Zl", "Zp") and cp not in (0x200C, 0x200D)
        hit = UNSAFE.match(ch) is not None
        if invisible and not hit:
            missing.append(f"U+{cp:04X}")
        elif hit and not invisible and cat != "Cn":
            extra.append(f"U+{cp:04X}")
    assert missing == [] and extra == []


def test_clean_shows_what_was_there() -> None:
    assert clean(f"a{ESC_CLEAR}\u202eb\u2028c\nd\U000e0041") == "a\\x1b[2J\\u202eb\\u2028c\\nd\\U000e0041"
    assert clean("Zoë 中文 👩\u200d💻 a < b") == "Zoë 中文 👩\u200d💻 a < b"  # readable text stays as it is
    assert clean("<script>") == "\\x3cscript>"  # a tag opener is broken, visibly


def test_json_document_round_trips_and_stays_valid() -> None:
    value = {"k\u202e": f"{PAYLOAD}\udcff\U000e0041", "ok": "中文"}
    out = dumps(value, indent=2)
    assert _raw_unsafe(out, "\n") == [] and "<" not in out
    assert json.loads(out) == value
    assert "中文" in out  # readable non-ASCII is not escaped
    assert json.loads(json_document(json.dumps(value))) == value


def test_yaml_dump_round_trips_and_escapes() -> None:
    value = {"name": PAYLOAD + "\x85", "ok": "中文", "\u202ekey": [PAYLOAD]}
    out = yaml_dump(value, allow_unicode=True, sort_keys=False)
    assert _raw_unsafe(out) == [] and "<script" not in out
    assert yaml.safe_load(out) == value
    assert "ok: 中文" in out


def test_markdown_escape_opens_no_structure() -> None:
    out = markdown(PAYLOAD)
    assert "<" not in out and ">" not in out
    assert "\n" not in out and "[l](" not in out
    assert re.search(r"(?<!\\)[|`]", out) is None  # every pipe and backtick is escaped


# Any text, with the dangerous code points drawn often (surrogates included: a surrogate-escaped
# byte of an undecodable name is a str Python can hold).
_ANY_TEXT = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from("\x1b\x07\x9b\x85\u2028\u2029\u202e\u2066\ufeff\U000e0041\udcff<>&|`[]\\\"\n\t"),
    ),
    max_size=200,  # escaped, long enough to pass YAML's 1024-character simple-key bound
)


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_every_escape_is_inert_and_round_trips(text: str) -> None:
    shown = clean(text)
    assert UNSAFE.search(shown) is None and "\n" not in shown
    assert "<" not in markdown(text) and UNSAFE.search(markdown(text)) is None
    document = dumps({text: [text]}, indent=1)
    assert _raw_unsafe(document) == [] and json.loads(document) == {text: [text]}
    dumped = yaml_dump({"k": text, text: 1}, allow_unicode=True)
    assert _raw_unsafe(dumped) == [] and yaml.safe_load(dumped) == {"k": text, text: 1}


# --------------------------------------------------------------------------- every audit format


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_format_carries_release_content_raw(
    fmt: str, hostile_release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(capsys, hostile_release, fmt)
    _assert_inert(out, fmt)
    if fmt in JSON_FORMATS:
        json.loads(out)


def test_text_report_shows_escapes_and_keeps_markup_literal(
    hostile_release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(capsys, hostile_release, "text")
    assert "\\x1b[2J" in out and "\\u202e" in out  # a reviewer sees something was there
    assert "[red]x[/]" in out  # rich markup in a card field is shown, not interpreted
    forged = ("forged line", "LS", "PS", "# forged")
    assert not any(line.lstrip().startswith(forged) for line in out.splitlines())


def test_json_report_round_trips_the_true_text(
    hostile_release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(capsys, hostile_release, "json")
    doc = json.loads(out)
    strings = _strings(doc)
    assert PAYLOAD in strings  # a card field, exactly as the release wrote it
    paths = {item["path"] for item in doc["inventory"]["items"]}
    assert {LS_NAME, RLO_NAME} <= paths
    assert "\\u202e" in out and "\\u003cscript\\u003e" in out  # escaped, not dropped


def test_markdown_report_opens_no_html_line_or_link(
    hostile_release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _audit(capsys, hostile_release, "markdown")
    assert "&lt;script&gt;" in out
    assert "[l](" not in out and "`code`" not in out
    assert not any(line.startswith("# forged") for line in out.splitlines())
    for line in out.splitlines():
        if line.startswith("|"):  # every table row keeps the columns of its header
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) in (6, 7), line


def test_mof_yaml_target_round_trips_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = {
        "framework": {"name": "Model Openness Framework", "version": "1.0", "date": "2024-12-15"},
        "release": {
            "name": PAYLOAD,
            "producer": f"Acme {ESC_CLEAR}\u202e",
            "license": {"distribution": {"name": PAYLOAD, "path": ""}},
            "components": [{"name": "Model parameters (Final)", "description": PAYLOAD,
                            "license": "Apache-2.0", "location": LS_NAME}],
        },
    }
    target = tmp_path / "hostile\u202e.yaml"
    target.write_text(yaml.safe_dump(record, allow_unicode=False), encoding="utf-8")
    for fmt in sorted(RENDERERS):
        out = _audit(capsys, target, fmt)
        _assert_inert(out, fmt)
    out = _audit(capsys, target, "mof")
    back = yaml.safe_load(out)
    assert back["release"]["name"] == PAYLOAD
    assert back["release"]["components"][0]["description"] == PAYLOAD


def _poison(value: Any) -> Any:
    """Every string of a report with the payload appended: whatever a renderer shows gets it."""
    if isinstance(value, enum.Enum) or value is None:
        return value
    if isinstance(value, str):
        return value + PAYLOAD
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _poison(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and f.name != "sha256"  # a BOM library insists on a real digest
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_poison(v) for v in value)
    if isinstance(value, list):
        return [_poison(v) for v in value]
    if isinstance(value, dict):
        return {k: _poison(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_string_of_a_report_is_escaped(fmt: str, hostile_release: Path) -> None:
    """Not only the fields this release fills: every string the model carries, in every format."""
    from openness.pipeline import audit
    from openness.render import render

    report = _poison(audit(str(hostile_release)))
    out = render(report, fmt)
    _assert_inert(out, fmt)
    assert "u202eevil" in out.lower()  # the payload got there, escaped
    if fmt in JSON_FORMATS:
        json.loads(out)


# --------------------------------------------------------------------------- openness license


def test_license_text_output_is_inert(hostile_release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    named = hostile_release / f"LICENSE{ESC_CLEAR}\u202e"
    named.write_text((hostile_release / "LICENSE").read_text(encoding="utf-8"), encoding="utf-8")
    code = main(["license", str(hostile_release / "LICENSE"), str(named), str(hostile_release / f"no{OSC8}")])
    captured = capsys.readouterr()
    assert code == 2
    for stream in (captured.out, captured.err):
        assert _raw_unsafe(stream) == []
    assert "\\x1b[2J" in captured.out and "\\u202e" in captured.out
    assert captured.err.count("\n") == 1 and "no such file" in captured.err


def test_license_json_output_is_valid_and_escaped(
    hostile_release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["license", "--format", "json", str(hostile_release / "LICENSE")])
    out = capsys.readouterr().out
    assert code == 0
    _assert_inert(out, "json")
    doc = json.loads(out)
    assert any(ESC_CLEAR in s for s in _strings(doc))  # the clause quote, true text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_license_on_a_fifo_answers_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "LICENSE.fifo"
    os.mkfifo(fifo)
    ok = tmp_path / "LICENSE"
    ok.write_text("MIT License\n\nPermission is hereby granted, free of charge, to any person\n")
    proc = subprocess.run(
        [sys.executable, "-m", "openness", "license", str(fifo), str(ok)],
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not a regular file" in proc.stderr
    assert f"{ok}  (license)" in proc.stdout  # the regular file is still reported


# --------------------------------------------------------------------------- CLI error lines


def test_cli_error_line_is_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / f"missing{ESC_CLEAR}\u202e\u2028x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error:") and err.count("\n") == 1
    assert _raw_unsafe(err) == [] and "\\x1b[2J" in err


def test_argparse_error_line_is_inert(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["audit", "x", f"{ESC_CLEAR}\u202e"])  # "unrecognized arguments" quotes them raw
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert _raw_unsafe(err) == [] and "\\x1b[2J" in err


def test_write_atomic_never_follows_a_planted_link_and_leaves_no_debris(tmp_path: Path) -> None:
    """safe_io.write_atomic (the hub cache, the start-up caches and index exports all write through
    it): the file is replaced whole; a symlink planted where a temporary name would go is never
    written through; a failed write leaves neither a half file nor its temporary."""
    import os

    import pytest

    from openness.safe_io import write_atomic

    target = tmp_path / "cache.bin"
    target.write_bytes(b"old")
    outside = tmp_path / "outside"
    outside.write_bytes(b"untouched")
    # plant links under every name a predictable scheme would use
    for n in range(4):
        (tmp_path / f".cache.bin.{os.getpid()}.tmp{n}").symlink_to(outside)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and outside.read_bytes() == b"untouched"
    with pytest.raises(OSError):
        write_atomic(tmp_path / "no-such-folder" / "x.bin", b"data")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_start_up_cache_write_never_follows_a_link_at_its_old_temporary_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """derived_cache wrote through ``<path>.<pid>.tmp`` with a plain open: a link planted there by
    anyone who can write the cache folder sent the bytes wherever it pointed. A FIFO in the cache's
    place is not waited on."""
    import os
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    from openness import derived_cache

    path = tmp_path / "__pycache__" / "x.sre"
    path.parent.mkdir()
    outside = tmp_path / "outside"
    outside.write_bytes(b"untouched")
    os.symlink(outside, f"{path}.{os.getpid()}.tmp")
    derived_cache.write(str(path), {"k": 1})
    assert outside.read_bytes() == b"untouched"
    assert derived_cache.read(str(path)) == {"k": 1}
    fifo = tmp_path / "__pycache__" / "fifo.sre"
    os.mkfifo(fifo)
    assert derived_cache.read(str(fifo)) is None
