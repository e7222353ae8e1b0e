"""What counts as the model's own: incomplete hub snapshots (unknown, never absent), fine-tuning and
example material (not the base model's training data or code), evaluation data, the licence of
weights kept elsewhere, and a README that is the release's model card."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest

from corpus_release import rebuild
from openness.errors import SourceError
from openness.evidence import build_evidence
from openness.frameworks import debian_ml, eu_ai_act
from openness.inventory import build_inventory
from openness.model import Component, Evidence, FileEntry, HubMetadata, Snapshot, Status
from openness.sources import SourceOptions, open_target
from test_evidence_support import MIT_TEXT, TRAIN_PY, evidence_of, safetensors_bytes

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
_TMP = Path(tempfile.mkdtemp(prefix="evidence-scope-"))


@cache
def _corpus(release: str) -> Evidence:
    root = rebuild(CORPUS / release, _TMP / release)
    return build_evidence(build_inventory(open_target(str(root), SourceOptions())))


# --------------------------------------------------------------------------- 1. hub completeness


def _hub_snapshot(files: dict[str, bytes | None], gated: str | None = None, **extra: object) -> Snapshot:
    """A hub snapshot as the HF source builds it: ``None`` content = listed but not readable."""

    def read(path: str, limit: int) -> bytes:
        data = files.get(path)
        if data is None:
            raise SourceError(f"{path}: not downloaded")
        return data[:limit]

    entries = tuple(
        FileEntry(p, len(d) if d is not None else 1000, origin="hf:org/model", readable=d is not None)
        for p, d in files.items()
    )
    hub = HubMetadata("org/model", card_data={"license": "apache-2.0"}, gated=gated, extra=dict(extra))
    return Snapshot("hf:org/model", "hf", entries, read, hub, origins=("hf:org/model",))


CARD = b"---\nlicense: apache-2.0\n---\n# Model\nA small model.\n"


def test_incomplete_hub_listing_makes_unseen_components_unknown() -> None:
    """Offline from the cache (no record of the full listing): nothing the cache lacks is absent."""
    snap = _hub_snapshot(
        {"README.md": CARD, "config.json": b'{"hidden_size": 8, "num_hidden_layers": 2}'},
        source="cache",
        complete=False,
    )
    ev = build_evidence(build_inventory(snap))
    absent = [c for c, e in ev.components.items() if e.status is Status.ABSENT]
    assert absent == []
    training = ev.get(Component.TRAINING_CODE)
    assert training.status is Status.UNKNOWN
    assert "only the files in the local Hugging Face cache were seen" in training.detail
    assert any(loc.key == "hub:cache" for loc in training.locations)
    weights = ev.get(Component.PARAMETERS_FINAL)
    assert weights.status is Status.UNKNOWN
    assert any(a.license.location.key == "card:license" for a in weights.licenses)  # terms still judged


def test_complete_listing_with_unread_files_keeps_name_only_absences() -> None:
    """Gated: every file listed, none readable. What file names alone show (no weights, no data)
    stays absent; what content would show (code roles, card sections) is unknown."""
    snap = _hub_snapshot(
        {"README.md": None, "src/modeling.py": None, "model.safetensors": None},
        source="hub",
        complete=False,
        gated="manual",
        branches=["main"],
    )
    ev = build_evidence(build_inventory(snap))
    assert ev.get(Component.DATASETS).status is Status.ABSENT  # no data file in a complete listing
    training = ev.get(Component.TRAINING_CODE)
    assert training.status is Status.UNKNOWN
    assert "gated on the Hub (manual)" in training.detail and "could not be read" in training.detail
    assert "README.md" in training.detail
    assert ev.get(Component.PARAMETERS_INTERMEDIATE).status is Status.ABSENT  # refs were listed


def test_unlisted_refs_hide_only_intermediate_checkpoints() -> None:
    snap = _hub_snapshot(
        {"README.md": CARD, "model.safetensors": None}, source="hub", complete=False, branches=[]
    )
    ev = build_evidence(build_inventory(snap))
    inter = ev.get(Component.PARAMETERS_INTERMEDIATE)
    assert inter.status is Status.UNKNOWN and "branches and tags could not be listed" in inter.detail
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT  # every small file was read


def test_unreadable_headers_alone_hide_nothing() -> None:
    snap = _hub_snapshot(
        {"README.md": CARD, "model.safetensors": None}, source="hub", complete=False, branches=["main"]
    )
    ev = build_evidence(build_inventory(snap))
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT
    assert ev.get(Component.PARAMETERS_INTERMEDIATE).status is Status.ABSENT


def test_complete_hub_snapshot_keeps_absent() -> None:
    snap = _hub_snapshot({"README.md": CARD, "model.safetensors": safetensors_bytes()}, complete=True)
    ev = build_evidence(build_inventory(snap))
    assert ev.get(Component.TRAINING_CODE).status is Status.ABSENT


def test_minilm_hub_cache_offline_is_unknown_not_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub_fixtures import MINILM_ID, Unavailable, build_hf_cache, minilm_dir

    try:
        files = minilm_dir()
    except Unavailable as exc:
        pytest.skip(str(exc))
    cache_dir = tmp_path / "hub"
    build_hf_cache(files, cache_dir, MINILM_ID)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache_dir))
    monkeypatch.setenv("OPENNESS_CACHE", str(tmp_path / "openness"))
    snap = open_target(f"hf:{MINILM_ID}", SourceOptions(offline=True))
    assert snap.hub is not None and snap.hub.extra["complete"] is False
    ev = build_evidence(build_inventory(snap))
    for c in (Component.TRAINING_CODE, Component.DATA_PREPROCESSING_CODE, Component.OPTIMIZER_STATE):
        assert ev.get(c).status is Status.UNKNOWN, c
        assert "local Hugging Face cache" in ev.get(c).detail
    assert ev.get(Component.PARAMETERS_FINAL).status is Status.PRESENT  # what was seen stays seen


# --------------------------------------------------------------------------- 2. fine-tuning and examples


def test_finetune_folder_is_not_the_models_training_material(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": "# M\nA base model. See finetune/ to adapt it to your task.\n",
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
            "finetune/sft_train.py": TRAIN_PY,
            "finetune/data/train.jsonl": '{"prompt": "a", "response": "b"}\n' * 20,
            "finetune/data/eval.jsonl": '{"prompt": "a", "response": "b"}\n' * 5,
        },
    )
    training = ev.get(Component.TRAINING_CODE)
    assert training.status is Status.PARTIAL
    assert "fine-tuning/example" in training.detail and "finetune/sft_train.py" in training.detail
    data = ev.get(Component.DATASETS)
    assert data.status is Status.ABSENT and "fine-tuning/example data" in data.detail
    assert not data.licenses  # MIT covers the sample file, not the model's training data
    evaluation = ev.get(Component.EVALUATION_DATA)
    assert evaluation.status is Status.PRESENT
    assert [loc.path for loc in evaluation.locations] == ["finetune/data/eval.jsonl"]


def test_card_saying_the_model_was_trained_on_the_folder_makes_it_its_own(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": "# M\nThe model was trained on finetune/data/ with finetune/sft_train.py.\n",
            "LICENSE": MIT_TEXT,
            "model.safetensors": safetensors_bytes(),
            "finetune/sft_train.py": TRAIN_PY,
            "finetune/data/train.jsonl": '{"prompt": "a", "response": "b"}\n' * 20,
        },
    )
    assert ev.get(Component.TRAINING_CODE).status is Status.PRESENT
    data = ev.get(Component.DATASETS)
    assert data.status is Status.PRESENT and data.licenses


def test_yi_example_finetuning_material(corpus_dir: Path) -> None:
    ev = _corpus("01-ai__Yi")
    data = ev.get(Component.DATASETS)
    assert data.status is Status.ABSENT
    assert "finetune/yi_example_dataset/data/train.jsonl" in data.detail
    training = ev.get(Component.TRAINING_CODE)
    assert training.status is Status.PARTIAL and "fine-tuning/example" in training.detail
    assert ev.get(Component.DATA_PREPROCESSING_CODE).status is Status.PARTIAL
    assert "finetune/yi_example_dataset/data/eval.jsonl" in {
        loc.path for loc in ev.get(Component.EVALUATION_DATA).locations
    }
    assert debian_ml.assess(ev).status != "free-model"


def test_minicpm_finetune_demo_and_quantisation_data(corpus_dir: Path) -> None:
    ev = _corpus("OpenBMB__MiniCPM")
    data = ev.get(Component.DATASETS)
    assert data.status is not Status.PRESENT
    assert not any(
        loc.path and loc.path.startswith(("finetune/", "quantize/", "demo/")) for loc in data.locations
    )
    assert ev.get(Component.TRAINING_CODE).status is Status.PARTIAL
    assert ev.get(Component.DATA_PREPROCESSING_CODE).status is Status.PARTIAL
    assert debian_ml.assess(ev).status != "free-model"


def test_olmo_benchmark_data_is_evaluation_data(corpus_dir: Path) -> None:
    ev = _corpus("allenai__OLMo")
    evaluation = {loc.path for loc in ev.get(Component.EVALUATION_DATA).locations}
    assert any(p and p.startswith("olmo_data/hf_datasets/") for p in evaluation)
    data = ev.get(Component.DATASETS)
    assert not any(loc.path and loc.path.startswith("olmo_data/") for loc in data.locations)
    # The README names the pre-training mixes on the Hub: named, not inspected offline.
    assert data.status is Status.UNKNOWN and "allenai/olmo-mix-1124" in data.detail
    assert [str(loc) for loc in data.locations] == ["README.md:47", "README.md:48"]
    info = ev.get(Component.DATA_INFORMATION)  # the links are data information too (the public list)
    assert "training data linked in README.md" in info.detail and "public" not in info.detail
    assert ev.get(Component.TRAINING_CODE).status is Status.PRESENT  # olmo/train.py, scripts/train.py


def test_finetune_folder_presenting_a_released_model_is_its_training_code(corpus_dir: Path) -> None:
    """amber-train's finetune/README.md: "AmberChat is an instruction following model finetuned from
    Amber": the folder is how a model of the release was trained, not an example for users."""
    ev = _corpus("LLM360__amber-train")
    training = ev.get(Component.TRAINING_CODE)
    assert training.status is Status.PRESENT
    assert all(loc.path and loc.path.startswith("finetune/") for loc in training.locations)


