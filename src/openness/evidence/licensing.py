"""Which licence covers which component, and how sure that is.

Precedence, most specific first:
1. a file name that says its scope (``LICENSE-MODEL``, ``WEIGHTS_LICENSE``, ``LICENSE-CODE``,
   ``LICENSE_DATA``...), and per-component statements in the card or README
   ("the code is released under MIT, the weights under ...");
2. a licence file inside a sub-folder covers the components whose files live there;
3. an unqualified licence file at the root covers what its text names (the "Model",
   "weights", "Software") and every component with files in the release;
4. the card ``license`` field covers the model (weights) and, failing anything else,
   the rest of the repository.
Weights published elsewhere (on a hub, behind a download script) get the repository's own
licence with ``scope_certain=False`` when nothing more specific names their terms (step 3b).
Terms stated in prose about the weights ("commercial use requires registration", "research
only", "accept the model's terms to download": ``scope.stated_terms``) bind to the weights
with their line (step 1, without pinning: the licence itself may still be found).
Licences of other projects or models (``scope.foreign``: ``assets/*licen*``, ``docs/``) bind
nothing; vendored code's licences (``third_party/``, ``vendor/``...) cover their own folder only
(step 2b). ``attach`` runs the steps in order, one function each.
A restrictive (or unreadable) licence whose scope cannot be pinned down is attached with
``scope_certain=False`` to every component it may cover, so it counts against them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat

from openness import lazy_re
from openness.evidence.card import ModelCard
from openness.evidence.scope import Foreign, foreign, stated_terms
from openness.evidence.text import Prefiltered, fold
from openness.licenses.terms import license_id, restrictive
from openness.model import AppliedLicense, Component, LicenseResult, Location, Note, NoteLevel

GROUPS: Mapping[str, frozenset[Component]] = {
    "weights": frozenset(
        {
            Component.PARAMETERS_FINAL,
            Component.PARAMETERS_INTERMEDIATE,
            Component.OPTIMIZER_STATE,
            Component.TOKENIZER,
            Component.MODEL_METADATA,
        }
    ),
    "code": frozenset(
        {
            Component.MODEL_ARCHITECTURE,
            Component.DATA_PREPROCESSING_CODE,
            Component.TRAINING_CODE,
            Component.INFERENCE_CODE,
            Component.EVALUATION_CODE,
            Component.SUPPORTING_LIBRARIES,
            Component.HYPERPARAMETERS,
            Component.RANDOM_SEEDS,
            Component.ENVIRONMENT,
            Component.CONTAINER_RECIPE,
        }
    ),
    "data": frozenset({Component.DATASETS, Component.EVALUATION_DATA}),
    "docs": frozenset(
        {
            Component.MODEL_CARD,
            Component.DATA_CARD,
            Component.TECHNICAL_REPORT,
            Component.RESEARCH_PAPER,
            Component.EVALUATION_RESULTS,
            Component.DATA_INFORMATION,
            Component.SAMPLE_OUTPUTS,
        }
    ),
}
GROUP_OF: Mapping[Component, str] = {c: g for g, comps in GROUPS.items() for c in comps}

_NAME_SCOPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weights", lazy_re.compile(r"model|weight|checkpoint|param", re.I)),
    ("code", lazy_re.compile(r"code|software|source", re.I)),
    ("data", lazy_re.compile(r"data", re.I)),
    ("docs", lazy_re.compile(r"doc", re.I)),
)
_LICENSE_WORD = lazy_re.compile(r"licen[cs]e|copying|notice|terms", re.I)

# What a custom licence text says it covers. Only read for texts that are not a standard
# OSI licence: "Software" in the MIT text says nothing about a model's weights.
_TEXT_SCOPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "weights",
        lazy_re.compile(
            r"\b(?:model weights|trained (?:model )?weights|weights|parameters|checkpoints?|"
            r"machine[- ]learning model|\"?Model\"? means|(?:Llama|Gemma) Materials|the Model)\b"
        ),
    ),
    (
        "code",
        lazy_re.compile(
            r"\b(?:source code|model code|inference[- ]enabling code|training[- ]enabling code|"
            r"\"?Software\"? means)\b",
            re.I,
        ),
    ),
    ("data", lazy_re.compile(r"\b(?:the Dataset|this dataset|training data is licensed)\b", re.I)),
)
# The literals one of which each case-insensitive scope's match holds (folded): a licence text
# without one is not searched (each search ran over the whole text: ~3 ms on llama-models' 14).
_TEXT_SCOPE_NEEDS: Mapping[str, tuple[str, ...]] = {
    "code": ("source code", "model code", "inference", "training", "software"),
    "data": ("dataset", "training data is licensed"),
}
_TEXT_SCOPES_P: tuple[tuple[str, re.Pattern[str] | Prefiltered], ...] = tuple(
    (g, Prefiltered(rx, _TEXT_SCOPE_NEEDS[g]) if g in _TEXT_SCOPE_NEEDS else rx) for g, rx in _TEXT_SCOPES
)


@dataclass(frozen=True)
class LicenseSource:
    """One licence as found, with what says its scope."""

    result: LicenseResult
    path: str | None = None  # the licence file, when it is one
    name_groups: frozenset[str] = frozenset()  # from the file name: certain
    text_groups: frozenset[str] = frozenset()  # from the text itself
    folder: str = ""  # sub-folder a per-model licence sits in ("" = root)
    via: str = "file"  # "file" | "statement" | "prose" | "card" | "dataset" | "declared"
    groups: frozenset[str] = frozenset()  # for statements: the groups the sentence names
    unreadable: bool = False
    policy: bool = False  # an acceptable-use policy: it binds what its text names, maybe more

    def describe(self) -> str:
        ident = license_id(self.result) or ("unreadable" if self.unreadable else "unidentified")
        where = self.path or str(self.result.location)
        return f"{ident} ({where})"


def name_groups(path: str) -> frozenset[str]:
    """Scope a licence file's name states: LICENSE-MODEL -> weights, LICENSE-CODE -> code."""
    stem = posixpath.basename(path).rsplit(".", 1)[0]
    parent = posixpath.basename(posixpath.dirname(path))
    if _LICENSE_WORD.search(parent):  # "model_licenses/LICENSE-SDXL": the folder names the scope
        stem = f"{parent} {stem}"
    rest = _LICENSE_WORD.sub(" ", stem)
    return frozenset(g for g, rx in _NAME_SCOPES if rx.search(rest))


