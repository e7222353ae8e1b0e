"""Is this release a model, or a tool for making or running models?

Component repositories are audited too: a data-preparation repository (LLM360's amber-data-prep), a
training framework (Levanter), a serving library. Judged as a model release they fail on "weights
absent", "training code absent", and take the weights of whatever model an example loads ("Qwen2.5-7B"
in Levanter's list of supported models) for their own. A tool holds no model of its own: the parts a
model release would have are not applicable to it, which the evidence says as ``unknown`` with that
reason (never ``absent``, never failed), and the only weights that are its own are those of its own
organisation or name.

A release is a tool when its README introduces it as a library / framework / toolkit / platform /
pipeline for training, serving or preparing data ("Levanter is a framework for training large
language models"; "This repository contains the code to prepare the data for the Amber 7B language
model") and it names no model of its own: no weights or checkpoints in the tree, no model card
metadata, no Hub snapshot of a model, no sentence presenting a model as its own ("we release",
"our model", a "Model weights" section linking its own org's repositories). FastChat ("an open
platform for training, serving ...") names Vicuna as its own and stays a model release.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openness.evidence.card import ModelCard
from openness.lazy_re import lazy_compile
from openness.model import Component, Inventory, Location, Publication, Role

INTRO_LINES = 80  # body lines of the primary README read for its self-introduction
MAX_OWN_LINES = 2_000  # README lines read for a model the release presents as its own

_TOOL = lazy_compile(
    r"\b(?:is|are|provides?|as)\s+(?:(?:an?|the|our)\s+)?(?:[\w-]{1,40}\s+){0,5}?"
    r"(?:library|libraries|framework|toolkit|tool ?kit|tools?|package|codebase|code ?base|platform|pipeline|"
    r"engine|suite|runtime|infrastructure)\b\s+(?:\w+\s+){0,2}?(?:for|to|that)\b|"
    r"\b(?:contains|provides|hosts|is)\s+(?:the\s+)?(?:code|scripts?|tools?)\s+(?:used\s+)?(?:to|for)\s+"
    r"(?:prepar\w*|process\w*|pre-?process\w*|clean\w*|filter\w*|download\w*|tokeni[sz]\w*|"
    r"dedup\w*|curat\w*|build\w*|creat\w*|generat\w*)\s+(?:[\w-]{1,40}\s+){0,3}?(?:data|datasets?|corpus|corpora)\b|"
    r"(?:框架|工具包|工具库|代码库)",
    re.I,
)
# The release presents a model as its own.
_OWN_MODEL = lazy_compile(
    r"\b(?:we\s+(?:are\s+)?(?:releas\w*|introduc\w*|present\w*|open-?sourc\w*|publish\w*|share)\s+"
    r"(?:the\s+|our\s+|a\s+|an\s+)?(?:[\w.-]{1,40}\s+){0,4}?(?:models?|weights|checkpoints?|llms?)\b|"
    r"our\s+(?:[\w.-]{1,40}\s+){0,2}?(?:models?|weights|checkpoints?)\b|"
    r"(?:this|the)\s+(?:model|checkpoint)\s+(?:is|was)\b|"
    r"(?:model|checkpoint)s?\s+(?:weights\s+)?(?:is|are)\s+(?:now\s+)?(?:available|released|uploaded)\b)|"
    r"我们(?:发布|开源)|本模型",
    re.I,
)
_MODEL_CARD_KEYS = ("model-index", "base_model", "pipeline_tag", "model_name", "model_type")


@dataclass(frozen=True)
class ReleaseKind:
    """``tool`` when the release is a tool/framework/data pipeline with no model of its own."""

    tool: bool
    what: str = ""  # the introduction's words ("a framework for training large language models")
    stated_at: Location | None = None
    own_names: frozenset[str] = frozenset()  # lowercase org and name of the release, when known

    def reason(self) -> str:
        where = f" ({self.stated_at})" if self.stated_at else ""
        return f"the release is {self.what}{where} and names no model of its own"


MODEL = ReleaseKind(False)


def target_names(target: str) -> frozenset[str]:
    """The release's own org and name from its target: a git URL ("https://github.com/stanford-crfm/
    levanter.git", "git@host:org/name.git") or "hf:org/name" give both; a local directory gives its
    own name, split when it is named "org+name" or "org__name" (its parent folder says nothing)."""
    raw = target.strip().rstrip("/")
    if raw.endswith(".git"):
        raw = raw[:-4]
    remote = raw.startswith("hf:") or "://" in raw or bool(re.match(r"^[\w.-]+@[\w.-]+:", raw))
    if remote:
        tail = raw[3:] if raw.startswith("hf:") else re.sub(r"^[\w+.-]+://[^/]+/|^[\w.-]+@[\w.-]+:", "", raw)
        parts = [p for p in tail.split("@", 1)[0].split("/") if p][-2:]
    else:
        base = os.path.basename(os.path.abspath(raw)) if raw in ("", ".", "..") else posixpath.basename(
            raw.replace("\\", "/")
        )
        parts = [x for x in re.split(r"\+|__", base) if x][-2:]
    return frozenset(n.lower() for n in parts if 2 <= len(n) <= 96)


def release_kind(
    inventory: Inventory,
    cards: Sequence[ModelCard],
    front: Mapping[str, Any],
    weights_places: Iterable[Publication] = (),
) -> ReleaseKind:
    """Whether the release is a tool with no model of its own (see the module docstring)."""
    if inventory.by_role(Role.WEIGHTS, Role.CHECKPOINT):
        return MODEL
    hub = inventory.snapshot.hub
    if hub is not None or any(k in front for k in _MODEL_CARD_KEYS):
        return MODEL
    intro = _introduction(cards)
    if intro is None:
        return MODEL
    names = target_names(inventory.snapshot.target)
    if any(own_place(p, names) for p in weights_places if p.stated_at.lines):
        return MODEL
    for card in cards:
        for n, line in enumerate(card.lines[:MAX_OWN_LINES], 1):
            if n >= card.body_start and _OWN_MODEL.search(line):
                return MODEL
    what, where = intro
    return ReleaseKind(True, what, where, names)


def _introduction(cards: Sequence[ModelCard]) -> tuple[str, Location] | None:
    """The primary README's self-introduction as a tool, if it makes one."""
    for card in cards[:2]:
        if not posixpath.basename(card.path).lower().startswith("readme"):
            continue
        end = min(len(card.lines), card.body_start - 1 + INTRO_LINES)
        for n in range(card.body_start, end + 1):
            line = card.lines[n - 1]
            m = _TOOL.search(line)
            if m:
                rest = re.split(r"[.;:,(\[<!]", line[m.end() : m.end() + 120], maxsplit=1)[0]
                return _clean(m.group(0) + rest), Location(card.path, (n, n))
        return None
    return None


