"""Component statuses from the inventory, the parsed cards and the hub: present / partial /
absent / unknown, each with the locations that show it and a one-line detail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from openness.evidence.card import ModelCard
from openness.evidence.data_info import ITEM_TITLES, Coverage, coverage
from openness.evidence.documentation import OwnPaper, is_report_file, papers
from openness.evidence.elsewhere import Found, describe, find_publications, trim_link
from openness.evidence.libraries import LIBRARY_LICENSES, MAX_CONFIGS_SHOWN, training_framework
from openness.evidence.reading import DOC_LIMIT, ReadContext
from openness.evidence.text import find_lines
from openness.lazy_re import Regex, lazy_compile
from openness.model import (
    AppliedLicense,
    Classified,
    CodeRole,
    Component,
    ComponentEvidence,
    Fact,
    Inventory,
    Location,
    Role,
    SourceKind,
    Status,
)

_CODE_COMPONENT = {
    CodeRole.TRAINING: Component.TRAINING_CODE,
    CodeRole.INFERENCE: Component.INFERENCE_CODE,
    CodeRole.EVALUATION: Component.EVALUATION_CODE,
    CodeRole.PREPROCESSING: Component.DATA_PREPROCESSING_CODE,
    CodeRole.ARCHITECTURE: Component.MODEL_ARCHITECTURE,
    CodeRole.TOKENIZATION: Component.SUPPORTING_LIBRARIES,
    CodeRole.SUPPORT: Component.SUPPORTING_LIBRARIES,
}


_ROLE_COMPONENT = {
    Role.WEIGHTS: Component.PARAMETERS_FINAL,
    Role.CHECKPOINT: Component.PARAMETERS_INTERMEDIATE,
    Role.OPTIMIZER_STATE: Component.OPTIMIZER_STATE,
    Role.TOKENIZER: Component.TOKENIZER,
    Role.TRAINING_CONFIG: Component.HYPERPARAMETERS,
    Role.MODEL_CARD: Component.MODEL_CARD,
    Role.DATA_CARD: Component.DATA_CARD,
    Role.CONTAINER: Component.CONTAINER_RECIPE,
    Role.EVAL_RESULTS: Component.EVALUATION_RESULTS,
    Role.SAMPLE_OUTPUTS: Component.SAMPLE_OUTPUTS,
    Role.DEPENDENCIES: Component.ENVIRONMENT,
}


# Evaluation material by path tokens (folders and file stem): "eval/", "oe_eval_tasks/", "dev.json",
# "ARC-Challenge/validation/", "mmlu_no_train/": benchmark data is evaluation data, never training data.
_EVAL_TOKENS = frozenset(
    {
        "eval", "evals", "evaluation", "evaluations", "test", "tests", "testset", "testsets", "testing",
        "benchmark", "benchmarks", "bench", "validation", "valid", "val", "dev", "devset", "heldout",
        "mmlu", "hellaswag", "gsm8k", "humaneval", "mbpp", "winogrande", "piqa", "arc", "boolq",
        "truthfulqa", "triviaqa", "lambada", "bbh", "csqa", "openbookqa", "sciq", "socialiqa",
    }
)  # fmt: skip
# Tokenizer vocabularies kept as JSON under "tokenizers/" are not data.
_TOKENIZER_DIR = lazy_compile(r"(?:^|/)tokeni[sz]ers?/", re.I)
_TOKEN_SPLIT = lazy_compile(r"[-_./\s]+")
# Some token of a text can be evaluation's only if the text holds one of them (or "eval") as a
# substring: one search rules out most file stems before any split (issue 14).
_EVAL_SUBSTRING = lazy_compile("|".join(re.escape(t) for t in sorted(_EVAL_TOKENS | {"eval"})))

# Folders of material for users of the model: fine-tuning recipes, examples, demos, tutorials,
# quantisation calibration sets. Their code and sample data are not what trained the base model.
_AUXILIARY_DIR = lazy_compile(
    r"(?:^|[-_.])(?:fine[-_]?tun(?:e|es|ed|ing)|sft|examples?|demos?|cookbooks?|tutorials?|quanti[sz]\w*|"
    r"calibration)(?:[-_.]|$)",
    re.I,
)
# A folder README presenting a model of the release made with the folder's code.
_RELEASED_FROM = lazy_compile(
    r"\b(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?(?:fine-?tuned|trained)\s+(?:from|on)\b",
    re.I,
)
MAX_FOLDER_READMES = 8
MAX_GUIDE_READMES = 16  # folder READMEs read per release to tell a fine-tuning guide's folder
GUIDE_READ = 2048  # bytes of such a README read: its heading and first lines say what the folder is
GUIDE_LINES = 6  # non-blank lines of it that decide
# A README that opens as a guide to fine-tuning (LoRA, adapters), not to (pre-)training the model.
_FINE_TUNING_GUIDE = lazy_compile(r"\bfine[-_ ]?tun\w*|\bq?lora\b|\bpeft\b|\badapters?\b|微调|微調", re.I)
# Training in general ("a package for training, finetuning, evaluating" is llm-foundry's library, not a
# fine-tuning guide); "LoRA training" is fine-tuning.
_PRETRAINING = lazy_compile(
    r"\bpre-?train\w*|\bfrom scratch\b|预训练|預訓練|(?<!lora )(?<!lora-)\btrain(?:s|ing)?\b", re.I
)
# A card line saying the model was trained with a given folder's material.
_TRAINED_WITH = lazy_compile(
    r"\b(?:(?:pre-?)?trained|fine-?tuned)\s+(?:\w+\s+){0,3}?(?:on|with|using|from)\b"
    r"|\btraining (?:data|set|code)\b",
    re.I,
)






_DOWNLOAD_HINTS = ("download", "request access", "available")


_HF_HINTS = ("huggingface.co/",)



_HF_MODEL_LINK = lazy_compile(
    r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|join|login)[\w.-]+/[\w.-]+"
)


_HF_DATASET_LINK = lazy_compile(r"huggingface\.co/datasets/([\w.-]+/[\w.-]+)")


_TRAIN_WORD = lazy_compile(r"\b(?:pre-?)?train(?:ed|ing|s)?\b", re.I)


_DOWNLOAD_WEIGHTS = lazy_compile(
    r"\bdownload\w*\b[^\n]{0,80}\b(?:weights|checkpoints?|models?)\b"
    r"|\b(?:weights|checkpoints?)\b[^\n]{0,60}\b(?:download|request access|available (?:at|on|from))",
    re.I,
)


_HYPER = lazy_compile(
    r"\b(?:learning[- ]rate|\blr\b|batch[- ]size|warm-?up|weight[- ]decay|adam\w*|optimizer|epochs?|"
    r"training steps|gradient clipping|lr schedule|cosine)\b",
    re.I,
)


_WEIGHTS_WORD = lazy_compile(r"\b(?:model weights|weights|checkpoints?)\b", re.I)
_WEIGHTS_HINTS = ("weights", "checkpoint")
# The model's size or how to run it.
_MODEL_USE = lazy_compile(
    r"\b\d+(?:\.\d+)?\s?[BM]\s+param\w*|\(\d+(?:\.\d+)?[BM]\s*param\w*|\bparameters\b|from_pretrained|"
    r"\binference\b|\bpython3?\s+\S+\.py\b|\bgenerat(?:e|ion)\b",
    re.I,
)
_MODEL_USE_HINTS = ("param", "from_pretrained", "inference", "python", "generat")


_HYPER_TITLE = lazy_compile(r"\bhyper-?param", re.I)
_HYPER_VALUES = lazy_compile(r"^\s*\|.*\d|[:=]\s*\d", re.M)  # a table row or "name: value" with a number


# A card's code block that loads the released model with a public inference library and runs it.
# Such a release ships no inference script because the library is its inference code (the way
# "architecture specified by configuration, implemented in a library" is its architecture).
_LIBRARY_IMPORT = lazy_compile(
    r"^\s*(?:from|import)\s+(transformers|diffusers|sentence_transformers|vllm|llama_cpp|mlx_lm|"
    r"open_clip|timm|peft|optimum|ctransformers|gguf|whisper|keras_nlp|keras_hub|sglang)\b"
)  # the keys of LIBRARY_LICENSES
_LIBRARY_RUN = lazy_compile(
    r"\.from_pretrained\(|\bpipeline\(|\bSentenceTransformer\(|\bLLM\(|\bLlama\(|\bload_model\(|"
    r"\bcreate_model(?:_and_transforms)?\(|\bload\(\s*[\"']"
)
_FENCE_LINE = lazy_compile(r"^\s{0,3}(```|~~~)")
# The licence each inference library is published under: ``libraries.LIBRARY_LICENSES``.
_STEP_REF = lazy_compile(r"(?:^|/)(?:step|ckpt|checkpoint|iter|revision|stage)[-_]?\d+", re.I)


def is_eval_path(path: str) -> bool:
    """Evaluation or benchmark material, judged by the tokens of its folders and file stem.

    "/" is a token separator, so the folder's tokens and the stem's are judged apart: the folder's
    once per folder (a 100,000-file tree has a few thousand), only the stem per file (issue 14)."""
    folder, _, name = path.rpartition("/")
    return (bool(folder) and _eval_folder(folder)) or _eval_tokens(
        name.rsplit(".", 1)[0] if "." in name else name
    )


@lru_cache(maxsize=4096)
def _eval_folder(folder: str) -> bool:
    return _eval_tokens(folder)


def _eval_tokens(text: str) -> bool:
    text = text.lower()
    if not _EVAL_SUBSTRING.search(text):
        return False
    return any(t in _EVAL_TOKENS or t.startswith("eval") for t in _TOKEN_SPLIT.split(text))


def auxiliary_dir(path: str) -> str | None:
    """The fine-tuning/example/demo folder a file sits in ("finetune", "examples/peft"), or None."""
    return _auxiliary_folder(path.rsplit("/", 1)[0]) if "/" in path else None


@lru_cache(maxsize=4096)  # files share folders: one regex pass per folder, not per file
def _auxiliary_folder(folder: str) -> str | None:
    parts = folder.split("/")
    for n, part in enumerate(parts):
        if _AUXILIARY_DIR.search(part):
            return "/".join(parts[: n + 1])
    return None


# Components whose text a README or card of the release carries (a "Model card" section, the
# evaluation table, the data description): they are files of the repository like any other.
_CARRIED_BY_CARDS = frozenset(
    {
        Component.MODEL_CARD,
        Component.DATA_CARD,
        Component.EVALUATION_RESULTS,
        Component.DATA_INFORMATION,
        Component.HYPERPARAMETERS,
    }
)


def files_of(
    inv: Inventory,
    for_users: Callable[[Classified], bool] | None = None,
    comps: Mapping[Component, ComponentEvidence] | None = None,
) -> dict[Component, frozenset[str]]:
    """The files behind each component. Sample training data for users (``for_users``) and tokenizer
    vocabularies are no component's: a licence covering them says nothing of the training data.

    With ``comps``: a component seen in a README/card of the release (a model card that is the
    README) has that file too, so a component inside a repository takes the repository's licence
    unless something narrower says otherwise (MOF: never "listed but unlicensed" for a README card
    under the root LICENSE). Links to papers or hosted data are not files of the release."""
    acc: dict[Component, set[str]] = {}
    for c, ev in (comps or {}).items():
        if c not in _CARRIED_BY_CARDS or ev.status not in (Status.PRESENT, Status.PARTIAL):
            continue
        for loc in ev.locations:
            entry = inv.snapshot.entry(loc.path) if loc.path and loc.key is None else None
            if entry is not None:
                acc.setdefault(c, set()).add(entry.path)
    by_kind: dict[tuple[Role, frozenset[CodeRole]], set[Component]] = {}
    by_eval: dict[bool, set[Component]] = {}
    for it in inv.items:
        found: Iterable[Component]
        if it.role is Role.DATASET:  # this depends on the path too: is it evaluation data?
            if _TOKENIZER_DIR.search(it.entry.path):
                continue
            evaluation = is_eval_path(it.entry.path)  # once per file (30,000 shards of a large tree)
            if for_users is not None and not evaluation and for_users(it):
                continue
            known = by_eval.get(evaluation)
            if known is None:
                known = by_eval[evaluation] = _item_components(it, evaluation)
            found = known
        elif it.role is Role.PAPER:  # this one on the path too
            found = _item_components(it)
        else:  # the rest on role and code roles alone: worked out once per kind (issue 14)
            kind = (it.role, it.code_roles)
            known = by_kind.get(kind)
            if known is None:
                known = by_kind[kind] = _item_components(it)
            found = known
        for c in found:
            acc.setdefault(c, set()).add(it.entry.path)
    return {c: frozenset(v) for c, v in acc.items()}


def followed_roots(inv: Inventory) -> tuple[str, ...]:
    """Folders a merged release lists other places under (``merge_snapshots(nest=True)``)."""
    snap = inv.snapshot
    if snap.kind != SourceKind.MERGED or len(snap.origins) < 2:
        return ()
    from openness.sources.merge import origin_slug

    return tuple(origin_slug(o) for o in snap.origins[1:])


def _item_components(it: Classified, evaluation: bool | None = None) -> set[Component]:
    """The components a file stands for. Reads the path only for a dataset (``evaluation``: whether
    it is evaluation data, when the caller knows) or a paper: ``files_of`` reuses the answer for every
    other file of the same role and code roles (keep it so)."""
    out: set[Component] = set()
    role_c = _ROLE_COMPONENT.get(it.role)
    if role_c is not None:
        out.add(role_c)
    if it.role in (Role.CODE, Role.NOTEBOOK):
        out |= {_CODE_COMPONENT[r] for r in it.code_roles if r in _CODE_COMPONENT}
    if it.role is Role.CONFIG:
        out |= {Component.MODEL_METADATA, Component.MODEL_ARCHITECTURE}
    if it.role is Role.DATASET:
        if evaluation is None:
            evaluation = is_eval_path(it.entry.path)
        out.add(Component.EVALUATION_DATA if evaluation else Component.DATASETS)
    if it.role is Role.PAPER:
        out.add(
            Component.TECHNICAL_REPORT if is_report_file(it.entry.path) else Component.RESEARCH_PAPER
        )
    return out


def _locs(items: Iterable[Classified], limit: int = 8) -> tuple[Location, ...]:
    out: list[Location] = []
    for it in items:
        if it.locations:
            out.append(it.locations[0])
        else:
            out.append(Location(it.entry.path))
        if len(out) >= limit:
            break
    return tuple(out)


def _ev(c: Component, status: Status, locs: Iterable[Location], detail: str) -> ComponentEvidence:
    return ComponentEvidence(c, status, tuple(locs), (), detail)


def _files_detail(items: tuple[Classified, ...], what: str) -> str:
    paths = [i.entry.path for i in items]
    more = f" (+{len(paths) - 3} more)" if len(paths) > 3 else ""
    return f"{what}: {', '.join(paths[:3])}{more}"


def _card_lines(
    cards: list[ModelCard], rx: Regex, hints: tuple[str, ...]
) -> list[tuple[Location, str]]:
    out: list[tuple[Location, str]] = []
    for card in cards:
        for i, m in find_lines(card.lines, rx, hints, card.body_start, card.index):
            out.append((Location(card.path, (i + 1, i + 1)), m.group(0)))
    return out


class UserMaterial:
    """Tells fine-tuning/example/demo material (for the model's users) from the model's own training
    material: a file in such a folder is the model's own only when the release says so."""

    def __init__(self, ctx: ReadContext, cards: list[ModelCard]) -> None:
        self._ctx = ctx
        self._cards = cards
        self._named: frozenset[str] | None = None  # read lazily: most releases have no such folders
        self._readme_says: dict[str, bool] = {}  # folder -> its README opens as a fine-tuning guide
        self._guide_reads = 0
        self._by_folder: dict[str, bool] = {}

    def __call__(self, item: Classified) -> bool:
        # The answer depends on the file's folder alone: kept per folder (a large tree's 30,000 data
        # shards sit in a few hundred folders; bounded by the files listed).
        path = item.entry.path
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        known = self._by_folder.get(folder)
        if known is None:
            known = self._by_folder[folder] = self._decide(path)
        return known

    def _decide(self, path: str) -> bool:
        if auxiliary_dir(path) is None and not self._guide_folder(path):
            return False
        if self._named is None:
            self._named = _folders_named_for_training(self._ctx, self._cards)
        parent = path.rsplit("/", 1)[0] + "/"
        return not any(parent.startswith(d) for d in self._named)

    def _guide_folder(self, path: str) -> bool:
        """Whether a folder the file sits in (below the root) opens its README as a fine-tuning guide
        ("# Fine-Tuning Support for Llama 3.1 405B", "how to do lora training of arctic"): Snowflake
        Arctic's training/ holds LoRA scripts, not the code that trained Arctic. Bounded: a few KB of
        at most MAX_GUIDE_READMES READMEs per release."""
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        while folder:
            said = self._readme_says.get(folder)
            if said is None:
                said = self._read_guide(folder)
                self._readme_says[folder] = said
            if said:
                return True
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
        return False

    def _read_guide(self, folder: str) -> bool:
        snap = self._ctx.inventory.snapshot
        names = (f"{folder}/README.md", f"{folder}/readme.md")
        readme = next((n for n in names if snap.entry(n) is not None), "")
        if not readme or self._guide_reads >= MAX_GUIDE_READMES:
            return False
        self._guide_reads += 1
        text = self._ctx.read(readme, GUIDE_READ)
        if not text:
            return False
        head = " ".join(line for line in text.splitlines()[:GUIDE_LINES] if line.strip())[:GUIDE_READ]
        return bool(_FINE_TUNING_GUIDE.search(head)) and not _PRETRAINING.search(head)


@dataclass
class _Scan:
    """What the component decisions read, and the statuses decided so far."""

    ctx: ReadContext
    cards: list[ModelCard]
    front: Mapping[str, Any]
    card_source: str | None
    datasets: list[dict[str, Any]]
    auxiliary: UserMaterial
    published: Found = field(default_factory=lambda: Found({}))
    out: dict[Component, ComponentEvidence] = field(default_factory=dict)

    @property
    def inv(self) -> Inventory:
        return self.ctx.inventory

    @property
    def hub(self) -> Any:
        return self.ctx.inventory.snapshot.hub

    @property
    def unreadable_cards(self) -> list[Classified]:
        return [
            i for i in self.inv.by_role(Role.MODEL_CARD, Role.README) if i.entry.path in self.ctx.unreadable
        ]


def _folders_named_for_training(ctx: ReadContext, cards: list[ModelCard]) -> frozenset[str]:
    """Fine-tuning/example folders the release says trained one of its models (bounded): a card line
    naming the folder with "trained on/with", or the folder's own README presenting a model
    "fine-tuned from" the base ("AmberChat is an instruction following model finetuned from Amber")."""
    inv = ctx.inventory
    out: set[str] = set()
    readmes = [
        it
        for it in inv.by_role(Role.README, Role.MODEL_CARD, Role.DOCS)
        if it.entry.path.lower().endswith(".md") and auxiliary_dir(it.entry.path)
    ]
    for it in readmes[:MAX_FOLDER_READMES]:
        text = ctx.read(it.entry.path, 64 * 1024)
        if text and _RELEASED_FROM.search(text):
            out.add(it.entry.path.rsplit("/", 1)[0] + "/")
    folders: set[str] = set()
    for it in inv.items:
        top = auxiliary_dir(it.entry.path) if it.role in (Role.DATASET, Role.CODE, Role.NOTEBOOK) else None
        if top is not None:
            folders |= {top + "/", it.entry.path.rsplit("/", 1)[0] + "/"}
            if len(folders) >= 64:
                break
    for folder in folders:
        hints = (folder.lower(),)  # as a path ("finetune/"), not a word ("finetuned")
        if any(find_lines(c.lines, _TRAINED_WITH, hints, c.body_start, c.index) for c in cards):
            out.add(folder)
    return frozenset(out)


def component_statuses(
    ctx: ReadContext,
    cards: list[ModelCard],
    front: Mapping[str, Any],
    card_source: str | None,
    datasets: list[dict[str, Any]],
    for_users: UserMaterial | None = None,
) -> dict[Component, ComponentEvidence]:
    """Each component's status from artifacts; later steps only fill what earlier ones left open."""
    published = find_publications(ctx.inventory, cards)
    ctx.notes.extend(published.notes)
    scan = _Scan(ctx, cards, front, card_source, datasets, for_users or UserMaterial(ctx, cards), published)
    for step in (
        _code,
        _parameters,
        _simple_roles,
        _datasets,
        _documents,
        _model_card,
        _metadata,
        _evaluation_results,
        _hyperparameters,
        _data,
    ):
        step(scan)
    return scan.out


def _code(s: _Scan) -> None:
    """Code by role. Training and preprocessing code found only in fine-tuning/example folders is
    ``partial``: it shows how to adapt the model, not how the model itself was trained."""
    inv = s.inv
    out = s.out
    for code_role, comp in _CODE_COMPONENT.items():
        items = inv.code(code_role)
        aux: tuple[Classified, ...] = ()
        if code_role in (CodeRole.TRAINING, CodeRole.PREPROCESSING):
            flags = [s.auxiliary(i) for i in items]
            aux = tuple(i for i, f in zip(items, flags, strict=True) if f)
            items = tuple(i for i, f in zip(items, flags, strict=True) if not f)
        if items and comp not in out:
            out[comp] = _ev(comp, Status.PRESENT, _locs(items), _files_detail(items, f"{code_role} code"))
        elif items:
            prev = out[comp]
            out[comp] = _ev(
                comp,
                Status.PRESENT,
                prev.locations + _locs(items, 4),
                prev.detail + "; " + _files_detail(items, f"{code_role} code"),
            )
        elif aux and comp not in out:
            out[comp] = _ev(
                comp,
                Status.PARTIAL,
                _locs(aux),
                _files_detail(aux, f"only fine-tuning/example {code_role} code")
                + "; not the code that trained the model itself",
            )
    if Component.INFERENCE_CODE not in out:
        usage = _library_inference(s.cards)
        if usage:
            (loc, lib), *_ = usage
            from openness.licenses import analyze_id

            library_licence = AppliedLicense(
                analyze_id(LIBRARY_LICENSES[lib], Location(key=f"library:{lib}")),
                True,
                f"the {lib} library's own licence: the library is the inference code",
            )
            out[Component.INFERENCE_CODE] = ComponentEvidence(
                Component.INFERENCE_CODE,
                Status.PRESENT,
                tuple(u for u, _ in usage[:3]),
                (library_licence,),
                f"no inference script in the release; the card runs the model with the public "
                f"{lib} library ({loc})",
            )
    _framework_training(s)
    deps = inv.by_role(Role.DEPENDENCIES)
    if Component.SUPPORTING_LIBRARIES not in out and deps:
        out[Component.SUPPORTING_LIBRARIES] = _ev(
            Component.SUPPORTING_LIBRARIES,
            Status.PRESENT,
            _locs(deps),
            _files_detail(deps, "external libraries named in"),
        )
    configs = inv.by_role(Role.CONFIG)
    if Component.MODEL_ARCHITECTURE not in out and configs:
        out[Component.MODEL_ARCHITECTURE] = _ev(
            Component.MODEL_ARCHITECTURE,
            Status.PRESENT,
            _locs(configs),
            _files_detail(configs, "architecture specified by configuration, implemented in a library"),
        )


MAX_REQUIREMENT_FILES = 8
_RUN_TITLE = lazy_compile(r"\b(?:decod\w*|inference|infer|predict\w*|generat\w*|sampl\w*)\b", re.I)


def _framework_training(s: _Scan) -> None:
    """Training done with a public framework (GPT-NeoX, Megatron-LM, t5x, Mesh TensorFlow, the
    Cerebras Model Zoo...) is training code when the release names it and ships the configs that
    drove it: the framework's licence covers that code, the configs are its arguments. The same
    framework is the inference code when a card section on decoding/inference runs it."""
    prev = s.out.get(Component.TRAINING_CODE)
    if prev is not None and prev.status is Status.PRESENT:
        return
    reqs: list[tuple[str, str]] = []
    for it in s.inv.by_role(Role.DEPENDENCIES)[:MAX_REQUIREMENT_FILES]:
        text = s.ctx.read(it.entry.path, DOC_LIMIT)
        if text is not None:
            reqs.append((it.entry.path, text))
    # Evaluation configs and fine-tuning examples for users are not what trained the model.
    own = [i for i in s.inv.items if not is_eval_path(i.entry.path) and auxiliary_dir(i.entry.path) is None]
    found = training_framework(s.cards, own, reqs)
    if found is None:
        return
    from openness.licenses import analyze_id

    fw = found.framework
    lic = AppliedLicense(
        analyze_id(fw.license, Location(key=f"library:{fw.name}")),
        True,
        f"the {fw.name} framework's own licence: the framework is the training code",
    )
    more = len(found.configs) - MAX_CONFIGS_SHOWN
    shown = ", ".join(found.configs[:MAX_CONFIGS_SHOWN]) + (f" (+{more} more)" if more > 0 else "")
    locs = (found.stated_at, *(Location(p) for p in found.configs[:MAX_CONFIGS_SHOWN]))
    s.out[Component.TRAINING_CODE] = ComponentEvidence(
        Component.TRAINING_CODE,
        Status.PRESENT,
        locs,
        (lic,),
        f"trained with the public {fw.name} framework ({found.stated_at}); the configs that drive it "
        f"ship with the release: {shown}",
    )
    if Component.INFERENCE_CODE in s.out:
        return
    for card in s.cards:
        for sec in card.sections:
            a, b = sec.lines
            if _RUN_TITLE.search(sec.title) and any(_FENCE_LINE.match(x) for x in card.lines[a - 1 : b]):
                s.out[Component.INFERENCE_CODE] = ComponentEvidence(
                    Component.INFERENCE_CODE,
                    Status.PRESENT,
                    (card.location(sec), found.stated_at),
                    (lic,),
                    f"the release runs the model through the public {fw.name} framework it was trained "
                    f"with (section '{sec.title[:80]}' of {card.path})",
                )
                return


def _library_inference(cards: Iterable[ModelCard]) -> list[tuple[Location, str]]:
    """(location, library) for each fenced code block of a card that imports a public inference
    library and loads or runs a model with it."""
    found: list[tuple[Location, str]] = []
    for card in cards:
        in_fence, lib, start, done = False, "", 0, False
        for n, line in enumerate(card.lines, 1):
            if _FENCE_LINE.match(line):
                in_fence, lib, start, done = not in_fence, "", n, False
                continue
            if not in_fence or done:
                continue
            m = _LIBRARY_IMPORT.match(line)
            if m:
                lib = lib or m.group(1)
            elif lib and _LIBRARY_RUN.search(line):
                found.append((Location(card.path, (start, n)), lib))
                done = True  # one hit per block
    return found


def _parameters(s: _Scan) -> None:
    """Parameters."""
    inv = s.inv
    hub = s.hub
    out = s.out
    cards = s.cards
    weights = inv.by_role(Role.WEIGHTS)
    elsewhere = _weights_elsewhere(inv, cards)
    published = s.published.of(Component.PARAMETERS_FINAL)
    if weights:
        detail = _files_detail(weights, "weights")
        if any(w.weights and w.weights.unsafe for w in weights):
            detail += " (pickle-based files flagged, never loaded)"
        if hub is not None and hub.gated:
            detail += f"; gated on the Hub ({hub.gated}): access needs accepting terms"
        out[Component.PARAMETERS_FINAL] = _ev(
            Component.PARAMETERS_FINAL, Status.PRESENT, _locs(weights), detail
        )
    elif published:
        # Published at named places: not inspected, so neither present nor absent.
        out[Component.PARAMETERS_FINAL] = ComponentEvidence(
            Component.PARAMETERS_FINAL,
            Status.UNKNOWN,
            tuple(dict.fromkeys(p.stated_at for p in published))[:4],
            detail="weights are not in the release; published elsewhere, not inspected: "
            + describe(published),
            elsewhere=published,
        )
    elif elsewhere:
        out[Component.PARAMETERS_FINAL] = _ev(
            Component.PARAMETERS_FINAL,
            Status.UNKNOWN,
            [loc for loc, _ in elsewhere[:4]],
            "weights are not in the release; they live elsewhere ("
            + "; ".join(w for _, w in elsewhere[:2])
            + ")",
        )
    ckpts = inv.by_role(Role.CHECKPOINT)
    refs = [r for r in (hub.refs if hub is not None else ()) if _STEP_REF.search(r)]
    if ckpts:
        out[Component.PARAMETERS_INTERMEDIATE] = _ev(
            Component.PARAMETERS_INTERMEDIATE,
            Status.PRESENT,
            _locs(ckpts),
            _files_detail(ckpts, "intermediate checkpoints"),
        )
    elif refs and hub is not None:
        out[Component.PARAMETERS_INTERMEDIATE] = _ev(
            Component.PARAMETERS_INTERMEDIATE,
            Status.PRESENT,
            [Location(key="hub:refs", origin=f"hf:{hub.repo_id}")],
            f"{len(refs)} intermediate revisions on the Hub ({', '.join(refs[:3])}...)",
        )


def _simple_roles(s: _Scan) -> None:
    """Simple role -> component."""
    inv = s.inv
    out = s.out
    for role, comp in _ROLE_COMPONENT.items():
        if comp in out:
            continue
        items = inv.by_role(role)
        if items:
            out[comp] = _ev(comp, Status.PRESENT, _locs(items), _files_detail(items, str(role)))


def _datasets(s: _Scan) -> None:
    """Datasets: the model's training data. Benchmark/eval files are evaluation data; sample data in
    fine-tuning/example folders is not the model's training data (unless the card says it is)."""
    inv = s.inv
    out = s.out
    card_source = s.card_source
    datasets = s.datasets
    data_items = [i for i in inv.by_role(Role.DATASET) if not _TOKENIZER_DIR.search(i.entry.path)]
    is_eval = [is_eval_path(i.entry.path) for i in data_items]  # once per file (30,000 shards...)
    eval_data = tuple(i for i, e in zip(data_items, is_eval, strict=True) if e)
    rest = [i for i, e in zip(data_items, is_eval, strict=True) if not e]
    flags = [s.auxiliary(i) for i in rest]
    aux_data = tuple(i for i, f in zip(rest, flags, strict=True) if f)
    train_data = tuple(i for i, f in zip(rest, flags, strict=True) if not f)
    if train_data:
        out[Component.DATASETS] = _ev(
            Component.DATASETS, Status.PRESENT, _locs(train_data), _files_detail(train_data, "dataset files")
        )
    elif datasets:
        confirmed = [d for d in datasets if d.get("license")]
        loc = (
            Location(card_source, key="card:datasets")
            if card_source and not card_source.startswith("hf:")
            else Location(key="card:datasets", origin=card_source)
        )
        names = ", ".join(str(d["id"]) for d in datasets[:4])
        if confirmed and len(confirmed) == len(datasets):
            out[Component.DATASETS] = _ev(
                Component.DATASETS, Status.PRESENT, [loc], f"published on the Hub: {names}"
            )
        else:
            out[Component.DATASETS] = _ev(
                Component.DATASETS,
                Status.UNKNOWN,
                [loc],
                f"named, hosted elsewhere and not inspected: {names}",
            )
    elif linked := _training_data_links(s.cards):
        names = ", ".join(dict.fromkeys(name for _, name in linked[:4]))
        out[Component.DATASETS] = ComponentEvidence(
            Component.DATASETS,
            Status.UNKNOWN,
            tuple(loc for loc, _ in linked[:4]),
            detail=f"named in the card as training data, hosted elsewhere and not inspected: {names}",
            elsewhere=s.published.of(Component.DATASETS),
        )
    elif data_places := s.published.of(Component.DATASETS):
        out[Component.DATASETS] = ComponentEvidence(
            Component.DATASETS,
            Status.UNKNOWN,
            tuple(dict.fromkeys(p.stated_at for p in data_places))[:4],
            detail="training data published elsewhere, not inspected: " + describe(data_places),
            elsewhere=data_places,
        )
    elif aux_data:
        # Absent, but say what was seen so the reader knows why it was not counted.
        out[Component.DATASETS] = _ev(
            Component.DATASETS,
            Status.ABSENT,
            _locs(aux_data, 4),
            _files_detail(aux_data, "only fine-tuning/example data")
            + "; not the data the model was trained on",
        )
    if eval_data:
        out[Component.EVALUATION_DATA] = _ev(
            Component.EVALUATION_DATA,
            Status.PRESENT,
            _locs(eval_data),
            _files_detail(eval_data, "evaluation data"),
        )


def _training_data_links(cards: list[ModelCard]) -> list[tuple[Location, str]]:
    """Hub dataset links on card lines about training ("we train on [mix](hf.co/datasets/...)")
    or inside the card's data/training sections."""
    out: list[tuple[Location, str]] = []
    for card in cards:
        spans = [sec.lines for sec in card.sections if sec.kinds & {"data", "training"}]
        for i, m in find_lines(card.lines, _HF_DATASET_LINK, _HF_HINTS, card.body_start, card.index):
            in_section = any(a <= i + 1 <= b for a, b in spans)
            if in_section or _TRAIN_WORD.search(card.lines[i]):
                out.append((Location(card.path, (i + 1, i + 1)), trim_link(m.group(1))))
    return out


def _documents(s: _Scan) -> None:
    """The research paper and the technical report: the release's own (``documentation.papers``, the
    one answer), each citing the file or the line that shows it. A paper the cards merely link (the
    Model Cards paper, MMLU, a method's, the base model's) is not this release's paper."""
    out = s.out
    got = papers(s.ctx, s.cards)
    files, linked = got.files, got.linked
    report_files = tuple(p for p in files if p.report is not None)
    research_files = tuple(p for p in files if p.report is None)
    report_links = tuple(p for p in linked if p.report is not None)
    if report_files:
        out[Component.TECHNICAL_REPORT] = _ev(
            Component.TECHNICAL_REPORT,
            Status.PRESENT,
            [p.location for p in report_files],
            _paths_detail([p.id for p in report_files], "technical report"),
        )
    elif report_links:
        out[Component.TECHNICAL_REPORT] = _ev(
            Component.TECHNICAL_REPORT,
            Status.PRESENT,
            [p.report or p.location for p in report_links[:3]],
            f"technical report of the release's own: {_paper_text(report_links[0])}",
        )
    if research_files:
        out[Component.RESEARCH_PAPER] = _ev(
            Component.RESEARCH_PAPER,
            Status.PRESENT,
            [p.location for p in research_files],
            _paths_detail([p.id for p in research_files], "paper"),
        )
    elif linked:
        out[Component.RESEARCH_PAPER] = _ev(
            Component.RESEARCH_PAPER,
            Status.PRESENT,
            [p.location for p in linked[:3]],
            f"the release's own paper: {_paper_text(linked[0])}",
        )


def _paper_text(p: OwnPaper) -> str:
    venue = f", {p.venue}" if p.venue else ""
    return f"{p.id} ({p.how}{venue})"


def _paths_detail(paths: list[str], what: str) -> str:
    more = f" (+{len(paths) - 3} more)" if len(paths) > 3 else ""
    return f"{what}: {', '.join(paths[:3])}{more}"


def _model_card(s: _Scan) -> None:
    """Model card."""
    hub = s.hub
    out = s.out
    cards = s.cards
    unreadable_cards = s.unreadable_cards
    if Component.MODEL_CARD not in out:
        with_front = [c for c in cards if c.front_matter]
        card_like = [
            c
            for c in cards
            if len(
                {k for s in c.sections for k in s.kinds}
                & {"data", "training", "evaluation", "limitations", "intended-use"}
            )
            >= 2
        ]
        if with_front:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PRESENT,
                [Location(with_front[0].path)],
                f"model card with metadata: {with_front[0].path}",
            )
        elif hub is not None and hub.card_data:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PRESENT,
                [Location(key="card", origin=f"hf:{hub.repo_id}")],
                "model card on the Hub",
            )
        elif card_like:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PARTIAL,
                [Location(card_like[0].path)],
                f"README carries model-card sections but no card metadata: {card_like[0].path}",
            )
        elif describing := _describing_readme(cards):
            card, weights_line = describing
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PARTIAL,
                [Location(card.path), weights_line],
                f"{card.path} is the release's main description (the model, its weights, how to run it) "
                "but has no card metadata or model-card sections",
            )
        elif unreadable_cards:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD, Status.UNKNOWN, _locs(unreadable_cards), "model card/README unreadable"
            )


