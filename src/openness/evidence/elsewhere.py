"""Parts of a release published elsewhere: where the weights and data live when the tree does not
hold them, and the line that says so.

Most releases keep code on a git host and weights, data and the model licence on a hub, in a
bucket or behind a form. A README line saying "checkpoints: gs://t5-data/pretrained_models/small"
is evidence of *where* the weights are, not that they are absent, and not that they are present:
the component stays ``unknown`` (not inspected) and carries ``Publication``s naming the place that
would settle it.

What counts (each on a README/card line, or from the release's own files):
- a place: ``gs://``/``s3://``/``az://`` buckets, ``magnet:`` links and ``.torrent`` files, Zenodo,
  figshare and DOI archives, Hugging Face model/dataset links, ``from_pretrained("org/name")`` and
  ``load_dataset("org/name")`` ids in code blocks, other links on a line about downloading weights;
- near words about the part: the line or its section heading speaks of weights, checkpoints,
  parameters or pre-trained models (-> the weights), or of datasets and training data (-> data);
- not a near-miss: a line that credits, compares with or builds on *another* model ("based on",
  "fine-tuned from", "baseline", "compared with"), acknowledgement/citation/related-work sections,
  and placeholders (``gs://$BUCKET``, ``s3://your-bucket``) bind nothing.
Download scripts of the release and Hub gating are places too.

Bounded: at most ``MAX_CANDIDATES`` places are examined per card (a README of 10,000 links leaves a
note and the rest unexamined), ``MAX_PLACES`` are kept per component, and a place is cut to
``MAX_PLACE_CHARS`` printable ASCII characters (hostile URLs carry no control, bidi or markup
characters into any output).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from openness.evidence.card import ModelCard
from openness.lazy_re import lazy_compile
from openness.model import (
    Component,
    ComponentEvidence,
    Inventory,
    Location,
    Note,
    PlaceKind,
    Publication,
    Role,
)

MAX_CANDIDATES = 2_000
MAX_PLACES = 8
MAX_PLACE_CHARS = 200

_URL_CHARS = r"[A-Za-z0-9._~:/?#@!$&'*+,;=%\-]"
_PLACES: tuple[tuple[PlaceKind, re.Pattern[str]], ...] = (
    (PlaceKind.BUCKET, re.compile(rf"\b(?:gs|s3|az|oss)://{_URL_CHARS}+")),
    (PlaceKind.TORRENT, re.compile(rf"\bmagnet:\?{_URL_CHARS}+|\b{_URL_CHARS}+\.torrent\b")),
    (
        PlaceKind.ARCHIVE,
        re.compile(
            rf"\b(?:https?://)?(?:zenodo\.org/(?:records?|record)/\d+|doi\.org/10\.5281/zenodo\.\d+|"
            rf"figshare\.com/{_URL_CHARS}+)"
        ),
    ),
    (PlaceKind.HUB_DATASET, re.compile(r"\b(?:huggingface\.co|hf\.co)/datasets/([\w.-]+/[\w.-]+)")),
    (
        PlaceKind.HUB_MODEL,
        re.compile(
            r"\b(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/|join\b|login\b|"
            r"settings/|collections/|models\b)([\w.-]+/[\w.-]+)"
        ),
    ),
    (PlaceKind.WEB, re.compile(rf"\bhttps?://{_URL_CHARS}+")),
)
def trim_link(raw: str) -> str:
    """A link or hub id as prose quotes it, without the punctuation of the sentence around it
    ("... trained on tiiuae/falcon-refinedweb." names the dataset tiiuae/falcon-refinedweb)."""
    return raw.rstrip(".,;:!?)'\"")


# Substrings one of _PLACES (case-sensitive, like the patterns) or _LOAD_ID needs on a line.
_PLACE_HINTS = ("://", "magnet:", ".torrent", "zenodo", "figshare.com", "huggingface.co/", "hf.co/")
_LOAD_HINTS = ("from_pretrained", "load_dataset", "snapshot_download", "hf_hub_download")

# Ids in code: the release's own model/dataset as its users load them.
_LOAD_ID = lazy_compile(
    r"\b(from_pretrained|load_dataset|snapshot_download|hf_hub_download)\(\s*(?:repo_id\s*=\s*)?"
    r"[\"']([\w.-]{1,96}/[\w.-]{1,96})[\"']"
)
_WEIGHTS = lazy_compile(
    r"\b(?:weights?|checkpoints?|ckpts?|parameters|pre-?trained models?|released models?|"
    r"model (?:files|download|zoo)|our models?|models? (?:are|is) (?:available|released|uploaded|hosted))\b"
    r"|权重|模型下载|模型文件",
    re.I,
)
_DATA = lazy_compile(
    r"\b(?:datasets?|training data|pre-?training data|corpus|corpora|data mix|tokens)\b|数据集|训练数据",
    re.I,
)
# Section headings that speak of the release's models ("Models", "Model Zoo", "Downloads").
_WEIGHTS_TITLE = lazy_compile(r"\bmodels?\b|checkpoints?|weights|downloads?|model zoo|releases?|模型", re.I)
_TRAINING = lazy_compile(r"\b(?:pre-?)?train(?:ed|ing)?\b|预训练|训练", re.I)
_TRAIN_DATA_TITLE = lazy_compile(
    r"(?:pre-?)?training data|data ?mix|datasets?\b|corpus|训练数据|数据集", re.I,
)
_NOT_TRAINING = lazy_compile(r"fine-?tun\w*|\beval\w*|benchmark|微调|评测", re.I)
_DOWNLOAD = lazy_compile(r"\b(?:download\w*|available|released?|uploaded|hosted|obtain|get)\b|下载", re.I)
# Lines about *another* model or dataset: credits, comparisons, bases.
_OTHER = lazy_compile(
    r"\b(?:based on|built (?:on|upon)|derived from|fine-?tuned (?:from|on top of)|initiali[sz]ed from|"
    r"compared? (?:with|to|against)|baselines?|base model|originally|inspired by|thanks?|"
    r"acknowledg\w*|courtesy|borrowed|adapted from|such as|e\.g\.)\b",
    re.I,
)
_SKIP_SECTION = lazy_compile(
    r"acknowledg|citation|cite|reference|related|thanks|credits|contributors|news|changelog|基于|致谢", re.I
)
_PLACEHOLDER = lazy_compile(r"[$<>{}]|your[-_]?|my[-_]?bucket|example\.com|\bpath/to\b", re.I)
# Papers and docs are not where weights or data are published.
_NOT_A_PLACE = lazy_compile(
    r"arxiv\.org|(?<!zenodo\.)doi\.org/(?!10\.5281)|aclanthology|openreview|semanticscholar|"
    r"proceedings|papers\.|\.pdf\b|\.md(?:#|$)|img\.shields|badge|wikipedia\.org|twitter\.com|x\.com/|discord",
    re.I,
)
_RANK = {k: n for n, k in enumerate(PlaceKind)}
_DATASET_TYPE = lazy_compile(r"repo_type\s*=\s*[\"']dataset")
_FENCE = lazy_compile(r"^\s{0,3}(```|~~~)")
_TRAIL = ".,;:)]}'\"!?*"


@dataclass(frozen=True)
class Found:
    """Publications per component, with the notes the scan left."""

    places: Mapping[Component, tuple[Publication, ...]]
    notes: tuple[Note, ...] = ()

    def of(self, component: Component) -> tuple[Publication, ...]:
        return self.places.get(component, ())


def safe_place(raw: str) -> str:
    """A place as it may be printed: printable ASCII only, trailing punctuation dropped, bounded."""
    text = "".join(ch for ch in raw if 0x21 <= ord(ch) < 0x7F and ch not in '<>"`\\')
    text = text.rstrip(_TRAIL)
    if len(text) > MAX_PLACE_CHARS:
        text = text[: MAX_PLACE_CHARS - 1] + "…"
    return text


def find_publications(inventory: Inventory, cards: Iterable[ModelCard]) -> Found:
    """Where the weights and datasets are published, from the cards and the release's own files."""
    acc: dict[Component, list[Publication]] = {}
    notes: list[Note] = []

    def add(c: Component, pub: Publication) -> None:
        have = acc.setdefault(c, [])
        if len(have) < MAX_PLACES and all(p.place != pub.place for p in have):
            have.append(pub)

    for it in inventory.by_role(Role.DOWNLOAD_SCRIPT):
        path = it.entry.path
        add(
            Component.PARAMETERS_FINAL,
            Publication(PlaceKind.DOWNLOAD_SCRIPT, safe_place(path), Location(path)),
        )
    hub = inventory.snapshot.hub
    if hub is not None and hub.gated:
        where = Location(key="hub:gated", origin=f"hf:{hub.repo_id}")
        add(
            Component.PARAMETERS_FINAL, Publication(PlaceKind.REQUEST, safe_place(f"hf:{hub.repo_id}"), where)
        )
    found = [x for card in cards for x in _card_places(card, notes)]
    for c, pub in _own_models(found):
        add(c, pub)
    # Hub repositories and buckets first: they are what a follow or a reader would open.
    return Found({c: tuple(sorted(v, key=lambda p: _RANK[p.kind])) for c, v in acc.items()}, tuple(notes))


