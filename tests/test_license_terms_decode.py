"""One decoder for licence bytes: ``openness license`` and ``openness audit`` identify the same
bytes the same way, whatever the encoding (UTF-8 with or without BOM, UTF-16/32 with or without)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness.cli import main
from openness.licenses.decode import decode, recover_wide
from openness.licenses.interface import analyze_bytes, analyze_text
from openness.model import Location

MIT = """MIT License

Copyright (c) 2024 Example Labs

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

ENCODINGS = {
    "utf-8": MIT.encode("utf-8"),
    "utf-8-bom": MIT.encode("utf-8-sig"),
    "utf-16-le-bom": b"\xff\xfe" + MIT.encode("utf-16-le"),
    "utf-16-be-bom": b"\xfe\xff" + MIT.encode("utf-16-be"),
    "utf-16-le": MIT.encode("utf-16-le"),
    "utf-16-be": MIT.encode("utf-16-be"),
    "utf-32-le-bom": b"\xff\xfe\x00\x00" + MIT.encode("utf-32-le"),
    "utf-32-be-bom": b"\x00\x00\xfe\xff" + MIT.encode("utf-32-be"),
}
NO_BOM_32 = {"utf-32-le": MIT.encode("utf-32-le"), "utf-32-be": MIT.encode("utf-32-be")}


def _license_ids(capsys: pytest.CaptureFixture[str], path: Path) -> list[str]:
    assert main(["license", "--format", "json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    return [m["id"] for m in doc["files"][0]["matches"]]


def _audit_ids(capsys: pytest.CaptureFixture[str], folder: Path) -> list[str]:
    main(["audit", str(folder), "--format", "json", "--framework", "osaid"])
    doc = json.loads(capsys.readouterr().out)
    licenses = doc["evidence"]["licenses"]
    assert licenses, doc["evidence"]
    return [m["id"] for lic in licenses for m in lic["matches"]]


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_license_and_audit_agree_on_every_encoding(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    path = folder / "LICENSE"
    path.write_bytes(ENCODINGS[name])
    (folder / "README.md").write_text("# A model\n", encoding="utf-8")
    assert _license_ids(capsys, path) == ["MIT"]
    assert _audit_ids(capsys, folder) == ["MIT"]  # old code: "binary content, not a licence text"


@pytest.mark.parametrize("name", sorted(ENCODINGS | NO_BOM_32))
def test_engine_reads_bytes_and_upstream_utf8_decodes_alike(name: str) -> None:
    data = (ENCODINGS | NO_BOM_32)[name]
    text, _encoding, binary = decode(data)
    assert not binary and text is not None and "Permission is hereby granted" in text
    by_bytes = analyze_bytes(data, Location("LICENSE"))
    # The audit's reader decodes as UTF-8 with replacement; the engine recovers wide text from that.
    by_text = analyze_text(data.decode("utf-8", "replace"), Location("LICENSE"))
    assert [m.id for m in by_bytes.matches] == [m.id for m in by_text.matches] == ["MIT"]
    assert not any(m.modified for m in by_text.matches)


def test_other_single_byte_encodings_and_binary() -> None:
    assert decode("许可协议 使用".encode("gb18030"))[1] == "gb18030"
    assert decode("Licence © Société".encode("cp1252"))[:2] == ("Licence © Société", "cp1252")
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")[2] is True
    # a read cut inside a UTF-16 character keeps what is whole
    assert decode(b"\xff\xfe" + "ab".encode("utf-16-le") + b"c")[0] == "ab"
    assert recover_wide("plain text") is None
    assert recover_wide("\x89PNG\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08") is None
    assert analyze_bytes(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08", Location("x")).notes == (
        "binary content, not a licence text",
    )


def test_audit_reads_legacy_encodings_and_refuses_forced_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The audit's reader uses the same decoder: a cp1252 licence is MIT, not 'not UTF-8'; bytes
    that only decode through the Latin-1 fallback (random binary without NULs) are not text."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "LICENSE").write_bytes(MIT.replace("Example Labs", "Société Générale ©").encode("cp1252"))
    (folder / "README.md").write_text("# A model\n", encoding="utf-8")
    assert _audit_ids(capsys, folder) == ["MIT"]
    import random

    rng = random.Random(7)
    noise = bytes(rng.choice([b for b in range(1, 256)]) for _ in range(4000))
    assert decode(noise)[2] is True
    assert decode(("Licence " * 500).encode("latin-1") + b"\x1b[2J")[2] is False  # a stray escape is text
