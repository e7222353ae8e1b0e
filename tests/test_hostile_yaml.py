"""Hostile YAML from a release (issue 9): every YAML the tool reads goes through one bounded loader
(``openness.safe_yaml``) and no document raises a traceback or hangs. A card's front matter that
cannot be loaded is a Note and the audit goes on; a MOF record given as the target is one line on
stderr and exit 2. Every input is built in ``tmp_path``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hub_fixtures import build_hf_cache
from openness.cli import main
from openness.errors import OpennessError, SourceError
from openness.evidence.card import front_matter_data, load_front_matter, parse_card
from openness.safe_yaml import MAX_INT_CHARS, YamlError, YamlLimits, YamlProblem, load_yaml
from openness.sources import SourceOptions
from openness.sources.hf_cache import card_front_matter, parse_front_matter
from openness.sources.mof_yaml import MAX_DEPTH, MAX_NODES, open_snapshot, parse_text

GOOD_MOF = """\
framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: tiny
  producer: someone
  license:
    distribution: {name: MIT, path: LICENSE}
  components:
    - name: Model architecture
      license: Apache-2.0
"""

LIMITS = YamlLimits(max_bytes=64 * 1024, max_depth=32, max_nodes=50_000)


def nested(depth: int) -> str:
    """A block mapping nested ``depth`` levels (the reported RecursionError shape)."""
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf\n"


def card(front: str) -> str:
    return f"---\n{front}---\n# Model\n\nReleased under the Apache-2.0 licence.\n"


# --------------------------------------------------------------------------- reported cases: cards


def test_timestamp_tag_in_card_front_matter_is_text_not_a_crash() -> None:
    parsed = parse_card(card("license: mit\nx: !!timestamp foo\n"), "README.md")
    assert parsed.front_matter == {"license": "mit", "x": "foo"}
    assert parsed.notes == ()
    assert parsed.sections and parsed.sections[0].title == "Model"


def test_timestamp_tag_in_a_hub_card_is_text_not_a_crash(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(card("license: mit\nx: !!timestamp foo\n"), encoding="utf-8")
    assert card_front_matter(readme) == {"license": "mit", "x": "foo"}
    assert parse_front_matter(readme.read_text(encoding="utf-8")) == {"license": "mit", "x": "foo"}


def test_timestamp_tag_in_an_offline_hub_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openness.sources.hf import open_snapshot as open_hub

    src = tmp_path / "src"
    src.mkdir()
    (src / "README.md").write_text(card("license: mit\ndate: !!timestamp foo\n"), encoding="utf-8")
    (src / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    cache = tmp_path / "hub"
    build_hf_cache(src, cache, "org/hostile-yaml")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "openness"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    snap = open_hub("hf:org/hostile-yaml", SourceOptions(offline=True))
    assert any(f.path == "README.md" for f in snap.files)


def test_local_audit_of_a_card_with_a_timestamp_tag_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text(card("license: apache-2.0\nx: !!timestamp foo\n"), encoding="utf-8")
    (tmp_path / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n", encoding="utf-8")
    code = main(["audit", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err
    json.loads(out)


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        ("x: " + "[" * 500 + "]" * 500 + "\n", "nests deeper"),
        (nested(200), "nests deeper"),  # 500 levels of block indentation exceed the size cap
        ("x: !!int [1]\n", "malformed"),
        ("x: !!python/object/apply:os.system ['true']\n", "malformed"),
        ("x: *nowhere\n", "malformed"),
        ("? [a, b]\n: c\n", "malformed"),
    ],
)
def test_unloadable_front_matter_is_a_note_and_the_card_is_read(front: str, problem: str) -> None:
    parsed = parse_card(card(front), "README.md")
    assert parsed.front_matter == {}
    assert len(parsed.notes) == 1 and problem in parsed.notes[0].message
    assert "\n" not in parsed.notes[0].message
    assert parsed.sections[0].title == "Model"


def test_front_matter_entry_point_raises_only_the_package_error() -> None:
    with pytest.raises(YamlError) as info:
        front_matter_data(nested(100))
    assert isinstance(info.value, OpennessError)
    assert info.value.problem is YamlProblem.TOO_DEEP
    assert front_matter_data("") is None


# --------------------------------------------------------------------------- reported cases: MOF records


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mof_record_nested_500_deep_is_one_line(tmp_path: Path) -> None:
    for text in (GOOD_MOF + "extra:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(500)),
                 GOOD_MOF + "extra: " + "[" * 500 + "]" * 500 + "\n"):  # fmt: skip
        with pytest.raises(SourceError, match=f"deeper than {MAX_DEPTH}") as info:
            open_snapshot(str(write(tmp_path, text)), SourceOptions())
        assert "\n" not in str(info.value)


def test_mof_record_with_an_impossible_date_keeps_it_as_text(tmp_path: Path) -> None:
    text = GOOD_MOF.replace("  date: '2024-12-15'\n", "  date: 2024-99-99\n")
    snap = open_snapshot(str(write(tmp_path, text)), SourceOptions())
    assert snap.declared is not None and snap.declared["framework"]["date"] == "2024-99-99"


def test_mof_record_with_a_real_unquoted_date_keeps_it_as_text(tmp_path: Path) -> None:
    text = GOOD_MOF.replace("  date: '2024-12-15'\n", "  date: 2024-12-15\n")
    snap = open_snapshot(str(write(tmp_path, text)), SourceOptions())
    assert snap.declared is not None and snap.declared["framework"]["date"] == "2024-12-15"
    assert snap.notes == ()  # a string, as MOT's schema wants


def test_mof_record_with_a_5000_digit_int_keeps_it_as_text(tmp_path: Path) -> None:
    digits = "9" * 5000
    snap = open_snapshot(str(write(tmp_path, GOOD_MOF + f"  size: {digits}\n")), SourceOptions())
    assert snap.declared is not None and snap.declared["release"]["size"] == digits
    # Where a string is required, the long number is the author's text, as if quoted.
    document = parse_text(GOOD_MOF.replace("name: tiny", f"name: {digits}"), "model.yml")
    assert document["release"]["name"] == digits


def test_mof_record_with_a_timestamp_tag(tmp_path: Path) -> None:
    text = GOOD_MOF.replace("  version: '1.0'\n", "  version: !!timestamp foo\n", 1)
    snap = open_snapshot(str(write(tmp_path, text)), SourceOptions())
    assert snap.declared is not None and snap.declared["framework"]["version"] == "foo"


@pytest.mark.parametrize(
    "extra",
    [
        "extra: " + "[" * 500 + "]" * 500 + "\n",
        "  date2: 2024-99-99\n",
        "  big: " + "9" * 5000 + "\n",
        "  when: !!timestamp foo\n",
        "  odd: !!int [1]\n",
        "  bad: \x00\n",
    ],
)
def test_mof_target_is_one_line_and_exit_2_or_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str
) -> None:
    path = tmp_path / "model.yml"
    path.write_text(GOOD_MOF + extra, encoding="utf-8")
    code = main(["audit", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("openness: error: ") and err.count("\n") == 1
        assert all(c.isprintable() for c in err.rstrip("\n"))
    else:
        assert code in (0, 1), err
        json.loads(out)


def test_mof_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    start = time.perf_counter()
    with pytest.raises(SourceError, match=f"more than {MAX_NODES} YAML nodes"):
        parse_text(GOOD_MOF + "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------- the loader's contract


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 2024-99-99", {"a": "2024-99-99"}),
        ("a: 2024-01-02 03:04:05", {"a": "2024-01-02 03:04:05"}),
        ("a: !!timestamp foo", {"a": "foo"}),
        ("a: " + "1" * MAX_INT_CHARS, {"a": int("1" * MAX_INT_CHARS)}),
        ("a: " + "1" * (MAX_INT_CHARS + 1), {"a": "1" * (MAX_INT_CHARS + 1)}),
        ("a: 0x" + "f" * 5000, {"a": "0x" + "f" * 5000}),
        ("a: " + ":".join(["59"] * 3000), {"a": ":".join(["59"] * 3000)}),
        ("a: !!int foo", {"a": "foo"}),
        ("a: !!float foo", {"a": "foo"}),
        ("a: !!bool foo", {"a": "foo"}),
        ("a: .inf\nb: .nan\nc: 1e999", {"a": ".inf", "b": ".nan", "c": "1e999"}),
        ("a: !!binary aGk=", {"a": "aGk="}),
        ("a: !!set {x, y}", {"a": ["x", "y"]}),
        ("a: !!omap [x: 1, y: 2]", {"a": [{"x": 1}, {"y": 2}]}),
        ("1: a\nyes: b\n~: c\n1.5: d", {"1": "a", "true": "b", "null": "c", "1.5": "d"}),
        ("b: &b {x: 1}\nc: {<<: *b, y: 2}", {"b": {"x": 1}, "c": {"x": 1, "y": 2}}),
        ("", None),
    ],
)
def test_loader_builds_plain_data_only(text: str, expected: object) -> None:
    assert load_yaml(text, LIMITS) == expected
    json.dumps(load_yaml(text, LIMITS), allow_nan=False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: [" * 40 + "]" * 40, YamlProblem.TOO_DEEP),
        ("a: " + "x" * (64 * 1024), YamlProblem.TOO_LARGE),
        ("a: \ud800", YamlProblem.MALFORMED),
        ("a: b: c", YamlProblem.MALFORMED),
        ("a: !!python/name:os.system", YamlProblem.MALFORMED),
        ("a: !!str [1]", YamlProblem.MALFORMED),
        ("a: !!set [1]", YamlProblem.MALFORMED),
        ("a: \x1b[31m", YamlProblem.MALFORMED),
    ],
)
def test_loader_refuses_with_its_own_error(text: str, problem: YamlProblem) -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(text, LIMITS)
    assert info.value.problem is problem
    message = str(info.value)
    assert "\n" not in message and all(c.isprintable() for c in message)


def test_billion_laughs_is_refused_before_it_is_built() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for p, c in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(YamlError) as info:
        load_yaml("\n".join(lines), LIMITS)
    assert info.value.problem is YamlProblem.TOO_MANY_NODES
    assert time.perf_counter() - start < 1.0
    data, problem = load_front_matter("\n".join(lines))
    assert data == {} and problem and "alias" in problem
