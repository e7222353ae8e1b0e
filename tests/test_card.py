"""Model card parsing: bounded front matter, sections with spans, claims and facts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from openness.evidence.card import MAX_FRONT_MATTER, card_list, load_front_matter, parse_card
from openness.evidence.text import claims_in_lines, facts_in_lines, prose_licenses

CARD = """---
license: other
license_name: llama3
license_link: LICENSE
base_model:
  - meta-llama/Meta-Llama-3-8B
datasets: [allenai/dolma, HuggingFaceFW/fineweb]
tags:
  - open-source
  - text-generation
language: en
pipeline_tag: text-generation
date: 2024-05-01
model-index:
  - name: x
    results: []
---
# My Model

This is a fully open model. It outperforms other open-source models.

## Training Data

Sourced from Common Crawl, filtered and deduplicated.

```
## Not a heading
```

**Evaluation**

Results below.

Limitations
-----------

It hallucinates.
"""


def test_front_matter_fields_and_claims() -> None:
    card = parse_card(CARD, "README.md")
    fm = card.front_matter
    assert fm["license"] == "other" and fm["license_name"] == "llama3"
    assert card_list(fm, "base_model") == ["meta-llama/Meta-Llama-3-8B"]
    assert card_list({"base_model": "a/b"}, "base_model") == ["a/b"]
    assert card_list(fm, "datasets") == ["allenai/dolma", "HuggingFaceFW/fineweb"]
    assert fm["date"] == "2024-05-01"  # dates become strings: the card is serialised
    assert card.front_matter_lines == (1, 17)
    kinds = {(c.kind, c.value) for c in card.claims}
    assert ("license-field", "other") in kinds and ("license-field", "llama3") in kinds
    assert ("tag", "open-source") in kinds
    opens = [c for c in card.claims if c.kind == "open-source"]
    assert [c.location.lines for c in opens] == [(20, 20)]  # "outperforms other open-source" is not a claim
    assert not card.notes


def test_sections_have_spans_and_kinds() -> None:
    card = parse_card(CARD, "README.md")
    titles = {s.title: s for s in card.sections}
    assert "Not a heading" not in titles  # fenced code
    data = titles["Training Data"]
    assert (
        data.lines == (22, 33) and "data" in data.kinds
    )  # a bold-line heading nests below it and "training" in data.kinds
    assert "evaluation" in titles["Evaluation"].kinds  # bold-line heading
    assert titles["Limitations"].lines[0] == 34 and "limitations" in titles["Limitations"].kinds  # setext
    assert "Common Crawl" in card.text_of(data)


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        ("license: [unclosed\n", "malformed"),
        ("a: b\n  c: d: e\n", "malformed"),
        ("- just\n- a list\n", "not a mapping"),
        ("x: " + "[" * 200 + "]" * 200 + "\n", "nests deeper"),
    ],
)
def test_bad_front_matter_is_a_note(front: str, problem: str) -> None:
    card = parse_card(f"---\n{front}---\n# Title\n\nApache 2.0\n", "README.md")
    assert card.front_matter == {}
    assert len(card.notes) == 1 and problem in card.notes[0].message
    assert card.sections and card.sections[0].title == "Title"  # the body is still read


def test_alias_bomb_is_rejected_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    start = time.perf_counter()
    data, problem = load_front_matter("\n".join(lines))
    assert time.perf_counter() - start < 1.0
    assert data == {} and problem and "alias" in problem


def test_small_aliases_are_fine() -> None:
    data, problem = load_front_matter("base: &b {lr: 1}\nrun: *b\n")
    assert problem is None and data["run"] == {"lr": 1}


def test_huge_front_matter_is_treated_as_absent() -> None:
    body = "\n".join(f"k{i}: {'v' * 60}" for i in range(MAX_FRONT_MATTER // 60 + 10))
    card = parse_card(f"---\n{body}\n---\n# After\n", "README.md")
    assert card.front_matter == {}
    assert "larger than" in card.notes[0].message
    assert card.sections[0].title == "After"


def test_unclosed_front_matter() -> None:
    card = parse_card("---\nlicense: mit\n# no end\n", "README.md")
    assert card.front_matter == {} and "not closed" in card.notes[0].message


def test_claims_badges_links_and_component_statements() -> None:
    lines = [
        "[![License](https://img.shields.io/badge/License-Apache_2.0-blue.svg)](LICENSE)",
        "See the [license](./LICENSE-MODEL.md) and [docs](docs/intro.md).",
        "Our code is released under the MIT License, while the model weights are released under "
        "CC-BY-NC-4.0.",
        "We open-source our models. Llama-2-Chat outperforms open-source chat models.",
        "Use is prohibited by the Llama 2 Community License.",
        "```",
        "This is open source (in a code block, ignored)",
        "```",
    ]
    claims = claims_in_lines(lines, "README.md")
    got = [(c.kind, c.value, c.location.lines) for c in claims]
    assert ("badge", "Apache-2.0", (1, 1)) in got
    assert ("license-link", "LICENSE-MODEL.md", (2, 2)) in got
    assert ("component-license", "code=MIT", (3, 3)) in got
    assert ("component-license", "weights=CC-BY-NC-4.0", (3, 3)) in got
    assert [g for g in got if g[0] == "open-source"] == [("open-source", "We open-source", (4, 4))]
    assert not any(g[2] == (5, 5) and g[0] == "component-license" for g in got)


def test_prose_licence_names() -> None:
    assert prose_licenses("Apache License, Version 2.0 and BigCode OpenRAIL-M") == [
        "Apache-2.0",
        "bigcode-openrail-m",
    ]
    assert prose_licenses("CC BY-NC 4.0; the Llama 3.1 Community License") == ["CC-BY-NC-4.0", "llama3.1"]
    assert prose_licenses("we submit a limit") == []


def test_facts_with_lines() -> None:
    lines = [
        "Llama 2 was pretrained on 2 trillion tokens of data.",
        "All models use a global batch-size of 4M tokens.",
        "A 6.9B parameter model; 3.3M GPU hours on A100-80GB and TPU v4 pods.",
        "random seed: 1234",
    ]
    facts = {(f.key, f.value, f.location.lines) for f in facts_in_lines(lines, "MODEL_CARD.md")}
    assert ("training_tokens", 2_000_000_000_000, (1, 1)) in facts
    assert not any(k == "training_tokens" and ln == (2, 2) for k, _, ln in facts)  # batch size, not data
    assert ("parameters_stated", 6_900_000_000, (3, 3)) in facts
    assert ("gpu_hours", 3_300_000, (3, 3)) in facts
    assert ("hardware", "A100", (3, 3)) in facts and ("hardware", "TPU v4", (3, 3)) in facts
    assert ("random_seed", 1234, (4, 4)) in facts


def test_a_stated_hardware_line_counts_even_without_an_accelerator() -> None:
    lines = [
        "## Training",
        "Hardware: one core of an x86-64 CPU, no GPU or other accelerator.",
        "**Compute infrastructure**: 8x A100 nodes",
        "We compare with hardware-aware baselines: faster.",
    ]
    facts = [(f.value, f.location.lines) for f in facts_in_lines(lines, "README.md") if f.key == "hardware"]
    assert ("one core of an x86-64 CPU, no GPU or other accelerator.", (2, 2)) in facts
    assert ("A100", (3, 3)) in facts and len([ln for _, ln in facts if ln == (3, 3)]) == 1
    assert not any(ln == (4, 4) for _, ln in facts)


def test_corpus_model_cards_parse(corpus_dir: Path) -> None:
    """Every copied model card and README of the corpus parses without error, quickly."""
    paths = sorted(corpus_dir.glob("*/files/**/*.md"))
    assert len(paths) > 50
    start = time.perf_counter()
    for p in paths:
        card = parse_card(p.read_text(encoding="utf-8", errors="replace"), p.name)
        for s in card.sections:
            assert s.lines[0] <= s.lines[1]
    assert time.perf_counter() - start < 10


def test_llama2_model_card(corpus_dir: Path) -> None:
    text = (corpus_dir / "meta-llama__llama/files/MODEL_CARD.md").read_text(encoding="utf-8")
    card = parse_card(text, "MODEL_CARD.md")
    data = card.sections_of("data")
    assert data and data[0].title == "Training Data"
    assert any(f.key == "training_tokens" and f.value == 2_000_000_000_000 for f in card.facts)
    assert not [c for c in card.claims if c.kind == "open-source"]  # "outperform open-source chat models"


def test_licence_statement_wrapped_over_two_lines() -> None:
    lines = [
        "# License",
        "",
        "The code and associated weights in this release are licensed under the",
        "Apache 2.0 license. The license only applies to the files in this repository.",
        "",
        "## Weights",
        "Apache 2.0 applies elsewhere.",
    ]
    claims = [c for c in claims_in_lines(lines, "README.md") if c.kind == "component-license"]
    assert {c.value for c in claims} == {"weights=Apache-2.0", "code=Apache-2.0"}
    assert {c.location.lines for c in claims} == {(3, 4)}
    # A heading or a finished sentence never joins the next line.
    after_heading = claims_in_lines(["## Weights", "Apache 2.0 license."], "R.md")
    assert not [c for c in after_heading if c.kind == "component-license"]
    assert not [
        c
        for c in claims_in_lines(["The weights are ours.", "Released under Apache 2.0."], "R.md")
        if c.kind == "component-license" and c.location.lines == (1, 2)
    ]


def test_section_kinds_for_data_mix_and_specifications() -> None:
    card = parse_card("# M\n## DataMix\n| a | 1 |\n## Model Specifications\n- Layers: 64\n", "README.md")
    kinds = {s.title: s.kinds for s in card.sections}
    assert "data" in kinds["DataMix"] and "architecture" in kinds["Model Specifications"]
