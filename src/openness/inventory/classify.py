"""Build the inventory: a role for every file, from names first and a bounded head of content.

Reading is bounded three ways: a few KB per text file, a total budget per audit for text, and
a separate budget for weight headers. When a budget runs out the rest is classified by name
alone and a note says so. Nothing is imported, executed or unpickled.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import TypeVar

from openness.errors import SourceError
from openness.inventory import headers
from openness.inventory.code import analyse, deepen, fetches_weights, is_test_path, reads_further
from openness.inventory.names import (
    NEEDS_CODE,
    NEEDS_CONFIG,
    NEEDS_DOWNLOAD,
    NEEDS_INDEX,
    NEEDS_README,
    NEEDS_WEIGHTS,
    PICKLE_FORMATS,
    SCANNED_CODE,
    PathGuess,
    PathParts,
    guess,
    is_canonical_license,
    split,
)
from openness.lazy_re import lazy_compile
from openness.model import (
    Classified,
    CodeRole,
    FileEntry,
    Inventory,
    Location,
    Note,
    NoteKind,
    NoteLevel,
    Role,
    Snapshot,
    SourceKind,
    WeightFormat,
    WeightsInfo,
)

CODE_READ = 4 * 1024  # head of a code file: imports and the first definitions
# A Python module importing a deep-learning framework whose head leaves its model classes or inference
# methods unseen is read this far (``code.reads_further``): model code defined below 4 KB of imports,
# helpers and docstrings. Bounded per file, and charged to TEXT_BUDGET like every read.
CODE_DEEP_READ = 64 * 1024
CARD_READ = 16 * 1024  # head of a README: front matter and the first sections
CONFIG_READ = 8 * 1024
README_USAGE_READ = 64 * 1024  # head of a root README searched for usage examples (code blocks)
MAX_USAGE_READMES = 3  # root READMEs searched (README.md, README_zh.md...)
MAX_USAGE_IMPORTS = 256  # module names taken from their usage examples
TEXT_BUDGET = 16 * 1024 * 1024  # text bytes read per audit
HEADER_BUDGET = 256 * 1024 * 1024  # weight-header bytes read per audit (GGUF vocabularies are MBs)
MAX_NOTES_PER_KIND = 20
# What each counted group of inventory notes is about (``Note.kind``): consumers ask the kind.
_NOTE_KINDS: dict[str, NoteKind] = {
    "text-budget": NoteKind.LIMIT,
    "header-budget": NoteKind.LIMIT,
    "unreadable": NoteKind.UNREADABLE,
    "pickle-imports": NoteKind.UNSAFE,
    "weights-header": NoteKind.MALFORMED,
}
_BUDGET_ERROR = "not inspected (read budget spent)"
_T = TypeVar("_T")

# Training hyperparameter names; a config with two or more of them is a training config.
# fmt: off
HYPERPARAMETER_KEYS = frozenset({
    "lr", "learning_rate", "base_lr", "max_lr", "min_lr", "batch_size", "train_batch_size",
    "global_batch_size", "micro_batch_size", "train_micro_batch_size_per_gpu",
    "per_device_train_batch_size", "gradient_accumulation_steps", "warmup", "warmup_steps",
    "warmup_iters", "warmup_ratio", "lr_warmup_steps", "weight_decay", "max_steps", "train_iters",
    "max_iters", "num_train_epochs", "epochs", "max_epochs", "optimizer", "optim", "lr_scheduler",
    "lr_scheduler_type", "lr_decay_iters", "lr_decay_style", "adam_beta1", "adam_beta2", "adam_eps",
    "adam_epsilon", "beta1", "beta2", "grad_clip", "gradient_clipping", "max_grad_norm", "clip_grad",
    "dropout", "seed", "eval_interval", "save_interval", "block_size", "seq_length", "max_seq_len",
    "train_steps", "total_steps", "lr_schedule", "scheduler",
})
# Architecture settings; a config with two or more of them (and not a training config) is a
# model configuration.
ARCHITECTURE_KEYS = frozenset({
    "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size",
    "n_layer", "n_head", "n_embd", "d_model", "num_layers", "n_layers", "n_heads", "hidden_dim",
    "ffn_dim", "ffn_hidden_size", "num_key_value_heads", "max_position_embeddings", "model_type",
    "architectures", "rope_theta", "n_positions", "embed_dim", "num_heads", "d_ff", "d_kv",
    "head_dim", "n_kv_heads", "norm_eps", "layer_norm_eps", "rms_norm_eps", "multiple_of",
})
# fmt: on
# ``key:`` / ``key =`` at a line start (YAML, TOML, Python) and ``"key":`` anywhere (JSON, even
# minified); names are then looked up in the set above. Both patterns start with a literal so
# the regex engine skips ahead quickly; one alternation of every name would be ~20x slower.
_LINE_KEY = lazy_compile(r"""\n[ \t\-]*["']?([A-Za-z_][\w.-]*+)["']?[ \t]*[:=]""")
_JSON_KEY = lazy_compile(r'"([A-Za-z_][\w-]*+)"\s*:')
_IN_TOTO = "https://in-toto.io/Statement"
_CONFIG_PLACES = frozenset(  # folders whose Python files may be configs (nanoGPT's config/)
    {
        "config",
        "configs",
        "conf",
        "cfg",
        "cfgs",
        "hparams",
        "recipes",
        "recipe",
        "yamls",
        "experiments",
        "exp",
    }
)
_CARD_SECTIONS = lazy_compile(
    r"^#{1,6}\s*(model[ _-]?card|model (?:details|description|summary|information|overview|architecture)"
    r"|intended uses?|uses|training (?:data|details|procedure)|evaluation(?: results)?|limitations"
    r"|bias(?:,| and)|ethical considerations)\b",
    re.IGNORECASE | re.MULTILINE,
)
_SPACE_KEYS = lazy_compile(r"^(?:sdk|app_file|sdk_version):", re.MULTILINE)
_DATASET_KEYS = lazy_compile(
    r"^(?:dataset_info|task_categories|size_categories|source_datasets):", re.MULTILINE
)


@dataclass
class _Context:
    """What classifying one snapshot carries from file to file: read budgets, notes and unsafe files."""

    snapshot: Snapshot
    text_left: int
    header_left: int
    notes: list[Note] = field(default_factory=list)
    note_counts: dict[str, int] = field(default_factory=dict)
    unsafe: list[str] = field(default_factory=list)
    shared: dict[object, object] = field(default_factory=dict)

    def note(self, kind: str, level: NoteLevel, message: str, path: str | None = None) -> None:
        n = self.note_counts.get(kind, 0) + 1
        self.note_counts[kind] = n
        if n <= MAX_NOTES_PER_KIND:
            where = Location(path=path) if path else None
            self.notes.append(Note(level, message, where, _NOTE_KINDS.get(kind, NoteKind.OTHER)))

    def share(self, value: _T) -> _T:
        """One object for equal values: 100k files share a few reason tuples and role sets."""
        return self.shared.setdefault(value, value)  # type: ignore[return-value]

    def note_once(self, kind: str, level: NoteLevel, message: str, path: str | None = None) -> None:
        if kind not in self.note_counts:
            self.note(kind, level, message, path)

    def read_text(self, entry: FileEntry, limit: int) -> str | None:
        """The head of a text file, decoded leniently; None if binary, unreadable or out of budget."""
        if self.text_left <= 0:
            self.note_once(
                "text-budget",
                NoteLevel.INFO,
                f"read budget of {TEXT_BUDGET >> 20} MB spent: later files classified by name only",
            )
            return None
        data = self._read(entry, min(limit, self.text_left))
        if data is None:
            return None
        self.text_left -= len(data)
        if b"\x00" in data[:1024]:
            return None  # binary (or a sparse placeholder): nothing to learn from text patterns
        return data.decode("utf-8", "replace")

    def reader(self, entry: FileEntry) -> headers.ReadFn:
        def read(n: int) -> bytes:
            if n > self.header_left:
                raise _BudgetSpent
            data = self._read(entry, n)
            if data is None:
                raise _Unreadable
            self.header_left -= len(data)
            return data

        return read

    def _read(self, entry: FileEntry, limit: int) -> bytes | None:
        if not entry.readable:
            return None
        try:
            return self.snapshot.read(entry.path, limit)
        except (SourceError, OSError) as exc:
            self.note("unreadable", NoteLevel.WARNING, f"could not read: {exc}", entry.path)
            return None


class _BudgetSpent(Exception):
    pass


class _Unreadable(Exception):
    pass


def build_inventory(snapshot: Snapshot) -> Inventory:
    """Classify every file of ``snapshot``; problems become notes, never exceptions."""
    ctx = _Context(snapshot, text_left=TEXT_BUDGET, header_left=HEADER_BUDGET)
    hub = snapshot.kind == SourceKind.HF
    items = [
        _classify(ctx, entry, split(entry.path), hub or entry.origin.startswith("hf:"))
        for entry in snapshot.files
    ]
    items = _readme_usage(ctx, items)
    items = _with_scopes(items)
    if ctx.unsafe:
        shown = ", ".join(ctx.unsafe[:5]) + (
            f" and {len(ctx.unsafe) - 5} more" if len(ctx.unsafe) > 5 else ""
        )
        ctx.notes.append(
            Note(
                NoteLevel.WARNING,
                f"{len(ctx.unsafe)} pickle-based file(s) (they run code when loaded; "
                f"flagged, never loaded): {shown}",
                Location(path=ctx.unsafe[0]),
                NoteKind.UNSAFE,
            )
        )
    for kind, n in ctx.note_counts.items():
        if n > MAX_NOTES_PER_KIND:
            ctx.notes.append(
                Note(
                    NoteLevel.INFO,
                    f"{n - MAX_NOTES_PER_KIND} more '{kind}' notes not shown",
                    kind=NoteKind.TRUNCATED,
                )
            )
    if not snapshot.files and snapshot.declared is None:
        ctx.notes.append(
            Note(NoteLevel.WARNING, "the release has no files: nothing to inventory", kind=NoteKind.EMPTY)
        )
    return Inventory(snapshot=snapshot, items=tuple(items), notes=tuple(ctx.notes))


def _classify(ctx: _Context, entry: FileEntry, parts: PathParts, hub: bool) -> Classified:
    g = guess(parts, hub=hub, size=entry.size)
    if hub and g.role is Role.MODEL_CARD and ctx.snapshot.hub and ctx.snapshot.hub.repo_type == "dataset":
        g = PathGuess(Role.DATA_CARD, "README of a hub dataset repository (its dataset card)")
    if g.content is None:
        if g.weight_format is not None:
            return _weights(ctx, entry, parts, g)
        return Classified(entry, g.role, reasons=ctx.share((g.reason,)))
    if g.content in (NEEDS_CODE, NEEDS_DOWNLOAD):
        return _code(ctx, entry, parts, g)
    if g.content == NEEDS_README:
        return _readme(ctx, entry, parts, g)
    if g.content == NEEDS_CONFIG:
        return _config(ctx, entry, parts, g)
    if g.content in (NEEDS_WEIGHTS, NEEDS_INDEX):
        return _weights(ctx, entry, parts, g)
    return Classified(entry, g.role, reasons=ctx.share((g.reason,)))


# --------------------------------------------------------------------------- code and text


def _code(ctx: _Context, entry: FileEntry, parts: PathParts, g: PathGuess) -> Classified:
    # Tests are support code whatever they call; other languages are judged by path alone.
    scanned = parts.suffix in SCANNED_CODE and not is_test_path(parts)
    text = ctx.read_text(entry, CODE_READ) if scanned else None
    analysis = analyse(parts, text)
    if reads_further(parts, entry.size, text, analysis, CODE_READ):
        longer = ctx.read_text(entry, CODE_DEEP_READ)
        if longer is not None:
            analysis = deepen(parts, longer, analysis, len(text or ""))
            text = longer
    role, reasons = g.role, [g.reason, *analysis.reasons]
    locations = list(analysis.locations)
    if g.content == NEEDS_DOWNLOAD:
        # Later stages read a download script as "the weights live elsewhere": a script that
        # fetches data is preprocessing code instead.
        if fetches_weights(parts, text):
            reasons.append("fetches weights from elsewhere")
        else:
            role = Role.CODE
            reasons.append("fetches data, not weights")
    elif text is not None and parts.suffix == ".py" and _CONFIG_PLACES.intersection(parts.dirs):
        keys, first = _hyperparameters(text)
        if len(keys) >= 2:
            role = Role.TRAINING_CONFIG
            reasons.append("Python config with hyperparameters: " + ", ".join(sorted(keys)[:6]))
            locations.insert(0, Location(path=entry.path, lines=(first, first)))
    return Classified(
        entry,
        role,
        code_roles=ctx.share(analysis.roles),
        reasons=ctx.share(tuple(reasons)),
        locations=tuple(locations),
    )


def _readme(ctx: _Context, entry: FileEntry, parts: PathParts, g: PathGuess) -> Classified:
    text = ctx.read_text(entry, CARD_READ)
    if text is None:
        return Classified(entry, g.role, reasons=ctx.share((g.reason,)))
    if text.lstrip("\ufeff \t\r\n").startswith("---"):
        # Hugging Face cards share the format: Space and dataset cards have their own keys.
        front = text[: text.find("\n---", 3) + 1] if "\n---" in text[3:] else text
        if _SPACE_KEYS.search(front):
            return Classified(
                entry, Role.README, reasons=("README of a Hugging Face Space (sdk in front matter)",)
            )
        role, what = (
            (Role.DATA_CARD, "dataset card")
            if _DATASET_KEYS.search(front)
            else (Role.MODEL_CARD, "model card")
        )
        return Classified(
            entry,
            role,
            reasons=(f"README with YAML front matter (a {what})",),
            locations=(Location(path=entry.path, lines=(1, 1)),),
        )
    sections = {m.group(1).lower() for m in _CARD_SECTIONS.finditer(text)}
    card_heading = any(
        s.startswith(("model card", "model_card", "model-card", "model details", "model description"))
        for s in sections
    )
    if (card_heading and len(sections) >= 2) or len(sections) >= 4:
        m = _CARD_SECTIONS.search(text)
        line = text.count("\n", 0, m.start()) + 1 if m else 1
        return Classified(
            entry,
            Role.MODEL_CARD,
            reasons=("README with model-card sections: " + ", ".join(sorted(sections)[:5]),),
            locations=(Location(path=entry.path, lines=(line, line)),),
        )
    return Classified(entry, g.role, reasons=ctx.share((g.reason,)))


def _config(ctx: _Context, entry: FileEntry, parts: PathParts, g: PathGuess) -> Classified:
    """A structured file: training config (hyperparameters), model config (architecture) or other.

    Only the content decides: a YAML file under ``configs/`` may as well set paths or logging.
    """
    text = ctx.read_text(entry, CONFIG_READ)
    if text is None:
        return Classified(entry, Role.OTHER, reasons=("configuration file (content not inspected)",))
    if _IN_TOTO in text:
        return Classified(entry, Role.ATTESTATION, reasons=("in-toto statement",))
    for keys_of, role, what in (
        (HYPERPARAMETER_KEYS, Role.TRAINING_CONFIG, "hyperparameters"),
        (ARCHITECTURE_KEYS, Role.CONFIG, "model architecture settings"),
    ):
        keys, first = _keys(text, keys_of)
        if len(keys) >= 2:
            return Classified(
                entry,
                role,
                reasons=(f"{what}: " + ", ".join(sorted(keys)[:6]),),
                locations=(Location(path=entry.path, lines=(first, first)),),
            )
    return Classified(entry, Role.OTHER, reasons=("configuration file without model or training settings",))


def _hyperparameters(text: str) -> tuple[set[str], int]:
    return _keys(text, HYPERPARAMETER_KEYS)


def _keys(text: str, wanted: frozenset[str]) -> tuple[set[str], int]:
    """Names from ``wanted`` set in ``text``, and the line of the first one."""
    keys: set[str] = set()
    first = 0
    text = "\n" + text  # so that the first line starts with a newline too
    for pattern in (_LINE_KEY, _JSON_KEY):
        for m in pattern.finditer(text):
            key = m.group(1).rpartition(".")[2].lower()  # gin: train.learning_rate = ...
            if key in wanted:
                line = text.count("\n", 0, m.start(1))
                first = line if not keys else min(first, line)
                keys.add(key)
    return keys, first


# --------------------------------------------------------------------------- weights


def _weights(ctx: _Context, entry: FileEntry, parts: PathParts, g: PathGuess) -> Classified:
    fmt = g.weight_format or WeightFormat.OTHER
    role, reasons = g.role, [g.reason]
    if entry.lfs:
        info = WeightsInfo(fmt, unsafe=fmt in PICKLE_FORMATS, error="Git LFS pointer: content not fetched")
        return _weights_item(ctx, entry, role, info, reasons)
    if not entry.readable:
        hub_info = _hub_header(ctx.snapshot, entry.path, fmt)
        if hub_info is not None:
            reasons.append("header read by the hub source (ranged request)")
            return _weights_item(ctx, entry, role, hub_info, reasons)
        reasons.append(f"content not available from {entry.origin}: header not read")
        return _weights_item(ctx, entry, role, WeightsInfo(fmt, unsafe=fmt in PICKLE_FORMATS), reasons)
    try:
        if g.content == NEEDS_INDEX:
            info, shards = headers.index_info(ctx.reader(entry), fmt)
            if shards:
                base = posixpath.dirname(entry.path)
                # The snapshot's own path index (built for reading): no second set of every path.
                entry_of = ctx.snapshot.entry
                present = sum(1 for s in shards if entry_of(posixpath.join(base, s)) is not None)
                reasons.append(f"{len(shards)} shard(s) named, {present} present here")
        elif fmt is WeightFormat.SAFETENSORS:
            info = headers.safetensors_info(ctx.reader(entry), entry.size)
        elif fmt is WeightFormat.GGUF:
            info = headers.gguf_info(ctx.reader(entry))
        elif fmt is WeightFormat.NUMPY and parts.suffix == ".npy" and g.content == NEEDS_WEIGHTS:
            info = headers.numpy_info(ctx.reader(entry))
        elif fmt in PICKLE_FORMATS or fmt is WeightFormat.OTHER:
            info, role = _sniffed(ctx, entry, parts, fmt, role, reasons)
        else:
            info = WeightsInfo(fmt)
    except _BudgetSpent:
        ctx.note_once(
            "header-budget",
            NoteLevel.INFO,
            f"weight-header budget of {HEADER_BUDGET >> 20} MB spent: later weight files not inspected",
            entry.path,
        )
        info = WeightsInfo(fmt, unsafe=fmt in PICKLE_FORMATS, error=_BUDGET_ERROR)
    except _Unreadable:
        info = WeightsInfo(fmt, unsafe=fmt in PICKLE_FORMATS, error="content not readable")
    return _weights_item(ctx, entry, role, info, reasons)


def _hub_header(snapshot: Snapshot, path: str, fmt: WeightFormat) -> WeightsInfo | None:
    """A header the hub source already read (``HubMetadata.extra["safetensors"][path]``)."""
    summaries = snapshot.hub.extra.get("safetensors") if snapshot.hub is not None else None
    summary = summaries.get(path) if isinstance(summaries, dict) else None
    if fmt is not WeightFormat.SAFETENSORS or not isinstance(summary, dict):
        return None
    params, dtypes = summary.get("parameters"), summary.get("dtypes")
    count, meta = summary.get("tensor_count"), summary.get("metadata")
    dtypes = dtypes if isinstance(dtypes, dict) else {}
    # The summary's numbers come from a header on the hub: the same plausibility bounds as a
    # header read here, so no consumer formats or float()s an unbounded number.
    numbers = [params, count, *dtypes.values()]
    if len(dtypes) > headers.MAX_DTYPES or not all(_plausible(n) for n in numbers if n is not None):
        return WeightsInfo(fmt, error="implausible safetensors summary from the hub: parameters not counted")
    text = headers.clean_text
    return WeightsInfo(
        fmt,
        parameters=params if isinstance(params, int) else None,
        dtypes={text(str(k), 32): v for k, v in dtypes.items() if isinstance(v, int)},
        tensor_count=count if isinstance(count, int) else None,
        metadata={text(str(k), 200): text(str(v), 200) for k, v in list(meta.items())[:64]}
        if isinstance(meta, dict)
        else {},
    )


def _plausible(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= headers.MAX_PARAMETERS


def _sniffed(
    ctx: _Context, entry: FileEntry, parts: PathParts, fmt: WeightFormat, role: Role, reasons: list[str]
) -> tuple[WeightsInfo, Role]:
    """Settle a pickle-family or ``.bin`` file by its magic bytes (the content is never parsed)."""
    seen = headers.sniff(ctx.reader(entry)(16)) if entry.size else None
    if seen is WeightFormat.SAFETENSORS:
        return headers.safetensors_info(ctx.reader(entry), entry.size), role
    if seen is WeightFormat.GGUF:
        return headers.gguf_info(ctx.reader(entry)), role
    if seen is not None:
        if seen in PICKLE_FORMATS and (fmt is WeightFormat.PYTORCH_PICKLE or parts.suffix == ".bin"):
            # torch.save wrote raw pickles before its zip container: both are PyTorch files
            seen = WeightFormat.PYTORCH_PICKLE
        reasons.append(f"magic bytes say {seen}")
        if seen in PICKLE_FORMATS:
            return _scanned_pickle(ctx, entry, seen, reasons), role
        return WeightsInfo(seen), role
    if fmt is WeightFormat.OTHER:
        if "pytorch_model" in parts.name:
            return WeightsInfo(WeightFormat.PYTORCH_PICKLE, unsafe=True), role
        if (
            role is Role.WEIGHTS
            and not {"model", "weights", "adapter", "consolidated", "ckpt"} & parts.tokens
        ):
            reasons.append("binary file of unknown format")
            return WeightsInfo(WeightFormat.OTHER), Role.OTHER
    return WeightsInfo(fmt, unsafe=fmt in PICKLE_FORMATS), role


def _scanned_pickle(ctx: _Context, entry: FileEntry, fmt: WeightFormat, reasons: list[str]) -> WeightsInfo:
    """Flag a pickle, and name the globals it would import (opcodes read, nothing executed)."""
    payload = headers.pickle_payload(ctx.reader(entry)(min(entry.size, headers.PICKLE_SCAN_LIMIT)))
    if payload is None:
        return WeightsInfo(fmt, unsafe=True)
    scan = headers.scan_pickle(payload)
    metadata = {"pickle.globals": ", ".join(scan.globals)}
    if not scan.complete:
        metadata["pickle.scan"] = f"partial (first {headers.PICKLE_SCAN_LIMIT >> 10} KB)"
    if scan.unexpected:
        shown = ", ".join(scan.unexpected[:5])
        metadata["pickle.unexpected"] = ", ".join(scan.unexpected)
        reasons.append(f"pickle imports {shown}: loading it would run that code")
        ctx.note(
            "pickle-imports",
            NoteLevel.WARNING,
            f"pickle imports {shown}: loading it would run that code",
            entry.path,
        )
    return WeightsInfo(fmt, metadata=metadata, unsafe=True)


def _weights_item(
    ctx: _Context, entry: FileEntry, role: Role, info: WeightsInfo, reasons: list[str]
) -> Classified:
    if info.unsafe:
        ctx.unsafe.append(entry.path)
        reasons.append("pickle-based: runs code when loaded; flagged, never loaded")
    if info.parameters is not None:
        reasons.append(f"{info.parameters:,} parameters in {info.tensor_count} tensors")
    if info.error and not entry.lfs and info.error != "content not readable":
        # A header not inspected for the budget is a limit (noted once above), not a bad header.
        key = "header-budget" if info.error == _BUDGET_ERROR else "weights-header"
        ctx.note(key, NoteLevel.WARNING, info.error, entry.path)
    return Classified(entry, role, weights=info, reasons=ctx.share(tuple(reasons)))


# --------------------------------------------------------------------------- README usage

# ``from pkg.mod import X`` / ``import pkg`` at the start of a code line (``>>>`` prompts too).
_USAGE_IMPORT = lazy_compile(
    r"^[ \t]*(?:>>>[ \t]*)?(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*))"
)
_FENCE = lazy_compile(r"^[ \t]*(?:```|~~~)")
# A code block that runs a model: loads it, or calls what produces outputs. An import next to
# ``registry`` or a kernel build is library plumbing, not a usage example.
_RUNS_MODEL = lazy_compile(
    r"\.(?:generate|predict|transcribe|infer|sample|chat|complete|detect|segment|caption|embed|classify)\w*\("
    r"|\b(?:load_model|from_pretrained|pipeline|infer|predict|generate|transcribe)\("
    r"|\b\w*(?:Predictor|Pipeline|Sampler|Generator|Inference\w*)\("
)


def _readme_usage(ctx: _Context, items: list[Classified]) -> list[Classified]:
    """Code the README shows in use is code for running the model (inference).

    A package whose modules carry no signal of their own (``whisper/__init__.py``, ``name/name.py``)
    is still how users run the model when the README's usage example imports it: that example is
    the reason, with its line. Only imports in a fenced code block that also runs a model (loads
    it, generates, predicts...) count, and only of modules in the release; the README's head
    (``README_USAGE_READ``) is read once more, within the text budget.
    """
    readmes = sorted(
        (it for it in items if "/" not in it.entry.path and it.role in (Role.README, Role.MODEL_CARD)),
        key=lambda it: (it.entry.path.lower() != "readme.md", it.entry.path),
    )[:MAX_USAGE_READMES]
    # First the README's usage imports (module name -> the line showing it), then only the files
    # those names could be: most releases have none, and listing every module costs a pass.
    imports: dict[str, tuple[str, Location]] = {}
    for readme in readmes:
        text = ctx.read_text(readme.entry, README_USAGE_READ)
        if not text:
            continue
        for block in _code_blocks(text):
            if not any(_RUNS_MODEL.search(line) for _, line in block):
                continue
            for n, line in block:
                m = _USAGE_IMPORT.match(line)
                if m is None or len(imports) >= MAX_USAGE_IMPORTS:
                    continue
                dotted = (m.group(1) or m.group(2)).strip(".")
                top = dotted.split(".", 1)[0]
                where = Location(path=readme.entry.path, lines=(n, n))
                for key in (dotted, top, f"{top}.{top}"):
                    imports.setdefault(key, (line.strip()[:80], where))
    if not imports:
        return items
    shown: dict[int, tuple[str, Location]] = {}  # item index -> (import line, README location)
    for key, indexes in _python_modules(items, {k.split(".", 1)[0] for k in imports}).items():
        if key in imports:
            for index in indexes:
                shown.setdefault(index, imports[key])
    if not shown:
        return items
    out = list(items)
    for index, (line, where) in shown.items():
        it = out[index]
        roles = (it.code_roles - {CodeRole.SUPPORT}) | {CodeRole.INFERENCE}
        reasons = (*it.reasons, f"inference: the README's usage example imports it: {line!r} ({where})")
        out[index] = replace(
            it,
            code_roles=ctx.share(frozenset(roles)),
            reasons=tuple(reasons),
            locations=(*it.locations, where),
        )
    return out


def _code_blocks(text: str) -> list[list[tuple[int, str]]]:
    """The fenced code blocks of a Markdown text, as numbered lines (an unclosed fence ends the text)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append((n, line))
    if current:
        blocks.append(current)
    return blocks


def _python_modules(items: list[Classified], tops: set[str]) -> dict[str, list[int]]:
    """Importable names of the release's Python files under the top-level names ``tops`` -> indexes.

    ``pkg/mod.py`` is ``pkg.mod``; ``pkg/__init__.py`` is ``pkg``; under one source folder
    (``src/pkg/mod.py``) both with and without it. Tests are never what a README shows in use.
    """
    out: dict[str, list[int]] = {}
    for index, it in enumerate(items):
        path = it.entry.path
        if not path.endswith(".py") or it.role is not Role.CODE:
            continue
        parts = path[:-3].split("/")
        if parts[0] not in tops and (len(parts) < 2 or parts[1] not in tops):
            continue
        if parts[-1] == "__init__":
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts) or is_test_path(split(path)):
            continue
        out.setdefault(".".join(parts), []).append(index)
        if len(parts) > 1:
            out.setdefault(".".join(parts[1:]), []).append(index)
    return out


# --------------------------------------------------------------------------- scopes

# Files that describe or license a folder rather than make it up.
_DESCRIPTIVE = frozenset(
    {Role.LICENSE, Role.NOTICE, Role.USE_POLICY, Role.MODEL_CARD, Role.README, Role.DOCS, Role.CITATION}
)


def _with_scopes(items: list[Classified]) -> list[Classified]:
    """Mark files that belong to a per-model (or vendored) folder carrying its own licence or card.

    A folder is a scope when it holds a licence (LICENSE, MODEL_LICENSE...), a use policy or a
    model card, and either something else besides descriptive files or both a licence and a
    card: ``models/llama3`` is one, ``assets/model_licenses`` (only licence texts, whose scope
    is unknown) and ``model_cards/`` (only cards) are not.
    """
    licensed: set[str] = set()
    carded: set[str] = set()
    substantive: set[str] = set()
    license_role, policy_role, card_role = Role.LICENSE, Role.USE_POLICY, Role.MODEL_CARD
    for item in items:
        path = item.entry.path
        folder = _dirname(path)
        if not folder:
            continue
        role = item.role
        if (role is license_role and is_canonical_license(posixpath.basename(path))) or role is policy_role:
            licensed.add(folder)
        elif role is card_role:
            carded.add(folder)
        if folder not in substantive and role not in _DESCRIPTIVE:
            while folder and folder not in substantive:
                substantive.add(folder)
                folder = posixpath.dirname(folder)
    # A folder with a licence and a model card documents one model even when nothing else is there.
    scopes = ((licensed | carded) & substantive) | (licensed & carded)
    if not scopes:
        return items
    out = []
    for item in items:
        folder = _dirname(item.entry.path)
        while folder and folder not in scopes:
            folder = posixpath.dirname(folder)
        out.append(replace(item, scope=folder) if folder else item)
    return out


def _dirname(path: str) -> str:
    """``posixpath.dirname(path)``, without its call for the usual path (``a/b/c``: one slash
    before the name, after something that is not a slash); run twice per file of a release."""
    cut = path.rfind("/")
    if cut > 0 and path[cut - 1] != "/":
        return path[:cut]
    return posixpath.dirname(path)
