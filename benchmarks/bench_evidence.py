#!/usr/bin/env python3
"""Evidence stage speed: ``build_evidence`` on a 200-file release and on every corpus release.

Usage (from the repository root): ``python3 benchmarks/bench_evidence.py``
Writes ``benchmarks/results/evidence.md``. The corpus part needs ``../shared/corpus`` beside the checkout.

Measured in one process, inventories built beforehand (not timed):
- with the licence engine: the whole of ``build_evidence`` (best of 5);
- without it: the licence engine's answers memoised after a first run, so the figure is the
  evidence stage's own work (cards, components, scoping, facts) — the floor is a few ms for
  a 200-file release.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "benchmarks" / "results" / "evidence.md"
sys.path.insert(0, str(ROOT / "tests"))

import openness.licenses as licenses  # noqa: E402
from corpus_release import rebuild, release_ids  # noqa: E402
from openness.evidence import build_evidence  # noqa: E402
from openness.inventory import build_inventory  # noqa: E402
from openness.model import Inventory  # noqa: E402
from openness.sources import SourceOptions, open_target  # noqa: E402
from test_evidence_support import DATA_CARD, GENERATE_PY, MIT_TEXT, TRAIN_PY, safetensors_bytes  # noqa: E402


def typical_release(root: Path) -> Path:
    """200 files: code, configs, data shards, a card, a data card, a licence, weights."""
    files: dict[str, str | bytes] = {
        f"src/module_{i}.py": f"def f{i}():\n    return {i}\n" for i in range(120)
    }
    files.update({f"configs/run_{i}.yaml": f"learning_rate: 0.{i + 1}\nbatch_size: 32\n" for i in range(40)})
    files.update({f"data/shard_{i}.jsonl": '{"text": "x"}\n' for i in range(33)})
    files.update(
        {
            "train.py": TRAIN_PY,
            "generate.py": GENERATE_PY,
            "DATA_CARD.md": DATA_CARD,
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
            "README.md": "---\nlicense: mit\n---\n# M\n" + "Some text about the model.\n" * 300,
            "requirements.txt": "torch==2.3.0\nnumpy==1.26.4\n",
        }
    )
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def best_ms(inv: Inventory, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        build_evidence(inv)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def memoise_licence_engine() -> None:
    """Replace the engine's entry points by memoised versions (keyed on their arguments)."""
    for name in ("analyze_text", "analyze_id"):
        original: Callable[..., Any] = getattr(licenses, name)
        cache: dict[str, Any] = {}

        def wrapped(
            *args: Any, _f: Callable[..., Any] = original, _c: dict[str, Any] = cache, **kw: Any
        ) -> Any:
            key = repr((args, sorted(kw.items())))
            if key not in _c:
                _c[key] = _f(*args, **kw)
            return _c[key]

        setattr(licenses, name, wraps(original)(wrapped))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    typical = build_inventory(open_target(str(typical_release(tmp / "typical")), SourceOptions()))
    corpus: dict[str, Inventory] = {}
    if CORPUS.is_dir():
        for rid in release_ids(CORPUS):
            root = rebuild(CORPUS / rid, tmp / rid)
            corpus[rid] = build_inventory(open_target(str(root), SourceOptions()))
    build_evidence(typical)  # imports, compiled patterns

    with_engine = best_ms(typical)
    corpus_with = {rid: best_ms(inv, 3) for rid, inv in corpus.items()}
    memoise_licence_engine()
    build_evidence(typical)
    for inv in corpus.values():
        build_evidence(inv)
    without_engine = best_ms(typical)
    corpus_without = {rid: best_ms(inv, 3) for rid, inv in corpus.items()}

    lines = [
        "# Evidence stage (`build_evidence`)",
        "",
        "`python3 benchmarks/bench_evidence.py`; best of 5 (corpus: best of 3) in one process, inventories "
        "built beforehand. \"Without the licence engine\": its answers memoised after a first run.",
        "",
        "| release | files | with licence engine (ms) | without (ms) |",
        "|---|---:|---:|---:|",
        f"| typical (tmp, 200 files) | {len(typical.items)} | {with_engine:.1f} | {without_engine:.1f} |",
    ]
    if corpus:
        slowest = sorted(corpus_without, key=lambda r: corpus_without[r], reverse=True)[:5]
        for rid in slowest:
            lines.append(
                f"| {rid} | {len(corpus[rid].items)} | {corpus_with[rid]:.1f} | {corpus_without[rid]:.1f} |"
            )
        med_with = statistics.median(corpus_with.values())
        med_without = statistics.median(corpus_without.values())
        lines += [
            "",
            f"Corpus ({len(corpus)} releases): median {med_with:.1f} ms with the "
            f"engine, {med_without:.1f} ms without; slowest without: "
            f"{max(corpus_without.values()):.1f} ms. The table lists the five slowest without the engine.",
        ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
