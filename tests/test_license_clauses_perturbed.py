"""Clause analysis on perturbed copies of the labelled texts: re-wrapped, Markdown, HTML,
whitespace and line endings, a header inserted; a clause appended or removed.

Each perturbation maps every original line to the lines it lands on, so the test knows where a
labelled clause must now be found. Floor: >= 95% of labels still found on their (moved) lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openness.licenses.clauses import find_restrictions
from openness.model import RestrictionKind
from test_license_clauses_labels import (
    RECALL_FLOOR,
    LabelledFile,
    LineMap,
    Perturbation,
    load,
    permissive_texts,
    total,
)

_STARTS_BLOCK = re.compile(r"^\s*(?:#|[-*•]\s|\(?(?:\d{1,3}|[a-zA-Z]|[ivx]{1,5})[.)]\s)")


def _paragraphs(lines: list[str], markdown_aware: bool) -> list[list[tuple[int, str]]]:
    """Groups of (line number, line): blank lines separate; Markdown-aware also starts a group at
    headings and list items, as editors' reflow commands do."""
    groups: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            if current:
                groups.append(current)
            current = []
            groups.append([(n, "")])
            continue
        if markdown_aware and current and _STARTS_BLOCK.match(line):
            groups.append(current)
            current = []
        current.append((n, line))
    if current:
        groups.append(current)
    return groups


def rewrap(width: int, markdown_aware: bool = True) -> Perturbation:
    def perturb(text: str) -> tuple[str, LineMap]:
        out: list[str] = []
        line_map: LineMap = {}
        for group in _paragraphs(text.split("\n"), markdown_aware):
            if group[0][1] == "":
                out.append("")
                line_map.setdefault(group[0][0], set()).add(len(out))
                continue
            words = [(n, w) for n, line in group for w in line.split()]
            current: list[tuple[int, str]] = []
            for n, w in words:
                if current and len(" ".join(x for _, x in current)) + 1 + len(w) > width:
                    out.append(" ".join(x for _, x in current))
                    for m, _ in current:
                        line_map.setdefault(m, set()).add(len(out))
                    current = []
                current.append((n, w))
            if current:
                out.append(" ".join(x for _, x in current))
                for m, _ in current:
                    line_map.setdefault(m, set()).add(len(out))
        return "\n".join(out), line_map

    return perturb


_SECTION = re.compile(r"^\s*(\d{1,2}\.)\s+([A-Z][A-Za-z ,;&'-]{2,60}\.?)\s*$")
_CURLY = str.maketrans({'"': "“", "'": "’"})


def markdown(text: str) -> tuple[str, LineMap]:
    """Front matter on top (shifts every line by 4), section titles as headings, emphasis on the
    first words of paragraphs, curly quotes."""
    header = ["---", "license: other", "---", ""]
    out = list(header)
    previous_blank = True
    for line in text.split("\n"):
        m = _SECTION.match(line) if previous_blank and not line[:1].isspace() else None
        if m:
            line = f"## {m.group(1)} {m.group(2)}"
        elif (
            previous_blank
            and line.strip()
            and not _STARTS_BLOCK.match(line)
            and not line.lstrip().startswith(("|", "<"))
        ):
            words = line.split(" ")
            k = next((i for i, w in enumerate(words) if w), 0)
            if len(words) > k + 2:
                words[k] = "**" + words[k]
                words[k + 1] = words[k + 1] + "**"
                line = " ".join(words)
        out.append(line.translate(_CURLY))
        previous_blank = not line.strip()
    shift = len(header)
    return "\n".join(out), {n: {n + shift} for n in range(1, text.count("\n") + 2)}


def whitespace(text: str) -> tuple[str, LineMap]:
    """CRLF endings, tabs, doubled spaces, trailing blanks, every blank line doubled."""
    out: list[str] = []
    line_map: LineMap = {}
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.replace("\t", "    ")
        line = re.sub(r"(\S) (\S)", r"\1  \2", line, count=3) + "   "
        out.append(line)
        line_map[n] = {len(out)}
        if not line.strip():
            out.append("\t")
    return "\r\n".join(out), line_map


def html(text: str) -> tuple[str, LineMap]:
    """The OPT style: <br> after lines, paragraphs in <p> tags, an HTML title line."""
    out = ['<h2 align="center">LICENSE</h2>']
    for line in text.split("\n"):
        out.append(f"<p>{line}</p><br>" if line.strip() else "<br><br>")
    return "\n".join(out), {n: {n + 1} for n in range(1, text.count("\n") + 2)}


PERTURBATIONS: dict[str, Perturbation] = {
    "rewrap-60": rewrap(60),
    "rewrap-100": rewrap(100),
    "rewrap-plain-72": rewrap(72, markdown_aware=False),
    "markdown": markdown,
    "whitespace-crlf": whitespace,
    "html": html,
}


@pytest.fixture(scope="module")
def labelled(corpus_dir: Path) -> list[tuple[LabelledFile, str]]:
    items, _ = load()
    return [(item, item.text(corpus_dir)) for item in items]


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_restrictions_survive_perturbation(labelled: list[tuple[LabelledFile, str]], name: str) -> None:
    result = total(labelled, PERTURBATIONS[name])
    assert result.recall >= RECALL_FLOOR, f"{name}: recall {result.recall:.3f}; missed: {result.misses}"


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_permissive_texts_stay_clean_when_perturbed(corpus_dir: Path, name: str) -> None:
    for path, text in permissive_texts(corpus_dir):
        new_text, _ = PERTURBATIONS[name](text)
        found = find_restrictions(new_text, path)
        assert found == (), (name, path, [(r.location.lines, str(r.kind), r.text) for r in found])


def test_clause_appended_to_a_permissive_licence_is_found(corpus_dir: Path) -> None:
    mit = (corpus_dir / "openai__whisper/files/LICENSE").read_text(encoding="utf-8")
    assert find_restrictions(mit) == ()
    lines = mit.rstrip("\n").split("\n")
    added = [
        "",
        "Additional terms. If the monthly active users of your products exceed 100 million, you must",
        "request a separate license from the licensor. You may not use the Software or its outputs to",
        "train or improve any other large language model.",
    ]
    text = "\n".join(lines + added)
    found = {str(r.kind): r.location.lines for r in find_restrictions(text, "LICENSE")}
    first_added = len(lines) + 2
    assert set(found) == {"user-threshold", "output-use"}
    assert found["user-threshold"] == (first_added, first_added + 1)
    assert found["output-use"] == (first_added + 1, first_added + 2)


def test_clause_removed_is_no_longer_reported(corpus_dir: Path) -> None:
    text = (corpus_dir / "meta-llama__llama/files/LICENSE").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[60].strip().startswith("v. You will not use the Llama Materials or any output")
    before = {str(r.kind) for r in find_restrictions(text)}
    after_text = "\n".join(lines[:60] + lines[63:])
    after = find_restrictions(after_text)
    assert "output-use" in before
    assert "output-use" not in {str(r.kind) for r in after}
    # the clauses after the cut moved up three lines and are still found there
    threshold = next(r for r in after if r.kind is RestrictionKind.USER_THRESHOLD)
    assert threshold.location.lines == (62, 68)