def _hub_org(place: str) -> str | None:
    return place[3:].split("/", 1)[0].lower() if place.startswith("hf:") and "/" in place else None


def _own_models(found: list[tuple[Component, Publication]]) -> list[tuple[Component, Publication]]:
    """Drop Hub links to other publishers' models when the README mostly links one publisher's
    (the release's own): "Nous-Capybara-34B" in a community list is not where Yi's weights are."""
    orgs: dict[str, int] = {}
    for c, pub in found:
        org = _hub_org(pub.place)
        if c is Component.PARAMETERS_FINAL and org:
            orgs[org] = orgs.get(org, 0) + 1
    if not orgs:
        return found
    top, count = max(orgs.items(), key=lambda kv: kv[1])
    if count < 2:
        return found
    return [
        (c, p) for c, p in found if c is not Component.PARAMETERS_FINAL or _hub_org(p.place) in (None, top)
    ]


def _titles_by_line(card: ModelCard) -> list[tuple[str, ...]]:
    """The headings above each line (outermost first), in one sweep: O(lines + sections)."""
    out: list[tuple[str, ...]] = []
    starts = sorted(card.sections, key=lambda sec: sec.lines[0])
    stack: list[tuple[int, str]] = []
    k = 0
    for n in range(1, len(card.lines) + 1):
        while k < len(starts) and starts[k].lines[0] <= n:
            sec = starts[k]
            while stack and stack[-1][0] >= sec.level:
                stack.pop()
            stack.append((sec.level, sec.title[:200]))
            k += 1
        out.append(tuple(t for _, t in stack[-4:]))
    return out


