#!/usr/bin/env python3
"""Coverage-guided fuzzing of every parser of release content, with atheris (libFuzzer for Python).

    python3 -m pip install -e '.[fuzz]'
    python3 scripts/fuzz.py                      # every target, 100,000 inputs each
    python3 scripts/fuzz.py --runs 2000 safetensors gguf

Each target runs in its own process (libFuzzer owns the process it fuzzes in), seeded with small
valid inputs written to a temporary folder, and counts as a crash any exception other than the
package's own (``OpennessError``), which is how bad input is meant to be refused. The slowest input
of each target is timed inside the process. The results table goes to benchmarks/results/fuzz.md.

The targets are the functions the audit calls on untrusted bytes; the normal test suite holds a
bounded property-based twin of each (tests/test_fuzz_*.py), so a crash found here becomes a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "fuzz.md"
MAX_LEN = 16_384  # bytes per input: headers, cards and licences are tested beyond this by the suite
PER_INPUT_TIMEOUT = 10  # seconds: libFuzzer reports an input slower than this as a hang


# --------------------------------------------------------------------------- seeds


def _safetensors_seed() -> bytes:
    header = json.dumps(
        {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    ).encode()
    return struct.pack("<Q", len(header)) + header + b"\0" * 16


def _gguf_seed() -> bytes:
    def s(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    kv = s("general.architecture") + struct.pack("<I", 8) + s("llama")
    kv += s("general.license") + struct.pack("<I", 8) + s("apache-2.0")
    tensor = s("w") + struct.pack("<I", 2) + struct.pack("<QQ", 2, 2)  # name, 2 dims: 2 x 2
    tensor += struct.pack("<I", 0) + struct.pack("<Q", 0)  # F32 at offset 0
    return b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", 1, 2) + kv + tensor + b"\0" * 32


CARD_SEED = b"""---
license: apache-2.0
datasets:
- allenai/dolma
tags: [text-generation]
base_model: org/base
---
# Model

Trained on Dolma with the code in train.py. Weights are released under Apache-2.0.
"""

MOF_SEED = b"""framework:
  name: Model Openness Framework
  version: '1.0'
  date: '2024-12-15'
release:
  name: tiny
  version: '1.0'
  date: '2024-01-01'
  type: language
  architecture: transformer
  origin: ''
  producer: Example
  contact: ''
  components:
  - name: Model parameters (Final)
    description: Trained model parameters
    license: Apache-2.0
"""

RECIPE_SEED = b"""schema_version = 1
name = "tiny"

[environment]
python = "3.11"

[build]
commands = [["python", "train.py"]]
timeout = 120

[[inputs]]
path = "train.py"
sha256 = "35043a3bb4ca69e39adc04e130ee55ac1bd64cb2b726dcd7676c229d5142f0f9"

[[outputs]]
path = "model.safetensors"
sha256 = "a03bb40b5a1bd20a99cd9c8201fa288d6c39345890c5ad11782c3325ff66852c"