def text_groups(text: str) -> frozenset[str]:
    head = text[:200_000]
    folded = fold(head)
    return frozenset(
        g
        for g, rx in _TEXT_SCOPES_P
        if (rx.search(head, folded) if isinstance(rx, Prefiltered) else rx.search(head))
    )


@dataclass
class _Attaching:
    """The state the numbered steps of ``attach`` share."""

    srcs: list[LicenseSource]
    comps: list[Component]
    files_of: Mapping[Component, frozenset[str]]
    out: dict[Component, list[AppliedLicense]]
    pinned: set[str]  # groups whose licence a name or a statement pins down
    scoped_folders: list[str]
    own_terms: frozenset[Component] = frozenset()

    def add(self, c: Component, src: LicenseSource, certain: bool, reason: str) -> None:
        if c not in self.out:
            return
        if not certain and c in self.own_terms:
            return  # its own terms are known (a public framework's licence): a guess adds nothing
        if any(a.license is src.result for a in self.out[c]):
            return
        self.out[c].append(AppliedLicense(src.result, certain, reason))


def attach(
    sources: Iterable[LicenseSource],
    considered: Iterable[Component],
    files_of: Mapping[Component, frozenset[str]],
    elsewhere: Iterable[Component] = (),
    apart: Iterable[str] = (),
    own_terms: Iterable[Component] = (),
) -> dict[Component, list[AppliedLicense]]:
    """Attach every licence to the components it covers (see the module docstring).

    ``apart``: folders holding other places of the release (Hub repositories followed with
    ``--follow``): the tree's root licence never covers their files; their own licence files and
    card do.

    ``own_terms``: components whose terms the evidence already carries with certainty (training
    code that is a public framework, under the framework's own licence): a licence that only *may*
    cover them (the card's model licence, a restrictive root licence) is not attached to them.

    ``elsewhere``: components published outside the release (weights on a hub): the repository's
    own licence is attached to them as a possible scope, so its terms can be judged. Licences of
    other projects or models (``scope.foreign``) bind nothing, or only their own folder's files."""
    all_srcs = list(sources)
    srcs = [s for s in all_srcs if s.via != "file" or foreign(s.path) is None]
    vendored = [s for s in all_srcs if s.via == "file" and foreign(s.path) is Foreign.VENDORED]
    comps = list(dict.fromkeys(considered))
    st = _Attaching(
        srcs,
        comps,
        files_of,
        {c: [] for c in comps},
        set(),
        [s.folder for s in srcs if s.via == "file" and s.folder]
        + [_own_folder(s) for s in vendored]
        + [a for a in apart if a],
        frozenset(own_terms),
    )
    _step1_names_and_statements(st)
    _step2_folder_licences(st)
    _step2b_vendored(st, vendored)
    _step3_root_licences(st)
    _step3b_elsewhere(st, list(elsewhere))
    _step4_card_field(st)
    return st.out