def test_amber_card_sections_paper_datamix_hyperparameters(corpus_dir: Path) -> None:
    """The card cites its paper in fenced BibTeX (eprint), describes the data in '## DataMix' and
    lists sizes under '## Hyperparameters' (no optimiser settings: partial)."""
    ev = _corpus("LLM360__amber-train")
    paper = ev.get(Component.RESEARCH_PAPER)
    assert paper.status is Status.PRESENT and "2312.06550" in paper.detail
    assert [str(loc) for loc in paper.locations] == ["README.md:106-113"]  # the bibtex entry
    assert "DataMix" in ev.get(Component.DATA_INFORMATION).detail
    hyper = ev.get(Component.HYPERPARAMETERS)
    assert hyper.status is Status.PARTIAL and "Hyperparameters" in hyper.detail


# --------------------------------------------------------------------------- 3. weights kept elsewhere


@pytest.mark.parametrize(
    ("release", "path"), [("allenai__OLMo", "LICENSE"), ("EleutherAI__pythia", "LICENSE")]
)
def test_weights_elsewhere_carry_the_repository_licence(corpus_dir: Path, release: str, path: str) -> None:
    ev = _corpus(release)
    weights = ev.get(Component.PARAMETERS_FINAL)
    assert weights.status is Status.UNKNOWN  # still not seen
    (applied,) = [a for a in weights.licenses if a.license.location.path == path]
    assert applied.license.match is not None and applied.license.match.id == "Apache-2.0"
    assert applied.scope_certain is False and "published elsewhere" in applied.reason
    model = next(c for c in debian_ml.assess(ev).criteria if c.id == "model-license")
    assert "no licence attached" not in model.detail  # the declared terms are judged


