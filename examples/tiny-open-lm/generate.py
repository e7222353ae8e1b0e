"""Inference for tiny-open-lm: sample text from the trained weights.

python generate.py --prompt "the keeper " --length 200 --seed 0
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from model import Config, forward
from safetensors.numpy import load_file
from train import read_metadata


def generate(weights: str, prompt: str, length: int, temperature: float = 0.8, seed: int = 0) -> str:
    params = load_file(weights)
    meta = read_metadata(weights)  # type: ignore[arg-type]
    vocab: list[str] = meta["vocab"]
    cfg = Config.from_dict(meta["config"])
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = [index.get(ch, index[" "]) for ch in prompt.lower()]
    ids = [index[" "]] * max(0, cfg.context - len(ids)) + ids
    rng = np.random.default_rng(seed)
    for _ in range(length):
        logits, _ = forward(params, np.array([ids[-cfg.context :]]))
        z = logits[0].astype(np.float64) / max(temperature, 1e-6)
        p = np.exp(z - z.max())
        ids.append(int(rng.choice(len(vocab), p=p / p.sum())))
    return prompt + "".join(vocab[i] for i in ids[-length:])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", default="model.safetensors")
    parser.add_argument("--prompt", default="the keeper ")
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print a JSON object instead of plain text")
    args = parser.parse_args()
    text = generate(args.weights, args.prompt, args.length, args.temperature, args.seed)
    print(json.dumps({"prompt": args.prompt, "text": text}) if args.json else text)


if __name__ == "__main__":
    main()
