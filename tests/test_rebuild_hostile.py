"""Hostile recipes and builds: copies are not rebuilds, secrets stay with the caller, numbers are bounded.

The releases here are built in tmp_path with a pure-Python command and no requirements, so nothing
depends on the host's package versions.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import RebuildError
from openness.rebuild import RebuildOptions, environment, rebuild
from openness.rebuild.recipe import MAX_TIMEOUT, MAX_TOLERANCE, parse_recipe
from openness.rebuild.runner import DEAD_PROXY

DATA = b"training data: the quick brown fox\n" * 8
# A "training" that derives its output from the data: reversed bytes.
MAKE = "import pathlib\npathlib.Path('out.bin').write_bytes(pathlib.Path('data.bin').read_bytes()[::-1])\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_release(
    root: Path, *, command: str = '["python", "make.py"]', released: bytes | None = None
) -> Path:
    """A release whose honest command rebuilds out.bin; ``released`` overrides the published bytes."""
    root.mkdir(parents=True)
    (root / "make.py").write_text(MAKE)
    (root / "data.bin").write_bytes(DATA)
    out = DATA[::-1] if released is None else released
    (root / "out.bin").write_bytes(out)
    (root / "notes.bin").write_bytes(b"a file of the release that is no input\n")
    (root / "openness-rebuild.toml").write_text(
        textwrap.dedent(
            f"""\
            schema_version = 1
            [build]
            command = {command}
            timeout = 60
            [[inputs]]
            path = "make.py"
            sha256 = "{sha(MAKE.encode())}"
            [[inputs]]
            path = "data.bin"
            sha256 = "{sha(DATA)}"
            [[outputs]]
            path = "out.bin"
            sha256 = "{sha(out)}"
            """
        )
    )
    return root


def py(code: str) -> str:
    return json.dumps(["python", "-c", code])


def test_the_honest_release_rebuilds(tmp_path: Path) -> None:
    result = rebuild(make_release(tmp_path / "r"), RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "identical", result.reason
    assert "isolation" in result.environment


# --- copies are not rebuilds -------------------------------------------------------------------------


def test_output_copied_from_an_input_is_refused(tmp_path: Path) -> None:
    """Reported: the command copies an input to the output; same sha256; came out `identical`."""
    release = make_release(
        tmp_path / "r",
        command=py("import shutil; shutil.copyfile('data.bin', 'out.bin')"),
        released=DATA,
    )
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed", result.reason
    assert result.cause["kind"] == "output-copied"
    (out,) = result.outputs
    assert out.copied_from == "input data.bin"
    assert "a copy, not a rebuild" in result.reason
    statement = json.loads(Path(result.attestation or "").read_text())
    assert statement["predicate"]["result"] == "failed"


def test_segment_start_copied_to_the_output_is_refused(tmp_path: Path) -> None:
    """The same trick through a segment: {start} copied to {output}, both checkpoints equal."""
    release = make_release(tmp_path / "r")
    ckpt = b"checkpoint bytes\n"
    (release / "c1.bin").write_bytes(ckpt)
    (release / "c2.bin").write_bytes(ckpt)
    recipe = release / "openness-rebuild.toml"
    cmd = ["python", "-c", "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[3])"]
    recipe.write_text(
        recipe.read_text()
        + textwrap.dedent(
            f"""\
            [segment]
            command = {json.dumps([*cmd, "{start}", "{steps}", "{output}"])}
            [[segment.checkpoints]]
            step = 1
            path = "c1.bin"
            sha256 = "{sha(ckpt)}"
            [[segment.checkpoints]]
            step = 2
            path = "c2.bin"
            sha256 = "{sha(ckpt)}"
            """
        )
    )
    result = rebuild(release, RebuildOptions(steps=1, workdir=tmp_path / "wd"))
    assert result.result == "failed" and result.cause["kind"] == "output-copied", result.reason


def test_plain_copy_of_another_release_file_is_refused(tmp_path: Path) -> None:
    """A file of the release that is not an input, read by absolute path: hidden from the build, or,
    where the release cannot be hidden, recognised by its bytes."""
    release = make_release(tmp_path / "r", released=b"a file of the release that is no input\n")
    source = str((release / "notes.bin").resolve())
    recipe = release / "openness-rebuild.toml"
    text = recipe.read_text().replace(
        '["python", "make.py"]', py(f"import shutil; shutil.copyfile({source!r}, 'out.bin')")
    )
    recipe.write_text(text)
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed", result.reason
    if result.environment["isolation"]["release_hidden"]:
        assert result.cause["kind"] == "command-failed"
    else:
        assert result.cause["kind"] == "output-copied"


def test_released_output_is_not_readable_by_the_build(tmp_path: Path) -> None:
    release = make_release(tmp_path / "r")
    target = str((release / "out.bin").resolve())
    recipe = release / "openness-rebuild.toml"
    code = f"import shutil; shutil.copyfile({target!r}, 'out.bin')"
    recipe.write_text(recipe.read_text().replace('["python", "make.py"]', py(code)))
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    if not result.environment["isolation"]["release_hidden"]:
        pytest.skip("no user namespaces here: the released outputs stay readable (documented)")
    assert result.result == "failed" and result.cause["kind"] == "command-failed", result.reason


def test_workdir_inside_the_release_is_refused(tmp_path: Path) -> None:
    release = make_release(tmp_path / "r")
    result = rebuild(release, RebuildOptions(workdir=release / "wd"))
    assert result.result == "failed" and "inside the release" in result.reason
    assert not (release / "wd").exists()


# --- secrets stay with the caller ---------------------------------------------------------------------

SECRETS = {"HF_TOKEN": "hf_secret", "AWS_SECRET_ACCESS_KEY": "aws_secret", "AWS_PROFILE": "prod"}


def test_pip_gets_only_what_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reported: `pip install` for the isolated venv got the caller's whole environment."""
    for k, v in {
        **SECRETS,
        "PIP_INDEX_URL": "https://pypi.example/simple",
        "HTTPS_PROXY": "http://proxy:3128",
        "SSL_CERT_FILE": "/etc/ca.pem",
        "LANG": "C.UTF-8",
    }.items():
        monkeypatch.setenv(k, v)
    seen: list[dict[str, str]] = []

    class Done:
        returncode = 0

    def fake_run(args: list[str], **kwargs: Any) -> Done:
        seen.append(dict(kwargs["env"]))
        assert "--only-binary" in args  # no sdist build code runs outside the sandbox
        return Done()

    monkeypatch.setattr(environment.subprocess, "run", fake_run)
    req = tmp_path / "requirements.txt"
    req.write_text("numpy==2.0.0\n")
    log = tmp_path / "build.log"
    environment._install(Path(sys.executable), req, False, log)
    (env,) = seen
    assert not set(SECRETS) & set(env)
    assert env["PIP_INDEX_URL"] == "https://pypi.example/simple"
    assert env["HTTPS_PROXY"] == "http://proxy:3128" and env["SSL_CERT_FILE"] == "/etc/ca.pem"
    assert env["LANG"] == "C.UTF-8" and "PATH" in env
    assert env["PIP_CACHE_DIR"] == str(tmp_path / "pip-cache")
    assert env["TMPDIR"] == str(tmp_path / "tmp")


