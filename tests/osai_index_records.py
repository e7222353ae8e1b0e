"""The European Open Source AI Index's own judgements, read from ``../shared/data/osai-index``, and the
corpus releases whose Index record judges the same model version.

Shared by ``tests/test_osai_index_agreement.py`` and ``benchmarks/bench_osai_index.py`` so both compare
the same pairs the same way. The Index database is CC-BY-4.0 (doi:10.5281/zenodo.15386042); it is read in
place, never copied into the repository.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
INDEX_DIR = ROOT.parent / "shared" / "data" / "osai-index"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"

LEVELS = ("open", "partial", "closed")


@dataclass(frozen=True)
class Pair:
    release: str  # corpus release id
    record: str  # file name under projects/
    why: str  # why the record judges the model version this release holds


# Each corpus release whose Index record judges the same model version, and why it matches. The Index rates
# a family's newest and largest model; a pair is listed only when that model is the one the repository
# releases (its README / model card names it). Not listed, with the reason: DeepSeek-R1 (the record judges
# R1-0528, which the repository does not mention), Pythia (the record is Together's Pythia-Chat-Base-7B),
# OLMo / OLMo-core (the record is Olmo 3.1 Think; the repositories hold OLMo 1/2 and a training library),
# Grok-1 (record: Grok 2), Qwen3 (record: Qwen3.5), GLM-4 / GLM-4.5 (record: GLM-5), Granite 3.0 (record:
# Granite 4.0), Phi-4-reasoning-vision (record: Phi-4-reasoning), DeepSeek-V3 (record: V3.2-Speciale),
# Falcon-H1 (record: Falcon-H1R), LTX-Video (record: LTX-2.3), Stable Diffusion v1/v2 (record: SD 3.5),
# StarCoder / StarCoder2 (record: StarCoder2-15B-Instruct), llama-models (spans Llama 3 to 4, one record
# each), llm-foundry and open-instruct (training libraries, not the MPT-30B-Instruct or Tulu-3-405B
# releases), RedPajama-Data (the data pipeline, not RedPajama-INCITE-Chat), bigscience (BLOOM; the record
# is BLOOMZ), Amber (the record's end model is AmberSafe).
PAIRS: tuple[Pair, ...] = (
    Pair(
        "meta-llama__llama",
        "llama-2-chat.yaml",
        "the Llama 2 release repository; MODEL_CARD.md covers Llama-2-70B-Chat",
    ),
    Pair(
        "meta-llama__codellama",
        "CodeLlama.yaml",
        "the Code Llama repository; README/MODEL_CARD.md list CodeLlama-70B-Instruct",
    ),
    Pair(
        "databrickslabs__dolly",
        "dolly.yaml",
        "the Dolly v2 repository (dolly-v2-12b, its training code and data)",
    ),
    Pair(
        "tatsu-lab__stanford_alpaca",
        "alpaca.yaml",
        "the Alpaca 7B repository (data, training code, weight diff)",
    ),
    Pair(
        "Snowflake-Labs__snowflake-arctic",
        "Snowflake Arctic.yaml",
        "the Snowflake Arctic repository (Arctic Base/Instruct)",
    ),
    Pair(
        "baichuan-inc__Baichuan2",
        "Baichuan.yaml",
        "the Baichuan 2 repository; README lists Baichuan2-13B-Chat",
    ),
    Pair("huggingface__smollm", "smollm.yaml", "the SmolLM repository; text/README.md covers SmolLM3-3B"),
    Pair(
        "openai__whisper",
        "Whisper.yaml",
        "the Whisper repository; README and model-card.md list large-v3-turbo",
    ),
    Pair("THUDM__CogVideo", "CogVideoX.yaml", "the CogVideo repository; README lists CogVideoX1.5-5B"),
    Pair("01-ai__Yi", "Yi.yaml", "the Yi repository; README lists Yi-1.5-34B-Chat-16K"),
    Pair("microsoft__BitNet", "BitNet.yaml", "bitnet.cpp; README is the release of BitNet-b1.58-2B-4T"),
    Pair(
        "lm-sys__FastChat",
        "Vicuna.yaml",
        "FastChat, Vicuna's training and serving code; README lists Vicuna v1.5",
    ),
    Pair(
        "BlinkDL__RWKV-LM",
        "RWKV.yaml",
        "the RWKV-LM repository; README covers RWKV-7 (g0/g1) and its training code",
    ),
)


def available() -> str | None:
    """None when both data sets are present, else the reason to skip."""
    if not (INDEX_DIR / "projects").is_dir():
        return f"{INDEX_DIR} is absent (the OSAI Index database sits beside the checkout in CI)"
    if not CORPUS_DIR.is_dir():
        return f"{CORPUS_DIR} is absent (it sits beside the checkout in CI)"
    return None


def record(name: str) -> Mapping[str, Any]:
    data = yaml.safe_load((INDEX_DIR / "projects" / name).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise ValueError(f"{name}: not a mapping")
    return data


def judgements(name: str, dimensions: tuple[str, ...]) -> dict[str, str | None]:
    """The Index's class per dimension (None: left empty, which the Index means as not applicable)."""
    rec = record(name)
    out: dict[str, str | None] = {}
    for dim in dimensions:
        entry = rec.get(dim)
        value = entry.get("class") if isinstance(entry, Mapping) else None
        value = str(value).strip().lower() if value else None
        out[dim] = value if value in LEVELS else None
    return out


def index_notes(name: str, dim: str) -> str:
    entry = record(name).get(dim)
    notes = entry.get("notes") if isinstance(entry, Mapping) else None
    return " ".join(str(notes or "").split())


@dataclass(frozen=True)
class Cell:
    release: str
    dimension: str
    index: str
    tool: str  # open / partial / closed / unknown
    detail: str

    @property
    def answered(self) -> bool:
        return self.tool != "unknown"

    @property
    def agrees(self) -> bool:
        return self.tool == self.index


def tool_level(criterion: Any) -> str:
    """The tool's answer for a dimension: its level, or ``unknown`` when the criterion is unknown."""
    return "unknown" if str(criterion.outcome) == "unknown" else str(criterion.value)


def compare(release: str, record_name: str, assessment: Any) -> list[Cell]:
    dims = tuple(c.id for c in assessment.criteria)
    judged = judgements(record_name, dims)
    cells = []
    for c in assessment.criteria:
        idx = judged.get(c.id)
        if idx is None:
            continue
        cells.append(Cell(release, c.id, idx, tool_level(c), c.detail))
    return cells


def agreement(cells: list[Cell]) -> tuple[int, int, float]:
    answered = [c for c in cells if c.answered]
    agree = sum(c.agrees for c in answered)
    return agree, len(answered), (agree / len(answered) if answered else 0.0)
