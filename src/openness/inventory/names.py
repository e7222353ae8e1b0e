"""Roles from names and paths alone: the first, cheap pass over every file.

Each rule looks at the lower-cased path, its folders and its file name. Rules that need
content (model card or README, training config or plain YAML, what a ``.bin`` really is, what
code does) say so in ``PathGuess.content`` and the classifier reads a bounded head.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from openness.lazy_re import lazy_compile
from openness.model import Role, WeightFormat

# What the classifier must read to settle a guess.
NEEDS_CODE = "code"  # roles of code from imports and calls
NEEDS_README = "readme"  # model card or plain README (front matter, sections)
NEEDS_CONFIG = "config"  # training hyperparameters or a plain config
NEEDS_WEIGHTS = "weights"  # header (safetensors, GGUF, npy) or magic (.bin)
NEEDS_INDEX = "index"  # sharded weights index
NEEDS_DOWNLOAD = "download"  # code that fetches weights or data


class PathGuess(NamedTuple):
    # A tuple: one is built for nearly every file of a release, and a frozen dataclass's __init__
    # costs several times more (issue 14). The common guesses are module constants (``_GUESSES``).
    role: Role
    reason: str
    weight_format: WeightFormat | None = None
    content: str | None = None


class PathParts(NamedTuple):
    # A tuple, built once per file (a frozen dataclass's __init__ cost ~1 us more each, issue 14).
    path: str  # as listed
    lower: str
    name: str  # lower-cased file name
    stem: str  # name without the last suffix
    suffix: str  # last suffix with the dot, lower-cased
    dirs: tuple[str, ...]  # lower-cased folder names
    tokens: frozenset[str]  # alphabetic words of the whole path
    stem_words: frozenset[str]  # alphabetic words of the stem
    folder: Folder  # what the folders say, decided once per folder


_WORD = lazy_compile(r"[a-z]+")
_TOKENIZER_WORDS = frozenset({"tokenizer", "spiece", "sentencepiece", "spm", "vocab", "merges"})
# Folders whose answers are kept (``_folder``): a release's files sit in a few hundred folders, and
# files of one folder are listed together. Longer folder paths (hostile depth) are not kept, so the
# cache holds at most MAX_CACHED_FOLDERS x MAX_CACHED_FOLDER_CHARS characters of keys.
MAX_CACHED_FOLDERS = 1024
MAX_CACHED_FOLDER_CHARS = 1024
MAX_CACHED_SUFFIX_CHARS = 16  # suffixes whose words are kept (``_suffix_words``: 256 of them at most)


def split(path: str) -> PathParts:
    lower = path.lower()
    cut = lower.rfind("/") + 1  # the folder part keeps its slash: "" (no folder) differs from "/"
    key = lower[:cut]
    folder = _folder(key) if len(key) <= MAX_CACHED_FOLDER_CHARS else _folder_facts(key)
    name = lower[cut:]
    dot = name.rfind(".")
    if dot > 0:
        stem, suffix = name[:dot], name[dot:]
        # Words never span a dot or a slash: the path's words are the folder's, the stem's and the
        # suffix's (the same set as the words of the whole lower-cased path).
        stem_words = frozenset(_WORD.findall(stem))
        if len(suffix) <= MAX_CACHED_SUFFIX_CHARS:
            tokens = folder.tokens | stem_words | _suffix_words(suffix)
        else:
            tokens = folder.tokens | stem_words | frozenset(_WORD.findall(suffix))
    else:
        stem, suffix = name, ""
        stem_words = frozenset(_WORD.findall(stem))
        tokens = folder.tokens | stem_words
    return PathParts(path, lower, name, stem, suffix, folder.dirs, tokens, stem_words, folder)


@lru_cache(maxsize=256)
def _suffix_words(suffix: str) -> frozenset[str]:
    return frozenset(_WORD.findall(suffix))


# --------------------------------------------------------------------------- vocabularies
# fmt: off

CODE_SUFFIXES = frozenset(
    {
        ".py", ".pyx", ".pxd", ".pyi", ".sh", ".bash", ".zsh", ".fish", ".rs", ".cu", ".cuh", ".c",
        ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".jl", ".r",
        ".go", ".java", ".scala", ".kt", ".lua", ".swift", ".m", ".mm", ".rb", ".php", ".pl", ".ps1",
        ".bat", ".cmd", ".metal", ".hip", ".mojo", ".slurm", ".sbatch", ".zig", ".cl", ".f90", ".sql",
        ".triton",
    }
)
# Code whose head is worth scanning for imports and calls (the signals are Python and shell).
SCANNED_CODE = frozenset({".py", ".pyx", ".sh", ".bash", ".zsh", ".slurm", ".sbatch", ".ipynb"})
DOC_SUFFIXES = frozenset(
    {".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".org", ".html", ".htm", ".tex"}
)
MEDIA_SUFFIXES = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".ico", ".mp4", ".webm", ".mov",
        ".avi", ".mp3", ".wav", ".flac", ".ogg", ".tif", ".tiff", ".eps",
    }
)
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".toml", ".json", ".gin", ".cfg", ".ini", ".conf", ".jsonnet"})
DATA_SUFFIXES = frozenset(
    {
        ".jsonl", ".json", ".parquet", ".arrow", ".csv", ".tsv", ".txt", ".gz", ".zst", ".xz", ".bz2",
        ".bin", ".idx", ".npy", ".npz", ".tfrecord", ".tfrecords", ".mds", ".tar", ".zip", ".h5",
        ".hdf5", ".feather", ".avro", ".lance", ".pkl", ".pickle", ".xml", ".sqlite", ".db",
        ".wav", ".flac", ".mp3", ".jpg", ".jpeg", ".png", ".mp4",
    }
)
# Only dataset files: anywhere in a release they are data.
ALWAYS_DATA_SUFFIXES = frozenset(
    {".parquet", ".arrow", ".tfrecord", ".tfrecords", ".mds", ".feather", ".lance"}
)

WEIGHT_SUFFIXES: dict[str, WeightFormat] = {
    ".safetensors": WeightFormat.SAFETENSORS,
    ".gguf": WeightFormat.GGUF,
    ".ggml": WeightFormat.GGML,
    ".pt": WeightFormat.PYTORCH_PICKLE,
    ".pth": WeightFormat.PYTORCH_PICKLE,
    ".ckpt": WeightFormat.PYTORCH_PICKLE,
    ".th": WeightFormat.PYTORCH_PICKLE,
    ".nemo": WeightFormat.PYTORCH_PICKLE,
    ".distcp": WeightFormat.PYTORCH_PICKLE,
    ".pkl": WeightFormat.PICKLE,
    ".pickle": WeightFormat.PICKLE,
    ".joblib": WeightFormat.PICKLE,
    ".onnx": WeightFormat.ONNX,
    ".tflite": WeightFormat.TFLITE,
    ".h5": WeightFormat.KERAS_H5,
    ".hdf5": WeightFormat.KERAS_H5,
    ".keras": WeightFormat.KERAS_H5,
    ".msgpack": WeightFormat.FLAX_MSGPACK,
    ".npy": WeightFormat.NUMPY,
    ".npz": WeightFormat.NUMPY,
    ".mlmodel": WeightFormat.COREML,
    ".llamafile": WeightFormat.OTHER,
}
PICKLE_FORMATS = frozenset({WeightFormat.PYTORCH_PICKLE, WeightFormat.PICKLE})

TOKENIZER_NAMES = frozenset(
    {
        "tokenizer.json", "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json",
        "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt", "spiece.model",
        "sentencepiece.bpe.model", "sentencepiece.model", "encoder.json", "vocab.bpe", "bpe.codes",
        "spm.model", "chat_template.jinja", "chat_template.json", "tokenizer.txt",
    }
)
MODEL_CONFIG_NAMES = frozenset(
    {
        "config.json", "generation_config.json", "preprocessor_config.json", "processor_config.json",
        "adapter_config.json", "params.json", "model_index.json", "scheduler_config.json",
        "quantize_config.json", "quantization_config.json", "feature_extractor_config.json",
        "configuration.json", "model_config.json", "model_args.json", "video_preprocessor_config.json",
    }
)
TRAINING_CONFIG_NAMES = frozenset(
    {
        "training_args.json", "training_args.bin", "hparams.yaml", "hparams.yml", "hparams.json",
        "hyperparameters.json", "train_config.json", "trainer_config.json", "ds_config.json",
        "deepspeed_config.json", "training_config.json", "train_config.yaml", "args.json",
    }
)
DEPENDENCY_NAMES = frozenset(
    {
        "pyproject.toml", "setup.py", "setup.cfg", "pipfile", "pipfile.lock", "poetry.lock", "uv.lock",
        "pdm.lock", "conda-lock.yml", "conda-lock.yaml", "package.json", "package-lock.json", "yarn.lock",
        "pnpm-lock.yaml", "cargo.toml", "cargo.lock", "go.mod", "go.sum", "gemfile", "gemfile.lock",
        "project.toml", "manifest.toml", "pixi.toml", "pixi.lock", "environment.yml", "environment.yaml",
        "conda.yml", "conda.yaml", "meta.yaml", "requirements.in", "pylock.toml",
    }
)
BUILD_NAMES = frozenset(
    {
        "makefile", "gnumakefile", "cmakelists.txt", "tox.ini", "noxfile.py", ".pre-commit-config.yaml",
        "manifest.in", ".gitignore", ".gitattributes", ".gitmodules", ".dockerignore", ".readthedocs.yml",
        ".readthedocs.yaml", ".flake8", "mypy.ini", "pytest.ini", ".editorconfig", "codecov.yml",
        ".codecov.yml", ".coveragerc", "ruff.toml", ".ruff.toml", ".pylintrc", "pylintrc", "meson.build",
        "build", "build.bazel", "workspace", ".bazelrc", ".clang-format", ".style.yapf", ".isort.cfg",
        ".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "jenkinsfile", "conftest.py",
        ".pre-commit-hooks.yaml", "mkdocs.yml", "mkdocs.yaml", ".prettierrc", ".markdownlint.json",
        ".yamllint", "justfile", "taskfile.yml", "codeowners", ".mailmap", ".env.example",
        "renovate.json", ".python-version", ".nvmrc", "docs/conf.py", ".cirrus.yml",
    }
)
BUILD_DIRS = frozenset({".github", ".gitlab", ".circleci", ".ci", ".buildkite", ".azure-pipelines", ".husky"})
TEST_DIRS = frozenset(
    {"test", "tests", "testing", "test_fixtures", "fixtures", "test_data", "testdata", "__tests__"}
)
DATA_DIRS = frozenset(
    {
        "data", "dataset", "datasets", "corpus", "corpora", "training_data", "train_data", "eval_data",
        "pretraining_data", "raw_data", "processed_data", "shards", "jsonl", "parquet",
    }
)
EVAL_DIRS = frozenset(
    {
        "eval", "evals", "evaluation", "evaluations", "results", "eval_results", "leaderboard", "scores",
        "benchmarks",
    }
)
SAMPLE_DIRS = frozenset(
    {"samples", "sample_outputs", "outputs", "generations", "generated", "model_outputs", "completions"}
)
PAPER_DIRS = frozenset({"paper", "papers", "report", "reports", "technical-report", "technical_report"})
_PAPER_SOURCE_DIRS = frozenset({"paper", "papers"})
FIGURE_DIRS = frozenset({"assets", "images", "figures", "figs", "img", "imgs", "plots", "static", "media"})
PAPER_WORDS = frozenset({"paper", "report", "technical", "techreport", "arxiv", "preprint", "whitepaper"})
_LICENSE_DIRS = frozenset({"licenses", "licences", "license", "licence"})
CARD_DIRS = frozenset({"model_cards", "model-cards", "modelcards", "model_card", "model-card"})

# A data file of a weak format (JSON, text, tables, images) in a data folder counts as a dataset when
# its name says data or it has at least this size: a 3 KB ``data/meanwhile.json`` is metadata.
DATASET_MIN_BYTES = 1 << 20
# Formats that hold records and little else: in a data folder (or anywhere, for JSON Lines) they are
# data whatever their size; a small fine-tuning set is still a training set.
_RECORD_SUFFIXES = frozenset(
    {".jsonl", ".npy", ".npz", ".h5", ".hdf5", ".pkl", ".pickle", ".gz", ".zst", ".xz", ".bz2", ".tar",
     ".zip", ".bin", ".idx", ".avro", ".sqlite", ".db"}
)
# Words of a file name that say it is data (its split, its kind).
_DATA_NAME_WORDS = frozenset(
    {"train", "training", "valid", "validation", "val", "dev", "test", "eval", "split", "splits", "corpus",
     "data", "dataset", "shard", "part", "chunk", "sft", "pretrain", "pretraining", "instruct",
     "instructions", "dpo", "pairs", "preference", "preferences", "conversations", "dialogues", "alpaca"}
)
# Words of a file name that say it is an example, not the data a model was trained on. "sample"
# is weaker: ``alpaca_data_zh_51k_sample_1k.jsonl`` is a subset of a dataset, named as data too.
_EXAMPLE_WORDS = frozenset({"demo", "demos", "example", "examples", "toy", "dummy"})
_SAMPLE_WORDS = frozenset({"sample", "samples"})
# Words of a file name that say it is a lookup table or a description of data, not data.
_LOOKUP_WORDS = frozenset(
    {"map", "maps", "mapping", "mappings", "label", "labels", "classes", "lookup", "index", "meta",
     "metadata", "info", "stats", "statistics", "schema", "manifest", "config", "vocab", "dict",
     "dictionary", "names", "ids"}
)
# Folders whose files serve running or showing the model: data there is an input, not training data.
USE_DIRS = frozenset(
    {"inference", "infer", "serving", "serve", "server", "deploy", "deployment", "api", "client", "webui",
     "gradio", "demo", "demos"}
)
# Documentation folders: an image there is a figure, whatever folder it sits in below.
DOC_DIRS = frozenset({"docs", "doc", "documentation", "site", "website"})
# Folders of analysis and experiment output: a pickle there is a result, not the released weights.
_OUTPUT_DIRS = frozenset(
    {"output", "outputs", "results", "analysis", "analyses", "experiment", "experiments", "ablation",
     "ablations", "logs", "log", "wandb", "scratch", "playground", "sandbox"}
)
_OUTPUT_DIR = lazy_compile(r"[-_](?:outputs?|results|analysis)$")
# Words of a tensor file's name that say it saves data computed with a model (encodings, features,
# activations), not the model.
_SAVED_DATA_WORDS = frozenset(
    {"encoded", "encodings", "encoding", "features", "feats", "latents", "activations", "acts", "logits",
     "predictions", "preds", "outputs", "output", "results", "result", "cache", "cached", "stats",
     "statistics", "losses", "history", "metrics", "scores", "tokens", "tokenized", "inputs", "targets",
     "labels", "indices", "probs"}
)
# Names that say a file holds a model (``_model_like``), also for pickles: fastai's export.pkl,
# scikit-learn classifiers.
_MODEL_WORDS = frozenset(
    {"model", "pytorch", "weights", "checkpoint", "ckpt", "adapter", "consolidated", "flax", "tf", "ggml"}
)
_PICKLED_MODEL_WORDS = _MODEL_WORDS | {"export", "classifier", "clf", "estimator", "regressor", "pipeline"}
# A small torch file named like an experiment run (date-stamped ``251016_rosa_1bit_run.pth``, "run",
# "ablation") is that experiment's tensors; released weights are named for the model, or big.
EXPERIMENT_MAX_BYTES = 16 << 20
_EXPERIMENT_NAME = lazy_compile(
    r"^(?:19|20)?\d{6}[-_]|(?:^|[-_.])(?:run|runs|exp|experiment|ablation|trial|debug|probe)(?:[-_.\d]|$)"
)

_LICENSE_WORD = lazy_compile(r"(?:^|[^a-z])(?:licen[cs]e|licen[cs]es|copying|unlicense|eula)(?:[^a-z]|$)")
# Licence-named files that are not the licence of their folder (templates, lists, checkers).
_NOT_A_FOLDER_LICENSE = frozenset(
    {"header", "headers", "template", "check", "checker", "list", "summary", "report", "faq", "third",
     "party"}
)
_TERMS = lazy_compile(r"^(?:terms[-_]of[-_](?:use|service)|terms)(?:\.[a-z]+)?$")
_USE_POLICY = lazy_compile(
    r"(?:use[-_ ]?policy|acceptable[-_ ]?use|prohibited[-_ ]?use|(?:^|[-_])aup(?:[-_.]|$))"
)
_NOTICE = lazy_compile(
    r"^(?:notice|notices|third[-_]?party[-_]?notices?|thirdpartynotices|attributions?)(?:\.[a-z]+)?$"
)
_MODEL_CARD = lazy_compile(r"(?:^|[-_ ])(?:model[-_ ]?card|modelcard)(?:[-_ .]|$)")
_DATA_CARD = lazy_compile(r"(?:data[-_ ]?card|datacard|datasheet|dataset[-_ ]?card)")
_PAPER_NAME = lazy_compile(
    r"^(?:paper|technical[-_ ]?report|tech[-_ ]?report|report|whitepaper)(?:[-_.].*)?$",
)
_ARXIV = lazy_compile(
    r"^\d{4}\.\d{4,5}(?:v\d+)?$",
)
_README = lazy_compile(r"^readme(?:[-_.].*)?$")
_REQUIREMENTS = lazy_compile(
    r"(?:^|[-_.])(?:requirements|constraints|reqs)(?:[-_.][a-z0-9_.-]*)?\.(?:txt|in)$"
)
_ENVIRONMENT = lazy_compile(r"^(?:environment|env|conda)(?:[-_.][a-z0-9_.-]*)?\.ya?ml$")
_CONTAINER = lazy_compile(
    r"(?:^(?:docker|container)file(?:[-_.].*)?$|\.(?:docker|container)file$|^docker-compose.*\.ya?ml$"
    r"|^compose\.ya?ml$|^singularity(?:[-_.].*)?$|^apptainer(?:[-_.].*)?$|\.def$|^devcontainer\.json$)"
)
_ATTESTATION = lazy_compile(
    r"\.(?:intoto\.jsonl?|sigstore(?:\.json)?|att\.json)$|(?:attestation|provenance)[^/]*\.(?:jsonl?|bundle)$"
)
_DOWNLOAD = lazy_compile(r"^(?:download|fetch|get[-_](?:weights|ckpt|checkpoints?|models?|data))")
_CHECKPOINT_STEP = lazy_compile(
    r"(?:^|[/_.-])(?:step|global[-_]?step|iter|iteration|epoch|checkpoint|ckpt)[-_]?\d+"
)
_SHARD_INDEX = lazy_compile(r"\.(?:safetensors|bin|pt|pth)\.index\.json$")
_OPTIMIZER = lazy_compile(r"(?:optim|optimizer|zero_pp_rank|adam_state|optimizer_state)")
_TF_SHARD = lazy_compile(r"\.data-\d{5}-of-\d{5}$")
# fmt: on


# --------------------------------------------------------------------------- folders


@dataclass(frozen=True, slots=True)
class Folder:
    """What a file's folders say about it, decided once per folder (``split`` asks ``_folder``).

    These answers depend on the folder path alone; a 100,000-file tree has a few hundred folders,
    and each answer was computed again for every file in them (issue 14). Every rule that asks
    one of these asks it here, so a folder rule has one place.
    """

    dirs: tuple[str, ...]  # lower-cased folder names
    tokens: frozenset[str]  # alphabetic words of the folder path
    in_tests: bool  # a test or fixture folder (TEST_DIRS) somewhere above
    build: bool  # a CI folder (BUILD_DIRS) somewhere above
    requirements: bool  # a requirements*/reqs* folder somewhere above
    licenses: bool  # directly in a licences folder (REUSE layout)
    cards: bool  # a model-card folder (CARD_DIRS) somewhere above
    data: bool  # a data folder (DATA_DIRS) somewhere above
    samples: bool  # a samples folder (SAMPLE_DIRS) somewhere above
    evaluation: bool  # an evaluation folder (EVAL_DIRS) somewhere above
    eval_results: bool  # a .eval_results folder somewhere above
    paper_sources: bool  # a paper/papers folder somewhere above
    papers: bool  # a paper or report folder (PAPER_DIRS) somewhere above
    figures: bool  # a figures folder (FIGURE_DIRS) somewhere above
    tokenizer: bool  # a folder named tokenizer somewhere above
    data_dir: str | None  # the first data folder (DATA_DIRS, *_data, *-data)
    use_dir: str | None  # the first folder of running or showing the model (USE_DIRS)
    shown_dir: str | None  # the first documentation or figures folder (DOC_DIRS, FIGURE_DIRS)
    doc_dir: str | None  # the first documentation folder (DOC_DIRS)
    output_dir: str | None  # the first analysis or experiment output folder (``_output_dir``)


@lru_cache(maxsize=MAX_CACHED_FOLDERS)
def _folder(key: str) -> Folder:
    return _folder_facts(key)


def _folder_facts(key: str) -> Folder:
    """The answers for the lower-cased folder part ``key`` of a path ("" or ending with a slash)."""
    dirs = tuple(key[:-1].split("/")) if key else ()
    return Folder(
        dirs=dirs,
        tokens=frozenset(_WORD.findall(key)),
        in_tests=not TEST_DIRS.isdisjoint(dirs),
        build=not BUILD_DIRS.isdisjoint(dirs),
        requirements=any(d.startswith(("requirements", "reqs")) for d in dirs),
        licenses=bool(dirs) and dirs[-1] in _LICENSE_DIRS,
        cards=not CARD_DIRS.isdisjoint(dirs),
        data=not DATA_DIRS.isdisjoint(dirs),
        samples=not SAMPLE_DIRS.isdisjoint(dirs),
        evaluation=not EVAL_DIRS.isdisjoint(dirs),
        eval_results=".eval_results" in dirs,
        paper_sources=not _PAPER_SOURCE_DIRS.isdisjoint(dirs),
        papers=not PAPER_DIRS.isdisjoint(dirs),
        figures=not FIGURE_DIRS.isdisjoint(dirs),
        tokenizer="tokenizer" in dirs,
        data_dir=next((d for d in dirs if d in DATA_DIRS or d.endswith(("_data", "-data"))), None),
        use_dir=_first(dirs, USE_DIRS),
        shown_dir=_first(dirs, DOC_DIRS | FIGURE_DIRS),
        doc_dir=_first(dirs, DOC_DIRS),
        output_dir=_output_dir(dirs),
    )


# --------------------------------------------------------------------------- the rules


def human_size(n: int) -> str:
    """A size for a reason line: ``3 KB``, ``2.4 MB``."""
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB" if n else "0 bytes"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB"
    return f"{n / 1024**3:.1f} GB"


# Guesses whose reason is fixed, built once: most files of a large release get one of these.
_REBUILD = PathGuess(Role.REBUILD_RECIPE, "rebuild recipe (openness-rebuild.toml)")
_ATTESTATION_GUESS = PathGuess(Role.ATTESTATION, "attestation (in-toto / sigstore)")
_REUSE_LICENSE = PathGuess(Role.LICENSE, "licence text in a licences folder (REUSE layout)")
_CITATION = PathGuess(Role.CITATION, "citation file")
_BUILD = PathGuess(Role.BUILD, "build or CI file")
_CONTAINER_GUESS = PathGuess(Role.CONTAINER, "container recipe")
_DEPENDENCIES = PathGuess(Role.DEPENDENCIES, "dependency manifest")
_TOKENIZER = PathGuess(Role.TOKENIZER, "tokenizer file")
_TRAINING_ARGS = PathGuess(Role.TRAINING_CONFIG, "training arguments file")
_MODEL_CONFIG = PathGuess(Role.CONFIG, "model configuration")
_NOTEBOOK = PathGuess(Role.NOTEBOOK, "notebook", content=NEEDS_CODE)
_DOWNLOAD_SCRIPT = PathGuess(Role.DOWNLOAD_SCRIPT, "download script", content=NEEDS_DOWNLOAD)
_CODE = PathGuess(Role.CODE, "source code", content=NEEDS_CODE)
_CONFIG = PathGuess(Role.CONFIG, "configuration file", content=NEEDS_CONFIG)
_DOCS = PathGuess(Role.DOCS, "documentation")
_SAMPLE_MEDIA = PathGuess(Role.SAMPLE_OUTPUTS, "media under a samples folder")
_MEDIA = PathGuess(Role.OTHER, "image or media file")
_NO_RULE = PathGuess(Role.OTHER, "no rule matched")
_TOKENIZER_SUFFIXES = frozenset({".model", ".spm", ".vocab", ".json", ".txt"})
_TOKENIZER_DIR_SUFFIXES = frozenset({".json", ".model", ".txt", ".vocab", ".bpe"})
_NOT_LICENSE_SUFFIXES = CODE_SUFFIXES | {".json", ".yaml", ".yml", ".ipynb"}


def guess(parts: PathParts, *, hub: bool = False, size: int | None = None) -> PathGuess:
    """The role a path suggests, and what content would settle it.

    ``size`` (bytes, when listed) lets a weak data format prove itself by bulk.
    """
    name, suffix, folder = parts.name, parts.suffix, parts.folder
    in_tests = folder.in_tests

    if name == "openness-rebuild.toml":
        return _REBUILD
    if _ATTESTATION.search(name):
        return _ATTESTATION_GUESS
    if suffix not in _NOT_LICENSE_SUFFIXES:
        lic = _license_role(name)
        if lic is not None:
            return lic
        if folder.licenses and (suffix in DOC_SUFFIXES or suffix == ""):
            return _REUSE_LICENSE
    if name.startswith("citation") or suffix == ".bib":
        return _CITATION

    if folder.build or name in BUILD_NAMES or parts.lower in BUILD_NAMES:
        return _BUILD
    if suffix not in CODE_SUFFIXES and suffix != ".dockerignore" and _CONTAINER.search(name):
        return _CONTAINER_GUESS
    if (
        name in DEPENDENCY_NAMES
        or _REQUIREMENTS.search(name)
        or _ENVIRONMENT.match(name)
        or (name.startswith("pyproject") and suffix == ".toml")
    ):
        return _DEPENDENCIES
    if suffix == ".lock" or (suffix == ".txt" and folder.requirements):
        return _DEPENDENCIES

    # Documents: cards, papers, READMEs.
    if suffix in DOC_SUFFIXES or suffix == ".pdf" or suffix == "":
        doc = _document_role(parts, in_tests, hub)
        if doc is not None:
            return doc

    weights = _weights_role(parts, in_tests, size)
    if weights is not None:
        return weights

    if (
        name in TOKENIZER_NAMES
        or suffix == ".tiktoken"
        or (folder.tokenizer and suffix in _TOKENIZER_DIR_SUFFIXES)
        or (suffix in _TOKENIZER_SUFFIXES and _TOKENIZER_WORDS & set(_WORD.findall(name)))
    ):
        return _TOKENIZER

    if name in TRAINING_CONFIG_NAMES:
        return _TRAINING_ARGS
    if name in MODEL_CONFIG_NAMES:
        return _MODEL_CONFIG

    if suffix == ".ipynb":
        return _NOTEBOOK
    if suffix in CODE_SUFFIXES:
        if _DOWNLOAD.match(name):
            return _DOWNLOAD_SCRIPT
        return _CODE

    data = _data_role(parts, in_tests, size)
    if data is not None:
        return data

    if suffix in CONFIG_SUFFIXES:
        return _CONFIG
    if suffix in DOC_SUFFIXES:
        return _DOCS
    if suffix in MEDIA_SUFFIXES:
        if folder.samples:
            return _SAMPLE_MEDIA
        figure = folder.shown_dir
        if figure is not None:
            return PathGuess(Role.OTHER, f"image or media file under {figure}/: a figure, not data")
        return _MEDIA
    return _NO_RULE


def _license_role(name: str) -> PathGuess | None:
    if _USE_POLICY.search(name):
        return _USE_POLICY_GUESS
    if _NOTICE.match(name):
        return _NOTICE_GUESS
    if _LICENSE_WORD.search(name) or _TERMS.match(name):
        return _LICENSE_NAME
    return None


_USE_POLICY_GUESS = PathGuess(Role.USE_POLICY, "use policy")
_NOTICE_GUESS = PathGuess(Role.NOTICE, "notice file")
_LICENSE_NAME = PathGuess(Role.LICENSE, "licence file name")


def is_canonical_license(name: str) -> bool:
    """LICENSE, COPYING, LICENSE-MODEL, MODEL_LICENSE_AGREEMENT.txt...: a licence for its folder.

    Not: ``license_header.txt``, ``THIRD_PARTY_LICENSES.txt``, ``license_check.md``.
    """
    lower = name.lower()
    if not (_LICENSE_WORD.search(lower) or _TERMS.match(lower)):
        return False
    return _NOT_A_FOLDER_LICENSE.isdisjoint(_WORD.findall(lower))


def _document_role(parts: PathParts, in_tests: bool, hub: bool) -> PathGuess | None:
    name, stem, dirs, suffix, folder = parts.name, parts.stem, parts.dirs, parts.suffix, parts.folder
    if in_tests:
        return None
    if _DATA_CARD.search(name):
        return _DATA_CARD_NAME
    if _MODEL_CARD.search(stem) or (suffix in (".md", ".markdown") and folder.cards):
        return _MODEL_CARD_NAME
    if _README.match(name):
        if folder.data:
            return _DATA_README
        if not dirs and hub:
            return _HUB_README
        return _README_GUESS
    if suffix == ".pdf":
        return _pdf_role(parts)
    if _PAPER_NAME.match(stem) or _ARXIV.match(stem):
        return _PAPER
    if folder.paper_sources and suffix in (".tex", ".md"):
        return _PAPER_SOURCE
    return None


_DATA_CARD_NAME = PathGuess(Role.DATA_CARD, "data card file name")
_MODEL_CARD_NAME = PathGuess(Role.MODEL_CARD, "model card file name")
_DATA_README = PathGuess(Role.DATA_CARD, "README of a data folder")
_HUB_README = PathGuess(Role.MODEL_CARD, "README of a hub repository (its model card)")
_README_GUESS = PathGuess(Role.README, "README", content=NEEDS_README)
_PAPER = PathGuess(Role.PAPER, "paper or technical report")
_PAPER_SOURCE = PathGuess(Role.PAPER, "paper source")


# A PDF named as one of these is a guide, a policy or slides, not a paper, wherever it sits
# (Llama 2's Responsible-Use-Guide.pdf at the root).
_NOT_PAPER_WORDS = frozenset(
    {"guide", "guidelines", "policy", "license", "licence", "agreement", "terms", "slides", "poster",
     "manual", "handbook", "brochure", "cheatsheet", "datasheet", "presentation"}
)
_NOT_PAPER_CJK = ("许可", "許可", "协议", "協議", "指南", "政策", "手册")  # licence, agreement, guide, policy


def _pdf_role(parts: PathParts) -> PathGuess:
    words = parts.tokens & PAPER_WORDS
    if words or _ARXIV.match(parts.stem):
        return PathGuess(Role.PAPER, "PDF named as a paper or report")
    if parts.tokens & _NOT_PAPER_WORDS or any(w in parts.stem for w in _NOT_PAPER_CJK):
        return PathGuess(Role.DOCS, "PDF named as a guide, policy or slides, not a paper")
    if parts.folder.figures or {"plot", "plots", "fig", "figure"} & parts.tokens:
        return PathGuess(Role.DOCS, "PDF figure")
    if not parts.dirs or parts.folder.papers:
        return PathGuess(Role.PAPER, "PDF document (likely a paper or report)")
    return PathGuess(Role.DOCS, "PDF document")


def _weights_role(parts: PathParts, in_tests: bool, size: int | None = None) -> PathGuess | None:
    name, suffix, folder = parts.name, parts.suffix, parts.folder
    if _SHARD_INDEX.search(name):
        index_fmt = WeightFormat.SAFETENSORS if ".safetensors." in name else WeightFormat.PYTORCH_PICKLE
        # Not weights (the shards are) and not a model configuration: listed with what it names.
        return PathGuess(Role.OTHER, "sharded weights index", index_fmt, NEEDS_INDEX)
    fmt: WeightFormat | None = WEIGHT_SUFFIXES.get(suffix)
    if _TF_SHARD.search(name) or (suffix == ".index" and "ckpt" in name) or name == "saved_model.pb":
        fmt = WeightFormat.TENSORFLOW
    elif suffix == ".onnx_data" or name.endswith(".onnx.data"):
        fmt = WeightFormat.ONNX  # external tensor data of a large ONNX model
    elif suffix == ".bin":
        if "openvino" in name:
            fmt = WeightFormat.OPENVINO
        elif name == "training_args.bin":
            return PathGuess(Role.TRAINING_CONFIG, "training arguments (pickle)", WeightFormat.PICKLE)
        elif folder.data and not _model_like(parts):
            return None  # token shards such as data/train.bin
        else:
            fmt = WeightFormat.OTHER  # settled by magic bytes
    if fmt is None:
        return None
    if fmt in (WeightFormat.PICKLE, WeightFormat.PYTORCH_PICKLE):
        not_weights = _saved_data(parts, fmt, size)
        if not_weights is not None:
            return not_weights
    if suffix in (".npy", ".npz", ".h5", ".hdf5", ".pkl", ".pickle", ".joblib") and (
        folder.data or folder.samples
    ):
        return PathGuess(
            Role.DATASET,
            "array or pickle file in a data folder",
            fmt,
            NEEDS_WEIGHTS if fmt is WeightFormat.NUMPY else None,
        )
    if suffix == ".msgpack" and not _model_like(parts):
        return None
    if fmt is WeightFormat.NUMPY and not _model_like(parts):
        return PathGuess(Role.OTHER, "array file (not named as weights)", fmt)
    if in_tests:
        return PathGuess(Role.OTHER, "weights in a test-fixture folder", fmt, NEEDS_WEIGHTS)
    role, reason = Role.WEIGHTS, f"weights ({fmt})"
    if "adapter" in name or "lora" in parts.tokens:
        reason = f"adapter weights, e.g. LoRA ({fmt}): a delta on a base model"
    if name.startswith(("rng_state", "scheduler.")):
        role, reason = Role.CHECKPOINT, "training state for resuming (random-number or scheduler state)"
    elif _OPTIMIZER.search(name) and "model" not in name:
        role, reason = Role.OPTIMIZER_STATE, "optimizer state"
    elif _CHECKPOINT_STEP.search(parts.lower):
        role, reason = Role.CHECKPOINT, "intermediate checkpoint (step in path)"
    return PathGuess(role, reason, fmt, NEEDS_WEIGHTS)


def _model_like(parts: PathParts) -> bool:
    return not _MODEL_WORDS.isdisjoint(parts.tokens)


def _first(dirs: tuple[str, ...], wanted: frozenset[str]) -> str | None:
    return next((d for d in dirs if d in wanted), None)


def _output_dir(dirs: tuple[str, ...]) -> str | None:
    return next((d for d in dirs if d in _OUTPUT_DIRS or _OUTPUT_DIR.search(d)), None)


def _saved_data(parts: PathParts, fmt: WeightFormat, size: int | None) -> PathGuess | None:
    """A pickle or torch file that is not the release's weights, with why; None when it may be.

    Pickles hold anything: analysis results (``scripts/probe_output/layer3.pkl``), encoded inputs
    (``inference/encoded.pt``), an experiment's tensors. A name that says model keeps the weights
    role; otherwise an output or experiment folder, a name that says saved data, or (for plain
    pickles, which PyTorch weights rarely are) no model word at all makes it not weights. Data folders
    keep their own rule (a pickle there is data). The format stays: the file is still scanned and
    flagged as a pickle, whatever its role.
    """
    if parts.folder.data or parts.folder.samples:
        return None
    stem_words = parts.stem_words
    model_words = _PICKLED_MODEL_WORDS if fmt is WeightFormat.PICKLE else _MODEL_WORDS
    if not model_words.isdisjoint(stem_words):
        return None
    out = parts.folder.output_dir
    if out is not None:
        reason = f"{fmt} file under {out}/ (analysis or experiment output): not weights"
        return PathGuess(Role.OTHER, reason, fmt, NEEDS_WEIGHTS)
    saved = sorted(stem_words & _SAVED_DATA_WORDS)
    if saved:
        return PathGuess(
            Role.OTHER,
            f"{fmt} file named as saved data ({saved[0]}): tensors computed, not weights",
            fmt,
            NEEDS_WEIGHTS,
        )
    if size is not None and size < EXPERIMENT_MAX_BYTES and _EXPERIMENT_NAME.search(parts.stem):
        return PathGuess(
            Role.OTHER,
            f"{fmt} file of {human_size(size)} named as an experiment run, not as a model: "
            "not the released weights",
            fmt,
            NEEDS_WEIGHTS,
        )
    if fmt is WeightFormat.PICKLE and model_words.isdisjoint(parts.tokens):
        reason = "pickle not named as a model: not counted as weights"
        return PathGuess(Role.OTHER, reason, fmt, NEEDS_WEIGHTS)
    return None


_COMPRESSED_SUFFIXES = frozenset({".gz", ".zst", ".xz", ".bz2"})
_RESULT_FORMATS = frozenset({".json", ".csv", ".tsv", ".jsonl", ".txt", ".yaml", ".yml"})
_RESULT_WORDS = frozenset({"result", "results", "scores", "score", "metrics", "leaderboard"})
_EVAL_RESULTS_FOLDER = PathGuess(Role.EVAL_RESULTS, "evaluation results (.eval_results)")
_EVAL_RESULTS = PathGuess(Role.EVAL_RESULTS, "evaluation results")
_SAMPLE_FILE = PathGuess(Role.SAMPLE_OUTPUTS, "file in a samples folder")


def _data_role(parts: PathParts, in_tests: bool, size: int | None = None) -> PathGuess | None:
    suffix, name, folder = parts.suffix, parts.name, parts.folder
    inner = suffix
    if suffix in _COMPRESSED_SUFFIXES:
        compound = name.rsplit(".", 2)
        if len(compound) == 3:
            inner = "." + compound[1]
    if in_tests and suffix not in ALWAYS_DATA_SUFFIXES:
        return None
    if folder.eval_results:
        return _EVAL_RESULTS_FOLDER
    if inner in _RESULT_FORMATS and (
        (
            folder.evaluation
            and (inner in (".json", ".csv", ".tsv") or not _RESULT_WORDS.isdisjoint(parts.tokens))
        )
        or name.startswith(("eval_results", "all_results"))
    ):
        return _EVAL_RESULTS
    if folder.samples and inner in (".json", ".jsonl", ".txt", ".csv", ".md"):
        return _SAMPLE_FILE
    if suffix in ALWAYS_DATA_SUFFIXES or inner in ALWAYS_DATA_SUFFIXES:
        return PathGuess(Role.DATASET, f"dataset file ({inner})")
    data_dir = folder.data_dir
    if inner != ".jsonl" and not (data_dir and (suffix in DATA_SUFFIXES or inner in DATA_SUFFIXES)):
        return None
    # A candidate: JSON Lines anywhere, or a data format in a data folder. Name, place and size say
    # whether it is a dataset or an example, a lookup table, an input for running the model.
    # Sizes appear only in reasons they decided: other reasons stay few and shared across files.
    where = f"in {data_dir}/" if data_dir else "outside data folders"
    words = parts.stem_words
    named = sorted(words & _DATA_NAME_WORDS)
    example = sorted(words & _EXAMPLE_WORDS) or ([] if named else sorted(words & _SAMPLE_WORDS))
    if example:
        return PathGuess(Role.OTHER, f"{inner} file named as an example ({example[0]}): not a dataset")
    lookup = sorted(words & _LOOKUP_WORDS)
    if lookup:
        return PathGuess(Role.OTHER, f"lookup table or metadata ({lookup[0]}) {where}: not a dataset")
    use = folder.use_dir
    if use is not None:
        reason = f"{inner} file under {use}/ (an input for running the model): not training data"
        return PathGuess(Role.OTHER, reason)
    if folder.shown_dir is not None and (suffix in MEDIA_SUFFIXES or suffix in DOC_SUFFIXES):
        return None  # a figure or a page of the documentation (rules below)
    docs = folder.doc_dir
    if docs is not None:
        return PathGuess(Role.OTHER, f"{inner} file under {docs}/ (an example for the documentation)")
    if inner == ".jsonl" or inner in _RECORD_SUFFIXES:
        return PathGuess(Role.DATASET, f"dataset file ({inner}) {where}")
    if named:
        return PathGuess(Role.DATASET, f"data file {where} named as data ({named[0]})")
    if size is None:
        return PathGuess(Role.DATASET, f"data file {where} (size unknown)")
    if size >= DATASET_MIN_BYTES:
        return PathGuess(Role.DATASET, f"data file {where}, {human_size(size)} (large enough to be data)")
    return PathGuess(Role.OTHER, f"small file {where} ({human_size(size)}), not named as data: not a dataset")