def _describing_readme(cards: list[ModelCard]) -> tuple[ModelCard, Location] | None:
    """A root README that describes the model (its weights or checkpoints, and its size or how to
    run it): with no separate model card, it is the card."""
    for card in cards:
        if "/" in card.path or not card.path.lower().startswith("readme"):
            continue
        weights = find_lines(card.lines, _WEIGHTS_WORD, _WEIGHTS_HINTS, card.body_start, card.index)
        if weights and find_lines(card.lines, _MODEL_USE, _MODEL_USE_HINTS, card.body_start, card.index):
            i = weights[0][0]
            return card, Location(card.path, (i + 1, i + 1))
    return None


def _metadata(s: _Scan) -> None:
    """Model metadata from card front matter."""
    out = s.out
    front = s.front
    card_source = s.card_source
    if Component.MODEL_METADATA not in out and front:
        out[Component.MODEL_METADATA] = _ev(
            Component.MODEL_METADATA,
            Status.PRESENT,
            [Location(card_source, key="card") if card_source else Location(key="card")],
            "model card metadata (front matter)",
        )


def _evaluation_results(s: _Scan) -> None:
    """Evaluation results."""
    out = s.out
    cards = s.cards
    front = s.front
    card_source = s.card_source
    if Component.EVALUATION_RESULTS not in out:
        eval_secs = [(card, s) for card in cards for s in card.sections_of("evaluation")]
        if front.get("model-index"):
            out[Component.EVALUATION_RESULTS] = _ev(
                Component.EVALUATION_RESULTS,
                Status.PRESENT,
                [Location(card_source, key="card:model-index")],
                "results in the card's model-index",
            )
        elif eval_secs:
            card0, sec0 = eval_secs[0]
            out[Component.EVALUATION_RESULTS] = _ev(
                Component.EVALUATION_RESULTS,
                Status.PRESENT,
                [card.location(sec) for card, sec in eval_secs[:3]],
                f"evaluation section '{sec0.title}' in {card0.path}",
            )


