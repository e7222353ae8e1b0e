"""Identification survives dressing (whitespace, re-wrapping, Markdown) and reports real edits
(a clause appended or removed) as modifications; unknown texts stay unknown; versions of
one licence family are told apart from the shipped references themselves."""

from __future__ import annotations

import hashlib
import random
import re
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from openness.licenses.identify import identify
from openness.licenses.knowledge import knowledge
from openness.licenses.normalize import normalize

# Single-licence texts of the corpus with a full reference text shipped (so edits are checkable).
SOURCES = {
    "allenai__OLMo/files/LICENSE": "Apache-2.0",
    "karpathy__nanoGPT/files/LICENSE": "MIT",
    "Stability-AI__generative-models/files/sgm/modules/autoencoding/lpips/loss/LICENSE": "BSD-2-Clause",
    "tatsu-lab__stanford_alpaca/files/DATA_LICENSE": "CC-BY-NC-4.0",
    "allenai__open-instruct/files/assets/model_licenses/llama_license.txt": "GPL-3.0-only",
    "CompVis__stable-diffusion/files/LICENSE": "LicenseRef-scancode-stable-diffusion-2022-08-22",
    "Stability-AI__stablediffusion/files/LICENSE-MODEL": "LicenseRef-scancode-bigscience-open-rail-m2",
    "QwenLM__Qwen-VL/files/LICENSE": "LicenseRef-scancode-tongyi-qianwen-2023",
    "deepseek-ai__DeepSeek-V3/files/LICENSE-MODEL": "LicenseRef-scancode-deepseek-la-1.0",
    "meta-llama__llama/files/LICENSE": "LicenseRef-scancode-llama-2-license-2023",
    "meta-llama__llama-models/files/models/llama3_1/LICENSE": "LicenseRef-scancode-llama-3.1-license-2024",
    "meta-llama__llama-models/files/models/llama3_2/LICENSE": "LicenseRef-scancode-llama-3.2-license-2024",
    "meta-llama__llama-models/files/models/llama3_3/LICENSE": "LicenseRef-scancode-llama-3.3-license-2024",
    "meta-llama__llama-models/files/models/llama4/LICENSE": "LicenseRef-scancode-llama-4-cla-2025",
    "meta-llama__llama-models/files/models/llama4/USE_POLICY.md": "LicenseRef-openness-llama-4-aup",
}

# Removing MIT's notice paragraph leaves MIT No Attribution: naming that is right, not a miss.
ALSO_RIGHT = {("karpathy__nanoGPT/files/LICENSE", "removed"): "MIT-0"}

APPENDED = (
    "\n\nADDITIONAL TERMS\n"
    "You may not use the Software or any output of it for commercial purposes, and any person or\n"
    "company with more than 100 employees shall obtain a separate written licence from the Licensor.\n"
)


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def whitespace(text: str, rng: random.Random) -> str:
    out = re.sub(r"[ \t]+", lambda _m: " " * rng.randint(1, 3), text)
    return "\n\n\n".join(_paragraphs(out)) + "\n   \n"


def rewrap(text: str, rng: random.Random) -> str:
    width = rng.choice((40, 55, 72, 100))
    # Like an editor: words (and URLs) are never broken across lines.
    fill = textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False).fill
    return "\n\n".join(fill(" ".join(p.split())) for p in _paragraphs(text))


def markdown(text: str, rng: random.Random) -> str:
    paras = _paragraphs(text)
    out = [f"# {' '.join(paras[0].split())}"]
    for p in paras[1:]:
        words = p.split()
        if words and rng.random() < 0.5:
            words[0] = f"**{words[0]}**"
        out.append(("- " if rng.random() < 0.3 else "") + " ".join(words))
    return "\n\n".join(out)


def appended(text: str, rng: random.Random) -> str:
    return text.rstrip() + APPENDED


def removed(text: str, rng: random.Random) -> str | None:
    """Drop one mid-text paragraph holding 3-15% of the words (None: no such paragraph)."""
    paras = _paragraphs(text)
    total = sum(len(p.split()) for p in paras)
    middle = [i for i, p in enumerate(paras[1:-1], 1) if 0.03 * total <= len(p.split()) <= 0.15 * total]
    if not middle:
        return None
    drop = rng.choice(middle)
    return "\n\n".join(p for i, p in enumerate(paras) if i != drop)


DRESSINGS: dict[str, Callable[[str, random.Random], str]] = {
    "whitespace": whitespace,
    "rewrap": rewrap,
    "markdown": markdown,
}
EDITS: dict[str, Callable[[str, random.Random], str | None]] = {"appended": appended, "removed": removed}


def _seed(*parts: str) -> random.Random:
    return random.Random(hashlib.sha256("/".join(parts).encode()).digest())


@pytest.fixture(scope="module")
def texts(corpus_dir: Path) -> dict[str, str]:
    return {rel: (corpus_dir / rel).read_text(encoding="utf-8") for rel in SOURCES}


