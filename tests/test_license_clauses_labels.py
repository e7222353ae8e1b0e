"""Clause analysis on the labelled set of real licence texts (and the helpers other tests share).

The labels live in ``tests/data/clauses_expected.yaml``; the texts are read from the corpus at
test time. ``score`` runs ``find_restrictions`` on a (possibly perturbed) text and says which
labels were found on the line they belong to. Floors: >= 95% of labels found with their line;
no kind reported that the file is not labelled with; nothing at all in permissive texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from openness.licenses.clauses import find_restrictions

EXPECTED = Path(__file__).parent / "data" / "clauses_expected.yaml"

# A perturbation returns the new text and, for each original line, the new lines it landed on.
LineMap = dict[int, set[int]]
Perturbation = Callable[[str], tuple[str, LineMap]]


@dataclass(frozen=True)
class Label:
    kind: str
    line: int


@dataclass(frozen=True)
class LabelledFile:
    path: str
    labels: tuple[Label, ...]
    excerpt: tuple[int, int] | None = None

    def text(self, corpus: Path) -> str:
        """The analysed text (an excerpt when one is given); line 1 is ``self.first_line``."""
        full = (corpus / self.path).read_text(encoding="utf-8")
        if self.excerpt is None:
            return full
        a, b = self.excerpt
        return "\n".join(full.split("\n")[a - 1 : b])

    @property
    def first_line(self) -> int:
        return self.excerpt[0] if self.excerpt else 1

    def local(self, label: Label) -> int:
        return label.line - self.first_line + 1


def _path(value: str | list[str]) -> str:
    return "/".join(value) if isinstance(value, list) else value


def load() -> tuple[list[LabelledFile], list[str]]:
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    labelled = [
        LabelledFile(
            _path(e["path"]),
            tuple(Label(x["kind"], int(x["line"])) for x in e["labels"]),
            tuple(e["excerpt"]) if "excerpt" in e else None,
        )
        for e in data["labelled"]
    ]
    return labelled, [_path(p) for p in data["permissive"]]


def permissive_texts(corpus: Path) -> list[tuple[str, str]]:
    """(name, text) of every permissive file and permissive README excerpt of the labelled set."""
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    out = [
        (_path(p), (corpus / _path(p)).read_text(encoding="utf-8", errors="replace"))
        for p in data["permissive"]
    ]
    for e in data.get("permissive_excerpts", []):
        a, b = e["excerpt"]
        lines = (corpus / e["path"]).read_text(encoding="utf-8").split("\n")
        out.append((f"{e['path']}:{a}-{b}", "\n".join(lines[a - 1 : b])))
    return out


@dataclass
class Score:
    found: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    extra_kinds: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.total += other.total
        self.misses += other.misses
        self.extra_kinds += other.extra_kinds


def identity(text: str) -> tuple[str, LineMap]:
    return text, {n: {n} for n in range(1, text.count("\n") + 2)}


def score(item: LabelledFile, text: str, perturb: Perturbation = identity) -> Score:
    """Labels of ``item`` found in ``perturb(text)`` at the lines their clause moved to."""
    new_text, line_map = perturb(text)
    found = find_restrictions(new_text, item.path)
    result = Score(total=len(item.labels))
    for label in item.labels:
        targets = line_map.get(item.local(label), set())
        hit = any(
            str(r.kind) == label.kind
            and r.location.lines is not None
            and any(r.location.lines[0] <= t <= r.location.lines[1] for t in targets)
            for r in found
        )
        if hit:
            result.found += 1
        else:
            result.misses.append(f"{item.path}:{label.line} {label.kind}")
    expected = {label.kind for label in item.labels}
    result.extra_kinds = sorted(f"{item.path}: {k}" for k in {str(r.kind) for r in found} - expected)
    return result


def total(items: Iterable[tuple[LabelledFile, str]], perturb: Perturbation = identity) -> Score:
    out = Score()
    for item, text in items:
        out.add(score(item, text, perturb))
    return out


RECALL_FLOOR = 0.95


@pytest.fixture(scope="module")
def labelled(corpus_dir: Path) -> list[tuple[LabelledFile, str]]:
    items, _ = load()
    return [(item, item.text(corpus_dir)) for item in items]


def test_labelled_set_is_large_enough() -> None:
    items, permissive = load()
    assert len(items) >= 25 and sum(len(i.labels) for i in items) >= 100
    assert len(permissive) >= 20
    kinds = {label.kind for item in items for label in item.labels}
    # every kind with a real-text example, except no-derivatives (no ND text in the corpus;
    # covered in test_license_clauses.py)
    assert kinds >= {
        "non-commercial", "user-threshold", "field-of-use", "output-use", "territory",
        "branding", "revocable", "research-only", "registration",
    }  # fmt: skip


def test_restrictions_found_on_their_lines(labelled: list[tuple[LabelledFile, str]]) -> None:
    result = total(labelled)
    assert result.recall >= RECALL_FLOOR, f"recall {result.recall:.3f}; missed: {result.misses}"


def test_no_kind_a_file_does_not_have(labelled: list[tuple[LabelledFile, str]]) -> None:
    result = total(labelled)
    assert not result.extra_kinds, result.extra_kinds


def test_permissive_texts_have_no_restrictions(corpus_dir: Path) -> None:
    flagged = {
        name: [(r.location.lines, str(r.kind), r.text) for r in find_restrictions(text, name)]
        for name, text in permissive_texts(corpus_dir)
    }
    assert len(flagged) >= 70
    assert {k: v for k, v in flagged.items() if v} == {}


def test_each_restriction_names_its_evidence(labelled: list[tuple[LabelledFile, str]]) -> None:
    for item, text in labelled:
        lines = text.count("\n") + 1
        for r in find_restrictions(text, item.path):
            assert r.location.path == item.path
            assert r.location.lines is not None
            first, last = r.location.lines
            assert 1 <= first <= last <= lines
            assert r.text and len(r.text) <= 300
            assert r.summary and "\n" not in r.summary
            assert r.freedoms and r.osd_criteria