def _hyperparameters(s: _Scan) -> None:
    """Hyperparameters stated in prose."""
    out = s.out
    cards = s.cards
    if Component.HYPERPARAMETERS not in out:
        hits = []
        for card in cards:
            for sec in card.sections_of("training"):
                found = {m.group(0).lower() for m in _HYPER.finditer(card.text_of(sec))}
                if found:
                    hits.append((card.location(sec), found))
        if hits:
            kinds = set().union(*(f for _, f in hits))
            status = Status.PRESENT if len(kinds) >= 3 else Status.PARTIAL
            out[Component.HYPERPARAMETERS] = _ev(
                Component.HYPERPARAMETERS,
                status,
                [loc for loc, _ in hits[:3]],
                "stated in the card: " + ", ".join(sorted(kinds)[:6]),
            )
            return
        # A "Hyperparameters" section with values but no optimisation settings (sizes, lengths):
        # some of the configuration, not how the model was trained.
        titled = [
            (card, sec)
            for card in cards
            for sec in card.sections_of("training")
            if _HYPER_TITLE.search(sec.title) and _HYPER_VALUES.search(card.text_of(sec))
        ]
        if titled:
            card0, sec0 = titled[0]
            out[Component.HYPERPARAMETERS] = _ev(
                Component.HYPERPARAMETERS,
                Status.PARTIAL,
                [card.location(sec) for card, sec in titled[:3]],
                f"section '{sec0.title}' in {card0.path} gives values but no optimiser settings "
                "(learning rate, batch size, schedule)",
            )


