"""Model card parsing: YAML front matter (bounded), markdown sections with line spans,
self-descriptions ("open source", licence badges, licence prose) and stated facts.

Front matter is hostile input: it goes through the package's one bounded YAML loader
(``openness.safe_yaml``: size cap, nesting depth and alias expansion measured on the event
stream before anything is constructed, no dates or huge ints built from text), and whatever
that loader refuses becomes a Note while the rest of the card is still read: never a
traceback or a hang.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openness import lazy_re
from openness.evidence.text import LineIndex, claims_in_lines, facts_in_lines
from openness.lazy_re import lazy_compile
from openness.model import Claim, ClaimKind, ClaimSubject, Fact, Location, Note, NoteLevel
from openness.safe_yaml import YamlError, YamlLimits, YamlProblem, load_yaml

MAX_FRONT_MATTER = 64 * 1024  # bytes of YAML; HF cards are a few KB
MAX_DEPTH = 32  # nesting of mappings/sequences
MAX_EXPANDED_NODES = 50_000  # nodes after expanding aliases
MAX_CARD_LINES = 20_000
FRONT_MATTER_LIMITS = YamlLimits(MAX_FRONT_MATTER, MAX_DEPTH, MAX_EXPANDED_NODES)

# Section kinds by heading words. A heading may carry several kinds.
_SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "data",
        # (a data pipeline's steps are data sections too: "Tokenize and Concatenate Sequences",
        # "Deduplication", "Quality filtering" in LLM360's amber-data-prep and its kind)
        lazy_re.compile(
            r"\b(data(sets?|[- ]?mix(ture)?)?|corpus|corpora|provenance|pre-?training mix|concatenat\w*|"
            r"dedup\w*|de-?duplicat\w*|(?:quality )?filtering|pre-?process\w*)\b",
            re.I,
        ),
    ),
    (
        "training",
        lazy_re.compile(
            r"\b(training|train(ing)? (procedure|details|setup)|hyper-?parameters?|fine-?tuning)\b", re.I
        ),
    ),
    ("evaluation", lazy_re.compile(r"\b(evaluations?|benchmarks?|results|performance)\b", re.I)),
    ("limitations", lazy_re.compile(r"\b(limitations?|bias(es)?|risks?|ethical|safety)\b", re.I)),
    ("license", lazy_re.compile(r"\blicen[cs](e|es|ing)\b", re.I)),
    (
        "architecture",
        lazy_re.compile(r"\b(architecture|model details|model description|model specifications?)\b", re.I),
    ),
    ("hardware", lazy_re.compile(r"\b(hardware|compute|infrastructure|carbon|software)\b", re.I)),
    ("intended-use", lazy_re.compile(r"\b(intended use|uses|use cases?|out-of-scope)\b", re.I)),
    ("citation", lazy_re.compile(r"\b(citation|cite|bibtex)\b", re.I)),
)

_ATX = lazy_compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_HEADING = lazy_compile(r"^\s{0,3}(?:\*\*|__)([^*_]{2,80})(?:\*\*|__)\s*:?\s*$")
_FENCE = lazy_compile(r"^\s{0,3}(```|~~~)")
_HEAD_CHARS = frozenset("#*_`~=-")
_HEAD_START = lazy_compile(r"^[^\S\n]*[#*_`~=-]", re.M)  # a line whose first non-blank is one of them
_SETEXT = lazy_compile(r"^\s{0,3}(=+|-+)\s*$")


@dataclass(frozen=True)
class Section:
    """A markdown section: heading text, level, kinds and its line span in the file (1-based)."""

    title: str
    level: int
    lines: tuple[int, int]
    kinds: frozenset[str]


@dataclass(frozen=True)
class ModelCard:
    """A parsed model card or README: its front matter (metadata), lines and titled sections."""

    path: str
    front_matter: Mapping[str, Any] = field(default_factory=dict)
    front_matter_lines: tuple[int, int] | None = None
    body_start: int = 1  # first line of the markdown body (1-based)
    lines: tuple[str, ...] = ()  # the whole file, split into lines
    sections: tuple[Section, ...] = ()
    claims: tuple[Claim, ...] = ()
    facts: tuple[Fact, ...] = ()
    notes: tuple[Note, ...] = ()
    index: LineIndex | None = field(default=None, compare=False, repr=False)

    def sections_of(self, kind: str) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if kind in s.kinds)

    def text_of(self, section: Section) -> str:
        a, b = section.lines
        return "\n".join(self.lines[a - 1 : b])

    def location(self, section: Section) -> Location:
        return Location(self.path, section.lines)


def parse_card(text: str, path: str) -> ModelCard:
    """Parse a model card or README. Never raises on content; problems become Notes."""
    lines = tuple(text.splitlines()[:MAX_CARD_LINES])
    notes: list[Note] = []
    front: Mapping[str, Any] = {}
    fm_span: tuple[int, int] | None = None
    body_start = 1
    if lines and lines[0].lstrip("\ufeff").strip() == "---":
        end = _front_matter_end(lines)
        if end is None:
            notes.append(
                Note(NoteLevel.WARNING,
                     "front matter is not closed; treated as absent", Location(path, (1, 1)))
            )
        else:
            fm_span = (1, end)
            body_start = end + 1
            raw = "\n".join(lines[1 : end - 1])
            front, problem = load_front_matter(raw)
            if problem:
                notes.append(
                    Note(NoteLevel.WARNING,
                         f"front matter {problem}; treated as absent", Location(path, fm_span))
                )
    index = LineIndex(lines, body_start)
    sections = _sections(lines, body_start, index)
    claims = list(claims_in_lines(lines, path, start=body_start, index=index))
    claims.extend(_front_matter_claims(front, path))
    facts = facts_in_lines(lines, path, start=body_start, index=index)
    return ModelCard(
        path, front, fm_span, body_start, lines, sections, tuple(claims), facts, tuple(notes), index
    )


def _front_matter_end(lines: tuple[str, ...]) -> int | None:
    size = 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return i + 1  # 1-based line number of the closing marker
        size += len(lines[i]) + 1
        if size > MAX_FRONT_MATTER * 4:  # give up scanning an unclosed giant block
            return None
    return None


def load_front_matter(raw: str) -> tuple[Mapping[str, Any], str | None]:
    """YAML front matter -> (mapping, problem). A problem means the mapping is empty. Never raises."""
    try:
        data = front_matter_data(raw)
    except YamlError as exc:
        return {}, _problem(exc)
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, f"is a YAML {_yaml_type(data)}, not a mapping"
    return data, None


def front_matter_data(raw: str) -> Any:
    """The front matter's YAML text -> plain data (``None`` when empty), through the package's one
    bounded loader (``openness.safe_yaml``); raises ``YamlError`` (an ``OpennessError``) only.
    The plain entry point of this parser for fuzzing."""
    return load_yaml(raw, FRONT_MATTER_LIMITS)


def _problem(exc: YamlError) -> str:
    """The loader's refusal as the tail of "front matter ...; treated as absent"."""
    if exc.problem is YamlProblem.TOO_LARGE:
        return f"is larger than {MAX_FRONT_MATTER // 1024} KB"
    if exc.problem is YamlProblem.TOO_DEEP:
        return f"nests deeper than {MAX_DEPTH} levels"
    if exc.problem is YamlProblem.TOO_MANY_NODES:
        return f"expands to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)"
    where = f" at line {exc.line}" if exc.line is not None else ""
    return f"is malformed YAML ({exc.detail}{where})"