def _card_places(card: ModelCard, notes: list[Note]) -> Iterable[tuple[Component, Publication]]:
    titles_at = _titles_by_line(card)
    examined = 0
    in_fence = False
    for n, line in enumerate(card.lines, 1):
        if n < card.body_start:
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        # Cheap substring tests first: most card lines hold no place at all, and the patterns
        # below cost ~80 ms over a large card when run on every line.
        if in_fence:
            if not any(h in line for h in _LOAD_HINTS):
                continue
        elif not any(h in line for h in _PLACE_HINTS):
            continue
        titles = titles_at[n - 1]
        if any(_SKIP_SECTION.search(t) for t in titles):
            continue
        if in_fence:
            for m in _LOAD_ID.finditer(line):
                examined += 1
                if examined > MAX_CANDIDATES:
                    break
                fn, ident = m.group(1), m.group(2)
                if _PLACEHOLDER.search(ident):
                    continue
                data = fn == "load_dataset" or bool(_DATASET_TYPE.search(line))
                kind = PlaceKind.HUB_DATASET if data else PlaceKind.HUB_MODEL
                comp = Component.DATASETS if data else Component.PARAMETERS_FINAL
                yield comp, Publication(kind, safe_place(f"hf:{ident}"), Location(card.path, (n, n)))
        else:
            if _OTHER.search(line):
                continue
            weights = bool(_WEIGHTS.search(line)) or any(_WEIGHTS_TITLE.search(t) for t in titles[-2:])
            # Data places only where the line or its section speaks of *training* data: datasets
            # named for fine-tuning, evaluation or as examples are not what trained the model.
            data = (
                bool(_DATA.search(line) and _TRAINING.search(line))
                or any(_TRAIN_DATA_TITLE.search(t) for t in titles[-2:])
            ) and not _NOT_TRAINING.search(line)
            if not (weights or data):
                continue
            taken: list[tuple[int, int]] = []
            for kind, rx in _PLACES:
                for m in rx.finditer(line):
                    examined += 1
                    if examined > MAX_CANDIDATES:
                        break
                    if any(m.start() < b and a < m.end() for a, b in taken):
                        continue  # a hub or bucket link already read as such
                    taken.append(m.span())
                    raw = m.group(1) if kind in (PlaceKind.HUB_MODEL, PlaceKind.HUB_DATASET) else m.group(0)
                    raw = trim_link(raw)
                    if _PLACEHOLDER.search(raw) or (kind is PlaceKind.WEB and _NOT_A_PLACE.search(raw)):
                        continue
                    if kind is PlaceKind.WEB and not (_DOWNLOAD.search(line) and (weights or data)):
                        continue
                    place = f"hf:{raw}" if kind in (PlaceKind.HUB_MODEL, PlaceKind.HUB_DATASET) else raw
                    target = _component(kind, line, weights, data)
                    if target is not None:
                        yield target, Publication(kind, safe_place(place), Location(card.path, (n, n)))
        if examined > MAX_CANDIDATES:
            notes.append(
                Note(
                    "warning",
                    f"{card.path}: more than {MAX_CANDIDATES} links; the rest were not examined for "
                    "where the weights and data are published",
                    Location(card.path, (n, n)),
                )
            )
            return