def _data(s: _Scan) -> None:
    """Data information and data card."""
    out = s.out
    cards = s.cards
    card_source = s.card_source
    datasets = s.datasets
    ctx = s.ctx
    unreadable_cards = s.unreadable_cards
    out[Component.DATA_INFORMATION] = _data_information(
        ctx, cards, datasets, card_source, out, unreadable_cards
    )
    if Component.DATA_CARD not in out:
        info = out[Component.DATA_INFORMATION]
        in_card = [card.location(sec) for card in cards for sec in card.sections_of("data")][:4]
        if in_card:
            status = Status.PRESENT if info.status is Status.PRESENT else Status.PARTIAL
            out[Component.DATA_CARD] = _ev(
                Component.DATA_CARD, status, in_card, "data card information inside the model card"
            )
    for c in Component:
        if (
            c not in out
            and unreadable_cards
            and c in (Component.DATA_INFORMATION, Component.EVALUATION_RESULTS)
        ):
            out[c] = _ev(
                c, Status.UNKNOWN, _locs(unreadable_cards), "the card that would show it is unreadable"
            )


def _weights_elsewhere(inv: Inventory, cards: list[ModelCard]) -> list[tuple[Location, str]] | None:
    """Signs the weights are published somewhere else: a download script, a hub link, gating."""
    out: list[tuple[Location, str]] = []
    for it in inv.by_role(Role.DOWNLOAD_SCRIPT):
        out.append((Location(it.entry.path), f"download script {it.entry.path}"))
    hub = inv.snapshot.hub
    if hub is not None and hub.gated:
        out.append((Location(key="hub:gated", origin=f"hf:{hub.repo_id}"), f"gated on the Hub ({hub.gated})"))
    for loc, text in _card_lines(cards, _DOWNLOAD_WEIGHTS, _DOWNLOAD_HINTS)[:3]:
        out.append((loc, f"'{text[:60]}'"))
    for loc, text in _card_lines(cards, _HF_MODEL_LINK, _HF_HINTS)[:3]:
        out.append((loc, f"link {text}"))
    for it in inv.by_role(Role.WEIGHTS):
        if it.entry.lfs:
            out.append((Location(it.entry.path), "LFS pointer"))
        elif not it.entry.readable:
            out.append((Location(it.entry.path), "could not be read"))
    return out or None


