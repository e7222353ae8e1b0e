"""The release's paper and technical report are its own (issue 11: "the paper linked is often someone
else's": the Model Cards paper, MMLU, Megatron-LM for BLOOM).

Every framework's research paper / technical report reads ``evidence.documentation.papers``: the
papers the release presents as its own (citation, bibtex, "our technical report [...]",
"我们的技术报告", a paper link on its own organisation's site, a paper/report file it ships), each with
the line or file cited. Papers it only links are ``cited_paper`` facts, which the OSAI Index's
preprint reads as unknown. Releases built in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

from openness.frameworks import osai_index
from openness.model import Component, Evidence, Status
from test_evidence_support import GENERATE_PY, evidence_of

BIBTEX = """
## Citation

```bibtex
@article{tiny2024,
  title={Tiny: Open Small Language Models},
  journal={arXiv preprint arXiv:2401.00001},
  year={2024}
}
```
"""


def _where(ev: Evidence, c: Component) -> list[str]:
    return [str(loc) for loc in ev.get(c).locations]


def _cited(ev: Evidence) -> list[str]:
    return [str(f.value["id"]) for f in ev.facts_for("cited_paper")]


def test_chinese_technical_report_line_and_others_papers(tmp_path: Path) -> None:
    """Baichuan 2: the report is linked after "我们的技术报告" (title as link text); MMLU's and MedQA's
    papers on later lines are benchmarks', not the release's."""
    readme = (
        "# Tiny\n\n"
        "- 欢迎阅读我们的技术报告 [Tiny: Open Small Language Models](https://arxiv.org/abs/2401.00001)"
        " 获取更多信息。\n\n"
        "- [MMLU](https://arxiv.org/abs/2009.03300) 是包含 57 个任务的英文评测数据集。\n"
        + BIBTEX
    )
    ev = evidence_of(tmp_path, {"README.md": readme, "generate.py": GENERATE_PY})
    report = ev.get(Component.TECHNICAL_REPORT)
    assert report.status is Status.PRESENT and _where(ev, Component.TECHNICAL_REPORT) == ["README.md:3"]
    assert "arXiv:2401.00001" in report.detail
    paper = ev.get(Component.RESEARCH_PAPER)
    assert paper.status is Status.PRESENT and "arXiv:2401.00001" in paper.detail
    assert "README.md:5" not in _where(ev, Component.RESEARCH_PAPER)
    assert _cited(ev) == ["arXiv:2009.03300"]


def test_english_our_technical_report_line(tmp_path: Path) -> None:
    readme = (
        "# Tiny\n\nFor more information, welcome reading our technical report "
        "[Tiny: Open Small Language Models](https://arxiv.org/abs/2401.00001).\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert _where(ev, Component.TECHNICAL_REPORT) == ["README.md:3"]
    assert ev.get(Component.RESEARCH_PAPER).status is Status.PRESENT


def test_report_named_elsewhere_for_a_cited_paper(tmp_path: Path) -> None:
    """Yi: the bibtex entry makes the paper the release's own; the HTML link "Yi Tech Report" elsewhere
    says it is a technical report."""
    readme = (
        "# Tiny\n\n"
        '    📝 Check out  <a href="https://arxiv.org/abs/2401.00001"> Tiny Tech Report </a>\n' + BIBTEX
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert _where(ev, Component.TECHNICAL_REPORT) == ["README.md:3"]
    assert ev.get(Component.RESEARCH_PAPER).status is Status.PRESENT


def test_model_cards_paper_is_not_the_releases(tmp_path: Path) -> None:
    """A card's preamble links the Model Cards paper: no paper of the release's own (the old rule took
    the first arXiv link), and the OSAI Index's preprint is unknown, not open or closed."""
    card = (
        "# Model Card: Tiny\n\nInspired by [Model Cards for Model Reporting (Mitchell et al.)]"
        "(https://arxiv.org/abs/1810.03993), this card describes the model.\n\n## Training\n\nText.\n"
    )
    ev = evidence_of(tmp_path, {"model-card.md": card, "generate.py": GENERATE_PY})
    assert ev.get(Component.RESEARCH_PAPER).status is Status.ABSENT
    assert ev.get(Component.TECHNICAL_REPORT).status is Status.ABSENT
    assert _cited(ev) == ["arXiv:1810.03993"]
    preprint = next(c for c in osai_index.assess(ev).criteria if c.id == "preprint")
    assert preprint.value == "unknown" and "1810.03993" in preprint.detail