def test_dressed_texts_are_identified_unmodified(texts: dict[str, str]) -> None:
    right = 0
    wrong = []
    for rel, text in texts.items():
        for name, dress in DRESSINGS.items():
            result = identify(dress(text, _seed(rel, name)))
            ids = [m.id for m in result.matches]
            if ids == [SOURCES[rel]] and not result.matches[0].modified:
                right += 1
            else:
                wrong.append((rel, name, [(m.id, m.score, m.modified) for m in result.matches]))
    assert right / (right + len(wrong)) >= 0.98, wrong


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edited_texts_are_identified_and_flagged_modified(texts: dict[str, str], edit: str) -> None:
    wrong = []
    tried = 0
    for rel, text in texts.items():
        edited = EDITS[edit](text, _seed(rel, edit))
        if edited is None:
            continue
        tried += 1
        result = identify(edited)
        first = result.matches[0] if result.matches else None
        expected = {SOURCES[rel], ALSO_RIGHT.get((rel, edit), SOURCES[rel])}
        if first is None or first.id not in expected or not first.modified or not first.changes:
            wrong.append((rel, [(m.id, m.score, m.modified) for m in result.matches]))
    assert tried >= 10
    assert len(wrong) <= 0.02 * tried, wrong


def test_appended_clause_is_located(texts: dict[str, str]) -> None:
    text = texts["allenai__OLMo/files/LICENSE"]
    edited = text.rstrip() + APPENDED
    first_new_line = len(text.rstrip().splitlines()) + 2
    match = identify(edited).matches[0]
    assert match.modified
    spans = [c.lines for c in match.changes if c.lines]
    assert any(a >= first_new_line - 1 for a, _ in spans), spans


def test_several_licences_in_one_file_are_all_reported(texts: dict[str, str]) -> None:
    parts = [
        texts["karpathy__nanoGPT/files/LICENSE"],
        texts["meta-llama__llama-models/files/models/llama3_1/LICENSE"],
        texts["Stability-AI__generative-models/files/sgm/modules/autoencoding/lpips/loss/LICENSE"],
    ]
    sep = "\n\n----- third-party component -----\n\n"
    combined = sep.join(parts)
    result = identify(combined)
    assert [m.id for m in result.matches] == [
        "MIT",
        "LicenseRef-scancode-llama-3.1-license-2024",
        "BSD-2-Clause",
    ]
    # each span sits inside its own part
    starts = [1]
    for part in parts[:-1]:
        starts.append(starts[-1] + len(part.splitlines()) + sep.count("\n"))
    for match, start, part in zip(result.matches, starts, parts, strict=True):
        assert match.lines is not None
        assert start <= match.lines[0] and match.lines[1] < start + len(part.splitlines()) + 1


# --------------------------------------------------------------------------- versions

VERSION_GROUPS = [
    ("Apache-1.0", "Apache-1.1", "Apache-2.0"),
    ("GPL-2.0-only", "GPL-3.0-only", "LGPL-2.1-only", "LGPL-3.0-only", "AGPL-3.0-only"),
    ("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-3.0"),
    ("MPL-1.1", "MPL-2.0", "EPL-1.0", "EPL-2.0", "BSD-2-Clause", "BSD-3-Clause"),
    (
        "LicenseRef-scancode-llama-3.1-license-2024",
        "LicenseRef-scancode-llama-3.2-license-2024",
        "LicenseRef-scancode-llama-3.3-license-2024",
        "LicenseRef-scancode-gemma-tou-2024-04-01",
        "LicenseRef-scancode-gemma-tou-2025-03-24",
        "LicenseRef-scancode-qwen-2024",
        "LicenseRef-scancode-tongyi-qianwen-2023",
        "LicenseRef-scancode-bigscience-open-rail-m",
        "LicenseRef-scancode-bigcode-open-rail-m-v1",
    ),
]


@pytest.mark.parametrize("group", VERSION_GROUPS, ids=lambda g: g[0])
def test_versions_are_told_apart(group: tuple[str, ...]) -> None:
    kb = knowledge()
    for lid in group:
        ref = kb.reference_for(lid)
        assert ref is not None, lid
        text = textwrap.fill(" ".join(kb.tokens(ref)), 70)
        ids = [m.id for m in identify(text).matches]
        assert ids == [lid], (lid, ids)


# --------------------------------------------------------------------------- unknown texts

MADE_UP = """FRIENDLY MODEL LICENSE v0.3

Whoever holds a copy of these model weights may run them on any computer they own. You may show
the generated pictures to friends and family. Please be kind to other people when you use it.
The authors promise nothing about how well the model works and accept no responsibility if it
breaks your computer, eats your homework or mislabels your cat. If you improve the model, tell us
about it at our community forum so we can all learn. Ship it, share it, enjoy it, and remember
that sunny days are better spent outside than in front of a screen generating images.
"""


