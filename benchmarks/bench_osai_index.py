#!/usr/bin/env python3
"""Agreement with the European Open Source AI Index's own judgements, dimension by dimension.

Usage (from the repository root): ``python3 benchmarks/bench_osai_index.py``
Writes ``benchmarks/results/osai-index.md``. Needs ``../shared/corpus`` and ``../shared/data/osai-index`` (the
Index database, CC-BY-4.0, doi:10.5281/zenodo.15386042) beside the checkout; neither is copied here.

Each corpus release whose Index record judges the same model version (``tests/osai_index_records.py``) is
rebuilt and audited with the ``osai-index`` framework; each of the 12 dimensions is compared with the record's
class. Agreement is counted over the cells the tool does not answer ``unknown`` (issue 11's floor: 75%);
every remaining disagreement is listed with its reason. Exit status 1 when the floor is missed or a
disagreement has no reason.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "osai-index.md"
sys.path.insert(0, str(ROOT / "tests"))

import osai_index_records as oir  # noqa: E402
from corpus_release import rebuild, scratch_dir  # noqa: E402
from openness.frameworks import osai_index  # noqa: E402
from openness.pipeline import audit  # noqa: E402


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main() -> int:
    reason = oir.available()
    if reason:
        print(f"bench_osai_index: {reason}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    cells: list[oir.Cell] = []
    with scratch_dir(Path(tempfile.mkdtemp(prefix="bench-osai-"))) as scratch:
        for pair in oir.PAIRS:
            directory = rebuild(oir.CORPUS_DIR / pair.release, scratch / pair.release)
            report = audit(str(directory), frameworks=[osai_index.ID])
            cells.extend(oir.compare(pair.release, pair.record, report.assessments[osai_index.ID]))
    elapsed = time.perf_counter() - started
    agree, answered, rate = oir.agreement(cells)
    unknown = len(cells) - answered
    dims = [k for keys in osai_index.CATEGORIES.values() for k in keys]
    missing = [
        c for c in cells if c.answered and not c.agrees and (c.release, c.dimension) not in oir.DISAGREEMENTS
    ]

    lines = [
        "# OSAI Index agreement",
        "",
        "`python3 benchmarks/bench_osai_index.py`: the `osai-index` framework's answers on the corpus",
        "releases whose European Open Source AI Index record judges the same model version, against the",
        "record's class,",
        "dimension by dimension. Index database: Language-Technology-Assessment/main-database at commit",
        "5a388e8 (2026-06-12), CC-BY-4.0, doi:10.5281/zenodo.15386042. Pairs and the reasons other releases",
        "are left out: `tests/osai_index_records.py`.",
        "",
        f"**Agreement: {agree}/{answered} = {rate:.1%}** of the cells the tool answers (floor "
        f"{oir.FLOOR:.0%}, issue 11); {unknown} of {len(cells)} cells are `unknown` (the artifacts "
        f"cannot show what the Index needs). Before the rewrite: 55/128 = 43% (unknown then scored "
        "`closed`). "
        f"{len(oir.PAIRS)} releases, {elapsed:.1f} s.",
        "",
        "## By dimension",
        "",
        "| dimension | agree | disagree | unknown |",
        "|---|---|---|---|",
    ]
    for dim in dims:
        mine = [c for c in cells if c.dimension == dim]
        n_agree = sum(c.answered and c.agrees for c in mine)
        n_dis = sum(c.answered and not c.agrees for c in mine)
        n_unk = sum(not c.answered for c in mine)
        lines.append(f"| `{dim}` | {n_agree} | {n_dis} | {n_unk} |")
    lines += [
        "",
        "## Pairs",
        "",
        "| release | Index record | why it is the same model version |",
        "|---|---|---|",
    ]
    for pair in oir.PAIRS:
        rel = [c for c in cells if c.release == pair.release]
        a, n, _ = oir.agreement(rel)
        lines.append(f"| {pair.release} ({a}/{n}) | {pair.record} | {_cell(pair.why)} |")
    lines += [
        "",
        "## Every remaining disagreement",
        "",
        "| release | dimension | tool | Index | reason |",
        "|---|---|---|---|---|",
    ]
    for c in cells:
        if c.answered and not c.agrees:
            why = oir.DISAGREEMENTS.get((c.release, c.dimension), "**no reason listed**")
            lines.append(f"| {c.release} | `{c.dimension}` | {c.tool} | {c.index} | {_cell(why)} |")
    counts = Counter(c.dimension for c in cells if not c.answered)
    lines += [
        "",
        "## Unknown cells",
        "",
        "Where the Index would need what the artifacts cannot show: weights and their card hosted",
        "elsewhere, an arXiv-only paper that may since have passed peer review, a paper (not read) that may",
        "document the training hardware, datasets named on a hub whose cards are the datasheets, licences",
        "not identified.",
        "",
        ", ".join(f"`{d}` {n}" for d, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"agreement {agree}/{answered} = {rate:.1%} ({unknown} unknown); wrote {OUT.relative_to(ROOT)}")
    if missing:
        print(f"{len(missing)} disagreement(s) without a reason", file=sys.stderr)
    return 0 if rate >= oir.FLOOR and not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
