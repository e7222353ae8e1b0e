"""Roles of code: what a source file is for, from its path and the imports and calls in its head.

Path words are the weaker signal (``train.py``, ``eval/``, ``data/prepare.py``), and some are too
common to mean anything alone (``_WEAK_PATH_WORDS``: "data" in a file name, "download", "shard", a
``model`` file name, "generate"): those count only with content that backs them or a strong place (a
``data/`` folder, ``data_prep/``), never in an evaluation folder, and a download script that fetches
weights is a weights download, not preprocessing. The head of the file (a few KB) confirms or adds
roles: an optimizer step means training, ``generate(``
means inference, ``load_dataset(`` means data preprocessing, ``nn.Module`` subclasses mean
architecture. A Python module that imports a deep-learning framework and whose head leaves its
model classes or inference methods unseen is read further (``reads_further`` / ``deepen``, bounded
by the caller), for those roles only. Every content-based role carries the line that shows it.
Nothing is executed or imported: these are regular expressions over text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from openness import lazy_re
from openness.inventory.names import PathParts
from openness.lazy_re import Regex, lazy_compile
from openness.model import CodeRole, Location

# Words of a path (folders and file name) that suggest a role.
# fmt: off
PATH_WORDS: dict[CodeRole, frozenset[str]] = {
    CodeRole.TRAINING: frozenset({
        "train", "training", "trainer", "pretrain", "pretraining", "finetune", "finetuning", "sft",
        "dpo", "rlhf", "ppo", "grpo", "orpo", "kto", "rl", "lora", "qlora", "distill",
        "distillation", "reward",
    }),
    CodeRole.INFERENCE: frozenset({
        "infer", "inference", "generate", "generation", "sample", "sampling", "chat", "chatbot",
        "demo", "serve", "server", "serving", "predict", "prediction", "deploy", "api", "quantize",
        "webui", "gradio", "completion", "completions",
    }),
    CodeRole.EVALUATION: frozenset({
        "eval", "evals", "evaluate", "evaluation", "evaluator", "benchmark", "benchmarks", "bench",
        "harness", "metric", "metrics", "perplexity", "ppl", "leaderboard", "judge",
    }),
    CodeRole.PREPROCESSING: frozenset({
        "data", "dataset", "datasets", "preprocess", "preprocessing", "prepare", "prep", "preparation",
        "tokenize", "pretokenize", "dedup", "deduplicate", "deduplication", "dedupe", "filter", "filters",
        "filtering", "mix", "mixer", "shard", "sharding", "clean", "cleaning", "crawl", "crawler",
        "minhash", "decontam", "decontaminate", "decontamination", "tagger", "taggers", "pii",
        "dataloader", "collate", "collator", "packing", "datamodule", "download",
    }),
    CodeRole.TOKENIZATION: frozenset({
        "tokenizer", "tokenizers", "tokenization", "bpe", "sentencepiece", "tiktoken",
    }),
    CodeRole.ARCHITECTURE: frozenset({
        "model", "models", "modeling", "modelling", "architecture", "arch", "layers", "layer",
        "attention", "transformer", "moe", "mamba", "network", "networks", "backbone", "unet",
        "vae", "encoder", "decoder", "rwkv", "mlp", "embedding", "embeddings", "blocks",
    }),
}
# Path words too common to mean the role alone: "data" names a webpage-table script in an eval folder,
# "download" a weights fetcher, "shard" model sharding, "model" (in a file name) an evaluation script
# (``eval/model_vqa.py``), "generate" a script writing JSON for a web page. They count only when the
# content shows the role too (``_SIGNALS``, or ``_CORROBORATING`` below, which counts only with such a
# word) or when the path also holds one of the role's strong words (``data_prep/``, ``preprocessing/``).
_WEAK_PATH_WORDS: dict[CodeRole, frozenset[str]] = {
    CodeRole.PREPROCESSING: frozenset({
        "data", "download", "shard", "sharding", "mix", "mixer", "collate", "collator", "packing",
        "dataloader",
    }),
    CodeRole.INFERENCE: frozenset({"generate"}),
    CodeRole.ARCHITECTURE: frozenset({"model", "models"}),
}
# Folders whose scripts are evaluation: other roles' path words do not count there (model_qa.py,
# generate_*.py in eval/ run or tabulate an evaluation); content still does (a file there defining
# nn.Module classes is architecture, one calling .generate( runs the model).
_EVALUATION_DIRS = frozenset({"eval", "evals", "evaluation", "evaluations"})
_BENCHMARK_DATA = _WEAK_PATH_WORDS[CodeRole.PREPROCESSING] | {"dataset", "datasets", "prepare"}
# "data" as a whole folder name is a strong place (megatron/data/, ldm/data/, fastchat/data/): the code
# there is the data pipeline. In a file name it stays weak.
_DATA_DIRS = frozenset({"data"})
# Words that, with "data" in a file name, say the file works on data: make_data, mix_data, data_utils.
_DATA_COMPOUNDS = frozenset(
    {"make", "create", "build", "mix", "process", "processing", "utils", "util", "loader", "convert", "merge"}
)
# fmt: on

# Signals in content, one pattern per role. A pattern is only tried on a line that holds one of
# its role's literal anchors (``_ANCHORS`` below, found with str.find): a wide alternation run
# over a whole 4 KB head tries every alternative at every position and costs 10-100x more.
_SIGNALS: tuple[tuple[CodeRole, re.Pattern[str]], ...] = (
    (
        CodeRole.TRAINING,
        lazy_re.compile(
            r"torch\.optim\.|optim\.(?:AdamW?|SGD|Adafactor|Lion)\b|optax\.|\.backward\(\s*\)"
            r"|optimizer\.(?:step|zero_grad)\(|Trainer\(|TrainingArguments\(|deepspeed\.initialize\("
            r"|trainer\.(?:train|fit)\(|torchrun\b|accelerate launch\b|def train\w*\("
            r"|python3? [^\n]*?(?:train|finetune|sft)\w*\.py\b"
            # hand-written updates: a gradient step on one line (NumPy, JAX without optax)
            r"|grads?\b[^\n]*\b(?:lr|learning_rate)\b|(?:lr|learning_rate)\b[^\n]*\bgrads?\b"
        ),
    ),
    (
        CodeRole.INFERENCE,
        lazy_re.compile(
            r"\.generate\(|pipeline\(|SamplingParams|vllm|LLM\(model|gr\.(?:Interface|Blocks|ChatInterface)\("
            r"|FastAPI\(|import streamlit|torch\.inference_mode|torch\.no_grad"
            r"|def (?:generate|sample|chat|predict|infer)\w*\(|AutoModel\w*\.from_pretrained\("
            r"|For\w+\.from_pretrained\("
        ),
    ),
    (
        CodeRole.EVALUATION,
        lazy_re.compile(
            r"lm_eval|evaluate\.load\(|perplexity|compute_metrics|accuracy_score|f1_score|rouge|bleu\b"
            r"|pass@k|exact_match|def eval\w*\(|hellaswag|mmlu|gsm8k|humaneval|lighteval|opencompass"
        ),
    ),
    (
        CodeRole.PREPROCESSING,
        lazy_re.compile(
            r"load_dataset\(|from datasets import|import datasets\b|dedup|minhash|datasketch"
            r"|\.to_parquet\(|read_parquet\(|import pyarrow|jsonlines|np\.memmap\(|\.tofile\(|datatrove"
            r"|def (?:tokenize|preprocess|filter|clean|dedup)\w*\(|warc"
            # writing training records (GPT-J's create_finetune_tfrecords.py), reading raw corpora
            r"|TFRecordWriter|tf\.train\.Example\(|lm_dataformat|ShardWriter\("
        ),
    ),
    (
        CodeRole.TOKENIZATION,
        lazy_re.compile(r"sentencepiece|from tokenizers import|import tiktoken|class \w*Tokenizer|BPE\("),
    ),
    (
        CodeRole.ARCHITECTURE,
        lazy_re.compile(
            r"class \w+\(\s*(?:torch\.)?nn\.Module\s*\)|class \w+\(\s*\w*PreTrainedModel\s*\)"
            r"|class \w+\(\s*(?:nn|eqx|hk|keras|tf\.keras|flax\.linen)\.(?:Module|Model|Layer)\s*\)"
            r"|from flax import linen|import flax\.linen|def forward\(self"
        ),
    ),
)
# Literal anchors: every match of a role's pattern contains one of its anchors. Anchors are
# found with str.find (C-fast) and the pattern is then tried on that line only.
# fmt: off
_ANCHORS: dict[CodeRole, tuple[str, ...]] = {
    CodeRole.TRAINING: (
        "optim", "optax.", ".backward(", "Trainer(", "TrainingArguments(", "deepspeed.initialize(",
        "trainer.", "torchrun", "accelerate launch", "def train", "python", "grad",
    ),
    CodeRole.INFERENCE: (
        ".generate(", "pipeline(", "SamplingParams", "vllm", "LLM(model", "gr.", "FastAPI(",
        "import streamlit", "torch.inference_mode", "torch.no_grad", "def generate", "def sample",
        "def chat", "def predict", "def infer", ".from_pretrained(",
    ),
    CodeRole.EVALUATION: (
        "lm_eval", "evaluate.load(", "perplexity", "compute_metrics", "accuracy_score", "f1_score",
        "rouge", "bleu", "pass@k", "exact_match", "def eval", "hellaswag", "mmlu", "gsm8k", "humaneval",
        "lighteval", "opencompass",
    ),
    CodeRole.PREPROCESSING: (
        "load_dataset(", "from datasets import", "import datasets", "dedup", "minhash", "datasketch",
        ".to_parquet(", "read_parquet(", "import pyarrow", "jsonlines", "np.memmap(", ".tofile(",
        "datatrove", "def tokenize", "def preprocess", "def filter", "def clean", "warc",
        "TFRecordWriter", "tf.train.Example(", "lm_dataformat", "ShardWriter(",
    ),
    CodeRole.TOKENIZATION: (
        "sentencepiece", "from tokenizers import", "import tiktoken", "Tokenizer", "BPE(",
    ),
    CodeRole.ARCHITECTURE: ("class ", "linen", "def forward(self"),
}
# fmt: on
_MAX_TRIES = 64  # anchor occurrences checked per role and file (a file of 1,000 classes stays cheap)
# A launcher (``torchrun``, ``accelerate launch``) starts whatever script follows: generate.py's usage
# comment "torchrun --nproc_per_node 1 generate.py" shows distributed inference, not training. In a
# comment, or anywhere in Python (where it can only be a usage note), a launcher line counts for
# training only when it also names training; a launch command in a shell script counts unless it
# names inference and not training.
_LAUNCHER = lazy_compile(r"torchrun\b|accelerate launch\b")
# Training words of a path that say "LoRA" or "reward" rather than "train": an inference package's
# lora.py applies adapters, a serving folder's reward.py scores. They count only outside inference paths.
_WEAK_TRAINING_WORDS = frozenset({"lora", "qlora", "reward"})


def _launches_training(line: str, usage_only: bool) -> bool:
    """Whether a launcher line starts training (``usage_only``: it can only be a usage note)."""
    words = set(_WORD.findall(line.lower()))
    if not (PATH_WORDS[CodeRole.TRAINING] - _WEAK_TRAINING_WORDS).isdisjoint(words) or (
        "fine-tun" in line or "fine_tun" in line
    ):
        return True
    if usage_only or line.lstrip().startswith("#"):
        return False
    return PATH_WORDS[CodeRole.INFERENCE].isdisjoint(words)


def _first_match(
    text: str, role: CodeRole, pattern: re.Pattern[str], usage_only: bool = False, start: int = 0
) -> re.Match[str] | None:
    """A match of ``pattern`` on a line holding one of the role's anchors (anchors in order), at or
    after ``start``.

    ``usage_only``: the text is Python, where a launcher command can only be a usage note.
    """
    tries = 0
    for anchor in _ANCHORS[role]:
        pos = text.find(anchor, start)
        while pos != -1 and tries < _MAX_TRIES:
            tries += 1
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            m = pattern.search(text, start, end)
            if m is not None and not (
                role is CodeRole.TRAINING
                and _LAUNCHER.match(m.group(0))
                and not _launches_training(text[start:end], usage_only)
            ):
                return m
            pos = text.find(anchor, end)
    return None


# Download scripts: what they fetch. Weights: weight files, checkpoints, Llama's consolidated.*.pth,
# params.json and tokenizer.model, hub download commands. Data: a dataset repository, or a fetch
# command whose target is a data file (``_CORROBORATING``: counted with a weak path word only, as in
# ``scripts/download_data.sh``).
_DATASET_REPO = lazy_compile(r"repo[-_]type[ =]+[\"']?dataset|huggingface\.co/datasets/|load_dataset\(")
_WEIGHTS_FETCH = lazy_compile(
    r"\.safetensors|\.bin\b|\.pth?\b|\.ckpt\b|\.gguf|checkpoint|weights|snapshot_download|hf_hub_download"
    r"|huggingface-cli download|hf download|model_size|consolidated|tokenizer\.model|params\.json",
    re.IGNORECASE,
)
# A deep-learning framework imported at the start of a line.
_ML_IMPORT = lazy_compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:torch|tensorflow|jax|flax|haiku|equinox|keras|transformers|diffusers|"
    r"mlx|paddle|mindspore|megatron|vllm|accelerate|deepspeed)\b",
    re.M,
)
# Content that backs a weak path word (and only such a word: alone it shows too little).
_CORROBORATING: dict[CodeRole, Regex] = {
    CodeRole.PREPROCESSING: lazy_re.compile(
        r"repo[-_]type[ =]+[\"']?dataset|huggingface\.co/datasets/|load_dataset\("
        r"|\b(?:wget|curl|aria2c|gsutil|aws s3|azcopy|rclone)\b[^\n]{0,300}?"
        r"\.(?:jsonl|json|parquet|arrow|csv|tsv|txt|zst|gz|xz|bz2|tar|zip|tfrecords?)\b"
        r"|torch\.utils\.data|class \w+\([\w.]*Dataset\w*\)|DataLoader\(|json\.loads?\(|\.jsonl\b"
        r"|csv\.(?:reader|writer|DictReader|DictWriter)\(|pd\.read_\w+\(|np\.save\w*\(|pickle\.dump\("
    ),
    CodeRole.INFERENCE: _ML_IMPORT,
    CodeRole.ARCHITECTURE: lazy_re.compile(r"def forward\w*\("),
}
_WEIGHT_WORDS = frozenset(
    {"model", "models", "weights", "weight", "ckpt", "ckpts", "checkpoint", "checkpoints", "stages", "params"}
)
_CORROBORATION_READ = 16_384  # characters of a file searched for what it fetches

_FROM_PRETRAINED = "from_pretrained"
_WORD = lazy_compile(r"[a-z]+")
MAX_LOCATIONS = 8


class CodeAnalysis(NamedTuple):
    # A tuple: one per code file, and a frozen dataclass's __init__ costs several times more (issue 14).
    roles: frozenset[CodeRole]
    reasons: tuple[str, ...]
    locations: tuple[Location, ...]


def is_test_path(parts: PathParts) -> bool:
    return (
        parts.folder.in_tests
        or parts.name.startswith("test_")
        or parts.stem.endswith("_test")
        or parts.name == "conftest.py"
    )


# Architecture words count in the file name or in these folders only: "models/" alone holds
# every kind of code in many releases.
_ARCHITECTURE_DIRS = frozenset(
    {"modeling", "modelling", "architecture", "architectures", "layers", "modules", "nn"}
)


# Every word of the roles ``_path_roles`` looks up in the whole path (architecture words count in
# the file name only, and are looked up there).
_ROLE_PATH_WORDS = frozenset().union(*(w for r, w in PATH_WORDS.items() if r is not CodeRole.ARCHITECTURE))
_ARCHITECTURE_WORDS = PATH_WORDS[CodeRole.ARCHITECTURE]
_WEAK_ARCHITECTURE_WORDS = _WEAK_PATH_WORDS[CodeRole.ARCHITECTURE]


@lru_cache(maxsize=1024)
def _word_roles(
    words: frozenset[str],
) -> tuple[frozenset[CodeRole], tuple[tuple[CodeRole, tuple[str, ...]], ...]]:
    """The roles a path's role words (its words in ``_ROLE_PATH_WORDS``) show, and the weak words of
    roles they only hint at, in ``PATH_WORDS`` order: the part of ``_path_roles`` that depends on
    those words alone, kept per set of words (the files of a folder mostly share theirs). The key is
    a subset of a fixed vocabulary, whatever the path."""
    roles: set[CodeRole] = set()
    weak: dict[CodeRole, tuple[str, ...]] = {}
    for role, role_words in PATH_WORDS.items():
        if role is CodeRole.ARCHITECTURE:
            continue
        hit = words & role_words
        if not hit:
            continue
        if hit - _WEAK_PATH_WORDS.get(role, frozenset()):
            roles.add(role)
        else:
            weak[role] = tuple(sorted(hit))
    if (
        CodeRole.TRAINING in roles
        and CodeRole.INFERENCE in roles
        and (words & PATH_WORDS[CodeRole.TRAINING]) <= _WEAK_TRAINING_WORDS
    ):
        roles.discard(CodeRole.TRAINING)  # mistral_inference/lora.py: adapters applied at inference
    return frozenset(roles), tuple(weak.items())


def path_roles(parts: PathParts) -> set[CodeRole]:
    """The roles a path shows on its own (its strong words); see ``_path_roles``."""
    return _path_roles(parts)[0]


def _path_roles(parts: PathParts) -> tuple[set[CodeRole], dict[CodeRole, tuple[str, ...]]]:
    """Roles the path shows on its own, and the weak words (``_WEAK_PATH_WORDS``) of roles it only
    hints at: those need the content to agree (``analyse``)."""
    role_words = parts.tokens & _ROLE_PATH_WORDS
    if role_words:
        strong, weak_words = _word_roles(role_words)
        roles, weak = set(strong), dict(weak_words)
    else:  # most paths hold none of these words
        roles, weak = set(), {}
    name_words = parts.stem_words
    architecture = name_words & _ARCHITECTURE_WORDS
    if architecture - _WEAK_ARCHITECTURE_WORDS or not _ARCHITECTURE_DIRS.isdisjoint(parts.dirs):
        roles.add(CodeRole.ARCHITECTURE)
    elif architecture:
        weak[CodeRole.ARCHITECTURE] = tuple(sorted(architecture))
    if "fine-tun" in parts.lower or "fine_tun" in parts.lower:
        roles.add(CodeRole.TRAINING)
    if not _EVALUATION_DIRS.isdisjoint(parts.dirs):
        # An evaluation folder's scripts are evaluation: its weak words (model_qa.py, generate_*_data.py)
        # do not count even with content that would back them elsewhere, and "dataset" there names the
        # benchmark (Evaluation/HumanEval/utils/dataset.py), not training data being processed.
        data_words = parts.tokens & PATH_WORDS[CodeRole.PREPROCESSING]
        if CodeRole.PREPROCESSING in roles and data_words <= _BENCHMARK_DATA:
            roles.discard(CodeRole.PREPROCESSING)
            roles.add(CodeRole.EVALUATION)
        return roles, {}
    if weak and CodeRole.PREPROCESSING in weak and (
        not _DATA_DIRS.isdisjoint(parts.dirs) or ("data" in name_words and name_words & _DATA_COMPOUNDS)
    ):
        # A package's data/ folder is its data pipeline; make_data.py, mix_data.py, data_utils.py name
        # what they do to data (generate_webpage_data_from_table.py does not).
        roles.add(CodeRole.PREPROCESSING)
        del weak[CodeRole.PREPROCESSING]
    return roles, weak


# What a Python module's later definitions can add to what its head showed: its model classes and
# the methods that run them (``class Llama(nn.Module)`` at line 300, ``def generate(`` below it). A
# training signal deep in a module is left alone: a model's ``def train(self, mode=True)`` override or
# a helper far below the imports is not a training script (a real one says so in its head or name).
DEEP_ROLES = frozenset({CodeRole.ARCHITECTURE, CodeRole.INFERENCE})
# A head that imports a deep-learning framework: the module may define a model further down
# (``_ML_IMPORT``, defined above with the other content patterns).


def reads_further(parts: PathParts, size: int, head: str | None, analysis: CodeAnalysis, read: int) -> bool:
    """Whether a Python file is worth reading past its head (``read`` bytes): it is longer than that,
    its head imports a deep-learning framework, and the head has not shown every role a deeper read
    could add (``DEEP_ROLES``). Everything else (shell scripts, utilities, tests, files the head
    settled) keeps the head-only read, so a large release costs what it did."""
    if parts.suffix != ".py" or size <= read or not head or is_test_path(parts):
        return False
    if analysis.roles >= DEEP_ROLES:
        return False
    return _ML_IMPORT.search(head) is not None


def deepen(parts: PathParts, text: str, analysis: CodeAnalysis, head: int = 0) -> CodeAnalysis:
    """``analysis`` (of the first ``head`` characters) with the ``DEEP_ROLES`` signals found in ``text`` (a
    longer read of the same file) past them, each with its line; a file that was only supporting code
    loses that label. The head is not searched again (but for its last line, which it may have cut)."""
    start = text.rfind("\n", 0, max(0, head - 1)) + 1 if head else 0
    roles = set(analysis.roles)
    reasons = list(analysis.reasons)
    locations = list(analysis.locations)
    added = False
    for role, pattern in _SIGNALS:
        if role not in DEEP_ROLES or role in roles:
            continue
        m = _first_match(text, role, pattern, True, start)
        if m is None:
            continue
        if role is CodeRole.INFERENCE and _FROM_PRETRAINED in m.group(0) and CodeRole.TRAINING in roles:
            continue
        line = text.count("\n", 0, m.start()) + 1
        roles.add(role)
        added = True
        reasons.append(f"{role}: {m.group(0).strip()[:60]!r} (line {line}, past the head)")
        if len(locations) < MAX_LOCATIONS:
            locations.append(Location(path=parts.path, lines=(line, line)))
    if not added:
        return analysis
    if CodeRole.SUPPORT in roles:
        roles.discard(CodeRole.SUPPORT)
        reasons = [r for r in reasons if not r.startswith("no training, inference")]
    return CodeAnalysis(frozenset(roles), tuple(reasons), tuple(locations))


def fetches_weights(parts: PathParts, text: str | None) -> bool:
    """Whether a download script fetches model weights (rather than data): its content names weight
    files or checkpoints and no dataset; unread, its name decides ("download.sh" alone is the usual
    weights fetcher)."""
    if text and text.strip():
        return _WEIGHTS_FETCH.search(text) is not None and _DATASET_REPO.search(text) is None
    if not _WEIGHT_WORDS.isdisjoint(parts.stem_words):
        return True
    return parts.stem in ("download", "fetch") and {"data", "dataset", "datasets"}.isdisjoint(parts.tokens)


def _line_of(text: str, m: re.Match[str]) -> int:
    return text.count("\n", 0, m.start()) + 1


def _weak_word_roles(
    parts: PathParts, text: str, weak: dict[CodeRole, tuple[str, ...]], roles: set[CodeRole]
) -> tuple[list[str], list[Location]]:
    """The roles of weak path words the content backs (``_CORROBORATING``: ``generate.py`` importing a
    deep-learning framework, ``model.py`` defining ``forward``, ``mix_data.py`` reading JSON lines, a
    ``download_data.sh`` fetching a dataset), and the reason a download script is not preprocessing
    when it fetches model weights. Roles are added to ``roles``."""
    head = text[:_CORROBORATION_READ]
    reasons: list[str] = []
    locations: list[Location] = []
    for role, words in weak.items():
        if role in roles:
            continue
        if role is CodeRole.PREPROCESSING and ("download" in words or parts.stem.startswith("fetch")):
            w = _WEIGHTS_FETCH.search(head)
            if w is not None and _DATASET_REPO.search(head) is None:
                line = _line_of(head, w)
                shown = w.group(0)[:60]
                reasons.append(f"fetches model weights: {shown!r} (line {line}): a weights download")
                locations.append(Location(path=parts.path, lines=(line, line)))
                continue
        m = _CORROBORATING[role].search(head)
        if m is None:
            continue
        line = _line_of(head, m)
        roles.add(role)
        reasons.append(f"{role}: path word {words[0]!r} with {m.group(0).strip()[:60]!r} (line {line})")
        locations.append(Location(path=parts.path, lines=(line, line)))
    return reasons, locations


_TEST_CODE = CodeAnalysis(frozenset({CodeRole.SUPPORT}), ("test code",), ())
_SUPPORT_REASON = "no training, inference, evaluation, data or model signal: supporting code"
_SUPPORT_CODE = CodeAnalysis(frozenset({CodeRole.SUPPORT}), (_SUPPORT_REASON,), ())


def analyse(parts: PathParts, text: str | None) -> CodeAnalysis:
    """Code roles for one file: strong path words, then content signals with their lines; a weak path
    word counts only with content that agrees."""
    if is_test_path(parts):
        return _TEST_CODE
    roles, weak = _path_roles(parts)
    reasons: list[str] = []
    if roles:
        reasons.append("path: " + ", ".join(sorted(str(r) for r in roles)))
    locations: list[Location] = []
    usage_only = parts.suffix in (".py", ".pyx", ".ipynb")
    in_evaluation = not _EVALUATION_DIRS.isdisjoint(parts.dirs)
    if text:
        for role, pattern in _SIGNALS:
            m = _first_match(text, role, pattern, usage_only)
            if m is None:
                continue
            if role is CodeRole.PREPROCESSING and in_evaluation and role not in roles:
                # Loading a benchmark in an evaluation folder (DeepSeek-Coder's
                # Evaluation/HumanEval/utils/dataset.py) is evaluation, not the processing of training
                # data; a strong path word (decontaminate.py, dedup/) still says preprocessing.
                roles.add(CodeRole.EVALUATION)
                shown = m.group(0).strip()[:40]
                reasons.append(f"evaluation: loads data in an evaluation folder ({shown!r})")
                continue
            # from_pretrained alone is loading, not running: count it for inference only when
            # nothing in the file says it trains.
            if role is CodeRole.INFERENCE and _FROM_PRETRAINED in m.group(0) and CodeRole.TRAINING in roles:
                continue
            line = _line_of(text, m)
            roles.add(role)
            reasons.append(f"{role}: {m.group(0).strip()[:60]!r} (line {line})")
            if len(locations) < MAX_LOCATIONS:
                locations.append(Location(path=parts.path, lines=(line, line)))
        more, where = _weak_word_roles(parts, text, weak, roles)
        reasons.extend(more)
        locations.extend(where[: MAX_LOCATIONS - len(locations)])
    else:
        # Content not read (another language, binary, absent): the name is all there is, so its weak
        # words count, said so. A verdict must not fail on content it could not read; a download
        # script is preprocessing only when named for data, as classify reads it.
        for role, words in weak.items():
            if role is CodeRole.PREPROCESSING and "download" in words and fetches_weights(parts, None):
                continue
            roles.add(role)
            reasons.append(f"{role}: path word {words[0]!r} (content not read)")
    if not roles:
        if not reasons and not locations:
            return _SUPPORT_CODE  # the usual answer for a file of helpers, built once
        roles.add(CodeRole.SUPPORT)
        if not (reasons and reasons[-1].startswith("fetches model weights")):
            reasons.append(_SUPPORT_REASON)
    return CodeAnalysis(frozenset(roles), tuple(reasons), tuple(locations))