def test_unknown_texts_get_no_name(texts: dict[str, str]) -> None:
    rng = random.Random(7)
    mit_words = normalize(texts["karpathy__nanoGPT/files/LICENSE"]).tokens
    apache_words = list(normalize(texts["allenai__OLMo/files/LICENSE"]).tokens)
    rng.shuffle(apache_words)
    samples = {
        "made-up licence": MADE_UP,
        "shuffled MIT words": " ".join(rng.sample(list(mit_words), len(mit_words))),
        "shuffled Apache words": textwrap.fill(" ".join(apache_words), 70),
        "lorem": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40,
        "python": "import os\n\n\ndef main() -> None:\n    print(os.getcwd())\n" * 30,
        "random": " ".join("".join(rng.choices("abcdefghij", k=rng.randint(2, 9))) for _ in range(800)),
        "empty": "",
        "punctuation": "----\n****\n####\n" * 20,
        "one word": "x",
    }
    for name, text in samples.items():
        assert identify(text).matches == (), name


def test_filling_in_a_party_name_is_not_a_modification(corpus_dir: Path) -> None:
    """Template slots ("the copyright holder", "[name of copyright owner]") take real names."""
    bsd = corpus_dir / "Stability-AI__generative-models/files/sgm/modules/autoencoding/lpips/model/LICENSE"
    text = bsd.read_text(encoding="utf-8").split("-----")[0]  # the first (BSD-2-Clause) licence
    named = text.replace("THE COPYRIGHT HOLDER OR CONTRIBUTORS", "JUN-YAN ZHU")
    match = identify(named).matches[0]
    assert match.id == "BSD-2-Clause" and not match.modified
    restricted = text.replace(
        "THE COPYRIGHT HOLDER OR CONTRIBUTORS", "ANYONE USING IT FOR NON-COMMERCIAL RESEARCH ONLY"
    )
    match = identify(restricted).matches[0]
    assert match.id == "BSD-2-Clause" and match.modified


def test_mit_with_an_appended_policy(corpus_dir: Path) -> None:
    mit = (corpus_dir / "karpathy__nanoGPT/files/LICENSE").read_text(encoding="utf-8")
    aup = (corpus_dir / "meta-llama__llama-models/files/models/llama3_1/USE_POLICY.md").read_text(
        encoding="utf-8"
    )
    known = identify(mit + "\n\n" + aup).matches
    assert [(m.id, m.modified) for m in known] == [
        ("MIT", False),
        ("LicenseRef-openness-llama-3.1-aup", False),
    ]
    assert known[1].lines is not None and known[1].lines[0] == len(mit.splitlines()) + 3
    policy = (
        "ACCEPTABLE USE\n\nYou may not use the Software to build weapons, to surveil people, or for any\n"
        "commercial purpose without our prior written permission, and you must not remove this notice.\n"
    )
    appended = identify(mit + "\n\n" + policy).matches
    assert [(m.id, m.modified) for m in appended] == [("MIT", True)]
    assert appended[0].changes[-1].lines == (len(mit.splitlines()) + 3, len(mit.splitlines()) + 6)


def test_every_shipped_ai_licence_survives_dressing_and_flags_additions() -> None:
    """Beyond the corpus: each curated AI licence whose wording is shipped (Gemma, Qwen, Falcon,
    NVIDIA, FLUX, EXAONE, RAIL, Stability, OpenMDW...) is named through re-wrapping and Markdown,
    and an appended clause makes it modified."""
    from openness.licenses.curated import CURATED

    kb = knowledge()
    wrong = []
    tried = 0
    for c in CURATED:
        ref = kb.reference_for(c.id) if c.scancode else None
        raw = kb.text(ref) if ref is not None else None
        if raw is None:
            continue
        for name, dress in DRESSINGS.items():
            tried += 1
            matches = identify(dress(raw, _seed(c.id, name))).matches
            if [m.id for m in matches] != [c.id] or matches[0].modified:
                wrong.append((c.id, name, [(m.id, m.score, m.modified) for m in matches]))
        tried += 1
        matches = identify(appended(raw, _seed(c.id))).matches
        if not matches or matches[0].id != c.id or not matches[0].modified:
            wrong.append((c.id, "appended", [(m.id, m.score, m.modified) for m in matches]))
    assert tried >= 100
    assert len(wrong) <= 0.02 * tried, wrong


@pytest.mark.parametrize(
    "text",
    ["1." * 100_000, "[" * 200_000, "[a](" * 50_000, "<a" * 100_000, "x.y-z_" * 30_000, "a" * 200_000],
    ids=["dotted", "brackets", "open-links", "tags", "domainish", "one-word"],
)
def test_hostile_texts_take_bounded_time(text: str) -> None:
    start = time.perf_counter()
    identify(text)
    assert time.perf_counter() - start < 5  # linear patterns: ~0.1 s; quadratic ones took minutes
