"""The tool's OSAI Index answers against the Index's own judgements, dimension by dimension.

The pairs (``osai_index_records.PAIRS``) are the corpus releases whose Index record judges the same model
version, each with the file and string that show it; the reasons others are left out are listed there.
Agreement is counted over the cells the tool does not answer ``unknown`` and must reach issue 11's floor;
every remaining disagreement must be listed with its reason (``DISAGREEMENTS``), so a change that moves a
cell either explains itself there or is caught here. ``benchmarks/bench_osai_index.py`` writes the same
comparison to ``benchmarks/results/osai-index.md``.

Reads the Index database and the corpus in ``../shared`` (never copied into the repository) and skips with
the reason when either is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import osai_index_records as oir
from corpus_release import rebuild
from openness.frameworks import osai_index
from openness.pipeline import audit


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory) -> list[oir.Cell]:
    reason = oir.available()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("osai-agreement")
    out: list[oir.Cell] = []
    for pair in oir.PAIRS:
        directory = rebuild(oir.CORPUS_DIR / pair.release, root / pair.release)
        report = audit(str(directory), frameworks=[osai_index.ID])
        out.extend(oir.compare(pair.release, pair.record, report.assessments[osai_index.ID]))
    return out


def test_each_pair_judges_the_model_version_the_release_holds() -> None:
    reason = oir.available()
    if reason:
        pytest.skip(reason)
    for pair in oir.PAIRS:
        rec = oir.record(pair.record)
        assert rec.get("system"), pair.record
        text = (oir.CORPUS_DIR / pair.release / "files" / pair.file).read_text(
            encoding="utf-8", errors="replace"
        )
        assert pair.mention.lower() in text.lower(), (pair.release, pair.file, pair.mention)


def test_every_dimension_is_compared_on_every_pair(cells: list[oir.Cell]) -> None:
    dims = {k for keys in osai_index.CATEGORIES.values() for k in keys}
    for pair in oir.PAIRS:
        judged = {c.dimension for c in cells if c.release == pair.release}
        # The Index leaves a class empty for "not applicable"; every pair here has all 12.
        assert judged == dims, (pair.release, dims - judged)


def test_agreement_reaches_the_floor_over_answered_cells(cells: list[oir.Cell]) -> None:
    agree, answered, rate = oir.agreement(cells)
    assert answered >= len(cells) // 2, "most cells are answered, not unknown"
    assert rate >= oir.FLOOR, f"{agree}/{answered} = {rate:.1%} < {oir.FLOOR:.0%}"


def test_every_disagreement_is_listed_with_its_reason(cells: list[oir.Cell]) -> None:
    unlisted = [
        (c.release, c.dimension, f"tool {c.tool}, Index {c.index}: {c.detail[:120]}")
        for c in cells
        if c.answered and not c.agrees and (c.release, c.dimension) not in oir.DISAGREEMENTS
    ]
    assert not unlisted, unlisted


@pytest.mark.parametrize(
    ("release", "dimension", "index"),
    [
        # Documentation of the training code, not "some code exists": inference-only repositories.
        ("meta-llama__llama", "code", "closed"),
        ("microsoft__BitNet", "code", "closed"),
        # Peer-reviewed only: an arXiv-only citation is a preprint, never an open paper.
        ("01-ai__Yi", "preprint", "open"),
        # Training hardware stated in the training docs (text/pretraining/README.md: 384 H100 GPUs).
        ("huggingface__smollm", "hardware_architecture", "open"),
        # Licences of what is released: MIT weights, no training code or data released.
        ("openai__whisper", "licenses", "open"),
        # A training/ folder whose READMEs open as fine-tuning guides (LoRA for Arctic, Llama 3.1) holds
        # fine-tuning code, not the code that trained Arctic: partial ('sparse training code').
        ("Snowflake-Labs__snowflake-arctic", "trainingcode", "partial"),
    ],
)
def test_cells_the_old_reading_got_wrong(
    cells: list[oir.Cell], release: str, dimension: str, index: str
) -> None:
    cell = next(c for c in cells if c.release == release and c.dimension == dimension)
    assert (cell.index, cell.tool) == (index, index), cell.detail


def test_arxiv_only_papers_are_never_open(cells: list[oir.Cell]) -> None:
    # The old reading made every linked arXiv paper an open "paper" (Whisper's card links the Model Cards
    # paper): now a paper is open only with a venue, which none of these releases' citations names.
    assert all(c.tool != "open" for c in cells if c.dimension == "paper")


def test_listed_disagreements_name_real_pairs() -> None:
    releases = {p.release for p in oir.PAIRS}
    dims = {k for keys in osai_index.CATEGORIES.values() for k in keys}
    for release, dim in oir.DISAGREEMENTS:
        assert release in releases and dim in dims, (release, dim)
    assert Path(oir.__file__).name == "osai_index_records.py"
