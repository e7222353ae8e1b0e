"""The HTML report without a browser: self-contained, every part a reader needs, release text inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openness.model import Report
from openness.pipeline import audit
from openness.render import render
from openness.render.common import headline
from openness.render.html import CLAUSE_MAX, render_html, report_css

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def openwashed() -> Report:
    return audit(str(ROOT / "examples" / "openwashed-lm"))


def test_page_is_self_contained(openwashed: Report) -> None:
    page = render(openwashed, "html")
    assert page.startswith("<!doctype html>")
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "@font-face"):
        assert forbidden not in lowered, forbidden
    # No URL the browser would follow: hrefs are in-page anchors only.
    assert set(re.findall(r'href="([^"]*)"', page)) <= {f"#framework-{i}" for i in range(1, 10)}
    assert "default-src 'none'" in page


def test_page_has_what_a_reader_needs(openwashed: Report) -> None:
    page = render_html(openwashed)
    for a in openwashed.assessments.values():
        assert a.name in page and headline(a) in page
    assert "Verdicts at a glance" in page and "Findings" in page and "open-washing" in page
    assert "What would have to change" in page
    # A restrictive clause quoted with its lines, in the criterion and under Licences.
    assert "LICENSE:22-24</code> (lines 22–24)" in page
    assert page.count("terminate this Agreement at any time") >= 2
    assert "What was found" in page


def test_release_text_is_escaped_visible_and_inert(openwashed: Report, tmp_path: Path) -> None:
    rel = tmp_path / "rel"
    rel.mkdir()
    (rel / "README.md").write_text(
        "---\nlicense: other\n"
        'license_name: "<b onmouseover=x>bold</b> \\e[2J \\u202eevil & \\"q\\""\n---\n# M\n',
        encoding="utf-8",
    )
    (rel / "LICENSE").write_text(
        "Acme Model Licence\n\nYou may not use the model for commercial purposes <i>now</i> \u202e & more.\n"
        "You may not use the Model or its outputs to train other models.\n",
        encoding="utf-8",
    )
    page = render_html(audit(str(rel)))
    assert "<b " not in page and "<i>" not in page
    assert "\x1b" not in page and "\u202e" not in page
    assert "\\u202e" in page and "\\x1b[2J" in page  # shown, not silently dropped
    assert "\\x3cb onmouseover=x&gt;bold\\x3c/b&gt;" in page  # clean's visible "<", then entities
    assert "commercial purposes now \\u202e &amp; more.</blockquote>" in page  # the clause, quoted


def test_long_clause_is_bounded(tmp_path: Path) -> None:
    rel = tmp_path / "rel"
    rel.mkdir()
    clause = "You may not use the model for commercial purposes " + "and so on " * 400 + ".\n"
    (rel / "LICENSE").write_text("Acme Licence\n\n" + clause, encoding="utf-8")
    page = render_html(audit(str(rel)))
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)
    assert quotes and all(len(q) <= CLAUSE_MAX + 1 for q in quotes)


def test_fragment_and_css(openwashed: Report) -> None:
    fragment = render_html(openwashed, standalone=False)
    assert fragment.lstrip().startswith('<article class="openness-report">')
    assert fragment.rstrip().endswith("</article>")
    assert fragment.strip() in render_html(openwashed)
    assert ".openness-report" in report_css() and "url(" not in report_css()


def test_registry_offers_html_and_badge(openwashed: Report) -> None:
    from openness.render import RENDERERS

    assert RENDERERS["html"] == "openness.render.html:render_html"
    assert RENDERERS["badge"] == "openness.render.badge:render_badge"
    assert render(openwashed, "html") == render_html(openwashed)
    assert render(openwashed, "badge").startswith("<svg ")