def _step1_names_and_statements(st: _Attaching) -> None:
    """1. A file name or a statement that says its scope: certain, and it pins the group."""
    for src in st.srcs:
        if src.via == "file" and src.name_groups and not src.folder:
            for c in st.comps:
                if GROUP_OF.get(c) in src.name_groups:
                    st.add(c, src, True, f"file name {src.path} names the {GROUP_OF[c]}")
            st.pinned |= src.name_groups
        elif src.via == "statement":
            for c in st.comps:
                if GROUP_OF.get(c) in src.groups:
                    st.add(c, src, True, f"{src.result.location} states the {GROUP_OF[c]} licence")
            st.pinned |= src.groups
        elif src.via == "prose":  # terms stated in prose: bind, but leave room for the licence itself
            for c in st.comps:
                if GROUP_OF.get(c) in src.groups:
                    st.add(c, src, True, f"{src.result.location} states terms for the {GROUP_OF[c]}")
        elif src.via in ("dataset", "declared"):
            for c in st.comps:
                if c in _declared_targets(src):
                    st.add(c, src, True, _declared_reason(src))


def _has_file_under(files: Iterable[str], prefix: str) -> bool:
    """Whether a path of ``files`` starts with ``prefix``: ``str.startswith`` mapped in C, not a
    generator per file (asked per folder licence and component: ~3 ms of llama-models)."""
    return any(map(str.startswith, files, repeat(prefix)))


def _step2_folder_licences(st: _Attaching) -> None:
    """2. A licence inside a sub-folder covers the components whose files live there."""
    for src in st.srcs:
        if src.via != "file" or not src.folder:
            continue
        prefix = src.folder.rstrip("/") + "/"
        inside = [c for c in st.comps if _has_file_under(st.files_of.get(c, ()), prefix)]
        for c in inside:
            st.add(c, src, True, f"licence file {src.path} covers the files in {src.folder}/")
        may = src.name_groups | src.text_groups
        for c in st.comps:
            if c in inside or GROUP_OF.get(c) not in may:
                continue
            if not st.files_of.get(c) or src.name_groups:
                st.add(
                    c,
                    src,
                    False,
                    f"licence in {src.folder} names the {GROUP_OF[c]}; which files it covers is not certain",
                )


def _step2b_vendored(st: _Attaching, vendored: list[LicenseSource]) -> None:
    """2b. Vendored third-party code: its licence covers the files in its own folder, nothing else."""
    for src in vendored:
        prefix = _own_folder(src).rstrip("/") + "/"
        for c in st.comps:
            if _has_file_under(st.files_of.get(c, ()), prefix):
                st.add(c, src, True, f"licence of vendored code {src.path}: covers the files in {prefix}")


def _step3_root_licences(st: _Attaching) -> None:
    """3. Root licences without a scope in their name: what their text names, and every component
    with files in the release; a doubtful one (restrictive, unreadable, a policy) may cover the rest."""
    # A component's files outside every scoped folder, computed once per component (not once per
    # root licence: llama-models' 14 licence files x 20 components x its files x its folders).
    prefixes = tuple(f.rstrip("/") + "/" for f in st.scoped_folders)
    outside: dict[Component, list[str]] = {}

    def root_files_of(c: Component) -> list[str]:
        got = outside.get(c)
        if got is None:
            # sorted: the reason names the first file, and the report must not depend on set order
            got = outside[c] = sorted(p for p in st.files_of.get(c, ()) if not p.startswith(prefixes))
        return got

    for src in st.srcs:
        if src.via != "file" or src.folder or src.name_groups:
            continue
        doubtful = src.unreadable or src.policy or not src.result.matches or restrictive(src.result)
        for c in st.comps:
            group = GROUP_OF.get(c, "docs")
            if group in st.pinned:
                continue
            if group in src.text_groups:
                st.add(c, src, True, f"the text of {src.path} names the {group}")
            elif not src.policy and (root_files := root_files_of(c)):
                st.add(c, src, True, f"repository licence {src.path} covers {root_files[0]}")
            elif doubtful and not (c in _PUBLISHED_DOCS and not st.files_of.get(c)):
                # (a paper or report only linked from the release, on arXiv, is not the tree's to license)
                st.add(
                    c,
                    src,
                    False,
                    f"{src.path} may cover it: its scope cannot be pinned down, so it counts against it",
                )


