"""Data preparation for tiny-open-lm: normalise the corpus, build the character vocabulary, split.

Processing (also described in DATA_CARD.md): lowercase; every run of blank lines becomes one newline;
runs of spaces become one space. The vocabulary is the sorted set of characters left. The last 10% of
the encoded text (by position) is held out for evaluation; nothing is filtered or labelled.

Run alone (`python preprocess.py`) it writes `vocab.json`, the tokenizer file of the release.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

VALIDATION_FRACTION = 0.1


def normalise(text: str) -> str:
    text = text.lower().replace("\r\n", "\n")
    text = re.sub(r"\n\s*\n+", "\n", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip() + "\n"


def build_vocab(text: str) -> list[str]:
    return sorted(set(text))


def encode(text: str, vocab: list[str]) -> np.ndarray:
    index = {ch: i for i, ch in enumerate(vocab)}
    return np.array([index[ch] for ch in text], dtype=np.int64)


def decode(ids: list[int], vocab: list[str]) -> str:
    return "".join(vocab[i] for i in ids)


def load_corpus(path: str | Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return (vocab, train ids, validation ids)."""
    text = normalise(Path(path).read_text(encoding="utf-8"))
    vocab = build_vocab(text)
    ids = encode(text, vocab)
    cut = int(len(ids) * (1.0 - VALIDATION_FRACTION))
    return vocab, ids[:cut], ids[cut:]


def windows(ids: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (context characters -> next character) pair, in text order."""
    n = len(ids) - context
    x = np.stack([ids[i : i + n] for i in range(context)], axis=1)
    y = ids[context : context + n]
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="vocab.json")
    args = parser.parse_args()
    vocab, train, val = load_corpus(args.corpus)
    Path(args.out).write_text(json.dumps({"type": "char", "vocab": vocab}, indent=1) + "\n", encoding="utf-8")
    print(f"vocab {len(vocab)} characters; train {len(train)}; validation {len(val)}")


if __name__ == "__main__":
    main()