def test_build_commands_get_no_secrets_and_a_dead_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    code = "import json, os; json.dump(dict(os.environ), open('env.json', 'w')); exec(open('make.py').read())"
    release = make_release(tmp_path / "r", command=py(code))
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd", keep_workdir=True))
    assert result.result == "identical", result.reason
    seen = json.loads((tmp_path / "wd" / "build" / "env.json").read_text())
    assert not set(SECRETS) & set(seen)
    assert seen["HTTPS_PROXY"] == seen["http_proxy"] == DEAD_PROXY
    assert seen["HF_HUB_OFFLINE"] == "1" and seen["PIP_NO_INDEX"] == "1"
    assert result.environment["network"] in (
        "none (own network namespace)",
        "blocked by environment only (proxies at a dead loopback port, offline flags; no namespace)",
    )
    assert result.environment["isolation"]["network"] == result.environment["network"]


def test_a_recipe_may_not_reset_isolation_variables(tmp_path: Path) -> None:
    release = make_release(tmp_path / "r")
    recipe = release / "openness-rebuild.toml"
    recipe.write_text(
        recipe.read_text() + '[environment]\nvariables = {HOME = "/root", HTTPS_PROXY = "http://x:1"}\n'
    )
    with pytest.raises(RebuildError) as err:
        parse_recipe(recipe.read_bytes(), recipe)
    assert "environment.variables.HOME: is set by openness" in str(err.value)
    assert "environment.variables.HTTPS_PROXY" in str(err.value)


