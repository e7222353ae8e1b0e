"""No confident wrong names: each class of misidentification met on real releases, rebuilt in tmp_path.

A vendor's own licence that borrows a known licence's wording under its own names is unknown,
resembling that licence; a notice quoting the Apache terms is Apache, not the Pixar variant; a
LICENSE or NOTICE that only points at a licence names it by reference; curated titles (DBRX,
Tencent Hunyuan community) name their own licence, not a sibling with similar wording.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openness.licenses import analyze_text
from openness.licenses.identify import identify
from openness.licenses.knowledge import knowledge
from openness.model import Location

STABILITY = "LicenseRef-scancode-stability-ai-community-2024"
LLAMA4_AUP = "LicenseRef-openness-llama-4-aup"
CHAMELEON = "LicenseRef-scancode-chameleon-research-2024"
HUNYUAN_3D = "LicenseRef-scancode-tencent-hunyuan-3d-2.0-cla"
LLAMA2 = "LicenseRef-scancode-llama-2-license-2023"


def _shipped(license_id: str) -> str:
    kb = knowledge()
    ref = kb.reference_for(license_id)
    assert ref is not None
    text = kb.text(ref)
    assert text, f"{license_id}: original wording not shipped"
    return text


def _rebrand(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        text = re.sub(old, new, text)
    return text


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


VENDOR_CASES = {
    # A vendor research licence written from Stability AI's community licence.
    "stability": (
        STABILITY,
        [
            (r"Stability AI Ltd\.?", "Acme Research Labs"),
            (r"Stability AI", "Acme"),
            (r"STABILITY AI", "ACME"),
            (r"COMMUNITY LICENSE", "RESEARCH LICENSE"),
            (r"Community License", "Research License"),
            (r"stability\.ai", "acme.example"),
        ],
    ),
    # Another vendor's acceptable-use policy written from the Llama 4 policy.
    "llama4-aup": (
        LLAMA4_AUP,
        [(r"Llama 4", "Zeta-2"), (r"Meta", "Zeta Inc."), (r"llama\.com/llama4", "zeta.example")],
    ),
    # A vendor licence written from the Chameleon research licence.
    "chameleon": (
        CHAMELEON,
        [
            (r"Chameleon", "Orion"),
            (r"Meta Platforms(, Inc\.| Ireland Limited)?", "Orion AI Ltd"),
            (r"Meta", "Orion AI"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(VENDOR_CASES))
def test_vendor_text_with_borrowed_wording_is_unknown_resembling(tmp_path: Path, case: str) -> None:
    known, pairs = VENDOR_CASES[case]
    original = _shipped(known)
    assert [m.id for m in identify(original).matches] == [known]  # the real text is still named
    text = _write(tmp_path, "LICENSE", _rebrand(original, pairs))
    ident = identify(text)
    assert ident.matches == (), [(m.id, m.score) for m in ident.matches]
    assert [m.id for m in ident.resembling] == [known]
    assert ident.resembling[0].score >= 0.78
    assert any("resembling" in n and known in n for n in ident.notes)
    result = analyze_text(text, Location(path="LICENSE"))
    assert not result.matches and not result.identified
    assert any("resembling" in n for n in result.notes)


def test_vendor_text_keeping_one_mention_of_the_original_is_still_unknown(tmp_path: Path) -> None:
    """'Based on the Stability AI Community License' once, the rest rebranded: still not that licence."""
    known, pairs = VENDOR_CASES["stability"]
    text = "This licence is adapted from the Stability AI Community License.\n\n" + _rebrand(
        _shipped(known), pairs
    )
    ident = identify(_write(tmp_path, "LICENSE", text))
    assert all(m.id != known for m in ident.matches)


def _apache_terms() -> str:
    """The Apache 2.0 terms as a third-party notice quotes them: no header, no appendix."""
    kb = knowledge()
    ref = kb.reference_for("Apache-2.0")
    assert ref is not None
    tokens = kb.tokens(ref)  # normalised words, enough for a copy the matcher must place
    words = " ".join(tokens)
    start = words.index("terms and conditions for use")
    end = words.index("end of terms and conditions")
    body = words[start:end].split()
    return "\n".join(" ".join(body[i : i + 12]) for i in range(0, len(body), 12))


def test_tencent_style_notice_quoting_apache_terms_is_not_pixar(tmp_path: Path) -> None:
    mit = (
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software "
        'and associated documentation files (the "Software"), to deal in the Software without restriction, '
        "including without limitation the rights to use, copy, modify, merge, publish, distribute, "
        "sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is "
        "furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this "
        "permission notice shall be included in all copies or substantial portions of the Software.\n\n"
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT '
        "NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND "
        "NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, "
        "DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT "
        "OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n"
    )
    text = (
        "Usage and Legal Notices:\n\nTencent is pleased to support the open source community by making "
        "Hunyuan-Foo available.\n\nCopyright (C) 2024 THL A29 Limited, a Tencent company. All rights "
        "reserved.\n\nHunyuan-Foo is licensed under the TENCENT HUNYUAN COMMUNITY LICENSE AGREEMENT except "
        "for the third-party components listed below, which is licensed under different terms.\n\n"
        "Other dependencies and licenses:\n\nOpen Source Software Licensed under the Apache License "
        "Version 2.0:\n----------------\n1. transformers\nCopyright 2018- The Hugging Face team.\n\n"
        "Terms of the Apache License Version 2.0:\n----------------\n"
        + _apache_terms()
        + "\n\nOpen Source Software Licensed under the MIT License:\n----------------\n1. einops\n"
        "Copyright (c) 2018 Alex Rogozhnikov\n\nTerms of the MIT License:\n----------------\n" + mit
    )
    ident = identify(_write(tmp_path, "Notice", text))
    ids = [m.id for m in ident.matches]
    assert ids == ["Apache-2.0", "MIT"], [(m.id, m.score) for m in ident.matches]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Foo-7B is licensed under the Llama 2 Community License Agreement at "
            "https://ai.meta.com/llama/license/\n",
            LLAMA2,
        ),
        (
            "This model is licensed under the LLAMA 2 Community License,\n"
            "Copyright (c) Meta Platforms, Inc. All Rights Reserved.\n",
            LLAMA2,
        ),
        (
            "DBRX is provided under and subject to the Databricks Open Model License, Copyright © "
            "Databricks, Inc. All rights reserved.\n",
            "LicenseRef-openness-dbrx-open-model",
        ),
    ],
)
def test_licence_by_reference_resolves_and_is_marked(tmp_path: Path, text: str, expected: str) -> None:
    written = _write(tmp_path, "LICENSE", text)
    ident = identify(written)
    assert [m.id for m in ident.matches] == [expected]
    match = ident.matches[0]
    assert match.by_reference and not match.modified and match.lines == (1, 1)
    assert match.to_dict()["by_reference"] is True
    result = analyze_text(written, Location(path="LICENSE"))
    assert [m.id for m in result.matches] == [expected] and result.matches[0].by_reference


@pytest.mark.parametrize(
    "text",
    [
        "Licensed under the same terms as Perl itself.\n",
        "This file is released under the terms described in the LICENSE file of each model directory.\n",
        "Please refer to license: https://example.org/some/license\n",
    ],
)
def test_pointers_to_nothing_known_name_nothing(tmp_path: Path, text: str) -> None:
    assert identify(_write(tmp_path, "LICENSE", text)).matches == ()


def test_by_reference_is_only_for_short_pointers(tmp_path: Path) -> None:
    """A long text carrying its own terms is not a pointer, whatever licence it mentions."""
    known, pairs = VENDOR_CASES["stability"]
    text = "This software is licensed under the Llama 2 Community License.\n\n" + _rebrand(
        _shipped(known), pairs
    )
    ident = identify(_write(tmp_path, "LICENSE", text))
    assert all(not m.by_reference for m in ident.matches)
    assert all(m.id != LLAMA2 for m in ident.matches)


def test_dbrx_licence_and_policy_are_named_by_title(tmp_path: Path) -> None:
    body = " ".join(
        f"Clause {i}. The Licensee shall keep records of each use of the Materials and shall not "
        "sublicense them except as this Agreement permits."
        for i in range(40)
    )
    for title, expected in (
        ("Databricks Open Model License", "LicenseRef-openness-dbrx-open-model"),
        ("Databricks Open Model Acceptable Use Policy", "LicenseRef-openness-dbrx-aup"),
    ):
        ident = identify(_write(tmp_path, "LICENSE", f"{title}\n\n{body}\n"))
        assert [m.id for m in ident.matches] == [expected]


def test_hunyuan_community_title_is_not_named_as_its_3d_sibling(tmp_path: Path) -> None:
    """The Hunyuan community licence shares the 3D 2.0 licence's wording: its title tells them apart."""
    original = _shipped(HUNYUAN_3D)
    assert [m.id for m in identify(original).matches] == [HUNYUAN_3D]
    text = original.replace("Hunyuan 3D 2.0", "Hunyuan").replace("HUNYUAN 3D 2.0", "HUNYUAN")
    ident = identify(_write(tmp_path, "LICENSE", text))
    assert [m.id for m in ident.matches] == ["LicenseRef-openness-tencent-hunyuan-community"]


def test_no_wrong_name_on_the_corpus_licence_files(corpus_dir: Path) -> None:
    """Every name given to a corpus licence file is among its hand labels (or the file is unlabelled
    and named nothing AI-specific it does not say)."""
    from test_license_identify import LABELS

    for rel, expected in LABELS.items():
        text = (corpus_dir / rel).read_text(encoding="utf-8", errors="replace")
        got = {m.id for m in identify(text).matches}
        assert got <= set(expected), (rel, got, expected)
