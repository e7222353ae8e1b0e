"""Parts published elsewhere (issue 10): where the weights and data live when the tree does not hold
them, with the line that says so; never present, never absent; near-misses bind nothing; bounded."""

from __future__ import annotations

import time
from pathlib import Path

from openness.evidence.elsewhere import MAX_CANDIDATES, MAX_PLACE_CHARS, MAX_PLACES
from openness.frameworks import osaid
from openness.model import Component, Evidence, Outcome, PlaceKind, Status
from test_evidence_support import MIT_TEXT, TRAIN_PY, evidence_of

W = Component.PARAMETERS_FINAL


def _crit(ev: Evidence, cid: str) -> osaid.Criterion:
    return next(c for c in osaid.assess(ev).criteria if c.id == cid)


def _places(ev: Evidence, c: Component = W) -> list[str]:
    return [p.place for p in ev.get(c).elsewhere]


T5_LIKE = """# T5

Code for the paper.

## Released Model Checkpoints

We have released the following checkpoints for pre-trained models:

* **T5-Small** (60 million parameters): [gs://t5-data/pretrained_models/small](https://console.cloud.google.com/storage/browser/t5-data/pretrained_models/small/)
* **T5-Base** (220 million parameters): [gs://t5-data/pretrained_models/base](https://console.cloud.google.com/x)
"""


def test_bucket_checkpoints_are_elsewhere_not_absent(tmp_path: Path) -> None:
    ev = evidence_of(tmp_path, {"README.md": T5_LIKE, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    w = ev.get(W)
    assert w.status is Status.UNKNOWN and w.published_elsewhere
    assert w.elsewhere[0].kind is PlaceKind.BUCKET
    assert w.elsewhere[0].place == "gs://t5-data/pretrained_models/small"
    assert w.elsewhere[0].stated_at.path == "README.md" and w.elsewhere[0].stated_at.lines == (9, 9)
    params = _crit(ev, "model.parameters")
    assert params.outcome is Outcome.UNKNOWN
    assert "gs://t5-data/pretrained_models/small" in params.detail
    # the repository's MIT only *may* cover weights kept elsewhere: no freedom passes on it
    use = _crit(ev, "freedom.use")
    assert use.outcome is Outcome.UNKNOWN and "were not read" in use.detail
    assert "gs://t5-data" in ev.summary and "MIT" in ev.summary and "not inspected" in ev.summary


def test_hub_links_and_from_pretrained_ids(tmp_path: Path) -> None:
    readme = """# Amber

The pretrained models are uploaded to the Hub: [Amber](https://huggingface.co/LLM360/Amber).

```python
from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained("LLM360/AmberChat")
```
"""
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT})
    assert _places(ev) == ["hf:LLM360/Amber", "hf:LLM360/AmberChat"]
    assert {p.kind for p in ev.get(W).elsewhere} == {PlaceKind.HUB_MODEL}


def test_torrent_and_zenodo(tmp_path: Path) -> None:
    readme = """# Grok

Download the weights with a torrent client: magnet:?xt=urn:btih:5f96d43576e3d386c9ba65b883210a393b68210e

The checkpoints are also archived at https://zenodo.org/records/123456
"""
    ev = evidence_of(tmp_path, {"README.md": readme})
    kinds = {p.kind for p in ev.get(W).elsewhere}
    assert kinds == {PlaceKind.TORRENT, PlaceKind.ARCHIVE}


def test_training_data_elsewhere(tmp_path: Path) -> None:
    readme = """# Model

```python
from datasets import load_dataset
ds = load_dataset("org/pretraining-mix")
```
"""
    ev = evidence_of(tmp_path, {"README.md": readme})
    d = ev.get(Component.DATASETS)
    assert d.status is Status.UNKNOWN and _places(ev, Component.DATASETS) == ["hf:org/pretraining-mix"]


def test_near_misses_bind_nothing(tmp_path: Path) -> None:
    readme = """# Our model

Our model is fine-tuned from [Llama-2](https://huggingface.co/meta-llama/Llama-2-7b-hf) weights.
It is compared with the baseline checkpoints at gs://other-lab/baseline.
Set the bucket for your checkpoints: gs://$MY_BUCKET/checkpoints or s3://your-bucket/weights
See the paper about the weights: https://arxiv.org/abs/2401.00001

## Acknowledgements

We thank the authors of [Pythia](https://huggingface.co/EleutherAI/pythia-70m) for their checkpoints.

## Fine-tuning

You can fine-tune on datasets like [alpaca](https://huggingface.co/datasets/tatsu-lab/alpaca) training data.
"""
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT})
    assert _places(ev) == []
    assert _places(ev, Component.DATASETS) == []


def test_other_publishers_models_are_dropped_when_the_release_links_its_own(tmp_path: Path) -> None:
    readme = """# Models

| size | weights |
|---|---|
| 7B | [link](https://huggingface.co/our-org/model-7b) |
| 13B | [link](https://huggingface.co/our-org/model-13b) |

Community models: [Capybara](https://huggingface.co/NousResearch/Nous-Capybara-34B) model.
"""
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert _places(ev) == ["hf:our-org/model-7b", "hf:our-org/model-13b"]


def test_ten_thousand_links_are_bounded_with_a_note(tmp_path: Path) -> None:
    rows = "\n".join(f"* weights {i}: [w](https://huggingface.co/org/model-{i})" for i in range(10_000))
    readme = "# Models\n\n" + rows + "\n"
    start = time.perf_counter()
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert time.perf_counter() - start < 10
    assert 0 < len(ev.get(W).elsewhere) <= MAX_PLACES
    assert any(f"more than {MAX_CANDIDATES} links" in n.message for n in ev.notes)
    assert _crit(ev, "model.parameters").outcome is Outcome.UNKNOWN  # never a pass


def test_hostile_urls_are_printable_and_bounded(tmp_path: Path) -> None:
    long = "a" * 5000
    readme = (
        "# Weights\n\n"
        "Download the weights: https://evil.example/\u202ebad\x1b[31m<script>alert(1)</script>\n"
        f"Download the checkpoints: gs://bucket/{long}\n"
        'Download the model weights: https://x.test/"onmouseover=alert(1)\n'
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    places = _places(ev)
    assert places, places
    for place in places:
        assert len(place) <= MAX_PLACE_CHARS
        assert all(0x21 <= ord(ch) < 0x7F or ch == "…" for ch in place), place
        assert not set(place) & set('<>"`\\')
    assert _crit(ev, "model.parameters").outcome is Outcome.UNKNOWN


def test_weights_in_the_tree_win(tmp_path: Path) -> None:
    from test_evidence_support import safetensors_bytes

    ev = evidence_of(
        tmp_path, {"README.md": T5_LIKE, "LICENSE": MIT_TEXT, "model.safetensors": safetensors_bytes()}
    )
    assert ev.get(W).status is Status.PRESENT and not ev.get(W).elsewhere
    assert ev.summary.startswith("Weights: in the release (model.safetensors)")


def test_a_link_does_not_keep_the_sentences_punctuation(tmp_path: Path) -> None:
    """amber-data-prep's README ends a sentence with a dataset link: the id has no trailing period."""
    readme = (
        "# Data prep\n\n## Training data\n\nWe train on https://huggingface.co/datasets/tiiuae/falcon-refinedweb.\n"
        "Weights: (https://huggingface.co/acme/acme-7b).\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    data = ev.get(Component.DATASETS)
    assert data.detail.endswith("tiiuae/falcon-refinedweb")
    assert all(not p.endswith((".", ")")) for p in _places(ev, Component.DATASETS) + _places(ev))
