"""Terms by scope: which licences belong to this release at all, and terms stated in prose.

Two questions the licence attachment (``licensing.attach``) asks before it binds anything:

- **Is this licence the release's own?** Licences kept for *other* projects or models bind nothing
  of this release: a licence collection under ``assets/`` (``assets/model_licenses/opt_license.txt``
  in a training-code repository: the licences of the models it can fine-tune), licence texts quoted
  under ``docs/``. Licences of vendored code (``third_party/``, ``vendor/``, ``dependencies/``...)
  cover the files in their own folder and nothing else: never the release's weights or data.
- **What do README/card sentences say about the weights' terms** when they name no licence the
  engine knows ("commercial use requires registration and written permission", "for research
  purposes only", "you must accept the model's terms to download", "the weights follow a separate
  licence", and the same in Chinese)? Each becomes a statement bound to the weights, with the line
  as evidence: its restriction counts against them, and terms that were not read keep every
  freedom ``unknown``. Sentences about a dependency, a base model or a dataset bind nothing.

Bounded: at most ``MAX_STATEMENTS`` statements per release, lines longer than ``MAX_LINE`` are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from openness import lazy_re
from openness.evidence.card import ModelCard
from openness.evidence.text import LineIndex, Prefiltered, fold
from openness.lazy_re import lazy_compile
from openness.licenses.clause_patterns import KINDS
from openness.model import LicenseKind, LicenseResult, Location, Restriction, RestrictionKind

MAX_STATEMENTS = 16
MAX_LINE = 2_000


class Foreign(StrEnum):
    """Why a licence file is not (wholly) the release's own."""

    OTHER_MODELS = "other-models"  # a collection of other models' licences kept as assets
    QUOTED = "quoted"  # a licence text quoted in documentation
    VENDORED = "vendored"  # the licence of vendored third-party code: its folder only


_VENDORED = lazy_compile(
    r"(?:^|/)(?:third[-_]?party|3rd[-_]?party|thirdparty|vendor(?:ed)?|externals?|extern|deps|"
    r"dependencies|submodules?)/",
    re.I,
)
_ASSET_LICENCES = lazy_compile(r"(?:^|/)assets?/(?:[^/]+/)*[^/]*licen[cs]", re.I)
_QUOTED = lazy_compile(r"^docs?/", re.I)


def foreign(path: str | None) -> Foreign | None:
    """Whether a licence file at ``path`` belongs to another project or model (see module doc)."""
    if not path:
        return None
    if _VENDORED.search(path):
        return Foreign.VENDORED
    if _ASSET_LICENCES.search(path):
        return Foreign.OTHER_MODELS
    if _QUOTED.search(path):
        return Foreign.QUOTED
    return None


# The sentence must speak of the release's weights (or its models) ...
_WEIGHTS_SUBJECT = lazy_compile(
    r"\b(?:model weights|weights|checkpoints?|pre-?trained models?|(?:our|the|these|this) models?|"
    r"model parameters|parameters)\b|模型权重|权重|本模型|模型",
    re.I,
)
# ... and not of something else's terms.
_ABOUT_OTHERS = lazy_compile(
    r"\b(?:dependenc\w*|third[- ]party|librar(?:y|ies)|package|tokenizer from|based on|derived from|"
    r"fine-?tuned from|originally|base model|datasets?|data is|inherit\w*|upstream)\b|基于|衍生",
    re.I,
)
_STATED: tuple[tuple[re.Pattern[str], RestrictionKind | None, str], ...] = (
    (
        lazy_re.compile(
            r"\bcommercial (?:use|usage|purposes?|applications?)\b[^.。]{0,80}"
            r"\b(?:requires?|needs?|subject to|must)\b[^.。]{0,80}"
            r"\b(?:registration|register|permission|approval|authori[sz]ation|apply|"
            r"application|licen[cs]e agreement)",
            re.I,
        ),
        RestrictionKind.REGISTRATION,
        "Commercial use needs registration or the licensor's permission (stated in prose)",
    ),
    (
        lazy_re.compile(
            r"商用[^。]{0,30}(?:申请|授权|许可|登记|同意)|商业(?:用途|使用)[^。]{0,30}(?:申请|授权|许可)"
        ),
        RestrictionKind.REGISTRATION,
        "Commercial use needs registration or the licensor's permission (stated in prose)",
    ),
    (
        lazy_re.compile(
            r"\b(?:non-?commercial|not for commercial|"
            r"(?:for )?(?:academic|research)(?: purposes?| use)? only|"
            r"only for (?:academic|research|non-?commercial))\b|仅限?(?:于)?(?:学术|研究)|非商业",
            re.I,
        ),
        RestrictionKind.NON_COMMERCIAL,
        "Use is limited to non-commercial or research purposes (stated in prose)",
    ),
    (
        lazy_re.compile(
            r"\b(?:must|need to|needs to|required to|have to)\s+(?:first\s+)?(?:accept|agree to|sign)\b"
            r"[^.。]{0,80}\b(?:terms|licen[cs]e|agreement)\b|"
            r"\b(?:accept|agree to)\b[^.。]{0,60}\b(?:terms|licen[cs]e)\b"
            r"[^.。]{0,30}\b(?:before|to)\s+(?:download|access)",
            re.I,
        ),
        None,
        "terms to accept before downloading the weights; they are not in the release",
    ),
    (
        lazy_re.compile(
            r"\b(?:follow|under|subject to|governed by|released under)\b[^.。]{0,30}\b(?:a |the )?"
            r"(?:separate|own|specific|dedicated|different)\b[^.。]{0,40}\blicen[cs]e",
            re.I,
        ),
        None,
        "a separate licence for the weights, named but not in the release",
    ),
)

