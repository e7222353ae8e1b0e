"""Claims and facts need this release as their subject (issue 11 review: ChatGLM3's open-washing finding
quoted GLM-4 lines).

A sentence whose subject is another model, named ("We released the GLM-4-9B series of open-source
models" in ChatGLM3's README), is no claim of this release's, and a fact stated about another model
("Llama-2-7B was trained on 2T tokens") is not this release's fact. The release's own names come from
its card's headings (``text.own_names``); without a heading nothing is set aside. Releases built in
``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

from openness.frameworks import osaid
from openness.frameworks.findings import find
from openness.model import Evidence
from test_evidence_support import GENERATE_PY, evidence_of, safetensors_bytes

FRONT = "---\nlicense: cc-by-nc-4.0\n---\n"
GLM4_NEWS = (
    "- **News**: ``2024/06/05``: We released the `GLM-4-9B` series of open-source models.\n"
    "- **News**: ``2024/06/05``: 我们发布 `GLM-4-9B` 系列开源模型，其内容可以在这里查看。\n"
    "- GLM-4-9B was pre-trained on 10T tokens of multilingual data.\n"
)


def _release(root: Path, body: str) -> Evidence:
    files: dict[str, str | bytes] = {
        "README.md": FRONT + "# ChatGLM3\n\n" + body,
        "model.safetensors": safetensors_bytes(),
        "generate.py": GENERATE_PY,
    }
    return evidence_of(root, files)


def _washing(ev: Evidence) -> list[str]:
    return [f.message for f in find(ev, {"osaid": osaid.assess(ev)}) if f.kind == "open-washing"]


def test_claims_about_another_named_model_are_not_this_releases(tmp_path: Path) -> None:
    ev = _release(tmp_path, GLM4_NEWS)
    assert [c for c in ev.claims if c.kind == "open-source"] == []
    assert _washing(ev) == []
    assert ev.facts_for("training_tokens") == ()


def test_claims_and_facts_about_the_releases_own_model_stay(tmp_path: Path) -> None:
    body = (
        GLM4_NEWS
        + "ChatGLM3-6B is open source.\n\nChatGLM3-6B-Base was trained on 1.4T tokens.\n"
        + "Unlike Llama-2-70B, our model is open source.\n"
    )
    ev = _release(tmp_path, body)
    claims = [c for c in ev.claims if c.kind == "open-source"]
    assert [c.location.lines for c in claims] == [(9, 9), (12, 12)]
    assert _washing(ev)  # the non-commercial weights against the release's own claim
    assert [f.value for f in ev.facts_for("training_tokens")] == [1_400_000_000_000]


def test_without_a_heading_nothing_is_set_aside(tmp_path: Path) -> None:
    """No heading, no own names: the claim is kept (the old reading), never dropped on a guess."""
    files: dict[str, str | bytes] = {
        "README.md": FRONT + "We released the `GLM-4-9B` series of open-source models.\n",
        "model.safetensors": safetensors_bytes(),
    }
    ev = evidence_of(tmp_path, files)
    assert [c.kind for c in ev.claims if c.kind == "open-source"] == ["open-source"]


def test_a_comparison_fact_names_the_other_model(tmp_path: Path) -> None:
    """MiniCPM: "comparable to several models with 7B-9B parameters like Llama3.1-8B" is no parameter
    count of this release; a results-table row of another model neither."""
    body = (
        "This model outperforms Phi-3.5-mini-instruct and is comparable to several models with 7B-9B "
        "parameters like Llama3.1-8B-Instruct.\n\n"
        "| model | tokens |\n|---|---|\n| Llama-2-7B trained on 2T tokens | 45.3 |\n"
    )
    ev = _release(tmp_path, body)
    assert ev.facts_for("parameters_stated") == ()
    assert ev.facts_for("training_tokens") == ()