def _clean(text: str) -> str:
    words = " ".join(text.replace("*", "").split())
    for lead in ("is ", "are ", "provides ", "provide ", "as ", "contains ", "hosts "):
        if words.lower().startswith(lead):
            words = words[len(lead) :]
            break
    words = words[:120]
    return words if words.lower().startswith(("a ", "an ", "the ")) else f"a {words}"


def own_place(p: Publication, names: frozenset[str]) -> bool:
    """A weights place that belongs to the release itself: its org's Hub repository or a link that
    carries its name. Used for tools, whose examples link other publishers' models."""
    if not names:
        return False
    flats = {flat(n) for n in names}  # "lm-sys" on GitHub is "lmsys" on the Hub
    place = p.place.lower()
    if place.startswith("hf:"):
        org, _, name = place[3:].partition("/")
        return flat(org) in flats or any(n in flat(name) for n in flats if len(n) >= 4)
    return any(n in flat(place) for n in flats if len(n) >= 4)


def flat(text: str) -> str:
    """Lowercase letters and digits only: "lm-sys" on GitHub is "lmsys" on the Hub."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


# A tool's own documents (a paper about the framework) still count; every other part a model
# release would have is not applicable when absent.
NOT_MODEL_PARTS = frozenset({Component.RESEARCH_PAPER, Component.TECHNICAL_REPORT})
MODEL_PARTS = tuple(c for c in Component if c not in NOT_MODEL_PARTS)

__all__ = [
    "INTRO_LINES",
    "MAX_OWN_LINES",
    "MODEL",
    "MODEL_PARTS",
    "ReleaseKind",
    "flat",
    "own_place",
    "release_kind",
    "target_names",
]
