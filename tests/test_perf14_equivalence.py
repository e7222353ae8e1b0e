"""Issue 14's faster paths give the answers the plain ones gave (folder-cached eval tokens,
the attestation name pre-filter, slotted per-file objects)."""

from __future__ import annotations

import posixpath
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from openness.evidence import attestation
from openness.evidence.components import _EVAL_TOKENS, _TOKEN_SPLIT, is_eval_path


def _old_is_eval_path(path: str) -> bool:  # the implementation before issue 14
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return any(t in _EVAL_TOKENS or t.startswith("eval") for t in _TOKEN_SPLIT.split(stem.lower()))


_PIECES = st.sampled_from(
    ["eval", "Evals", "test", "data", "x", "val", "İ", "ſ", "K", "-", "_", ".", "/", " ", "\t",
     "json", ".intoto", ".JSONL", "rebuild-attestation", "bench", "mmlu", "train", "dev", ""]
)
_PATHS = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_PATHS)
def test_is_eval_path_matches_the_per_file_split(path: str) -> None:
    assert is_eval_path(path) == _old_is_eval_path(path)


def test_is_eval_path_named_cases() -> None:
    assert is_eval_path("evaluation/data/x.jsonl")
    assert is_eval_path("data/test.parquet")
    assert is_eval_path("a-/_eval")  # separators on both sides of the folder boundary
    assert not is_eval_path("data/train.parquet")
    assert not is_eval_path("data/.eval")  # a dot-name's stem is empty, as before
    assert _old_is_eval_path("data/.eval") is False


@settings(max_examples=300, deadline=None)
@given(_PATHS)
def test_attestation_prefilter_keeps_every_candidate(path: str) -> None:
    name = posixpath.basename(path).lower()
    old = name in attestation.ATTESTATION_NAMES or name.endswith(attestation.ATTESTATION_SUFFIXES)
    if old:
        assert path[-attestation._TAIL :].lower().endswith(attestation._EXTENSIONS)


def test_by_role_index_gives_the_scan_answers(tmp_path: Path) -> None:
    """Inventory.by_role answers from an index built once (it scanned every item on each of ~35 calls):
    the same items in listing order, for one role, several, repeated and none."""
    import itertools

    from openness.inventory import build_inventory
    from openness.model import Role
    from openness.sources import SourceOptions
    from openness.sources.local import open_snapshot

    files = {
        "README.md": "# m\n", "LICENSE": "MIT\n", "train.py": "import torch\n", "config.json": "{}\n",
        "data/a.jsonl": "{}\n", "docs/paper.pdf": "%PDF-1.4\n", "tokenizer.json": "{}\n",
        "b/generate.py": "x=1\n",
    }  # fmt: skip
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    inv = build_inventory(open_snapshot(str(tmp_path), SourceOptions()))
    for r in Role:
        assert inv.by_role(r) == tuple(i for i in inv.items if i.role is r)
    for a, b in itertools.combinations(Role, 2):
        want = tuple(i for i in inv.items if i.role in (a, b))
        assert inv.by_role(a, b) == want and inv.by_role(b, a, b) == want
    assert inv.by_role() == ()