# --- numbers -------------------------------------------------------------------------------------------

BASE = """\
schema_version = 1
[build]
command = ["python", "make.py"]
{build}
[[outputs]]
path = "out.bin"
sha256 = "{sha}"
{extra}
""".replace("{sha}", "0" * 64)


def recipe_text(build: str = "", extra: str = "") -> str:
    return BASE.replace("{build}", build).replace("{extra}", extra)


@pytest.mark.parametrize("value", ["nan", "inf", "+inf", "-inf", "1e308", "true", "0", "-1", "0.0", '"60"'])
def test_timeout_must_be_a_positive_finite_number_within_the_maximum(value: str) -> None:
    """Reported: `timeout = nan`, `inf`, `1e308` were accepted."""
    with pytest.raises(RebuildError, match=r"build\.timeout"):
        parse_recipe(recipe_text(f"timeout = {value}"))


def test_timeout_limits_are_inclusive() -> None:
    assert parse_recipe(recipe_text(f"timeout = {MAX_TIMEOUT:.0f}")).timeout == MAX_TIMEOUT
    assert parse_recipe(recipe_text("timeout = 1")).timeout == 1.0
    with pytest.raises(RebuildError, match="at most"):
        parse_recipe(recipe_text(f"timeout = {MAX_TIMEOUT + 1:.0f}"))


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "true", "-0.1", "0.5"])
@pytest.mark.parametrize("key", ["atol", "rtol"])
def test_tolerances_are_bounded(key: str, value: str) -> None:
    text = recipe_text(extra=f'[tolerance]\nmode = "close"\n{key} = {value}\n')
    with pytest.raises(RebuildError, match=rf"tolerance\.{key}"):
        parse_recipe(text)
    per = recipe_text(extra=f'[tolerance]\nmode = "close"\n[tolerance.tensors."w"]\n{key} = {value}\n')
    with pytest.raises(RebuildError, match=rf"tolerance\.tensors\.w\.{key}"):
        parse_recipe(per)
    ok = parse_recipe(recipe_text(extra=f'[tolerance]\nmode = "close"\n{key} = {MAX_TOLERANCE}\n'))
    assert getattr(ok.tolerance.default, key) == MAX_TOLERANCE


@pytest.mark.parametrize("value", ["nan", "1.5", "true", "-1", "18446744073709551616", '"7"'])
def test_seeds_are_unsigned_64_bit_integers(value: str) -> None:
    with pytest.raises(RebuildError, match=r"seeds\.train"):
        parse_recipe(recipe_text(extra=f"[seeds]\ntrain = {value}\n"))
    assert (
        parse_recipe(recipe_text(extra="[seeds]\ntrain = 18446744073709551615\n")).seeds["train"] == 2**64 - 1
    )


@pytest.mark.parametrize("value", ["true", "1.0", "nan", "-1", "1000000000001"])
def test_checkpoint_steps_are_bounded_integers(value: str) -> None:
    seg = textwrap.dedent(
        f"""\
        [segment]
        command = ["python", "t.py", "{{start}}", "{{steps}}", "{{output}}"]
        [[segment.checkpoints]]
        step = {value}
        path = "a.bin"
        sha256 = "{"1" * 64}"
        [[segment.checkpoints]]
        step = 5
        path = "b.bin"
        sha256 = "{"2" * 64}"
        """
    )
    with pytest.raises(RebuildError, match=r"segment\.checkpoints\[0\]\.step"):
        parse_recipe(recipe_text(extra=seg))