def _data_information(
    ctx: ReadContext,
    cards: list[ModelCard],
    datasets: list[dict[str, Any]],
    card_source: str | None,
    comps: Mapping[Component, ComponentEvidence],
    unreadable_cards: tuple[Classified, ...] | list[Classified],
) -> ComponentEvidence:
    inv = ctx.inventory
    cov = Coverage(frozenset())
    locs: list[Location] = []
    sources: list[str] = []
    for it in inv.by_role(Role.DATA_CARD):
        text = ctx.read(it.entry.path, DOC_LIMIT)
        if text is None:
            continue
        cov = cov.merged(coverage(text, skip=cov.covered))
        locs.append(Location(it.entry.path))
        sources.append(it.entry.path)
    for card in cards:
        for sec in card.sections_of("data"):
            cov = cov.merged(coverage(card.text_of(sec), skip=cov.covered))
            locs.append(card.location(sec))
            sources.append(f"{card.path} '{sec.title}'")
    links = _training_data_links(cards)  # "we train on [mix](huggingface.co/datasets/...)"
    listed = bool(datasets) or bool(links) or bool(_card_lines(cards, _HF_DATASET_LINK, _HF_HINTS))
    if listed:
        cov = cov.merged(Coverage(frozenset({"public-list", "provenance"})))
        if datasets:
            locs.append(
                Location(card_source, key="card:datasets") if card_source else Location(key="card:datasets")
            )
            sources.append("card datasets field")
        elif links:
            locs.extend(loc for loc, _ in links[:2])
            sources.append(f"training data linked in {links[0][0].path}")
    unread_papers: list[Location] = []
    for it in inv.by_role(Role.PAPER):
        if it.entry.path.lower().endswith((".md", ".txt", ".tex", ".rst", ".html")):
            text = ctx.read(it.entry.path, DOC_LIMIT)
            if text is not None:
                cov = cov.merged(coverage(text, skip=cov.covered))
                locs.append(Location(it.entry.path))
                sources.append(it.entry.path)
                continue
        unread_papers.append(Location(it.entry.path))
    for comp in (Component.RESEARCH_PAPER, Component.TECHNICAL_REPORT):
        ev = comps.get(comp)
        if ev is not None and ev.status is Status.PRESENT:
            unread_papers.extend(
                loc for loc in ev.locations if loc not in locs and loc.lines and loc not in unread_papers
            )
    c = Component.DATA_INFORMATION
    if not sources:
        if unread_papers:
            return _ev(
                c,
                Status.UNKNOWN,
                unread_papers[:3],
                "no data description in the release; a paper/report (not read) may carry it",
            )
        if unreadable_cards:
            return _ev(
                c,
                Status.UNKNOWN,
                _locs(unreadable_cards),
                "the card that would describe the data is unreadable",
            )
        return _ev(c, Status.ABSENT, (), "no data card, data section, dataset list or paper")
    missing = cov.missing
    where = "; ".join(sources[:3])
    if not missing:
        return _ev(c, Status.PRESENT, locs[:6], f"covers all OSAID data-information items ({where})")
    gap = ", ".join(ITEM_TITLES[m] for m in missing)
    if unread_papers:
        return _ev(
            c,
            Status.UNKNOWN,
            (locs + unread_papers)[:6],
            f"{where} misses: {gap}; a paper/report (not read) may cover them",
        )
    return _ev(c, Status.PARTIAL, locs[:6], f"{where} misses: {gap}")


