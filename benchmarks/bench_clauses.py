#!/usr/bin/env python3
"""Clause analysis: speed on real licence texts and accuracy on the labelled set.

Usage (from the repository root): ``python3 benchmarks/bench_clauses.py``
Writes ``benchmarks/results/clauses.md``. Needs ``../shared/corpus`` beside the checkout.

Measures, in one process:
- first-call cost (compiling the rule table) in a fresh interpreter;
- per-file time of ``find_restrictions`` on every labelled and permissive corpus file (best of 5);
- the time on ~20 KB licences (the floor: < 20 ms);
- recall of labelled restrictions on their lines, on the real texts and on each perturbation,
  and restrictions reported on permissive texts (the floor: none).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "benchmarks" / "results" / "clauses.md"
sys.path.insert(0, str(ROOT / "tests"))

from openness.licenses.clauses import find_restrictions  # noqa: E402
from test_license_clauses_labels import load, permissive_texts, total  # noqa: E402
from test_license_clauses_perturbed import PERTURBATIONS  # noqa: E402


def best_of(text: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        find_restrictions(text)
        best = min(best, time.perf_counter() - start)
    return best


def first_call_ms() -> float:
    code = (
        "import time; from openness.licenses.clauses import find_restrictions as f; t=time.perf_counter(); "
        "f('You may not use the Model for military purposes.'); print((time.perf_counter()-t)*1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> int:
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    items, _ = load()
    labelled = [(item, item.text(CORPUS)) for item in items]
    texts = {
        item.path + (f":{item.excerpt[0]}-{item.excerpt[1]}" if item.excerpt else ""): text
        for item, text in labelled
    }
    permissive = []
    for name, text in permissive_texts(CORPUS):
        texts[name] = text
        permissive.append(name)
    find_restrictions("warm up")

    timings = {path: best_of(text) for path, text in texts.items()}
    sizes = {path: len(text.encode("utf-8")) for path, text in texts.items()}
    per_kb = [timings[p] / (sizes[p] / 1024) for p in texts if sizes[p] > 1024]
    near_20k = sorted((sizes[p], timings[p], p) for p in texts if 15_000 <= sizes[p] <= 30_000)
    # a 20 KB text built from real clauses: Llama 3 licence (with its AUP) and the Llama 3.1 AUP
    llama = (CORPUS / "meta-llama__llama-models/files/models/llama3/LICENSE").read_text(encoding="utf-8")
    aup = (CORPUS / "meta-llama__llama-models/files/models/llama3_1/USE_POLICY.md").read_text(
        encoding="utf-8"
    )
    synthetic = (llama + "\n\n" + aup + "\n\n" + llama)[:20_480]
    synthetic_ms = best_of(synthetic, 20) * 1000

    lines = [
        "# Clause analysis benchmark",
        "",
        f"Command: `python3 benchmarks/bench_clauses.py` · Python {sys.version.split()[0]} · "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        "## Speed (in-process, best of 5 runs per file)",
        "",
        f"- first call in a fresh interpreter (rule table compiled lazily): {first_call_ms():.1f} ms",
        f"- {len(texts)} corpus files, {sum(sizes.values()) / 1024:.0f} KB: total "
        f"{sum(timings.values()) * 1000:.0f} ms, "
        f"median {statistics.median(timings.values()) * 1000:.2f} ms/file, "
        f"median {statistics.median(per_kb) * 1000:.3f} ms/KB",
        f"- 20 KB licence text (Llama 3 licence + AUP): **{synthetic_ms:.1f} ms** (floor: < 20 ms)",
    ]
    for size, seconds, path in near_20k:
        lines.append(f"  - {path} ({size / 1024:.1f} KB): {seconds * 1000:.1f} ms")
    slowest = sorted(timings.items(), key=lambda kv: -kv[1])[:3]
    lines.append(
        "- slowest: " + ", ".join(f"{p} {s * 1000:.1f} ms ({sizes[p] / 1024:.0f} KB)" for p, s in slowest)
    )

    lines += ["", "## Accuracy (labelled set: tests/data/clauses_expected.yaml)", ""]
    lines += [
        "| text | labels found on their line | recall | kinds a file does not have |",
        "|---|---|---|---|",
    ]
    base = total(labelled)
    lines.append(f"| real texts | {base.found}/{base.total} | {base.recall:.3f} | {len(base.extra_kinds)} |")
    for name, perturb in sorted(PERTURBATIONS.items()):
        r = total(labelled, perturb)
        lines.append(f"| {name} | {r.found}/{r.total} | {r.recall:.3f} | {len(r.extra_kinds)} |")
    flagged = [p for p in permissive if find_restrictions(texts[p])]
    lines += [
        "",
        f"Permissive texts with any restriction reported: {len(flagged)}/{len(permissive)}"
        + (f" ({', '.join(flagged)})" if flagged else ""),
        "",
        "Floors: recall >= 0.95 on every row; no restriction on permissive texts; 20 KB in < 20 ms.",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