def _component(kind: PlaceKind, line: str, weights: bool, data: bool) -> Component | None:
    if kind is PlaceKind.HUB_DATASET:
        return Component.DATASETS if data else None
    if kind is PlaceKind.HUB_MODEL:  # a model repository holds weights, never the training data
        return Component.PARAMETERS_FINAL if weights else None
    own_weights = bool(_WEIGHTS.search(line))
    own_data = bool(_DATA.search(line))
    if own_weights or (weights and not own_data):
        return Component.PARAMETERS_FINAL
    if own_data or data:
        return Component.DATASETS
    return None


def follow_targets(components: Mapping[Component, ComponentEvidence]) -> list[str]:
    """The Hub repositories the release names as where its weights (then its training data) are,
    as source targets (``hf:org/name``, ``hf:datasets/org/name``), in the order they were found."""
    out: list[str] = []
    for c, kind in (
        (Component.PARAMETERS_FINAL, PlaceKind.HUB_MODEL),
        (Component.DATASETS, PlaceKind.HUB_DATASET),
    ):
        ev = components.get(c)
        for p in ev.elsewhere if ev is not None else ():
            if p.kind is kind and p.place.startswith("hf:"):
                out.append(p.place if kind is PlaceKind.HUB_MODEL else "hf:datasets/" + p.place[3:])
    return list(dict.fromkeys(out))


def describe(pubs: Iterable[Publication], limit: int = 3) -> str:
    """'gs://t5-data/pretrained_models/small (README.md:439); hf:org/name (README.md:12) (+2 more)'."""
    items = list(pubs)
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(str(p) for p in items[:limit]) + more


__all__ = [
    "MAX_CANDIDATES",
    "MAX_PLACES",
    "MAX_PLACE_CHARS",
    "Found",
    "describe",
    "find_publications",
    "follow_targets",
    "safe_place",
]