[tolerance]
mode = "exact"
"""


def _licence_seeds() -> list[bytes]:
    seeds = []
    for name in ("LICENSE",):
        for example in sorted((ROOT / "examples").glob(f"*/{name}")):
            seeds.append(example.read_bytes()[:MAX_LEN])
    seeds.append(b"Licensed under the Llama 2 Community License at https://ai.meta.com/llama/license/\n")
    seeds.append(b"You may not use the Model for commercial purposes. No commercial rights are granted.\n")
    return seeds


# --------------------------------------------------------------------------- targets


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _target_safetensors() -> Callable[[bytes], object]:
    from openness.inventory.headers import index_from_bytes, safetensors_from_bytes

    def run(data: bytes) -> object:
        index_from_bytes(data)  # the sharded index is JSON too: same bytes, second parser
        return safetensors_from_bytes(data)

    return run


def _target_gguf() -> Callable[[bytes], object]:
    from openness.inventory.headers import gguf_from_bytes, numpy_from_bytes

    def run(data: bytes) -> object:
        numpy_from_bytes(data)  # .npy headers are the other binary header the inventory reads
        return gguf_from_bytes(data)

    return run


def _target_card() -> Callable[[bytes], object]:
    # front_matter_data raises the loader's own error on bad YAML (parse_card turns it into a
    # Note and would hide a crash of the loader from the fuzzer); parse_card reads the rest.
    from openness.evidence.card import front_matter_data, parse_card

    def run(data: bytes) -> object:
        text = _text(data)
        body = text[3:] if text.startswith("---") else text
        end = body.find("\n---")
        front_matter_data(body[: end if end >= 0 else len(body)])
        return parse_card(text, "README.md")

    return run


def _target_mof_yaml() -> Callable[[bytes], object]:
    from openness.sources.mof_yaml import parse_text

    return lambda data: parse_text(_text(data))


def _target_recipe() -> Callable[[bytes], object]:
    from openness.rebuild.recipe import parse_recipe

    return lambda data: parse_recipe(data)


def _target_license() -> Callable[[bytes], object]:
    from openness.licenses import analyze_id, analyze_text
    from openness.model import Location

    def run(data: bytes) -> object:
        text = _text(data)
        analyze_id(text[:300], Location(key="license"))
        return analyze_text(text, Location(path="LICENSE"))

    return run


TARGETS: dict[str, tuple[Callable[[], Callable[[bytes], object]], Callable[[], list[bytes]]]] = {
    "safetensors": (_target_safetensors, lambda: [_safetensors_seed()]),
    "gguf": (_target_gguf, lambda: [_gguf_seed()]),
    "card": (_target_card, lambda: [CARD_SEED]),
    "mof-yaml": (_target_mof_yaml, lambda: [MOF_SEED]),
    "recipe": (_target_recipe, lambda: [RECIPE_SEED]),
    "license": (_target_license, _licence_seeds),
}


# --------------------------------------------------------------------------- child: one target


def child(name: str, runs: int, stats_path: Path, corpus: Path, artifacts: Path) -> None:
    import atheris

    from openness.errors import OpennessError

    with atheris.instrument_imports(include=["openness"]):
        make, _seeds = TARGETS[name]
        target = make()
    stats = {"runs": 0, "slowest_s": 0.0, "slowest_len": 0}

    def save() -> None:
        stats_path.write_text(json.dumps(stats))

    def one_input(data: bytes) -> None:
        start = time.perf_counter()
        with contextlib.suppress(OpennessError):  # the package's own refusal of bad input
            target(data)
        elapsed = time.perf_counter() - start
        stats["runs"] += 1
        if elapsed > stats["slowest_s"]:
            stats["slowest_s"], stats["slowest_len"] = elapsed, len(data)
            save()
        if stats["runs"] % 1000 == 0 or stats["runs"] >= runs:
            save()

    atheris.Setup(
        [
            sys.argv[0],
            f"-runs={runs}",
            f"-max_len={MAX_LEN}",
            f"-timeout={PER_INPUT_TIMEOUT}",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={artifacts}/",
            "-print_final_stats=1",
            str(corpus),
        ],
        one_input,
    )
    atheris.Fuzz()


# --------------------------------------------------------------------------- parent


def run_target(name: str, runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
        base = Path(tmp)
        corpus, artifacts = base / "corpus", base / "artifacts"
        corpus.mkdir()
        artifacts.mkdir()
        for i, seed in enumerate(TARGETS[name][1]()):
            (corpus / f"seed-{i}").write_bytes(seed)
        stats_path = base / "stats.json"
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, "--runs", str(runs), "--stats", str(stats_path),
             "--corpus", str(corpus), "--artifacts", str(artifacts)],
            capture_output=True,
            text=True,
            errors="replace",
            cwd=tmp,
        )
        wall = time.perf_counter() - start
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {"runs": 0, "slowest_s": 0.0}
        crashes = sorted(p.name for p in artifacts.iterdir())
        log = proc.stderr
        executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
        cov = re.findall(r"cov: (\d+)", log)
        result = {
            "target": name,
            "inputs": int(executed[-1]) if executed else int(stats["runs"]),
            "crashes": len(crashes) if proc.returncode != 0 or crashes else 0,
            "exit": proc.returncode,
            "slowest_ms": float(stats["slowest_s"]) * 1000,
            "slowest_len": int(stats.get("slowest_len", 0)),
            "wall_s": wall,
            "coverage": int(cov[-1]) if cov else None,
        }
        if proc.returncode != 0:
            tail = "\n".join(log.splitlines()[-40:])
            print(f"--- {name}: exit {proc.returncode}\n{tail}", file=sys.stderr)
        return result


def write_results(results: list[dict[str, object]], runs: int, load: str) -> None:
    from importlib.metadata import version

    lines = [
        "# Fuzzing: every parser of release content",
        "",
        f"Run on {date.today().isoformat()} with `python3 scripts/fuzz.py --runs {runs}` "
        f"(atheris {version('atheris')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load} during the run). A crash is any exception "
        "other than the package's own `OpennessError`, "
        f"or an input slower than {PER_INPUT_TIMEOUT} s; inputs are at most {MAX_LEN:,} bytes. The slowest "
        "input is timed inside the instrumented process (coverage instrumentation makes it slower than "
        "in a normal run).",
        "",
        "| target | what it parses | inputs | crashes | slowest input | edges covered | wall time |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    what = {
        "safetensors": "`inventory.headers`: safetensors header and sharded-weights index",
        "gguf": "`inventory.headers`: GGUF header and `.npy` header",
        "card": "`evidence.card`: YAML front matter (`front_matter_data`) and the card (`parse_card`)",
        "mof-yaml": "`sources.mof_yaml.parse_text`: a MOF YAML record",
        "recipe": "`rebuild.recipe.parse_recipe`: an `openness-rebuild.toml` recipe",
        "license": "`licenses.analyze_text` / `analyze_id`: licence texts and ids",
    }
    for r in results:
        lines.append(
            f"| {r['target']} | {what[str(r['target'])]} | {int(r['inputs']):,} | {r['crashes']} | "
            f"{float(r['slowest_ms']):.1f} ms ({int(r['slowest_len']):,} B) | {r['coverage'] or '-'} | "
            f"{float(r['wall_s']):.0f} s |"
        )
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "targets", nargs="*", choices=[*TARGETS, []], metavar="TARGET", help=", ".join(TARGETS)
    )
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per target (default 100,000)")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/fuzz.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--artifacts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs, args.stats, args.corpus, args.artifacts)
        return 0
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("fuzz: atheris is not installed: python3 -m pip install -e '.[fuzz]'", file=sys.stderr)
        return 2
    results = []
    loads: list[float] = []
    for name in args.targets or list(TARGETS):
        loads.append(os.getloadavg()[0])
        r = run_target(name, args.runs)
        results.append(r)
        print(
            f"{name:12} {int(r['inputs']):>8,} inputs  {r['crashes']} crashes  slowest "
            f"{float(r['slowest_ms']):.1f} ms  {float(r['wall_s']):.0f} s"
        )
    if not args.no_write and not args.targets:
        write_results(results, args.runs, f"{min(loads):.1f}-{max(loads):.1f}")
    return 1 if any(r["crashes"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
