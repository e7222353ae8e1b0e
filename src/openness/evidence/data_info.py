"""OSAID "data information": which of its required items a release's texts cover.

OSAID 1.0 asks for a complete description of the training data: provenance, scope and
characteristics, how it was obtained and selected, labelling procedures, processing and
filtering methods, and a list of the public (and obtainable) data with where to get it.
A text "covers" an item when it speaks of it; depth cannot be judged mechanically, so a
covered item is a pointer for the reader, and a missing one is a known gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openness import lazy_re
from openness.lazy_re import lazy_compile

ITEMS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "provenance",
        "provenance (where the data comes from)",
        lazy_re.compile(
            r"\b(?:sources?|sourced|provenance|origin|crawl\w*|scraped|common ?crawl|wikipedia|github|books|"
            r"arxiv|web (?:pages|data|text)|collected from|derived from|publicly available)\b",
            re.I,
        ),
    ),
    (
        "scope",
        "scope and characteristics (size, languages, domains, cut-off)",
        lazy_re.compile(
            r"\b(?:tokens|documents|languages?|domains?|size|composition|mixture|cut-?off|statistics|"
            r"characteristics|\d+(?:\.\d+)?\s*(?:[KMGTP]B|GiB|TiB|billion|trillion|million))\b",
            re.I,
        ),
    ),
    (
        "selection",
        "how the data was obtained and selected",
        lazy_re.compile(
            r"\b(?:obtained|selected|selection|sampl\w+|curat\w+|collected|collection|gathered|chosen|mix(?:ing)?|weights?ed)\b",
            re.I,
        ),
    ),
    (
        "labelling",
        "labelling procedures",
        lazy_re.compile(
            r"\b(?:annotat\w+|label\w*|rater|human feedback|preference data|unlabell?ed|self-supervised)\b",
            re.I,
        ),
    ),
    (
        "processing",
        "processing and filtering methods",
        lazy_re.compile(
            r"\b(?:filter\w*|dedup\w*|de-duplicat\w+|preprocess\w*|pre-process\w*|clean\w*|pii|"
            r"decontaminat\w+|quality classifier|normali[sz]\w+|"
            # a data-preparation pipeline's own steps (LLM360's amber-data-prep: "Tokenize the data
            # ...", "Concatenate the tokens into 2048 token sequences")
            r"tokeni[sz](?:e|ed|ing) (?:the )?(?:raw )?(?:data|datasets?|documents|text|corpus)|"
            r"concatenat\w+ (?:the )?(?:tokens|sequences|documents))\b",
            re.I,
        ),
    ),
    (
        "public-list",
        "list of the public training data and where to get it",
        lazy_re.compile(
            r"huggingface\.co/datasets/|https?://\S+|\bavailable (?:at|on|from)\b|\bdownload\w*\b", re.I
        ),
    ),
)
ITEM_TITLES = {key: title for key, title, _ in ITEMS}

# Pre-training on raw text has no labels: labelling is then not a gap.
_LABELS_RELEVANT = lazy_compile(
    r"\b(?:annotat\w+|label\w*|human|instruction|preference|rlhf|sft|supervised fine)", re.I
)


@dataclass(frozen=True)
class Coverage:
    """Which data-information items a release covers, and which do not apply to it."""

    covered: frozenset[str]
    not_applicable: frozenset[str] = frozenset()

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(k for k, _, _ in ITEMS if k not in self.covered and k not in self.not_applicable)

    def merged(self, other: Coverage) -> Coverage:
        covered = self.covered | other.covered
        return Coverage(covered, (self.not_applicable | other.not_applicable) - covered)


def coverage(text: str, *, datasets_listed: bool = False, skip: frozenset[str] = frozenset()) -> Coverage:
    """Items ``text`` covers; items in ``skip`` (already covered elsewhere) are not searched for:
    the case-insensitive alternations are the slow part on long papers."""
    covered = {key for key, _, rx in ITEMS if key not in skip and rx.search(text)}
    if datasets_listed:
        covered |= {"public-list", "provenance"}
    na = set()
    if "labelling" not in covered and "labelling" not in skip and not _LABELS_RELEVANT.search(text):
        na.add("labelling")
    return Coverage(frozenset(covered), frozenset(na))
