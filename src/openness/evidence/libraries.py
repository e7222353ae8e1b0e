"""Public libraries and frameworks a release runs on, and the licence each is published under.

Two tables, one question ("whose code is this, under which terms?"):
- ``LIBRARY_LICENSES``: inference libraries a card loads the model with (``from transformers import``
  ... ``from_pretrained``): the library is the release's inference code;
- ``TRAINING_FRAMEWORKS``: training frameworks a release says it was trained with, while shipping
  the configuration that drove them (Pythia's GPT-NeoX ``models/*.yml``, CrystalCoder's Cerebras
  Model Zoo ``params.yaml``, T5's Mesh TensorFlow gin files): the framework is the training code,
  the configs its arguments and settings.
Each licence is the one in the project's PyPI metadata and repository LICENSE.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openness import lazy_re
from openness.evidence.card import ModelCard
from openness.lazy_re import lazy_compile
from openness.model import Classified, Location, Role

LIBRARY_LICENSES = {
    "transformers": "Apache-2.0",
    "diffusers": "Apache-2.0",
    "sentence_transformers": "Apache-2.0",
    "vllm": "Apache-2.0",
    "llama_cpp": "MIT",
    "mlx_lm": "MIT",
    "open_clip": "MIT",
    "timm": "Apache-2.0",
    "peft": "Apache-2.0",
    "optimum": "Apache-2.0",
    "ctransformers": "MIT",
    "gguf": "MIT",
    "whisper": "MIT",
    "keras_nlp": "Apache-2.0",
    "keras_hub": "Apache-2.0",
    "sglang": "Apache-2.0",
}


@dataclass(frozen=True)
class Framework:
    """A well-known training framework: its name, its own licence and how a text names it."""

    name: str  # as the project spells it
    license: str  # SPDX id of the framework's own licence
    mention: re.Pattern[str]  # how a README or a requirements file names it


def _fw(name: str, license: str, rx: str) -> Framework:
    return Framework(name, license, lazy_re.compile(rx, re.I))


TRAINING_FRAMEWORKS: tuple[Framework, ...] = (
    _fw("GPT-NeoX", "Apache-2.0", r"\bgpt-neox\b(?!\w)"),
    _fw(
        "Megatron-LM",
        "BSD-3-Clause",
        r"\bmegatron(?:-lm|-deepspeed|[-_]core)\b|\bmegatron\b(?= (?:library|framework|codebase))",
    ),
    _fw(
        "NeMo",
        "Apache-2.0",
        r"\bnvidia[- ]nemo\b|\bnemo (?:framework|toolkit|megatron)\b|github\.com/nvidia/nemo\b",
    ),
    _fw("T5X", "Apache-2.0", r"\bt5x\b"),
    _fw("Mesh TensorFlow", "Apache-2.0", r"\bmesh[ _-]?tensorflow\b"),
    _fw("LLM Foundry", "Apache-2.0", r"\bllm[- ]foundry\b|\bllmfoundry\b"),
    _fw("OLMo-core", "Apache-2.0", r"\bolmo[-_]core\b"),
    _fw("nanotron", "Apache-2.0", r"\bnanotron\b"),
    _fw("Levanter", "Apache-2.0", r"\blevanter\b"),
    _fw("Axolotl", "Apache-2.0", r"\baxolotl\b"),
    _fw("torchtune", "BSD-3-Clause", r"\btorchtune\b"),
    _fw(
        "Cerebras Model Zoo",
        "Apache-2.0",
        r"\bcerebras model ?zoo\b|\bcerebras/modelzoo\b|\bcerebras_modelzoo\b",
    ),
    _fw("fairseq", "MIT", r"\bfairseq\b"),
    _fw("metaseq", "MIT", r"\bmetaseq\b"),
    _fw("LitGPT", "Apache-2.0", r"\blitgpt\b|\blit-gpt\b"),
    _fw("OpenLM", "MIT", r"\bopen_lm\b|mlfoundations/open_lm\b"),
    _fw("EasyLM", "Apache-2.0", r"\beasylm\b"),
    _fw("MaxText", "Apache-2.0", r"\bmaxtext\b"),
)

_ANY_FRAMEWORK = lazy_compile("|".join(f"(?:{fw.mention.pattern})" for fw in TRAINING_FRAMEWORKS), re.I)
_TRAIN = lazy_compile(r"\b(?:pre-?)?train(?:ed|ing|s)?\b|预训练|训练", re.I)
# A framework named as an alternative, a comparison or a credit is not what trained the model.
_NOT_OURS = lazy_compile(
    r"\b(?:inspired by|compared? (?:with|to|against)|thanks?|acknowledg\w*|such as|e\.g\.|"
    r"alternatively|also supports?|you can (?:also )?use|is (?:also )?compatible with|"
    r"(?:frameworks?|tools?|libraries) (?:like|including)|advise|recommend\w*|post-?training|"
    r"fine-?tun\w*|finetun\w*|sft|dpo|rlhf|lora)\b",
    re.I,
)
_SKIP_SECTION = lazy_compile(
    r"acknowledg|citation|cite|reference|related|thanks|credits|news|changelog", re.I,
)
CONFIG_EXTENSIONS = (".yml", ".yaml", ".gin", ".jsonnet", ".toml")
# YAML that configures tooling, not a training run.
_TOOLING = lazy_compile(
    r"(?:^|/)(?:\.github|\.gitlab|\.circleci|docs?|\.pre-commit[^/]*|mkdocs[^/]*|codecov[^/]*|"
    r"\.readthedocs[^/]*|environment[^/]*|conda[^/]*|docker-compose[^/]*|pyproject[^/]*|citation[^/]*|"
    r"\.?ruff[^/]*|\.?mypy[^/]*|setup[^/]*|poetry[^/]*|tox[^/]*|manifest[^/]*)(?:/|$)",
    re.I,
)
MAX_CONFIGS_SHOWN = 3
TRAIN_WINDOW = 2  # lines either side of a framework's name that may say it trained the model


@dataclass(frozen=True)
class TrainedWith:
    """A training framework the release says it used, where it says so, and its configs in the tree."""

    framework: Framework
    stated_at: Location
    configs: tuple[str, ...]


def training_configs(items: Iterable[Classified]) -> tuple[str, ...]:
    """Configuration files that can drive a training run (YAML/gin/TOML outside tooling folders)."""
    out: list[str] = []
    for it in items:
        path = it.entry.path
        if it.role is Role.TRAINING_CONFIG or (
            it.role in (Role.CONFIG, Role.OTHER)
            and path.lower().endswith(CONFIG_EXTENSIONS)
            and not _TOOLING.search(path)
            and posixpath.basename(path)[:1] != "."
        ):
            out.append(path)
    return tuple(out)


_LINK_AT = lazy_compile(r"\]\(\s*<?(https?://[^)\s>]{1,300})|\bhttps?://[^\s)\]>]{1,300}")


def framework_named(cards: Sequence[ModelCard]) -> tuple[TrainedWith, str | None] | None:
    """The public framework a README/card says the model was trained with, and the link it gives
    for it, whether or not the release ships the configs (``training_framework`` asks for them).
    Without configs the training code is published elsewhere (the framework's repository), not
    absent: "We train the models on cloud TPU-v4s using [EasyLM](https://github.com/young-geng/EasyLM)"."""
    for card, n, fw in _mentions(cards):
        line = card.lines[n - 1]
        link = None
        for m in _LINK_AT.finditer(line):
            url = (m.group(1) or m.group(0)).rstrip(".,;:!?)'\"")
            if fw.mention.search(url.replace("_", "-")) or fw.mention.search(url):
                link = url
                break
        return TrainedWith(fw, Location(card.path, (n, n)), ()), link
    return None


# A substring every framework's mention holds (lowercase): lines without one are not searched with
# the case-insensitive alternation of all frameworks, which costs ~40 ms over llama-models' cards.
_HINTS = (
    "neox", "megatron", "nemo", "t5x", "mesh", "foundry", "olmo", "nanotron", "levanter", "axolotl",
    "torchtune", "cerebras", "modelzoo", "fairseq", "metaseq", "litgpt", "lit-gpt", "open_lm", "easylm",
    "maxtext",
)  # fmt: skip


def _candidate_lines(card: ModelCard) -> list[int]:
    """1-based lines of the card holding one of ``_HINTS`` (fenced code included: a framework named
    in a command counts as in prose)."""
    index = card.index
    if index is None:
        low = [line.lower() for line in card.lines]
        return [n for n, line in enumerate(low, 1) if any(h in line for h in _HINTS)]
    found: set[int] = set()
    for hint in _HINTS:
        pos = index.lower.find(hint)
        while pos >= 0:
            found.add(bisect_right(index.starts, pos))
            pos = index.lower.find(hint, pos + 1)
    return sorted(found)


def _mentions(cards: Sequence[ModelCard]) -> Iterable[tuple[ModelCard, int, Framework]]:
    """(card, line, framework) for each line naming a training framework as what trained the model:
    a training word within ``TRAIN_WINDOW`` lines, outside acknowledgement and citation sections,
    not as an alternative or comparison."""
    for card in cards:
        skip = [s.lines for s in card.sections if _SKIP_SECTION.search(s.title)]
        for n in _candidate_lines(card):
            line = card.lines[n - 1]
            if n < card.body_start or not _ANY_FRAMEWORK.search(line):
                continue
            if any(a <= n <= b for a, b in skip[:200]):
                continue
            for fw in TRAINING_FRAMEWORKS:
                if not fw.mention.search(line) or _NOT_OURS.search(line):
                    continue
                window = card.lines[max(0, n - 1 - TRAIN_WINDOW) : n + TRAIN_WINDOW]
                if any(_TRAIN.search(w) for w in window):
                    yield card, n, fw
                    break


def training_framework(
    cards: Sequence[ModelCard], items: Sequence[Classified], requirements: Sequence[tuple[str, str]] = ()
) -> TrainedWith | None:
    """The public framework the release says it was trained with, when it ships the configs.

    Named on a README/card line with a training word within ``TRAIN_WINDOW`` lines (outside
    acknowledgement and citation sections, not as an alternative or comparison), or in a
    requirements file ``(path, text)``; and at least one training configuration in the release."""
    configs = training_configs(items)
    if not configs:
        return None
    for card, n, fw in _mentions(cards):
        return TrainedWith(fw, Location(card.path, (n, n)), configs)
    for path, text in requirements:
        for n, line in enumerate(text.splitlines()[:2000], 1):
            if not _ANY_FRAMEWORK.search(line.replace("_", "-")) and not _ANY_FRAMEWORK.search(line):
                continue
            for fw in TRAINING_FRAMEWORKS:
                if fw.mention.search(line.replace("_", "-")) or fw.mention.search(line):
                    return TrainedWith(fw, Location(path, (n, n)), configs)
    return None


__all__ = [
    "CONFIG_EXTENSIONS",
    "LIBRARY_LICENSES",
    "MAX_CONFIGS_SHOWN",
    "TRAINING_FRAMEWORKS",
    "Framework",
    "TrainedWith",
    "framework_named",
    "training_configs",
    "training_framework",
]
