"""``openness license FILE...``: text and JSON output, exit codes, and hostile input
(binary, 50 MB, empty, mixed encodings) answered clearly in bounded time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from openness.cli import main
from openness.commands.license import MAX_READ, decode, load

LLAMA31 = "meta-llama__llama-models/files/models/llama3_1/LICENSE"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["license", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_json_output_per_file(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = corpus_dir / "meta-llama__llama-models/files/models/llama3_1/USE_POLICY.md"
    code, doc = _json(capsys, str(corpus_dir / LLAMA31), str(policy))
    assert code == 0
    assert doc["schema_version"] and "scancode-toolkit-mini" in doc["license_data"]
    lic, pol = doc["files"]
    assert lic["path"].endswith("llama3_1/LICENSE") and lic["kind"] == "license"
    assert set(lic["match"]) >= {"id", "name", "score", "source", "modified"}
    assert lic["match"]["id"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert lic["match"]["modified"] is False
    assert lic["osi_approved"] is False
    kinds = {r["kind"] for r in lic["restrictions"]}
    assert {"user-threshold", "branding"} <= kinds
    for r in lic["restrictions"]:
        assert set(r) >= {"kind", "lines", "text", "summary"} and r["lines"]
    assert lic["freedoms"]["use"] == "limited"
    assert pol["kind"] == "policy" and pol["match"]["id"] == "LicenseRef-openness-llama-3.1-aup"


def test_text_output(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["license", str(corpus_dir / "EleutherAI__gpt-neox/files/LICENSE"), str(corpus_dir / LLAMA31)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Apache License 2.0 (Apache-2.0) lines 1-201" in out
    assert "BSD-3-Clause" in out and "MIT License" in out
    assert "user-threshold" in out and "freedoms limited" in out


def test_missing_file_exits_2_but_reports_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = tmp_path / "LICENSE"
    ok.write_text("MIT License\n\nPermission is hereby granted, free of charge, to any person\n")
    code, doc = _json(capsys, str(tmp_path / "nope"), str(ok))
    assert code == 2
    assert doc["files"][0] == {"path": str(tmp_path / "nope"), "error": "no such file"}
    assert doc["files"][1]["kind"] == "license"
    assert main(["license", str(tmp_path)]) == 2  # a directory


def test_unknown_text_says_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "LICENSE"
    f.write_text("All models in this repository may be used by anyone for anything, forever.\n" * 3)
    code, doc = _json(capsys, str(f))
    assert code == 0 and doc["files"][0]["match"] is None
    assert any("unknown" in n for n in doc["files"][0]["notes"])
    main(["license", str(f)])
    assert "unknown" in capsys.readouterr().out


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "model.safetensors"
    f.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}" + bytes(range(256)) * 100)
    code, doc = _json(capsys, str(f))
    rec = doc["files"][0]
    assert code == 0 and rec["match"] is None and rec["kind"] == "other"
    assert rec["notes"] == ["binary, not a licence text"]


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "LICENSE"
    f.write_bytes(b"")
    code, doc = _json(capsys, str(f))
    assert code == 0 and doc["files"][0]["match"] is None and doc["files"][0]["notes"] == ["empty file"]


def test_fifty_megabyte_text_is_read_bounded(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apache = (corpus_dir / "allenai__OLMo/files/LICENSE").read_text(encoding="utf-8")
    f = tmp_path / "LICENSE"
    filler = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n" * 1000
    ).encode()
    with f.open("wb") as fh:
        fh.write(apache.encode())
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(filler)
    start = time.perf_counter()
    code, doc = _json(capsys, str(f))
    elapsed = time.perf_counter() - start
    rec = doc["files"][0]
    assert code == 0 and rec["match"]["id"] == "Apache-2.0"
    assert any(
        n.startswith("only the first 1.0 MB of 52.") and n.endswith("MB were read") for n in rec["notes"]
    ), rec["notes"]
    assert len(rec["notes"]) == 1
    assert elapsed < 20  # bounded: 1 MB analysed, not 50


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ],
)
def test_unicode_encodings(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, prefix: bytes
) -> None:
    text = (corpus_dir / "karpathy__nanoGPT/files/LICENSE").read_text(encoding="utf-8")
    f = tmp_path / "LICENSE"
    f.write_bytes(prefix + text.encode(encoding))
    code, doc = _json(capsys, str(f))
    assert code == 0 and doc["files"][0]["match"]["id"] == "MIT", encoding


def test_legacy_encodings() -> None:
    latin = "Copyright (c) 2024 Société Générale\nPermission est accordée, à titre gratuit.\n".encode(
        "latin-1"
    )
    text, encoding, binary = decode(latin)
    assert not binary and encoding in ("cp1252", "latin-1") and "Société" in (text or "")
    chinese = "本许可协议适用于模型权重。不得用于商业用途。\n".encode("gb18030")
    text, encoding, binary = decode(chinese)
    assert not binary and encoding == "gb18030" and "不得用于商业用途" in (text or "")


def test_chinese_licence_in_gb18030_gets_its_clauses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "LICENSE"
    f.write_bytes("模型许可协议\n\n1. 本模型仅限学术研究使用，不得用于任何商业用途。\n".encode("gb18030"))
    code, doc = _json(capsys, str(f))
    rec = doc["files"][0]
    assert code == 0 and "decoded as gb18030" in rec["notes"]
    assert rec["kind"] == "license"


def test_a_multibyte_character_cut_by_the_bounded_read(tmp_path: Path) -> None:
    f = tmp_path / "LICENSE"
    body = ("许可" * (MAX_READ // 6 + 10)).encode("utf-8")  # larger than one read, cut mid-character
    f.write_bytes(body)
    loaded = load(str(f))
    assert loaded.text is not None and loaded.error is None
    assert not any(n.startswith("decoded as") for n in loaded.notes)


def test_terms_appended_to_a_free_licence_are_still_read(tmp_path: Path) -> None:
    """Clause analysis skips the lines of an unmodified free licence, not what follows it."""
    from openness.licenses import analyze_text
    from openness.model import Location

    mit = (
        "MIT License\n\nCopyright (c) 2024 Acme\n\n"
        "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
        "of this software and associated documentation files (the \"Software\"), to deal\n"
        "in the Software without restriction, including without limitation the rights\n"
        "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
        "copies of the Software, and to permit persons to whom the Software is\n"
        "furnished to do so, subject to the following conditions:\n\n"
        "The above copyright notice and this permission notice shall be included in all\n"
        "copies or substantial portions of the Software.\n\n"
        "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
        "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
        "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
        "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
        "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
        "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
        "SOFTWARE.\n"
    )
    extra = "\nADDITIONAL TERMS\n\nThe model weights may not be used for commercial purposes.\n"
    plain = analyze_text(mit, Location("LICENSE"))
    assert plain.match is not None and plain.match.id == "MIT" and not plain.restrictions
    appended = analyze_text(mit + extra, Location("LICENSE"))
    kinds = {(str(r.kind), r.location.lines) for r in appended.restrictions}
    last = (mit + extra).count("\n")
    assert ("non-commercial", (last, last)) in kinds, kinds
