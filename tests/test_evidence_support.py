"""Helpers for the evidence, OSAID and findings tests: small releases written to tmp_path and
read back through the real local source and inventory (no test functions here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openness.evidence import build_evidence
from openness.inventory import build_inventory
from openness.model import Evidence, Inventory
from openness.sources import SourceOptions, open_target

APACHE_HEAD = """                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
"""

MIT_TEXT = """MIT License

Copyright (c) 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

TRAIN_PY = """import torch
from torch.utils.data import DataLoader

def main():
    torch.manual_seed(1234)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for batch in DataLoader(ds):
        loss = model(batch).loss
        loss.backward()
        optimizer.step()
"""

GENERATE_PY = """import torch

def run(prompt):
    return model.generate(tokenizer(prompt))
"""

DATA_CARD = """# Data card

## Provenance
The corpus is sourced from Wikipedia and public-domain books, collected in 2024.

## Composition
2 billion tokens of English documents; cut-off December 2023.

## Selection
Documents were selected by sampling per domain.

## Labelling
No labels: self-supervised next-token prediction on raw text.

## Processing
Deduplicated with MinHash, filtered by a quality classifier, PII removed.

## Where to get it
Available at https://huggingface.co/datasets/example/corpus
"""


def write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def inventory_of(root: Path) -> Inventory:
    return build_inventory(open_target(str(root), SourceOptions()))


def evidence_of(root: Path, files: Mapping[str, str | bytes] | None = None) -> Evidence:
    if files is not None:
        write(root, files)
    return build_evidence(inventory_of(root))


def safetensors_bytes(n: int = 12) -> bytes:
    """A real safetensors file with one float32 tensor of n values."""
    import numpy as np
    from safetensors.numpy import save

    return save({"w": np.zeros((n,), dtype=np.float32)})


def engine_identifies_texts() -> bool:
    """Whether the licence engine in this tree identifies licence texts (not just ids)."""
    from openness.licenses import analyze_text
    from openness.model import Location

    return bool(analyze_text(MIT_TEXT, Location("LICENSE", (1, 21))).matches)
