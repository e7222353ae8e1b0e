"""Evaluation of tiny-open-lm: mean cross-entropy (nats and bits per character) and perplexity.

Measured on the held-out last 10% of the corpus (see preprocess.py) and, for comparison, on the
training part and against a unigram baseline fitted on the training part. Writes eval_results.json.

    python evaluate.py --weights model.safetensors --out eval_results.json
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from model import Config, cross_entropy, forward
from preprocess import load_corpus, windows
from safetensors.numpy import load_file
from train import read_metadata


def mean_nll(params: dict[str, np.ndarray], ids: np.ndarray, context: int) -> float:
    x, y = windows(ids, context)
    logits, _ = forward(params, x)
    loss, _ = cross_entropy(logits, y)
    return loss


def unigram_nll(train: np.ndarray, val: np.ndarray, vocab_size: int) -> float:
    counts = np.bincount(train, minlength=vocab_size).astype(np.float64) + 1.0  # add-one smoothing
    logp = np.log(counts / counts.sum())
    return float(-logp[val].mean())


def evaluate(weights: str, corpus: str) -> dict:
    params = load_file(weights)
    meta = read_metadata(Path(weights))
    cfg = Config.from_dict(meta["config"])
    _, train, val = load_corpus(corpus)
    val_nll = mean_nll(params, val, cfg.context)
    train_nll = mean_nll(params, train, cfg.context)
    base = unigram_nll(train, val, cfg.vocab_size)

    def row(nll: float) -> dict:
        return {
            "nll_nats": round(nll, 4),
            "bits_per_char": round(nll / math.log(2), 4),
            "perplexity": round(math.exp(nll), 3),
        }

    return {
        "model": "tiny-open-lm",
        "weights": weights,
        "step": meta["step"],
        "dataset": {
            "name": "tiny-open-lm corpus",
            "path": corpus,
            "split": "validation = last 10% of characters",
        },
        "results": {
            "validation": row(val_nll),
            "train": row(train_nll),
            "unigram_baseline_validation": row(base),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", default="model.safetensors")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="eval_results.json")
    args = parser.parse_args()
    results = evaluate(args.weights, args.corpus)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results["results"], indent=2))


if __name__ == "__main__":
    main()
