"""Bad recipes and bad builds: each gives one clear message, and nothing outside the workdir is touched."""

from __future__ import annotations

import hashlib
import os
import textwrap
import time
from pathlib import Path

import pytest

from openness.errors import RebuildError
from openness.rebuild import RebuildOptions, load_recipe, rebuild
from openness.rebuild.environment import read_pins

# A tiny build: make.py writes a one-tensor safetensors file from a seed.
MAKE_PY = """\
import sys
import numpy as np
from safetensors.numpy import save_file
seed = int(open("seed.txt").read())
save_file({"w": np.random.default_rng(seed).normal(size=(4, 3)).astype(np.float32)}, "out.safetensors")
"""


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SEED_SHA = sha(b"7\n")


def make_release(
    root: Path,
    *,
    command: str = '["python", "make.py"]',
    extra: str = "",
    requirements: str | None = None,
    expected: str | None = None,
) -> Path:
    """A release with a working recipe (unless the arguments break it), its output already built."""
    import numpy as np
    import safetensors
    from safetensors.numpy import save_file

    root.mkdir(parents=True)
    (root / "make.py").write_text(MAKE_PY)
    (root / "seed.txt").write_text("7\n")
    reqs = (
        requirements
        if requirements is not None
        else (f"numpy=={np.__version__}\nsafetensors=={safetensors.__version__}\n")
    )
    (root / "requirements.txt").write_text(reqs)
    save_file(
        {"w": np.random.default_rng(7).normal(size=(4, 3)).astype(np.float32)}, str(root / "out.safetensors")
    )
    out_sha = expected or sha((root / "out.safetensors").read_bytes())
    recipe = f"""\
        schema_version = 1
        [environment]
        python = "3.11"
        requirements = "requirements.txt"
        [build]
        command = {command}
        timeout = 60
        [[inputs]]
        path = "make.py"
        sha256 = "{sha(MAKE_PY.encode())}"
        [[inputs]]
        path = "seed.txt"
        sha256 = "{SEED_SHA}"
        [[outputs]]
        path = "out.safetensors"
        sha256 = "{out_sha}"
        """
    (root / "openness-rebuild.toml").write_text(textwrap.dedent(recipe) + textwrap.dedent(extra))
    return root


def np_version() -> str:
    import numpy as np

    return str(np.__version__)


