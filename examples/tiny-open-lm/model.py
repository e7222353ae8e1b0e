"""Architecture of tiny-open-lm: a character-level MLP language model (Bengio et al. 2003 style).

The previous `context` characters are embedded (shared table), concatenated, passed through one tanh
hidden layer, and projected to logits over the vocabulary. Everything is float32 NumPy, computed in a
fixed order, so one CPU thread gives bit-identical results run after run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PARAM_NAMES = ("embed.weight", "hidden.weight", "hidden.bias", "out.weight", "out.bias")


@dataclass(frozen=True)
class Config:
    vocab_size: int
    context: int
    embed_dim: int
    hidden_dim: int

    @classmethod
    def from_dict(cls, d: dict) -> Config:
        return cls(int(d["vocab_size"]), int(d["context"]), int(d["embed_dim"]), int(d["hidden_dim"]))


def init_params(cfg: Config, rng: np.random.Generator) -> dict[str, np.ndarray]:
    fan_in = cfg.context * cfg.embed_dim
    return {
        "embed.weight": rng.normal(0.0, 1.0, (cfg.vocab_size, cfg.embed_dim)).astype(np.float32),
        "hidden.weight": (rng.normal(0.0, 1.0, (fan_in, cfg.hidden_dim)) / np.sqrt(fan_in)).astype(
            np.float32
        ),
        "hidden.bias": np.zeros(cfg.hidden_dim, dtype=np.float32),
        "out.weight": (rng.normal(0.0, 1.0, (cfg.hidden_dim, cfg.vocab_size)) * 0.1).astype(np.float32),
        "out.bias": np.zeros(cfg.vocab_size, dtype=np.float32),
    }


def forward(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """x: (batch, context) int ids -> logits (batch, vocab) and what backward needs."""
    emb = params["embed.weight"][x]  # (B, C, E)
    flat = emb.reshape(x.shape[0], -1)
    h = np.tanh(flat @ params["hidden.weight"] + params["hidden.bias"])
    logits = h @ params["out.weight"] + params["out.bias"]
    return logits, {"x": x, "flat": flat, "h": h}


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (nats) and its gradient w.r.t. the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = y.shape[0]
    loss = float(-np.log(probs[np.arange(n), y]).mean())
    grad = probs
    grad[np.arange(n), y] -= 1.0
    return loss, (grad / np.float32(n)).astype(np.float32)


def loss_and_grads(
    params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    logits, cache = forward(params, x)
    loss, dlogits = cross_entropy(logits, y)
    h = cache["h"]
    grads: dict[str, np.ndarray] = {
        "out.weight": h.T @ dlogits,
        "out.bias": dlogits.sum(axis=0),
    }
    dh = (dlogits @ params["out.weight"].T) * (1.0 - h * h)
    grads["hidden.weight"] = cache["flat"].T @ dh
    grads["hidden.bias"] = dh.sum(axis=0)
    demb = (dh @ params["hidden.weight"].T).reshape(x.shape[0], x.shape[1], -1)
    gembed = np.zeros_like(params["embed.weight"])
    np.add.at(gembed, x, demb)  # unbuffered scatter-add: deterministic order
    grads["embed.weight"] = gembed
    return loss, grads
