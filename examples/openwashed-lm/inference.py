"""Run Acme-Tiny: greedy or sampled next-character generation from a bigram logit table."""

from __future__ import annotations

import argparse
import json

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def generate(weights: str, prompt: str, length: int = 80, seed: int = 0) -> str:
    tensors = load_file(weights)
    with safe_open(weights, framework="numpy") as fh:
        vocab: list[str] = json.loads((fh.metadata() or {})["vocab"])
    index = {ch: i for i, ch in enumerate(vocab)}
    rng = np.random.default_rng(seed)
    current = index.get(prompt[-1:], 0) if prompt else 0
    out = []
    for _ in range(length):
        logits = tensors["embed.weight"][current] @ tensors["lm_head.weight"]
        p = np.exp(logits - logits.max())
        current = int(rng.choice(len(vocab), p=p / p.sum()))
        out.append(vocab[current])
    return prompt + "".join(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", default="model.safetensors")
    parser.add_argument("--prompt", default="hello")
    parser.add_argument("--length", type=int, default=80)
    args = parser.parse_args()
    print(generate(args.weights, args.prompt, args.length))