def fact_components(
    comps: dict[Component, ComponentEvidence], facts: list[Fact]
) -> dict[Component, ComponentEvidence]:
    """Seeds and pinned environments are components too (for reproducibility and MOF views)."""
    out = dict(comps)
    seeds = [f for f in facts if f.key == "random_seed"]
    if seeds and out[Component.RANDOM_SEEDS].status is Status.ABSENT:
        out[Component.RANDOM_SEEDS] = ComponentEvidence(
            Component.RANDOM_SEEDS,
            Status.PRESENT,
            tuple(f.location for f in seeds[:5]),
            out[Component.RANDOM_SEEDS].licenses,
            f"seed(s): {', '.join(str(f.value) for f in seeds[:4])}",
        )
    env = out[Component.ENVIRONMENT]
    deps = [f for f in facts if f.key == "pinned_dependencies"]
    if deps and env.status is Status.PRESENT:
        locked = any(f.value.get("lock") for f in deps)
        pinned = sum(f.value.get("pinned") or 0 for f in deps)
        total = sum(f.value.get("total") or 0 for f in deps)
        fully = locked or (total > 0 and pinned == total)
        status = Status.PRESENT if fully else Status.PARTIAL
        detail = "lock file" if locked else f"{pinned} of {total} requirements pinned"
        out[Component.ENVIRONMENT] = ComponentEvidence(
            Component.ENVIRONMENT,
            status,
            env.locations,
            env.licenses,
            f"{env.detail}; {detail}",
            env.declared,
            env.elsewhere,
        )
    return out
