"""Roles of code: what a source file is for, from its path and the imports and calls in its head.

Path words are the weaker signal (``train.py``, ``eval/``, ``data/prepare.py``); the head of
the file (a few KB) confirms or adds roles: an optimizer step means training, ``generate(``
means inference, ``load_dataset(`` means data preprocessing, ``nn.Module`` subclasses mean
architecture. Every content-based role carries the line that shows it. Nothing is executed
or imported: these are regular expressions over text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openness.inventory.names import TEST_DIRS, PathParts
from openness.model import CodeRole, Location

PATH_WORDS: dict[CodeRole, frozenset[str]] = {
    CodeRole.TRAINING: frozenset(
        {
            "train",
            "training",
            "trainer",
            "pretrain",
            "pretraining",
            "finetune",
            "finetuning",
            "sft",
            "dpo",
            "rlhf",
            "ppo",
            "grpo",
            "orpo",
            "kto",
            "rl",
            "lora",
            "qlora",
            "distill",
            "distillation",
            "reward",
        }
    ),
    CodeRole.INFERENCE: frozenset(
        {
            "infer",
            "inference",
            "generate",
            "generation",
            "sample",
            "sampling",
            "chat",
            "chatbot",
            "demo",
            "serve",
            "server",
            "serving",
            "predict",
            "prediction",
            "deploy",
            "api",
            "quantize",
            "webui",
            "gradio",
            "completion",
            "completions",
        }
    ),
    CodeRole.EVALUATION: frozenset(
        {
            "eval",
            "evals",
            "evaluate",
            "evaluation",
            "evaluator",
            "benchmark",
            "benchmarks",
            "bench",
            "harness",
            "metric",
            "metrics",
            "perplexity",
            "ppl",
            "leaderboard",
            "judge",
        }
    ),
    CodeRole.PREPROCESSING: frozenset(
        {
            "data",
            "dataset",
            "datasets",
            "preprocess",
            "preprocessing",
            "prepare",
            "tokenize",
            "pretokenize",
            "dedup",
            "deduplicate",
            "deduplication",
            "dedupe",
            "filter",
            "filters",
            "filtering",
            "mix",
            "mixer",
            "shard",
            "sharding",
            "clean",
            "cleaning",
            "crawl",
            "crawler",
            "minhash",
            "decontam",
            "decontaminate",
            "decontamination",
            "tagger",
            "taggers",
            "pii",
            "dataloader",
            "collate",
            "collator",
            "packing",
            "datamodule",
            "download",
        }
    ),
    CodeRole.TOKENIZATION: frozenset(
        {"tokenizer", "tokenizers", "tokenization", "bpe", "sentencepiece", "tiktoken"}
    ),
    CodeRole.ARCHITECTURE: frozenset(
        {
            "model",
            "models",
            "modeling",
            "modelling",
            "architecture",
            "arch",
            "layers",
            "layer",
            "attention",
            "transformer",
            "moe",
            "mamba",
            "network",
            "networks",
            "backbone",
            "unet",
            "vae",
            "encoder",
            "decoder",
            "rwkv",
            "mlp",
            "embedding",
            "embeddings",
            "blocks",
        }
    ),
}

# Signals in content: (role, pattern). Each pattern is tried only when one of its role's
# literal keywords (below) occurs in the text: substring tests are C-fast, while a wide
# alternation of ``\b``-anchored words is slow over a few KB of text.
_SIGNALS: tuple[tuple[CodeRole, re.Pattern[str]], ...] = (
    (
        CodeRole.TRAINING,
        re.compile(
            r"torch\.optim\.\w+|\boptim\.(?:AdamW?|SGD|Adafactor|Lion)\b|\boptax\.\w+|\.backward\(\s*\)"
            r"|\boptimizer\.(?:step|zero_grad)\(|\b(?:SFT|DPO|PPO|GRPO|Reward|Seq2Seq)?Trainer\("
            r"|\bTrainingArguments\(|\bdeepspeed\.initialize\(|\baccelerator\.backward\(|\btrainer\.(?:train|fit)\("
            r"|\b(?:pl|lightning)\.Trainer\b|\btorchrun\b|\baccelerate launch\b|\bdef train\w*\("
            r"|\bpython\S*\s+\S*(?:train|pretrain|finetune|sft)\w*\.py\b|\bloss\.backward\b"
            # hand-written updates: a gradient step on one line (NumPy, JAX without optax)
            r"|\bgrads?\b[^\n]*\b(?:lr|learning_rate)\b|\b(?:lr|learning_rate)\b[^\n]*\bgrads?\b"
        ),
    ),
    (
        CodeRole.INFERENCE,
        re.compile(
            r"\.generate\(|\bpipeline\(|\bSamplingParams\b|\bvllm\b|\bLLM\(model|\bgr\.(?:Interface|Blocks|"
            r"ChatInterface)\(|\bFastAPI\(|\bimport streamlit\b|\btorch\.inference_mode\b|\btorch\.no_grad\b"
            r"|\bdef (?:generate|sample|chat|predict|infer)\w*\("
            r"|\b(?:AutoModel\w*|\w+For\w+)\.from_pretrained\("
        ),
    ),
    (
        CodeRole.EVALUATION,
        re.compile(
            r"\blm_eval\b|\bevaluate\.load\(|\bperplexity\b|\bcompute_metrics\b|\baccuracy_score\b|\bf1_score\b"
            r"|\brouge\w*\b|\bbleu\b|pass@k|\bexact_match\b|\bdef eval\w*\(|\bhellaswag\b|\bmmlu\b|\bgsm8k\b"
            r"|\bhumaneval\b|\blighteval\b|\bopencompass\b"
        ),
    ),
    (
        CodeRole.PREPROCESSING,
        re.compile(
            r"\bload_dataset\(|\bfrom datasets import\b|\bimport datasets\b|\bdedup\w*|\bminhash\w*"
            r"|\bdatasketch\b"
            r"|\.to_parquet\(|\bread_parquet\(|\bimport pyarrow\b|\bjsonlines\b|\bnp\.memmap\(|\.tofile\("
            r"|\bdatatrove\b|\bdef (?:tokenize|preprocess|filter|clean|dedup)\w*\(|\bwarc\w*\b"
        ),
    ),
    (
        CodeRole.TOKENIZATION,
        re.compile(
            r"\bimport sentencepiece\b|\bsentencepiece\b|\bfrom tokenizers import\b|\bimport tiktoken\b"
            r"|\bclass \w*Tokenizer\w*\b|\bBPE\("
        ),
    ),
    (
        CodeRole.ARCHITECTURE,
        re.compile(
            r"\bclass \w+\(\s*(?:torch\.)?nn\.Module\s*\)|\bclass \w+\(\s*\w*PreTrainedModel\s*\)"
            r"|\bclass \w+\(\s*(?:nn|eqx|hk|keras|tf\.keras|flax\.linen)\.(?:Module|Model|Layer)\s*\)"
            r"|\bfrom flax import linen\b|\bimport flax\.linen\b|\bdef forward\(self"
        ),
    ),
)
# fmt: off
_KEYWORDS: dict[CodeRole, tuple[str, ...]] = {
    CodeRole.TRAINING: (
        "optim", "backward", "Trainer", "TrainingArguments", "deepspeed", "torchrun", "accelerat", "train",
        "sft", "finetune", "optax", "grad",
    ),
    CodeRole.INFERENCE: (
        "generate(", "pipeline(", "SamplingParams", "vllm", "LLM(", "gr.", "FastAPI(", "streamlit",
        "inference_mode", "no_grad", "def generate", "def sample", "def chat", "def predict", "def infer",
        "from_pretrained(",
    ),
    CodeRole.EVALUATION: (
        "lm_eval", "evaluate.load", "perplexity", "compute_metrics", "accuracy_score", "f1_score", "rouge",
        "bleu", "pass@k", "exact_match", "def eval", "hellaswag", "mmlu", "gsm8k", "humaneval", "lighteval",
        "opencompass",
    ),
    CodeRole.PREPROCESSING: (
        "load_dataset(", "datasets", "dedup", "minhash", "datasketch", "parquet", "pyarrow", "jsonlines",
        "memmap(", ".tofile(", "datatrove", "def tokenize", "def preprocess", "def filter", "def clean",
        "warc",
    ),
    CodeRole.TOKENIZATION: ("sentencepiece", "from tokenizers import", "tiktoken", "Tokenizer", "BPE("),
    CodeRole.ARCHITECTURE: ("Module", "Model", "Layer", "linen", "def forward"),
}
# fmt: on
_FROM_PRETRAINED = "from_pretrained"
_WORD = re.compile(r"[a-z]+")
MAX_LOCATIONS = 8


@dataclass(frozen=True)
class CodeAnalysis:
    roles: frozenset[CodeRole]
    reasons: tuple[str, ...]
    locations: tuple[Location, ...]


def is_test_path(parts: PathParts) -> bool:
    return (
        not TEST_DIRS.isdisjoint(parts.dirs)
        or parts.name.startswith("test_")
        or parts.stem.endswith("_test")
        or parts.name == "conftest.py"
    )


# Architecture words count in the file name or in these folders only: "models/" alone holds
# every kind of code in many releases.
_ARCHITECTURE_DIRS = frozenset(
    {"modeling", "modelling", "architecture", "architectures", "layers", "modules", "nn"}
)


def path_roles(parts: PathParts) -> set[CodeRole]:
    roles: set[CodeRole] = {
        role
        for role, words in PATH_WORDS.items()
        if role is not CodeRole.ARCHITECTURE and parts.tokens & words
    }
    name_words = set(_WORD.findall(parts.stem))
    if name_words & PATH_WORDS[CodeRole.ARCHITECTURE] or _ARCHITECTURE_DIRS.intersection(parts.dirs):
        roles.add(CodeRole.ARCHITECTURE)
    if "fine-tun" in parts.lower or "fine_tun" in parts.lower:
        roles.add(CodeRole.TRAINING)
    return roles


def analyse(parts: PathParts, text: str | None) -> CodeAnalysis:
    """Code roles for one file: path words, then content signals with their lines."""
    if is_test_path(parts):
        return CodeAnalysis(frozenset({CodeRole.SUPPORT}), ("test code",), ())
    roles = path_roles(parts)
    reasons: list[str] = []
    if roles:
        reasons.append("path: " + ", ".join(sorted(str(r) for r in roles)))
    locations: list[Location] = []
    if text:
        for role, pattern in _SIGNALS:
            if not any(k in text for k in _KEYWORDS[role]):
                continue
            m = pattern.search(text)
            if m is None:
                continue
            # from_pretrained alone is loading, not running: count it for inference only when
            # nothing in the file says it trains.
            if role is CodeRole.INFERENCE and _FROM_PRETRAINED in m.group(0) and CodeRole.TRAINING in roles:
                continue
            line = text.count("\n", 0, m.start()) + 1
            roles.add(role)
            reasons.append(f"{role}: {m.group(0).strip()[:60]!r} (line {line})")
            if len(locations) < MAX_LOCATIONS:
                locations.append(Location(path=parts.path, lines=(line, line)))
    if not roles:
        roles.add(CodeRole.SUPPORT)
        reasons.append("no training, inference, evaluation, data or model signal: supporting code")
    return CodeAnalysis(frozenset(roles), tuple(reasons), tuple(locations))