def test_weights_licence_stated_over_two_lines_is_certain(corpus_dir: Path) -> None:
    """grok-1: "The code and associated Grok-1 weights in this release are licensed under the" /
    "Apache 2.0 license." — the statement pins the weights' licence."""
    ev = _corpus("xai-org__grok-1")
    weights = ev.get(Component.PARAMETERS_FINAL)
    assert weights.status is Status.UNKNOWN
    assert [(a.license.match.id if a.license.match else None, a.scope_certain) for a in weights.licenses] == [
        ("Apache-2.0", True)
    ]
    claims = [c for c in ev.claims if c.kind == "component-license" and c.value == "weights=Apache-2.0"]
    assert claims and claims[0].location.lines == (54, 55)


# --------------------------------------------------------------------------- 4. README as model card


def test_grok_readme_is_its_model_card(corpus_dir: Path) -> None:
    ev = _corpus("xai-org__grok-1")
    card = ev.get(Component.MODEL_CARD)
    assert card.status is Status.PARTIAL
    assert "main description" in card.detail and card.locations[0].path == "README.md"
    usage = next(c for c in eu_ai_act.assess(ev).criteria if c.id == "usage-info")
    assert usage.outcome.value in ("partial", "pass")


def test_library_readme_is_not_a_model_card(tmp_path: Path) -> None:
    ev = evidence_of(
        tmp_path,
        {
            "README.md": "# Toolkit\nA toolkit to clean text corpora.\n\n## Install\npip install toolkit\n",
            "LICENSE": MIT_TEXT,
            "clean.py": "import re\n\ndef clean(text):\n    return re.sub(r'\\s+', ' ', text)\n",
        },
    )
    assert ev.get(Component.MODEL_CARD).status is Status.ABSENT


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("finetune/sft/main.py", "finetune"),
        ("fine-tune/run.sh", "fine-tune"),
        ("fine_tuning/train.py", "fine_tuning"),
        ("sft/data/train.jsonl", "sft"),
        ("examples/peft/train.py", "examples"),
        ("vendor/lib/examples/x.py", "vendor/lib/examples"),
        ("demo/app.py", "demo"),
        ("cookbook/recipe.ipynb", "cookbook"),
        ("tutorials/intro.py", "tutorials"),
        ("finetune/yi_example_dataset/data/train.jsonl", "finetune"),
        ("quantize/quantize_data/c4.json", "quantize"),
        ("train.py", None),
        ("src/finetuner.py", None),  # a file name is not a folder
        ("scripts/demonstration/run.py", None),  # "demo" must be a whole token
        ("data/train.jsonl", None),
    ],
)
def test_user_material_folders(path: str, folder: str | None) -> None:
    from openness.evidence.components import auxiliary_dir

    assert auxiliary_dir(path) == folder


