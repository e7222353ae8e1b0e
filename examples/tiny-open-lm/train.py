"""Train tiny-open-lm from scratch, or resume from a released checkpoint for a bounded segment.

    python train.py                                   # full run: writes model.safetensors + checkpoints/
    python train.py --resume checkpoints/step-200.safetensors --steps 200 --out step-400.safetensors

Determinism: the initial weights come from `seed`; the minibatch of step k is drawn from a generator
seeded with (seed, k), so the data order of any step is known without replaying earlier steps.
A checkpoint holds the parameters and the Adam moments, so a resumed segment repeats the original
run bit for bit. Run single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS=1) for bit-identical results.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml
from model import PARAM_NAMES, Config, init_params, loss_and_grads
from preprocess import load_corpus, windows
from safetensors.numpy import load_file, save_file


def batch_indices(seed: int, step: int, n: int, batch_size: int) -> np.ndarray:
    return np.random.default_rng([seed, step]).integers(0, n, size=batch_size)


def header_metadata(meta: dict, step: int) -> dict[str, str]:
    # ONE metadata key: safetensors keeps __metadata__ in a hash map, so with several keys their order
    # in the file header (and so the file's sha256) changes from run to run (seen with safetensors 0.8).
    return {"tiny-open-lm": json.dumps({**meta, "step": step}, sort_keys=True)}


def read_metadata(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as fh:
        return json.loads((fh.metadata() or {})["tiny-open-lm"])


def save_checkpoint(path: Path, params: dict, m: dict, v: dict, step: int, meta: dict) -> None:
    tensors = {}
    for name in PARAM_NAMES:
        tensors[f"param.{name}"] = params[name]
        tensors[f"adam.m.{name}"] = m[name]
        tensors[f"adam.v.{name}"] = v[name]
    save_file(tensors, str(path), metadata=header_metadata(meta, step))


def load_checkpoint(path: Path) -> tuple[dict, dict, dict, int]:
    tensors = load_file(str(path))
    step = int(read_metadata(path)["step"])
    params = {n: tensors[f"param.{n}"] for n in PARAM_NAMES}
    m = {n: tensors[f"adam.m.{n}"] for n in PARAM_NAMES}
    v = {n: tensors[f"adam.v.{n}"] for n in PARAM_NAMES}
    return params, m, v, step


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", default="config.json")
    parser.add_argument("--train-config", default="train_config.yaml")
    parser.add_argument("--corpus", default="data/corpus.txt")
    parser.add_argument("--out", default="model.safetensors")
    parser.add_argument("--checkpoint-dir", default="checkpoints")
    parser.add_argument("--resume", help="start from this checkpoint (parameters + Adam state)")
    parser.add_argument("--steps", type=int, help="run this many steps (default: to the configured end)")
    args = parser.parse_args()

    cfg = Config.from_dict(json.loads(Path(args.config).read_text(encoding="utf-8")))
    hp = yaml.safe_load(Path(args.train_config).read_text(encoding="utf-8"))
    seed, lr, b1, b2, eps = (
        int(hp["seed"]),
        float(hp["lr"]),
        float(hp["beta1"]),
        float(hp["beta2"]),
        float(hp["eps"]),
    )
    vocab, train_ids, _ = load_corpus(args.corpus)
    if len(vocab) != cfg.vocab_size:
        raise SystemExit(f"corpus has {len(vocab)} characters, config.json says {cfg.vocab_size}")
    x_all, y_all = windows(train_ids, cfg.context)
    meta = {"vocab": vocab, "config": cfg.__dict__, "seed": seed}

    if args.resume:
        params, m, v, start = load_checkpoint(Path(args.resume))
    else:
        params = init_params(cfg, np.random.default_rng(seed))
        m = {n: np.zeros_like(p) for n, p in params.items()}
        v = {n: np.zeros_like(p) for n, p in params.items()}
        start = 0
    end = start + args.steps if args.steps is not None else int(hp["steps"])
    every = int(hp["checkpoint_every"])
    ckpt_dir = Path(args.checkpoint_dir)

    loss = float("nan")
    for step in range(start + 1, end + 1):
        idx = batch_indices(seed, step, len(y_all), int(hp["batch_size"]))
        loss, grads = loss_and_grads(params, x_all[idx], y_all[idx])
        c1 = np.float32(1.0 - b1**step)
        c2 = np.float32(1.0 - b2**step)
        for name in PARAM_NAMES:
            g = grads[name].astype(np.float32)
            m[name] = np.float32(b1) * m[name] + np.float32(1.0 - b1) * g
            v[name] = np.float32(b2) * v[name] + np.float32(1.0 - b2) * g * g
            update = np.float32(lr) * (m[name] / c1) / (np.sqrt(v[name] / c2) + np.float32(eps))
            params[name] = (params[name] - update).astype(np.float32)
        if not args.resume and step % every == 0 and step < end:
            ckpt_dir.mkdir(parents=True, exist_ok=True)
            save_checkpoint(ckpt_dir / f"step-{step:03d}.safetensors", params, m, v, step, meta)
        if step % 100 == 0:
            print(f"step {step} loss {loss:.4f}")

    if args.resume:
        save_checkpoint(Path(args.out), params, m, v, end, meta)
    else:
        save_file({n: params[n] for n in PARAM_NAMES}, args.out, metadata=header_metadata(meta, end))
    print(f"wrote {args.out} at step {end}, last minibatch loss {loss:.4f}")


if __name__ == "__main__":
    main()
