"""What prose says: self-descriptions, licence statements per component, licence links and
badges, and stated facts (parameters, training tokens, hardware), each with its line.

Regular expressions over lines, on purpose: cards and READMEs are short, the phrases are
few and formulaic, and every hit needs its line number for the report.
"""

from __future__ import annotations

import re
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

_GROUP_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weights", re.compile(r"\b(?:model weights?|weights?|checkpoints?|parameters|models?)\b", re.I)),
    ("code", re.compile(r"\b(?:code(?:base)?|source|software|scripts?|repository|implementation)\b", re.I)),
    ("data", re.compile(r"\b(?:data(?:sets?)?|corpus|corpora)\b", re.I)),
)
_LICENSE_VERB = re.compile(
    r"\b(?:licen[sc]ed|released|available|distributed|governed|provided|under|licen[sc]e)\b", re.I
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\s+\|\s+")


def prose_licenses(text: str) -> list[str]:
    """Licence identifiers named in a piece of prose, in order of appearance, deduplicated.

    The table lists specific names before generic ones, so "Open RAIL" inside an earlier
    "BigCode OpenRAIL-M" hit is skipped.
    """
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


def claims_in_lines(lines: Sequence[str], path: str, start: int = 1) -> Iterable[Claim]:
    """Self-descriptions, badges, licence links and per-component licence statements."""
    in_fence = False
    for i in range(start - 1, len(lines)):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip():
            continue
        loc = Location(path, (i + 1, i + 1))
        for m in _OPEN_CLAIMS.finditer(line):
            yield Claim("open-source", m.group(0).strip(), loc)
        for m in _BADGE.finditer(line):
            alt, url = m.group(1), m.group(2)
            if re.search(r"licen[cs]e", alt + url, re.I):
                names = prose_licenses(re.sub(r"[_%]20|_", " ", url + " " + alt))
                yield Claim("badge", names[0] if names else (alt or url), loc)
            elif re.search(r"open[-_ %20]*source", alt + url, re.I):
                yield Claim("open-source", f"badge: {alt or url}", loc)
        for m in _LINK.finditer(line):
            target = m.group(2).split("#")[0]
            if target and "://" not in target and _LICENSE_FILE_LINK.search(target):
                yield Claim("license-link", target.lstrip("./"), loc)
        yield from _component_statements(line, loc)


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
_GPU_HOURS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(k|m|thousand|million)?\s*GPU[- ]hours\b", re.I)
_SEED = re.compile(r"\b(?:random[_ ])?seed\b\s*(?:[:=]|of|is|was)\s*(\d{1,10})\b", re.I)


def _number(value: str, scale: str | None) -> int:
    return round(float(value) * _SCALE.get((scale or "").lower(), 1))


def facts_in_lines(lines: Sequence[str], path: str, start: int = 1) -> tuple[Fact, ...]:
    out: list[Fact] = []
    seen: set[tuple[str, object]] = set()

    def add(key: str, value: object, line_no: int) -> None:
        if (key, value) in seen:
            return
        seen.add((key, value))
        out.append(Fact(key, value, Location(path, (line_no, line_no))))

    for i in range(start - 1, len(lines)):
        line = lines[i]
        for m in _PARAMS.finditer(line):
            add("parameters_stated", _number(m.group(1), m.group(2)), i + 1)
        for m in _TOKENS.finditer(line):
            if _TOKENS_CONTEXT.search(line) and not _TOKENS_NOT.search(
                line[max(0, m.start() - 40) : m.end() + 10]
            ):
                add("training_tokens", _number(m.group(1), m.group(2)), i + 1)
        for m in _HARDWARE.finditer(line):
            add("hardware", m.group(1), i + 1)
        for m in _GPU_HOURS.finditer(line):
            add("gpu_hours", _number(m.group(1), m.group(2)), i + 1)
        for m in _SEED.finditer(line):
            add("random_seed", int(m.group(1)), i + 1)
    return tuple(out)