@pytest.mark.parametrize(
    ("path", "evaluation"),
    [
        ("olmo_data/oe_eval_tasks/csqa/train_mc_5shot/requests.jsonl.gz", True),
        ("olmo_data/hf_datasets/hails/mmlu_no_train/anatomy/dev/data-00000-of-00001.arrow", True),
        ("finetune/data/eval.jsonl", True),
        ("data/ocnli/dev.json", True),
        ("RWKV-v7/misc/lambada_test.jsonl", True),
        ("fastchat/llm_judge/data/mt_bench/question.jsonl", True),
        ("data/validation-00000.parquet", True),
        ("data/train.jsonl", False),
        ("data/corpus.txt", False),
        ("data/interval_stats.csv", False),  # "val" only as a whole token
    ],
)
def test_evaluation_data_paths(path: str, evaluation: bool) -> None:
    from openness.evidence.components import is_eval_path

    assert is_eval_path(path) is evaluation


USAGE_CARD = """# Tiny

Trained with the code in this repository; run it with Hugging Face transformers:

```python
from transformers import AutoModelForCausalLM, AutoTokenizer
tokenizer = AutoTokenizer.from_pretrained("acme/tiny")
model = AutoModelForCausalLM.from_pretrained("acme/tiny")
print(model.generate(**tokenizer("hi", return_tensors="pt")))
```

In prose, model.from_pretrained("x") is not code.
"""


def test_a_card_running_the_model_with_a_public_library_is_inference_code(tmp_path: Path) -> None:
    ev = evidence_of(tmp_path, {"README.md": USAGE_CARD, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    inference = ev.get(Component.INFERENCE_CODE)
    assert inference.status is Status.PRESENT
    assert "transformers" in inference.detail
    assert [str(loc) for loc in inference.locations] == ["README.md:5-7"]  # fence to first load
    (lib,) = inference.licenses
    assert lib.license.match is not None and lib.license.match.id == "Apache-2.0"
    assert lib.scope_certain and lib.license.location.key == "library:transformers"


def test_library_calls_outside_code_blocks_or_without_an_import_are_not_inference(tmp_path: Path) -> None:
    card = USAGE_CARD.replace("from transformers import AutoModelForCausalLM, AutoTokenizer\n", "")
    ev = evidence_of(tmp_path, {"README.md": card, "LICENSE": MIT_TEXT, "train.py": TRAIN_PY})
    assert ev.get(Component.INFERENCE_CODE).status is Status.ABSENT


def test_amber_runs_through_transformers_and_is_not_rejected_for_it(corpus_dir: Path) -> None:
    """OSI validated Amber; its training repository runs the model through transformers."""
    from openness.frameworks import osaid

    ev = _corpus("LLM360__amber-train")
    assert ev.get(Component.INFERENCE_CODE).status is Status.PRESENT
    assert osaid.assess(ev).status != "not-open-source-ai"