def tree(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (sha(p.read_bytes()), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(release: Path, tmp_path: Path, **kw: object) -> tuple[str, str, dict[str, object]]:
    before = tree(release)
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd", **kw))  # type: ignore[arg-type]
    assert tree(release) == before, "the release must not be modified"
    assert {p.name for p in tmp_path.iterdir()} <= {"release", "wd"}
    return result.result, result.reason, dict(result.cause)


def test_the_synthetic_release_rebuilds(tmp_path: Path) -> None:
    result, reason, _ = run(make_release(tmp_path / "release"), tmp_path)
    assert result == "identical", reason


def test_missing_input_file(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release")
    (release / "seed.txt").unlink()
    result, reason, cause = run(release, tmp_path)
    assert result == "failed"
    assert reason == "input missing from the release: seed.txt"
    assert cause == {"kind": "input-missing", "inputs": ["seed.txt"]}


def test_malformed_hashes_and_paths_are_all_reported_at_once(tmp_path: Path) -> None:
    release = make_release(
        tmp_path / "release",
        extra="""\
        [[inputs]]
        path = "../outside.txt"
        sha256 = "not-a-hash"
        """,
    )
    result, reason, cause = run(release, tmp_path)
    assert result == "failed" and cause == {"kind": "recipe"}
    assert "inputs[2].path: '../outside.txt' must be a relative POSIX path inside the release" in reason
    assert "inputs[2].sha256: must be 64 hexadecimal digits" in reason
    assert reason.startswith("openness-rebuild.toml: ")


def test_wrong_input_hash_is_an_input_change(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release")
    recipe = release / "openness-rebuild.toml"
    recipe.write_text(recipe.read_text().replace(sha(b"7\n"), "0" * 64))
    result, reason, cause = run(release, tmp_path)
    assert result == "diverged"
    assert reason.startswith("input changed: seed.txt")
    assert cause["kind"] == "input-changed"


def test_failing_command(tmp_path: Path) -> None:
    release = make_release(
        tmp_path / "release",
        command='["python", "-c", "import sys; print(\'boom: no GPU found\'); sys.exit(3)"]',
    )
    result, reason, cause = run(release, tmp_path)
    assert result == "failed"
    assert "exited with status 3: boom: no GPU found" in reason
    assert cause["kind"] == "command-failed" and cause["status"] == 3


def test_unknown_program(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release", command='["no-such-trainer-xyz", "--go"]')
    result, reason, _ = run(release, tmp_path)
    assert result == "failed" and reason == "command not found: no-such-trainer-xyz"


def test_hanging_command_is_killed_with_its_children(tmp_path: Path) -> None:
    # The command starts a child that would outlive it; the whole process group must go.
    # The child's argv carries a token: inside a PID namespace its pid means nothing to the host.
    token = f"openness-orphan-{os.getpid()}-{time.monotonic_ns()}"
    script = (
        "import subprocess, sys, time; "
        f"c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '{token}']); "
        "open('child.pid', 'w').write(str(c.pid)); time.sleep(60)"
    )
    release = make_release(tmp_path / "release", command=f'["python", "-c", "{script}"]')
    start = time.monotonic()
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd", timeout=1.5, keep_workdir=True))
    assert time.monotonic() - start < 20
    assert result.result == "failed"
    assert "timed out after 1.5 s (its process group was killed)" in result.reason
    assert (tmp_path / "wd" / "build" / "child.pid").is_file()  # the child did start
    assert not _alive_with(token)


def _alive_with(token: str) -> bool:
    """A live (not zombie) process whose command line holds ``token``, seen from the host's /proc."""
    for _ in range(20):
        found = False
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes()
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if token.encode() in cmdline and state != "Z":
                found = True
        if not found:
            return False
        time.sleep(0.1)
    return True


def test_missing_output(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release", command='["python", "-c", "print(\'did nothing\')"]')
    result, reason, cause = run(release, tmp_path)
    assert result == "failed"
    assert reason == "out.safetensors: the command finished but did not write out.safetensors"
    assert cause["kind"] == "output-missing"


def test_no_recipe(tmp_path: Path) -> None:
    (tmp_path / "release").mkdir()
    result = rebuild(tmp_path / "release", RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed"
    assert "no openness-rebuild.toml in" in result.reason and "carries no rebuild recipe" in result.reason
    assert not (tmp_path / "wd").exists()


def test_invalid_toml(tmp_path: Path) -> None:
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "openness-rebuild.toml").write_text("[build\ncommand = ")
    result = rebuild(tmp_path / "release")
    assert result.result == "failed" and "not valid TOML" in result.reason


def test_recipe_without_build_or_outputs(tmp_path: Path) -> None:
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "openness-rebuild.toml").write_text("schema_version = 1\n")
    result = rebuild(tmp_path / "release")
    assert result.result == "failed"
    assert "build: missing" in result.reason and "outputs: missing" in result.reason


def test_unpinned_requirement(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release", requirements="numpy>=1.26\n")
    result, reason, _ = run(release, tmp_path)
    assert result == "failed"
    assert reason == "requirements.txt:1: 'numpy>=1.26' is not pinned (use name==version)"


def test_pins_the_host_lacks_offline_fail_in_pip(tmp_path: Path) -> None:
    """Pins the host lacks go to an isolated venv; with --offline pip may not fetch them."""
    release = make_release(tmp_path / "release", requirements="numpy==1.0.0\n")
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd", offline=True, keep_workdir=True))
    assert result.result == "failed"
    assert result.reason.startswith(
        "installing the pinned requirements failed (--offline: pip may not use the package index)"
    )
    assert "numpy==1.0.0" in (tmp_path / "wd" / "build.log").read_text()


def test_command_home_and_tmp_stay_inside_the_workdir(tmp_path: Path) -> None:
    script = (
        "import os, pathlib, tempfile; "
        "pathlib.Path(os.path.expanduser('~/marker')).write_text('x'); "
        "pathlib.Path(tempfile.gettempdir(), 'marker').write_text('x'); "
        "exec(open('make.py').read())"
    )
    release = make_release(tmp_path / "release", command=f'["python", "-c", "{script}"]')
    real_home_marker = Path(os.path.expanduser("~/marker"))
    assert not real_home_marker.exists()
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd", keep_workdir=True))
    assert result.result == "identical", result.reason
    assert (tmp_path / "wd" / "home" / "marker").is_file()
    assert (tmp_path / "wd" / "tmp" / "marker").is_file()
    assert not real_home_marker.exists()


def test_no_network_inside_the_build(tmp_path: Path) -> None:
    script = (
        "import socket; s = socket.socket(); s.settimeout(2); "
        "s.connect(('127.0.0.1', 9)); exec(open('make.py').read())"
    )
    release = make_release(tmp_path / "release", command=f'["python", "-c", "{script}"]')
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    if result.environment.get("network", "").startswith("not isolated"):
        pytest.skip("unshare is not available here: the build cannot be cut off the network")
    assert result.result == "failed"
    assert "Network is unreachable" in result.reason or "Errno" in result.reason


def test_non_empty_workdir_is_refused(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release")
    (tmp_path / "wd").mkdir()
    (tmp_path / "wd" / "keep.txt").write_text("mine")
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed" and "is not empty" in result.reason
    assert (tmp_path / "wd" / "keep.txt").read_text() == "mine"


def test_segment_section_is_validated(tmp_path: Path) -> None:
    release = make_release(
        tmp_path / "release",
        extra="""\
        [segment]
        command = ["python", "train.py", "--resume", "{start}"]
        [[segment.checkpoints]]
        step = 1
        path = "a.safetensors"
        sha256 = "%s"
        """
        % ("a" * 64),
    )
    with pytest.raises(RebuildError) as exc:
        load_recipe(release)
    msg = str(exc.value)
    assert "segment.command: must use the placeholders {steps}, {output}" in msg
    assert "segment.checkpoints: needs at least two released checkpoints" in msg


def test_segment_without_section(tmp_path: Path) -> None:
    release = make_release(tmp_path / "release")
    result = rebuild(release, RebuildOptions(steps=10, workdir=tmp_path / "wd"))
    assert result.result == "failed" and "has no [segment] section" in result.reason


def test_read_pins_accepts_lock_files_with_hashes(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "# generated\nnumpy==2.4.6 \\\n    --hash=sha256:" + "a" * 64 + "\nSafeTensors===0.8.0  # pinned\n"
    )
    pins = read_pins(lock, "requirements.lock")
    assert [(p.name, p.version) for p in pins] == [("numpy", "2.4.6"), ("safetensors", "0.8.0")]


def test_input_symlink_leaving_the_release_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("7\n")
    release = make_release(tmp_path / "release")
    (release / "seed.txt").unlink()
    (release / "seed.txt").symlink_to(secret)
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed"
    assert result.reason == "input missing from the release: seed.txt"


def test_output_symlink_leaving_the_build_is_not_read(tmp_path: Path) -> None:
    script = "import os; os.symlink('/etc/hostname', 'out.safetensors')"
    release = make_release(tmp_path / "release", command=f'["python", "-c", "{script}"]')
    result = rebuild(release, RebuildOptions(workdir=tmp_path / "wd"))
    assert result.result == "failed"
    assert result.cause["kind"] == "output-missing"


def test_cli_env_modes_match_the_runner() -> None:
    """The CLI keeps its own copy of the modes so start-up does not import NumPy."""
    from openness.commands.rebuild import ENV_MODES as cli_modes
    from openness.rebuild.environment import ENV_MODES

    assert cli_modes == ENV_MODES


def test_cli_start_does_not_import_numpy() -> None:
    import subprocess
    import sys

    code = "import sys, openness.cli; openness.cli.build_parser(); print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