def _step3b_elsewhere(st: _Attaching, elsewhere: list[Component]) -> None:
    """3b. Components kept elsewhere: the repository licence may be theirs, nothing says it is."""
    for c in elsewhere:
        group = GROUP_OF.get(c, "docs")
        if c not in st.out or group in st.pinned:
            continue
        for src in st.srcs:
            unscoped = src.via == "file" and not src.folder and not src.name_groups
            if unscoped and not src.policy and src.result.matches:
                st.add(
                    c,
                    src,
                    False,
                    f"repository licence {src.path}: the {group} are published elsewhere and "
                    "nothing states it covers them",
                )


def _step4_card_field(st: _Attaching) -> None:
    """4. The card's licence field: the model's licence; the repository's when nothing else says."""
    have_files = any(s.via == "file" for s in st.srcs)
    for src in st.srcs:
        if src.via != "card":
            continue
        for c in st.comps:
            group = GROUP_OF.get(c, "docs")
            if group == "weights" and "weights" not in st.pinned:
                st.add(c, src, True, "card license field: the model's declared licence")
            elif group in st.pinned:
                continue
            elif st.files_of.get(c) or group == "docs":
                if not st.out[c] or not have_files:
                    st.add(c, src, not have_files, "card license field: the repository's declared licence")
                elif restrictive(src.result):
                    st.add(c, src, False, "card license field may cover it: counts against it")
            elif restrictive(src.result):  # hosted elsewhere (datasets named, code not shipped)
                st.add(c, src, False, "card license field may cover it: counts against it")


def prose_sources(
    cards: Iterable[ModelCard], sources: list[LicenseSource], results: list[LicenseResult]
) -> None:
    """Add the weights' terms stated in README/card prose (``scope.stated_terms``) as sources bound
    to the weights, and as results the report lists."""
    weights_files = [
        posixpath.basename(s.path)
        for s in sources
        if s.via == "file" and s.path and "weights" in s.name_groups
    ]
    for r in stated_terms(cards, weights_files):
        results.append(r)
        sources.append(LicenseSource(r, via="prose", groups=frozenset({"weights"})))


def foreign_notes(sources: Iterable[LicenseSource]) -> list[Note]:
    """One note per licence file of another project or model: what it binds (nothing, or its folder)."""
    out: list[Note] = []
    for src, why in foreign_licences(sources):
        what = (
            "covers only the vendored files in its folder"
            if why is Foreign.VENDORED
            else "binds nothing of this release"
        )
        ident = license_id(src.result) or "unidentified"
        out.append(
            Note(
                NoteLevel.INFO,
                f"{src.path}: licence of another project or model ({why}, {ident}); it {what}",
                Location(src.path),
            )
        )
    return out


_PUBLISHED_DOCS = frozenset({Component.RESEARCH_PAPER, Component.TECHNICAL_REPORT})


def _own_folder(src: LicenseSource) -> str:
    return posixpath.dirname(src.path or "")


def foreign_licences(sources: Iterable[LicenseSource]) -> list[tuple[LicenseSource, Foreign]]:
    """Licence files that are not the release's own (reported: they bind nothing of it)."""
    out: list[tuple[LicenseSource, Foreign]] = []
    for s in sources:
        why = foreign(s.path) if s.via == "file" else None
        if why is not None:
            out.append((s, why))
    return out


def _declared_targets(src: LicenseSource) -> frozenset[Component]:
    if src.via == "dataset":
        return frozenset({Component.DATASETS})
    return frozenset(c for c in Component if c.value in src.groups)


def _declared_reason(src: LicenseSource) -> str:
    if src.via == "dataset":
        return f"licence of the dataset named at {src.result.location}"
    return "licence declared for this component in the MOF YAML"