@pytest.mark.parametrize("value", ["true", "1.0"])
def test_schema_version_must_be_the_integer_1(value: str) -> None:
    with pytest.raises(RebuildError, match="schema_version"):
        parse_recipe(recipe_text().replace("schema_version = 1", f"schema_version = {value}"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": math.nan}, "--timeout must be a finite number"),
        ({"timeout": math.inf}, "--timeout must be a finite number"),
        ({"timeout": 1e308}, "--timeout must be at most"),
        ({"steps": 0}, "--steps must be > 0"),
        ({"steps": True}, "--steps must be an integer"),
        ({"steps": 200, "from_step": -1}, "--from-step must be >= 0"),
    ],
)
def test_option_numbers_follow_the_same_rules(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    result = rebuild(make_release(tmp_path / "r"), RebuildOptions(workdir=tmp_path / "wd", **options))
    assert result.result == "failed" and result.reason.startswith(message), result.reason


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-5"])
def test_cli_timeout_is_refused_in_one_line(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from openness.cli import main

    release = make_release(tmp_path / "r")
    code = main(["rebuild", str(release), "--timeout", value, "--workdir", str(tmp_path / "wd")])
    err = capsys.readouterr().err
    assert code == 2 and "--timeout must be" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "wd").exists()


def test_dates_and_odd_values_reach_the_attestation_as_json(tmp_path: Path) -> None:
    release = make_release(tmp_path / "r")
    recipe = release / "openness-rebuild.toml"
    recipe.write_text("released = 2024-05-01T10:00:00Z\nday = 2024-05-01\n" + recipe.read_text())
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "identical", result.reason
    content = json.loads(Path(result.attestation or "").read_text())["predicate"]["recipe"]["content"]
    assert content["day"] == "2024-05-01" and content["released"].startswith("2024-05-01T10:00:00")


# --- the optional dependencies ----------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["numpy", "safetensors"])
def test_missing_extra_is_one_line_naming_it(
    tmp_path: Path, missing: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reported: a plain `pip install openness` has no NumPy and `openness rebuild` gave a traceback."""
    from openness.cli import main

    for name in list(sys.modules):
        if name == missing or name.startswith(missing + ".") or name.startswith("openness.rebuild"):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # `import numpy` now raises ImportError
    code = main(["rebuild", str(make_release(tmp_path / "r")), "--workdir", str(tmp_path / "wd")])
    err = capsys.readouterr().err
    assert code == 2
    hint = "pip install 'openness[rebuild]'"
    assert err.strip().splitlines() == [
        f"openness: error: openness rebuild needs {missing}, which is not installed: {hint}"
    ]


# --- the parser never raises anything but RebuildError -----------------------------------------------

_KEYS = st.sampled_from(
    [
        "schema_version",
        "name",
        "environment",
        "python",
        "requirements",
        "variables",
        "seeds",
        "build",
        "command",
        "commands",
        "timeout",
        "inputs",
        "outputs",
        "path",
        "sha256",
        "tolerance",
        "mode",
        "atol",
        "rtol",
        "tensors",
        "segment",
        "checkpoints",
        "step",
        "HOME",
    ]
)
_SCALARS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["3.11", "exact", "close", "a.bin", "../x", "/etc/passwd", "0" * 64, "{start}", "\x00"]),
    st.datetimes(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def _toml(value: Any) -> str:
    """A TOML inline value (hypothesis builds the structure; this writes it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return value.isoformat()  # datetimes


def _check(text: str | bytes) -> None:
    try:
        parse_recipe(text, Path("/nonexistent/openness-rebuild.toml"))
    except RebuildError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_near_valid_recipes_raise_only_rebuild_error(doc: dict[str, Any]) -> None:
    _check("\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in doc.items()))


VALID = recipe_text(
    "timeout = 60\n",
    '[[inputs]]\npath = "a.bin"\nsha256 = "' + "1" * 64 + '"\n[tolerance]\nmode = "close"\natol = 1e-6\n',
)


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_mutated_valid_recipes_raise_only_rebuild_error(data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 8)))
        text = text[:i] + data.draw(st.text(max_size=6)) + text[j:]
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_rebuild_error(blob: bytes) -> None:
    _check(blob)


def test_deep_nesting_and_size_are_bounded() -> None:
    for text in ("a = " + "[" * 100_000, "a = " + "[" * 5000 + "]" * 5000, "x" * (1024 * 1024 + 1)):
        with pytest.raises(RebuildError):
            parse_recipe(text)
