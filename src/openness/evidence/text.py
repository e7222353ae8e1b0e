"""What prose says: self-descriptions, licence statements per component, licence links and
badges, and stated facts (parameters, training tokens, hardware), each with its line.

Regular expressions over lines, on purpose: cards and READMEs are short, the phrases are
few and formulaic, and every hit needs its line number for the report.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from openness.model import Claim, Fact, Location

# ---------------------------------------------------------------- "open source" claims

# Self-referential phrasings only: "outperforms open-source models" is not a claim about
# the release itself, "is open source" / "we open-source" / "our open-source model" are.
_OPEN_CLAIMS = re.compile(
    r"\b(?:is|are|as|being|was|were|remains?)\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:first\s+)?"
    r"(?:fully[- ]|truly[- ]|completely[- ]|100%\s+|totally[- ])?open[- ]?source(?:d)?\b"
    r"|\b(?:we|they|i)\s+(?:have\s+|are\s+|will\s+)?(?:fully\s+|proudly\s+)?open[- ]?sourc(?:e|ed|ing)\b"
    r"|\bopen[- ]?sourcing\b"
    r"|\b(?:our|this|an|the first|a)\s+(?:[\w-]+\s+){0,2}?(?:fully[- ]|truly[- ])?open[- ]?source\s+"
    r"(?:\w+\s+)?(?:model|llm|language model|release|ai|foundation model|project|weights|checkpoints?)s?\b"
    r"|\bfully[- ]open(?:[- ]source)?\b|\btruly open\b|\bcompletely open\b|\b100%\s+open\b",
    re.I,
)
_BADGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_LICENSE_FILE_LINK = re.compile(
    r"(?:^|/)(?:LICEN[CS]E|COPYING|NOTICE|USE_POLICY|[\w.-]*licen[cs]e[\w.-]*)(?:\.\w+)?$", re.I
)

# ---------------------------------------------------------------- licence names in prose

# Prose names -> identifiers analyze_id understands (SPDX, or Hugging Face licence ids).
# A small table, not a licence engine: it only turns "Apache 2.0" into "Apache-2.0".
_PROSE_LICENSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), v)
    for p, v in (
        (r"\bapache(?:[- ]license)?,?[- ]?(?:v(?:ersion)?\.?\s?)?2(?:\.0)?\b", "Apache-2.0"),
        (r"(?-i:\bMIT\b)(?!-)", "MIT"),
        (r"\bBSD[- ]?3[- ]?clause\b|\bBSD-3\b", "BSD-3-Clause"),
        (r"\bBSD[- ]?2[- ]?clause\b", "BSD-2-Clause"),
        (
            r"\b(?:A?GPL)[- ]?v?3(?:\.0)?\b|\bGNU (?:Affero )?General Public License v(?:ersion )?3\b",
            "GPL-3.0",
        ),
        (r"\bCC[- ]BY[- ]NC[- ]SA[- ]4\.0\b", "CC-BY-NC-SA-4.0"),
        (r"\bCC[- ]BY[- ]NC[- ]ND[- ]4\.0\b", "CC-BY-NC-ND-4.0"),
        (r"\bCC[- ]BY[- ]NC[- ]4\.0\b", "CC-BY-NC-4.0"),
        (r"\bCC[- ]BY[- ]SA[- ]4\.0\b", "CC-BY-SA-4.0"),
        (r"\bCC[- ]BY[- ]4\.0\b", "CC-BY-4.0"),
        (r"\bCC0(?:[- ]1\.0)?\b", "CC0-1.0"),
        (r"\bODC[- ]BY\b", "ODC-By-1.0"),
        (r"\bCDLA[- ]Permissive[- ]2\.0\b", "CDLA-Permissive-2.0"),
        (r"\bOpenMDW\b", "OpenMDW-1.0"),
        (r"\bCreativeML Open ?RAIL[- ]?M\b", "creativeml-openrail-m"),
        (r"\bBigScience (?:BLOOM )?RAIL\b", "bigscience-bloom-rail-1.0"),
        (r"\bBigCode Open ?RAIL[- ]?M\b", "bigcode-openrail-m"),
        (r"\bOpen ?RAIL[- ]?M\b", "openrail-m"),
        (r"\bOpen ?RAIL\b", "openrail"),
        (r"\bLlama ?2 Community License\b", "llama2"),
        (r"\bLlama ?3\.1 Community License\b", "llama3.1"),
        (r"\bLlama ?3\.2 Community License\b", "llama3.2"),
        (r"\bLlama ?3\.3 Community License\b", "llama3.3"),
        (r"\bLlama ?3 Community License\b", "llama3"),
        (r"\bLlama ?4 Community License\b", "llama4"),
        (r"\bGemma Terms of Use\b", "gemma"),
    )
)

# Cheap first pass: only text naming some licence goes through the table above.
_PROSE_TRIGGER = re.compile(
    r"apache|\bMIT\b|\bBSD|GPL|\bCC[- ]?(?:BY|0)|\bODC|CDLA|OpenMDW|RAIL\b|RAIL-M|"
    r"Community License|Gemma Terms",
    re.I,
)
_GROUP_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weights", re.compile(r"\b(?:model weights?|weights?|checkpoints?|parameters|models?)\b", re.I)),
    ("code", re.compile(r"\b(?:code(?:base)?|source|software|scripts?|repository|implementation)\b", re.I)),
    ("data", re.compile(r"\b(?:data(?:sets?)?|corpus|corpora)\b", re.I)),
)
# "License" alone is not a verb: "prohibited by the Llama 2 Community License" states no scope.
_LICENSE_VERB = re.compile(
    r"\b(?:licen[sc]ed|released|distributed|governed|under)\b"
    r"|\b(?:is|are)\s+(?=(?:\w+\s+){0,2}?(?:CC|Apache|MIT|BSD|GPL|ODC|CDLA|Open))"  # "the data is CC0-1.0"
    r"|\blicen[cs]e\W{0,3}:",  # "**Licence**: Apache-2.0 for the code"
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\s+\|\s+")


def prose_licenses(text: str) -> list[str]:
    """Licence identifiers named in a piece of prose, in order of appearance, deduplicated.

    The table lists specific names before generic ones, so "Open RAIL" inside an earlier
    "BigCode OpenRAIL-M" hit is skipped.
    """
    if not _PROSE_TRIGGER.search(text):
        return []
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for rx, ident in _PROSE_LICENSES:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), ident))
    seen: list[str] = []
    for _, ident in sorted(hits):
        if ident not in seen:
            seen.append(ident)
    return seen


class LineIndex:
    """Candidate lines are found with plain substring search on the lowered text (fast);
    the real patterns then run on those lines only. Python's ``re`` is slow on long texts
    with case-insensitive alternations, and cards run to 100 KB. Fenced code is skipped."""

    def __init__(self, lines: Sequence[str], start: int) -> None:
        self.lines = lines
        self.lower = "\n".join(lines).lower()
        self.starts: list[int] = []
        pos = 0
        fenced: set[int] = set()
        in_fence = False
        for i, line in enumerate(lines):
            self.starts.append(pos)
            pos += len(line) + 1
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                fenced.add(i)
            elif in_fence:
                fenced.add(i)
        self.fenced = fenced
        self.first = max(0, start - 1)

    def candidates(self, hints: Sequence[str]) -> list[int]:
        found: set[int] = set()
        for hint in hints:
            pos = self.lower.find(hint)
            while pos >= 0:
                found.add(bisect_right(self.starts, pos) - 1)
                pos = self.lower.find(hint, pos + 1)
        return sorted(i for i in found if i >= self.first and i not in self.fenced)

    def matches(self, rx: re.Pattern[str], hints: Sequence[str]) -> Iterable[tuple[int, re.Match[str]]]:
        """(0-based line index, match within that line) outside fenced code."""
        for i in self.candidates(hints):
            for m in rx.finditer(self.lines[i]):
                yield i, m


def find_lines(
    lines: Sequence[str],
    rx: re.Pattern[str],
    hints: Sequence[str],
    start: int = 1,
    index: LineIndex | None = None,
) -> list[tuple[int, re.Match[str]]]:
    """First match of ``rx`` on each line that contains one of ``hints`` (lowercase)."""
    t = index or LineIndex(lines, start)
    out: list[tuple[int, re.Match[str]]] = []
    for i in t.candidates(hints):
        m = rx.search(lines[i])
        if m:
            out.append((i, m))
    return out


_LICENSE_HINTS = (
    "apache",
    "mit",
    "bsd",
    "gpl",
    "cc",
    "odc",
    "cdla",
    "openmdw",
    "rail",
    "community license",
    "gemma terms",
)
_HW_HINTS = (
    "a100",
    "h100",
    "h200",
    "h800",
    "a800",
    "v100",
    "a6000",
    "l40",
    "b200",
    "tpu",
    "mi250",
    "mi300",
    "gaudi",
    "rtx",
)


def claims_in_lines(
    lines: Sequence[str], path: str, start: int = 1, index: LineIndex | None = None
) -> list[Claim]:
    """Self-descriptions, badges, licence links and per-component licence statements."""
    t = index or LineIndex(lines, start)
    found: list[tuple[int, int, Claim]] = []

    def loc(i: int) -> Location:
        return Location(path, (i + 1, i + 1))

    for i, m in t.matches(_OPEN_CLAIMS, ("open",)):
        found.append((i, m.start(), Claim("open-source", " ".join(m.group(0).split()), loc(i))))
    for i, m in t.matches(_BADGE, ("![",)):
        alt, url = m.group(1), m.group(2)
        if re.search(r"licen[cs]e", alt + url, re.I):
            names = prose_licenses(re.sub(r"[_%]20|_", " ", url + " " + alt))
            found.append((i, m.start(), Claim("badge", names[0] if names else (alt or url), loc(i))))
        elif re.search(r"open[-_ %20]*source", alt + url, re.I):
            found.append((i, m.start(), Claim("open-source", f"badge: {alt or url}", loc(i))))
    for i, m in t.matches(_LINK, ("](",)):
        target = m.group(2).split("#")[0]
        if target and "://" not in target and _LICENSE_FILE_LINK.search(target):
            found.append((i, m.start(), Claim("license-link", target.lstrip("./"), loc(i))))
    for i in t.candidates(_LICENSE_HINTS):
        stated = list(_component_statements(lines[i], loc(i)))
        if not any(c.kind == "component-license" for c in stated) and _wrapped(lines, i, t.first):
            # A statement wrapped over two lines: "... weights in this release are licensed under the"
            # / "Apache 2.0 license." Read the pair as one sentence.
            pair = list(_component_statements(lines[i - 1] + " " + lines[i], Location(path, (i, i + 1))))
            if any(c.kind == "component-license" for c in pair):
                stated = pair
        for n, claim in enumerate(stated):
            found.append((i, 10_000 + n, claim))
    found.sort(key=lambda x: (x[0], x[1]))
    return [c for _, _, c in found]


def _wrapped(lines: Sequence[str], i: int, first: int) -> bool:
    """Line ``i`` continues the prose of line ``i - 1`` (neither blank, a heading, a list item or a table)."""
    if i - 1 < first:
        return False
    prev, cur = lines[i - 1].strip(), lines[i].strip()
    if not prev or not cur or prev.startswith(("#", "|", "```")):
        return False
    if cur.startswith(("#", "|", "-", "*", "```")):
        return False
    return not prev.endswith((".", ":", "!", "?"))


def _component_statements(line: str, loc: Location) -> Iterable[Claim]:
    """'The code is released under MIT, the weights under CC-BY-NC-4.0' -> two claims."""
    if not _LICENSE_VERB.search(line):
        return
    for sentence in _SENTENCE.split(line):
        for clause in re.split(
            r",\s+(?:and\s+|while\s+|whereas\s+)?(?=(?:the|our|all|model|code|weights?|data)\b)|\bwhile\b|\bwhereas\b",
            sentence,
            flags=re.I,
        ):
            names = prose_licenses(clause)
            if not names or not _LICENSE_VERB.search(clause):
                continue
            groups = [g for g, rx in _GROUP_WORDS if rx.search(clause)]
            if not groups:
                yield Claim("license-mention", names[0], loc)
                continue
            for group in groups:
                for name in names:
                    yield Claim("component-license", f"{group}={name}", loc)


# ---------------------------------------------------------------- stated facts

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_PARAMS = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(k|m|b|t|thousand|million|billion|trillion)\b[- ]*"
    r"(?:total\s+)?(?:parameters?|params?)\b",
    re.I,
)
_TOKENS = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(k|m|b|t|thousand|million|billion|trillion)\b[- ]*(?:high[- ]quality\s+)?tokens\b",
    re.I,
)
_TOKENS_CONTEXT = re.compile(r"\b(?:train|trained|training|pre-?train\w*|corpus|data|dataset)\b", re.I)
_TOKENS_NOT = re.compile(r"\b(?:batch|context|window|sequence length|per step|per second|vocab)", re.I)
_HARDWARE = re.compile(
    r"\b(A100|H100|H200|H800|A800|V100|A6000|L40S?|B200|GB200|TPU\s?v\d\w*|MI250X?|MI300X?|"
    r"Gaudi ?\d?|RTX\s?\d{4})\b"
)
# A stated hardware line names what it names, CPU-only training included ("Hardware: one core of
# an x86-64 CPU, no GPU"): accelerator names alone miss small and CPU-trained releases.
_HARDWARE_LINE = re.compile(
    r"^\W*(?:training\s+|compute\s+)?(?:hardware|compute infrastructure|accelerators?)\s*\**\s*[:：]\s*\**\s*"
    r"(\S.{1,150}?)\s*$",
    re.I,
)
_GPU_HOURS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(k|m|thousand|million)?\s*GPU[- ]hours\b", re.I)
_SEED = re.compile(r"\b(?:random[_ ])?seed\b\s*(?:[:=]|of|is|was)\s*(\d{1,10})\b", re.I)


def _number(value: str, scale: str | None) -> int:
    return round(float(value) * _SCALE.get((scale or "").lower(), 1))


def facts_in_lines(
    lines: Sequence[str], path: str, start: int = 1, index: LineIndex | None = None
) -> tuple[Fact, ...]:
    t = index or LineIndex(lines, start)
    found: list[tuple[int, str, object]] = []
    for i, m in t.matches(_PARAMS, ("param",)):
        found.append((i, "parameters_stated", _number(m.group(1), m.group(2))))
    for i, m in t.matches(_TOKENS, ("token",)):
        line = lines[i]
        col = m.start()
        if _TOKENS_CONTEXT.search(line) and not _TOKENS_NOT.search(
            line[max(0, col - 40) : col + len(m.group(0)) + 10]
        ):
            found.append((i, "training_tokens", _number(m.group(1), m.group(2))))
    hardware_lines = set()
    for i, m in t.matches(_HARDWARE, _HW_HINTS):
        found.append((i, "hardware", m.group(1)))
        hardware_lines.add(i)
    for i, m in t.matches(_HARDWARE_LINE, ("hardware", "compute", "accelerator")):
        if i not in hardware_lines:
            found.append((i, "hardware", m.group(1)))
    for i, m in t.matches(_GPU_HOURS, ("gpu",)):
        found.append((i, "gpu_hours", _number(m.group(1), m.group(2))))
    for i, m in t.matches(_SEED, ("seed",)):
        found.append((i, "random_seed", int(m.group(1))))
    out: list[Fact] = []
    seen: set[tuple[str, object]] = set()
    for i, key, value in sorted(found, key=lambda x: x[0]):
        if (key, value) not in seen:
            seen.add((key, value))
            out.append(Fact(key, value, Location(path, (i + 1, i + 1))))
    return tuple(out)