def _yaml_type(value: Any) -> str:
    return {list: "sequence", str: "string", bool: "boolean"}.get(type(value), type(value).__name__)


def _head_lines(lines: tuple[str, ...], start: int, index: LineIndex | None) -> Iterable[int]:
    """0-based lines from ``start - 1`` whose first non-blank character is one of ``_HEAD_CHARS``:
    with the card's index, found by one multi-line search of its text instead of a test per line
    (whitespace but a line break: what ``str.lstrip`` strips, within a line)."""
    if index is None or index.lines is not lines:
        return range(start - 1, len(lines))
    found = (bisect_right(index.starts, m.start()) - 1 for m in _HEAD_START.finditer(index.text))
    return [i for i in found if i >= start - 1]


def _sections(lines: tuple[str, ...], start: int, index: LineIndex | None = None) -> tuple[Section, ...]:
    # Hand-written rather than markdown-it: cards use bold lines ("# **Training Data**",
    # "**Training Data**") as headings, which a CommonMark parser does not report as such.
    heads: list[tuple[int, int, str]] = []  # (line, level, title)
    in_fence = False
    for i in _head_lines(lines, start, index):
        line = lines[i]
        head = line.lstrip()[:1]
        if head not in _HEAD_CHARS:
            continue  # most lines: no heading, fence or setext underline can start here
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = _ATX.match(line)
        if m:
            heads.append((i + 1, len(m.group(1)), _clean_title(m.group(2))))
            continue
        m2 = _BOLD_HEADING.match(line)
        if m2:
            heads.append((i + 1, 7, _clean_title(m2.group(1))))  # below any ATX level
            continue
        if (
            i > start - 1
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and not lines[i - 1].lstrip().startswith("|")
        ):
            prev = lines[i - 1].strip()
            if not _ATX.match(lines[i - 1]) and len(prev) <= 80:
                level = 1 if line.strip().startswith("=") else 2
                heads.append((i, level, _clean_title(prev)))
    out: list[Section] = []
    for n, (line_no, level, title) in enumerate(heads):
        end = len(lines)
        for later_line, later_level, _ in heads[n + 1 :]:
            if later_level <= level:
                end = later_line - 1
                break
        kinds = frozenset(kind for kind, rx in _SECTION_KINDS if rx.search(title))
        out.append(Section(title, level, (line_no, max(line_no, end)), kinds))
    return tuple(out)


def _clean_title(title: str) -> str:
    return re.sub(r"[*_`]|<[^>]+>|:$", "", title).strip()


def _front_matter_claims(front: Mapping[str, Any], path: str) -> list[Claim]:
    out: list[Claim] = []
    for key in ("license", "license_name", "license_link"):
        value = front.get(key)
        if isinstance(value, str) and value.strip():
            out.append(Claim(ClaimKind.LICENSE_FIELD, value.strip(), Location(path, key=f"card:{key}")))
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, str):
                    out.append(Claim(ClaimKind.LICENSE_FIELD, v.strip(), Location(path, key=f"card:{key}")))
    tags = front.get("tags")
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and re.search(r"open[-_ ]?source|fully[-_ ]open", tag, re.I):
                out.append(Claim(ClaimKind.TAG, tag, Location(path, key="card:tags"), ClaimSubject.RELEASE))
    return out


def card_list(front: Mapping[str, Any], key: str) -> list[str]:
    """A front-matter field that may be a string or a list of strings, as a list."""
    value = front.get(key)
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []
