"""Answers decided once per folder, or kept per set of words, are the answers computed per file (issue 14).

``names.split`` takes a file's folder answers (``names.Folder``) from a bounded cache keyed by the
lower-cased folder path, and ``code._path_roles`` keeps the roles of a set of path words
(``code._word_roles``); ``classify._dirname`` skips ``posixpath.dirname``'s call for the usual path.
Each is checked here against the per-file computation it replaced (copied below as it was), on tricky
folder names: case, Unicode whose lower case is longer, empty components, a leading slash, names that
are only dots, folders past the cache's length bound.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.inventory import build_inventory, code, names
from openness.inventory.classify import _dirname
from openness.model import CodeRole
from openness.sources.interface import SourceOptions
from openness.sources.local import open_snapshot

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Folder and file names that the rules look at, and ones that trip naive path handling.
SEGMENTS = [
    "",
    ".",
    "..",
    "Tests",
    "TEST",
    "test",
    "fixtures",
    "data",
    "DATA",
    "raw-data",
    "x_data",
    "datasets",
    "eval",
    "Evaluation",
    "results",
    ".eval_results",
    "samples",
    "outputs",
    "docs",
    "site",
    "assets",
    "figures",
    "paper",
    "papers",
    "reports",
    "tokenizer",
    "licenses",
    "LICENCE",
    "model_cards",
    "requirements",
    "reqs-dev",
    ".github",
    "inference",
    "demo",
    "my_results",
    "x-outputs",
    "analysis",
    "experiments",
    "modeling",
    "nn",
    "src",
    "pkg",
    "İstanbul",
    "ǅ",
    "ﬁne-tune",
    "fine_tuning",
    "数据",
    "a.b",
    "train",
    "lora",
    "bench",
]
NAMES = [
    "README.md",
    "LICENSE",
    "model.safetensors",
    "part-00001.jsonl",
    "train.json",
    "results.csv",
    "x.pkl",
    "step_100.pt",
    "mod.py",
    "test_x.py",
    "x_test.py",
    "conftest.py",
    "config.yaml",
    ".env",
    "data.tar.gz",
    "Dockerfile",
    "paper.pdf",
    "fig.png",
    "İ.TXT",
    "...",
    "a.",
    "model_data.py",
    "weights.data-00000-of-00001",
    "notes.A-Suffix-Longer-Than-Sixteen_chars",
]
segments = st.sampled_from(SEGMENTS)
paths = st.builds(
    lambda dirs, name, lead: ("/" if lead else "") + "/".join([*dirs, name]),
    st.lists(segments, max_size=5),
    st.sampled_from(NAMES),
    st.booleans(),
)
_WORD = names._WORD


def _old_split(path: str) -> tuple[str, str, str, tuple[str, ...], frozenset[str]]:
    """``split`` as it was: every part computed from the whole path, for every file."""
    lower = path.lower()
    *dirs, name = lower.split("/")
    dot = name.rfind(".")
    stem, suffix = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    return name, stem, suffix, tuple(dirs), frozenset(_WORD.findall(lower))


def _old_folder_answers(dirs: tuple[str, ...]) -> dict[str, object]:
    """The folder tests the rules made per file before ``names.Folder`` (expressions as they were)."""
    return {
        "in_tests": not names.TEST_DIRS.isdisjoint(dirs),
        "build": not names.BUILD_DIRS.isdisjoint(dirs),
        "requirements": any(d.startswith(("requirements", "reqs")) for d in dirs),
        "licenses": bool(dirs) and dirs[-1] in names._LICENSE_DIRS,
        "cards": not names.CARD_DIRS.isdisjoint(dirs),
        "data": not names.DATA_DIRS.isdisjoint(dirs),
        "samples": not names.SAMPLE_DIRS.isdisjoint(dirs),
        "evaluation": not names.EVAL_DIRS.isdisjoint(dirs),
        "eval_results": ".eval_results" in dirs,
        "paper_sources": not names._PAPER_SOURCE_DIRS.isdisjoint(dirs),
        "papers": not names.PAPER_DIRS.isdisjoint(dirs),
        "figures": not names.FIGURE_DIRS.isdisjoint(dirs),
        "tokenizer": "tokenizer" in dirs,
        "data_dir": next((d for d in dirs if d in names.DATA_DIRS or d.endswith(("_data", "-data"))), None),
        "use_dir": next((d for d in dirs if d in names.USE_DIRS), None),
        "shown_dir": next((d for d in dirs if d in names.DOC_DIRS | names.FIGURE_DIRS), None),
        "doc_dir": next((d for d in dirs if d in names.DOC_DIRS), None),
        "output_dir": next((d for d in dirs if d in names._OUTPUT_DIRS or names._OUTPUT_DIR.search(d)), None),
    }


def _check_split(path: str) -> None:
    parts = names.split(path)
    name, stem, suffix, dirs, tokens = _old_split(path)
    assert (parts.name, parts.stem, parts.suffix, parts.dirs, parts.tokens) == (
        name,
        stem,
        suffix,
        dirs,
        tokens,
    )
    assert parts.stem_words == frozenset(_WORD.findall(stem))
    assert parts.folder.dirs == dirs
    assert parts.folder.tokens <= tokens
    folder = parts.folder
    assert {k: getattr(folder, k) for k in _old_folder_answers(dirs)} == _old_folder_answers(dirs)


@FAST
@given(paths)
def test_split_and_folder_answers_match_the_per_file_computation(path: str) -> None:
    _check_split(path)
    _check_split(path.upper())  # another case of the same folder shares the cached answers


def test_a_folder_past_the_length_bound_is_answered_but_not_kept() -> None:
    deep = "/".join(["Data"] * (names.MAX_CACHED_FOLDER_CHARS // 4)) + "/x.jsonl"
    before = names._folder.cache_info().currsize
    _check_split(deep)
    assert names._folder.cache_info().currsize == before
    assert names.split(deep).folder.data


def _old_path_role_words(tokens: frozenset[str]) -> tuple[set[CodeRole], dict[CodeRole, tuple[str, ...]]]:
    """The loop ``_path_roles`` ran per file before ``_word_roles`` (as it was)."""
    roles: set[CodeRole] = set()
    weak: dict[CodeRole, tuple[str, ...]] = {}
    for role, words in code.PATH_WORDS.items():
        if role is CodeRole.ARCHITECTURE:
            continue
        hit = tokens & words
        if not hit:
            continue
        if hit - code._WEAK_PATH_WORDS.get(role, frozenset()):
            roles.add(role)
        else:
            weak[role] = tuple(sorted(hit))
    if (
        CodeRole.TRAINING in roles
        and CodeRole.INFERENCE in roles
        and (tokens & code.PATH_WORDS[CodeRole.TRAINING]) <= code._WEAK_TRAINING_WORDS
    ):
        roles.discard(CodeRole.TRAINING)
    return roles, weak


_VOCABULARY = sorted(set().union(*code.PATH_WORDS.values()) | {"src", "pkg", "utils", "main"})


@FAST
@given(st.frozensets(st.sampled_from(_VOCABULARY), max_size=6))
def test_word_roles_kept_per_set_of_words_match_the_per_file_loop(tokens: frozenset[str]) -> None:
    roles, weak = _old_path_role_words(tokens)
    kept = tokens & code._ROLE_PATH_WORDS
    strong, weak_words = code._word_roles(kept) if kept else (frozenset(), ())
    assert set(strong) == roles
    assert list(weak_words) == list(weak.items())  # same order: reasons follow it


@FAST
@given(st.text(alphabet="/a.", max_size=12))
def test_dirname_is_posixpath_dirname(path: str) -> None:
    assert _dirname(path) == posixpath.dirname(path)


def test_tree_with_tricky_folders_classified_alike_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same tree classified with a warm cache (its folders seen before in another case) and with
    the cache bypassed: every role, reason, code role and scope is the same."""
    files = {
        "Tests/Data/part-00001.jsonl": '{"t": 1}\n',
        "tests/data/x.py": "import torch\n",
        "Data/Train/shard.jsonl": '{"t": 2}\n',
        "raw-data/notes.txt": "x\n",
        "Evaluation/HumanEval/utils/dataset.py": "from datasets import load_dataset\nload_dataset('x')\n",
        "docs/figures/results.csv": "a,b\n",
        "İstanbul/Data/train.json": "{}\n",
        "models/llama/LICENSE": "MIT License\n",
        "models/llama/model.py": "import torch\nclass M(torch.nn.Module):\n    pass\n",
        "my_results/probe.pkl": "x",
        "src/pkg/fine_tuning/run.py": "print(1)\n",
        "a.b/..c/x.md": "# x\n",
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def summary() -> list[tuple[object, ...]]:
        inv = build_inventory(open_snapshot(str(tmp_path), SourceOptions()))
        return [
            (i.entry.path, i.role, sorted(i.code_roles), i.reasons, i.locations, i.scope) for i in inv.items
        ]

    for rel in files:  # warm the cache with the same folders in another case
        names.split(rel.swapcase())
    warm = summary()
    monkeypatch.setattr(names, "_folder", names._folder_facts)  # no cache: every file's folder anew
    cold = summary()
    assert warm == cold
    assert len(warm) == len(files)