def test_a_paper_link_in_parentheses_after_another_name_is_that_things(tmp_path: Path) -> None:
    """BLOOM's card: "Megatron-LM GPT2 (see [paper](...), [code](...))"; Qwen-VL: "LoRA ([paper](...))";
    "our paper" after a link to someone else's dataset does not name that link."""
    readme = (
        "# Tiny\n\n"
        "**Model Architecture:** Modified from Megatron-LM GPT2 (see [paper](https://arxiv.org/abs/1909.08053),"
        " [code](https://github.com/NVIDIA/Megatron-LM)):\n\n"
        "* Layer norm (`StableEmbedding`; see [code](https://github.com/x/y), [paper](https://arxiv.org/pdf/2110.02861.pdf))\n\n"
        "LoRA ([paper](https://arxiv.org/abs/2106.09685)) only updates the adapter layers.\n\n"
        "Google released an [instruction following evaluation dataset]"
        "(https://arxiv.org/pdf/2311.07911.pdf); "
        "for test set results, please refer to the number in our paper.\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert ev.get(Component.RESEARCH_PAPER).status is Status.ABSENT
    assert ev.facts_for("publication") == ()
    assert set(_cited(ev)) == {"arXiv:1909.08053", "arXiv:2110.02861", "arXiv:2106.09685", "arXiv:2311.07911"}


def test_own_paper_links_still_count(tmp_path: Path) -> None:
    readme = (
        "# Tiny\n\n- [Technical Paper: https://arxiv.org/pdf/2306.08161.pdf](https://arxiv.org/pdf/2306.08161.pdf)\n"
        "- Please check our [project page](https://tiny.github.io), [arxiv paper](https://arxiv.org/pdf/2503.16396)\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    ids = [str(f.value["id"]) for f in ev.facts_for("publication")]
    assert ids == ["arXiv:2306.08161", "arXiv:2503.16396"]
    assert _where(ev, Component.RESEARCH_PAPER) == ["README.md:3", "README.md:4"]


def test_paper_page_on_the_releases_own_organisation_site(tmp_path: Path) -> None:
    """A maker's publication page counts as the release's paper when the site is its organisation's
    (ai.meta.com for meta-llama), not any company's."""
    readme = "# Tiny\n\nMore in https://research.acme.com/publications/tiny-open-models/ (the write-up).\n"
    own = evidence_of(tmp_path / "acme-labs__tiny", {"README.md": readme})
    assert own.get(Component.RESEARCH_PAPER).status is Status.PRESENT
    assert "research.acme.com" in own.get(Component.RESEARCH_PAPER).detail
    other = evidence_of(tmp_path / "someone__tiny", {"README.md": readme})
    assert other.get(Component.RESEARCH_PAPER).status is Status.ABSENT


def test_paper_files_in_the_tree(tmp_path: Path) -> None:
    """A technical report PDF in the tree is the technical report, a paper PDF the research paper; a
    responsible-use guide or a licence agreement PDF is neither."""
    files: dict[str, str | bytes] = {
        "README.md": "# Tiny\n",
        "docs/Tiny_Technical_Report.pdf": b"%PDF-1.4\n",
        "paper.pdf": b"%PDF-1.4\n",
        "Responsible-Use-Guide.pdf": b"%PDF-1.4\n",
        "Tiny模型社区许可协议.pdf": b"%PDF-1.4\n",
    }
    ev = evidence_of(tmp_path, files)
    assert _where(ev, Component.TECHNICAL_REPORT) == ["docs/Tiny_Technical_Report.pdf"]
    assert _where(ev, Component.RESEARCH_PAPER) == ["paper.pdf"]
    guide = evidence_of(tmp_path / "guide", {"README.md": "# Tiny\n", "Responsible-Use-Guide.pdf": b"%PDF"})
    assert guide.get(Component.RESEARCH_PAPER).status is Status.ABSENT


def test_hostile_links_are_bounded(tmp_path: Path) -> None:
    """10,000 paper links, a 1 MB line of them, unbalanced parentheses and headings by the thousand:
    bounded time, a bounded number of cited papers, no traceback."""
    import time

    lines = [f"# Tiny-{n}B" for n in range(3000)]
    lines += [f"see [paper](https://arxiv.org/abs/2401.{n:05d}) ((((" for n in range(10_000)]
    lines.append("our technical report " + "[x](https://arxiv.org/abs/2402.00001) " * 30_000)
    started = time.perf_counter()
    ev = evidence_of(tmp_path, {"README.md": "\n".join(lines) + "\n"})
    assert time.perf_counter() - started < 30
    assert len(ev.facts_for("cited_paper")) <= 8
    assert len(ev.facts_for("publication")) <= 8


def test_their_paper_is_someone_elses_and_the_bibtex_is_the_releases(tmp_path: Path) -> None:
    """TinyLlama's README: "The Pythia number comes from their [paper](arxiv 2304.01373)" came out as the
    release's own paper, ahead of its own bibtex entry (eprint 2401.02385)."""
    readme = (
        "# TinyLlama\n\n"
        "<small> The Pythia number comes from their [paper](https://arxiv.org/abs/2304.01373). </small>\n\n"
        "## Citation\n\n```bibtex\n@misc{zhang2024tinyllama,\n  title={TinyLlama},\n"
        "  eprint={2401.02385},\n  archivePrefix={arXiv},\n}\n```\n"
    )
    ev = evidence_of(tmp_path, {"README.md": readme})
    assert [str(f.value["id"]) for f in ev.facts_for("publication")] == ["arXiv:2401.02385"]
    assert _cited(ev) == ["arXiv:2304.01373"]