# One of these (folded: ``text.fold``) is in every line a ``_STATED`` pattern matches, in the same
# order: "commercial"; 商用/商业; non-commercial, research or academic use, 仅 (仅限学术, 非商业 holds
# 商业); accept / agree to / sign; "licen". Only the lines holding one are read further (the subject
# patterns ran on every line of every card: ~40% of llama-models' evidence stage).
_STATED_NEEDS: tuple[tuple[str, ...], ...] = (
    ("commercial",),
    ("商用", "商业"),
    ("commercial", "academic", "research", "仅", "商业"),
    ("accept", "agree", "sign"),
    ("licen",),
)
_STATED_LITERALS = tuple(dict.fromkeys(lit for needs in _STATED_NEEDS for lit in needs))
# ... and the subject patterns' literals (most candidate lines name no weights, or nothing else's).
_WEIGHTS_SUBJECT_P = Prefiltered(
    _WEIGHTS_SUBJECT, ("weight", "checkpoint", "model", "parameters", "权重", "模型")
)
_ABOUT_OTHERS_P = Prefiltered(
    _ABOUT_OTHERS,
    ("dependenc", "third", "librar", "package", "tokenizer from", "based on", "derived from", "fine",
     "originally", "base model", "dataset", "data is", "inherit", "upstream", "基于", "衍生"),
)


def stated_terms(cards: Iterable[ModelCard], licence_files: Iterable[str] = ()) -> list[LicenseResult]:
    """Weights' terms stated in README/card prose (see the module docstring), one result per line.

    A sentence that links or names a licence file of the release (``LICENSE-MODEL``) adds nothing:
    that file is read and bound by its name. Restrictions carry their line; a statement with no
    restriction (terms to accept, a separate licence) is an unidentified licence: it keeps the
    freedoms unknown, never passing on terms that were not read."""
    files = [f.lower() for f in licence_files]
    out: list[LicenseResult] = []
    for card in cards:
        index = card.index or LineIndex(card.lines, card.body_start)
        for i in index.containing(_STATED_LITERALS):
            n = i + 1
            if n < card.body_start:
                continue
            if len(out) >= MAX_STATEMENTS:
                break
            line = card.lines[i][:MAX_LINE]
            folded = fold(line)
            if not _WEIGHTS_SUBJECT_P.search(line, folded) or _ABOUT_OTHERS_P.search(line, folded):
                continue
            for (rx, kind, summary), needs in zip(_STATED, _STATED_NEEDS, strict=True):
                m = rx.search(line) if any(lit in folded for lit in needs) else None
                if m is None:
                    continue
                loc = Location(card.path, (n, n))
                if kind is None:
                    if any(f in line.lower() for f in files if f):
                        break  # names the licence file itself: bound by its name
                    note = f"{summary} ({loc})"
                    out.append(LicenseResult(loc, LicenseKind.OTHER, notes=(note,)))
                    break
                info = KINDS[kind]
                r = Restriction(kind, loc, m.group(0)[:200], summary, info.freedoms, info.osd)
                out.append(LicenseResult(loc, LicenseKind.OTHER, restrictions=(r,), notes=(summary,)))
                break
    return out


__all__ = ["MAX_LINE", "MAX_STATEMENTS", "Foreign", "foreign", "stated_terms"]
