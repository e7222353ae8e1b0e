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
  ``load_dataset("org/name")`` ids in code blocks, the card's ``datasets`` field, and ordinary
  links by their context (below);
- near words about the part: the line or its section heading speaks of weights, checkpoints,
  parameters or pre-trained models (-> the weights), or of datasets and training data (-> data);
- an ordinary web link needs more: the object of "trained on / fine-tuned on" (or a Hub id
  there, ``bigcode/starcoderdata``) or of a "dataset:" label is training data; a "weights:" label,
  a download word, a row of a checkpoint table, a listing under a checkpoints heading or the
  link's own words ("[Download full weights](...)") make it weights;
- not a near-miss: a line that credits, cites, compares with, evaluates on or builds on *another*
  model ("based on", "fine-tuned from", "compared with", "evaluated on MMLU"), a dependency's
  licence sentence, a code repository as a whole, a host's front page, badges, package indexes,
  acknowledgement/citation/news/authors sections, lists of other publishers' models ("Supported
  models") and placeholders (``gs://$BUCKET``, ``s3://your-bucket``) bind nothing.
Download scripts of the release and Hub gating are places too.

Intermediate checkpoints (named so, "[Partially trained checkpoints](...)", under such a heading)
are ``model-parameters-intermediate``; the final weights' first place is a final model. After the
component statuses, ``settle`` adds what they leave open (see there).

Bounded: at most ``MAX_CANDIDATES`` places are examined per card (a README of 10,000 links leaves a
note and the rest unexamined), ``MAX_PLACES`` are kept per component, and a place is cut to
``MAX_PLACE_CHARS`` printable ASCII characters (hostile URLs carry no control, bidi or markup
characters into any output). "Trained on" reaches ``OBJECT_GAP`` characters to its first link and
between the links it lists, ``BARE_ID_REACH`` to an unlinked Hub id; a listing holds at most
``LISTING_WORDS`` characters besides its links.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from openness import lazy_re
from openness.evidence.card import ModelCard, card_list
from openness.evidence.libraries import framework_named
from openness.evidence.release_kind import MODEL, MODEL_PARTS, ReleaseKind, flat, own_place, target_names
from openness.evidence.text import LineIndex, Prefiltered, find_lines, fold
from openness.lazy_re import LazyPattern, lazy_compile
from openness.model import (
    AppliedLicense,
    Component,
    ComponentEvidence,
    Inventory,
    Location,
    Note,
    NoteLevel,
    PlaceKind,
    Publication,
    Role,
    Status,
)

MAX_CANDIDATES = 2_000
MAX_PLACES = 8
MAX_PLACE_CHARS = 200
BARE_ID_REACH = 80  # characters after "trained on" / "dataset:" in which an unlinked Hub id is read

_URL_CHARS = r"[A-Za-z0-9._~:/?#@!$&'*+,;=%\-]"
_PLACES: tuple[tuple[PlaceKind, re.Pattern[str]], ...] = (
    (PlaceKind.BUCKET, lazy_re.compile(rf"\b(?:gs|s3|az|oss)://{_URL_CHARS}+")),
    (PlaceKind.TORRENT, lazy_re.compile(rf"\bmagnet:\?{_URL_CHARS}+|\b{_URL_CHARS}+\.torrent\b")),
    (
        PlaceKind.ARCHIVE,
        lazy_re.compile(
            rf"\b(?:https?://)?(?:zenodo\.org/(?:records?|record)/\d+|doi\.org/10\.5281/zenodo\.\d+|"
            rf"figshare\.com/{_URL_CHARS}+)"
        ),
    ),
    (PlaceKind.HUB_DATASET, lazy_re.compile(r"\b(?:huggingface\.co|hf\.co)/datasets/([\w.-]+/[\w.-]+)")),
    (
        PlaceKind.HUB_MODEL,
        lazy_re.compile(
            r"\b(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/|join\b|login\b|"
            r"settings/|collections/|models\b)([\w.-]+/[\w.-]+)"
        ),
    ),
    (PlaceKind.WEB, lazy_re.compile(rf"\bhttps?://{_URL_CHARS}+")),
)
# For each of _PLACES, substrings one of which each match holds (case-sensitive, like the patterns):
# a line without one is not searched with it (the torrent pattern backtracks over every run of URL
# characters of a long line looking for ".torrent").
_PLACE_NEEDS: tuple[tuple[str, ...], ...] = (
    ("://",),
    ("magnet:?", ".torrent"),
    ("zenodo.org/", "doi.org/10.5281/zenodo.", "figshare.com/"),
    ("co/datasets/",),
    ("huggingface.co/", "hf.co/"),
    ("://",),
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
# Ordinary web links count by their context (issue 10's follow-up: GPT-J's "trained on [The Pile]
# (pile.eleuther.ai)", TinyLlama's and GPT-J's checkpoint tables, a framework linked as the training
# code). Each of these says what the link that follows it holds:
# - "trained on / pre-trained on / fine-tuned on <link or Hub id>": the training data (past tense:
#   "you can fine-tune on ..." is advice to users, not what trained the model);
_TRAINED_ON = lazy_compile(
    r"\b(?:(?:pre-?|post-?|instruction[- ]|further )?trained|fine-?tuned|finetuned|instruction-tuned|"
    r"(?:pre-?)?training (?:is |was )?(?:done |performed )?)\s+(?:\w+\s+){0,2}?on\b|"
    r"\b(?:data(?:sets?)?|corpus|corpora)\s+(?:that\s+)?we\s+(?:use|used)\b|"
    r"\b(?:steps|epochs|iterations)\b[^.;]{0,60}?\bon\b|"
    r"(?:训练|预训练)(?:数据|语料)?(?:来自|使用)",
    re.I,
)
# - "dataset: <link>", "training data: <link>", "weights: <link>", "checkpoints: <link>";
# (a label opens a line, a list item or a table cell: "Much faster tokenizer of large data: <link>"
# labels nothing)
_DATA_LABEL = lazy_compile(
    r"(?:^|\|)\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:(?:pre-?)?training[ -])?(?:data(?:sets?)?|corpus|corpora)"
    r"\s*(?:\*\*|__)?\s*[:：]|(?:^|\|)\s*(?:[-*+]\s+)?(?:训练)?数据集?\s*[:：]",
    re.I,
)
_WEIGHTS_LABEL = lazy_compile(
    r"(?:^|\|)\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:model )?(?:weights|checkpoints?|ckpts?)"
    r"\s*(?:\*\*|__)?\s*[:：]|"
    r"权重\s*[:：]",
    re.I,
)
# A sentence wrapped before "on": "... and fine-tuned\non a [~15K record instruction corpus](...)".
# The literals one of which each match of these holds (folded: ``text.fold``); the hot paths
# (_context, _card_places, run on every line with a link) test them before the engine runs.
_WEIGHTS_P = Prefiltered(
    _WEIGHTS, ("weight", "checkpoint", "ckpt", "parameters", "model", "权重", "模型下载", "模型文件")
)
_DATA_P = Prefiltered(_DATA, ("data", "corpus", "corpora", "tokens", "数据集", "训练数据"))
_DATA_LABEL_P = Prefiltered(_DATA_LABEL, ("data", "corpus", "corpora", "数据"))
_DOWNLOAD_P = Prefiltered(
    _DOWNLOAD, ("download", "available", "release", "uploaded", "hosted", "obtain", "get", "下载")
)
_TRAINED_TAIL = lazy_compile(r"\b(?:(?:pre-?)?trained|fine-?tuned|finetuned)\s*$", re.I)
_ON_HEAD = lazy_compile(r"^\s*on\b", re.I)
# - a heading or a table column about checkpoints/weights/downloads (stricter than
#   ``_WEIGHTS_TITLE``: a "Models" heading also lists papers and demos);
_CKPT_TITLE = lazy_compile(
    r"checkpoints?|weights|model zoo|(?:pre-?trained|released) models|models? downloads?|"
    r"download (?:the )?(?:models?|weights)|模型下载|权重",
    re.I,
)
# - a markdown link whose own text is about weights ("[Download full weights](...)",
#   "[Partially trained checkpoints](...)").
_MD_LINK_WHOLE = lazy_compile(r"!?\[[^\]\n]{0,200}\]\([^)\n]{0,2000}\)|<[^>\n]{0,300}>")
_MD_LINK = lazy_compile(r"\[([^\]\n]{1,200})\]\(\s*<?([^)\s>]{1,2000})")
# Near-misses that bind nothing even next to those words (in ``_OTHER``): credits, citations,
# comparisons ("compared with Llama 2"), evaluation benchmarks ("evaluated on MMLU"). A licence
# sentence about a dependency keeps no ordinary link: "this project uses [FlashAttention](...),
# licensed under BSD-3-Clause" names another project's terms, not where this release's parts are
# (a licence sentence about the release's own data or weights still names their place).
_LICENCE_SENTENCE = lazy_compile(
    r"\blicen[cs]ed\b|\blicen[cs]e (?:of|for|is)\b|\bunder the [\w .-]{0,40}licen[cs]e\b|许可", re.I
)
_DEPENDENCY = lazy_compile(
    r"\b(?:dependenc\w*|depends on|third[- ]party|librar(?:y|ies)|packages?|uses|using|built with|"
    r"vendored|submodules?|framework|toolkit)\b|依赖",
    re.I,
)
# A repository on a code host is code, not where weights are (unless it is a release asset or
# a weight file), and a licence document is terms, not a place.
_CODE_HOST = lazy_compile(r"^(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/", re.I)
# Extensions of weight files and of the archives they ship in (one list for both patterns below).
_WEIGHT_EXTENSIONS = r"pt|pth|bin|safetensors|ckpt|gguf|npz|h5|msgpack|tar|tgz|zip|zst|zstd"
_WEIGHT_ASSET = lazy_compile(rf"/releases/|/raw/|/resolve/|\.(?:{_WEIGHT_EXTENSIONS}|gz)(?:$|[?#])", re.I)
_LICENCE_DOC = lazy_compile(r"licen[cs]e|copying", re.I)
_WEIGHT_FILE = lazy_compile(rf"\.(?:{_WEIGHT_EXTENSIONS})(?:$|[?#])", re.I)
_REPO_ROOT = lazy_compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+/?(?:#.*)?$", re.I
)
# The front page of a hub or code host is no place ("available on [Hugging Face](https://huggingface.co/)").
_HOST_ROOT = lazy_compile(
    r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co|github\.com|gitlab\.com|modelscope\.cn|pypi\.org|"
    r"kaggle\.com)/?$",
    re.I,
)
# Intermediate checkpoints: named so ("...-intermediate-step-480k-1T", "Partially trained
# checkpoints"); a step in a name alone says nothing (GPT-J's final weights are "step_383500").
_INTERMEDIATE = lazy_compile(r"intermediate|partial(?:ly)?[- ]trained|中间", re.I)
# A sentence ends at ". " before a capital (links and ids keep their dots), or at "。".
_SENTENCE_END = lazy_compile(r"[.!?](?=\s+[A-Z\[*`(])|[。！？]")
_STEP = lazy_compile(r"(?:step|iter|ckpt|checkpoint)[-_ ]?(\d{1,9})(k?)", re.I)
# Hub ids named in prose after "trained on" or a data label ("trained on `bigcode/starcoderdata`"),
# when the README does not link them: the id is kept as the dataset it names.
_BARE_ID = lazy_compile(r"(?<![\w./:-])`?([A-Za-z0-9][\w-]{1,38}/[A-Za-z0-9][\w.-]{1,95})`?(?![\w/])")
_NAME_GOES_ON = lazy_compile(r"\s+[A-Z][a-z]")  # "CNN/Daily Mail" is a name, not a Hub id
_NOT_AN_ID = lazy_compile(
    r"^(?:and|or|input|output|data|src|scripts?|configs?|examples?|docs?|tests?|models?|tools?|"
    r"train|val|dev|n|w|s|tcp|ip|i|o|km|gb|tb|mb|kb|a)/|\.(?:py|json|jsonl|txt|md|ya?ml|sh|csv|"
    r"tsv|parquet|arrow|bin|pt|gz|zip|tar|html?)$|^\d+/\d+$",
    re.I,
)
# Lines about *another* model or dataset: credits, comparisons, bases.
_OTHER = lazy_compile(
    r"\b(?:based on|built (?:on|upon)|derived from|fine-?tuned (?:from|on top of)|initiali[sz]ed from|"
    r"compared? (?:with|to|against)|baselines?|base model|originally|inspired by|thanks?|"
    r"acknowledg\w*|courtesy|borrowed|adapted from|such as|e\.g\.|"
    r"compatible with|cit(?:e|ed|ing|ation)|outperform\w*|versus|vs\.?|evaluat\w*|benchmarks?)\b|"
    r"评测|评估",
    re.I,
)
_OTHER_P = Prefiltered(
    _OTHER,
    ("based on", "built ", "derived from", "fine", "initiali", "compare", "baseline", "base model",
     "originally", "inspired by", "thank", "acknowledg", "courtesy", "borrowed", "adapted from",
     "such as", "e.g.", "compatible with", "cit", "outperform", "versus", "vs", "evaluat", "benchmark",
     "评测", "评估"),
)
_SKIP_SECTION = lazy_compile(
    r"acknowledg|citation|cite|reference|related|thanks|credits|contributors|authors|team\b|contact|"
    r"news|changelog|updates|"
    r"基于|致谢|新闻|动态|更新",
    re.I,
)
_PLACEHOLDER = lazy_compile(r"[$<>{}]|your[-_]?|my[-_]?bucket|example\.com|\bpath/to\b", re.I)
# Papers, docs, badges, package indexes and policy pages are not where weights or data are published.
_NOT_A_PLACE = lazy_compile(
    r"arxiv\.org|(?<!zenodo\.)doi\.org/(?!10\.5281)|aclanthology|openreview|semanticscholar|"
    r"proceedings|papers\.|\.pdf\b|\.md(?:#|$)|img\.shields|badge|wikipedia\.org|twitter\.com|x\.com/|discord|"
    r"wandb\.ai|tensorboard|pypi\.org|/privacy\b|/polic(?:y|ies)\b|terms-of-(?:use|service)|/publications?/",
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


# The evidence builder asks twice per audit (the component statuses, then ``settle``): the last
# answer is kept for the same inventory object and the same card objects (weakly, so nothing is
# kept alive), which makes the second question free.
_last: tuple[weakref.ref[Inventory], tuple[int, ...], Found] | None = None


def find_publications(inventory: Inventory, cards: Iterable[ModelCard]) -> Found:
    """Where the weights and datasets are published, from the cards and the release's own files."""
    global _last
    cards = list(cards)
    key = tuple(id(c) for c in cards)
    if _last is not None and _last[0]() is inventory and _last[1] == key:
        return _last[2]
    found = _find_publications(inventory, cards)
    try:
        _last = (weakref.ref(inventory), key, found)
    except TypeError:  # an inventory type without weak references: no cache, same answers
        _last = None
    return found


def _find_publications(inventory: Inventory, cards: list[ModelCard]) -> Found:
    acc: dict[Component, list[Publication]] = {}
    notes: list[Note] = []

    def add(c: Component, pub: Publication) -> None:
        have = acc.setdefault(c, [])
        if len(have) < MAX_CANDIDATES and all(p.place != pub.place for p in have):
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
    found = [x for card in cards for x in _card_datasets(card)]
    found += [x for card in cards for x in _card_places(card, notes)]
    for c, pub in _own_models(found, target_names(inventory.snapshot.target)):
        add(c, pub)
    # Intermediate checkpoints are where they are, and the final weights' answer names the final
    # model: "TinyLlama-...-step-50K" listed first in a schedule is not the release's model. When
    # every link is to an intermediate checkpoint, the latest stands for the weights.
    finals = acc.pop(Component.PARAMETERS_FINAL, [])
    inter = acc.pop(Component.PARAMETERS_INTERMEDIATE, [])
    inter += [p for p in finals if _intermediate(p.place) and p.place not in {q.place for q in inter}]
    finals = [p for p in finals if p.place not in {q.place for q in inter}]
    if inter:
        acc[Component.PARAMETERS_INTERMEDIATE] = inter
    if finals or inter:
        acc[Component.PARAMETERS_FINAL] = finals or sorted(inter, key=lambda p: -_step(p.place))
    return Found(
        {c: tuple(_ranked(v)[:MAX_PLACES]) for c, v in acc.items()},
        tuple(notes),
    )


_HUB_ID = lazy_compile(r"^[A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?$")


def _card_datasets(card: ModelCard) -> Iterable[tuple[Component, Publication]]:
    """The card's ``datasets`` field: Hub datasets the model was trained on, kept as places."""
    for ident in card_list(card.front_matter, "datasets")[:MAX_CANDIDATES]:
        if _HUB_ID.match(ident) and not _PLACEHOLDER.search(ident):
            where = Location(card.path, key="card:datasets")
            yield Component.DATASETS, Publication(PlaceKind.HUB_DATASET, safe_place(f"hf:{ident}"), where)


def _intermediate(place: str) -> bool:
    return bool(_INTERMEDIATE.search(place))


def _step(place: str) -> int:
    m = _STEP.search(place)
    return int(m.group(1)) * (1000 if m.group(2) else 1) if m else -1


def _ranked(pubs: list[Publication]) -> list[Publication]:
    """Hub repositories and buckets first: they are what a follow or a reader would open (stable:
    the README's order otherwise; the latest intermediate first when they stand for the weights)."""
    return sorted(pubs, key=lambda p: _RANK[p.kind])


def _hub_org(place: str) -> str | None:
    return place[3:].split("/", 1)[0].lower() if place.startswith("hf:") and "/" in place else None


def _stem(place: str) -> str:
    """A Hub model name's first word ("hf:PY007/TinyLlama-1.1B-step-50K" -> "tinyllama")."""
    name = place.rsplit("/", 1)[-1]
    return re.split(r"[-_.]", name, maxsplit=1)[0].lower()


def _own_models(
    found: list[tuple[Component, Publication]], names: frozenset[str] = frozenset()
) -> list[tuple[Component, Publication]]:
    """Drop Hub links to other publishers' models when the README mostly links one publisher's
    (the release's own): "Nous-Capybara-34B" in a community list is not where Yi's weights are.
    A model of an org named as the top org's models are is kept: releases move into their own org
    ("PY007/TinyLlama-..." then "TinyLlama/TinyLlama-..."); "1bitLLM/bitnet_b1_58" beside
    "microsoft/BitNet-b1.58-2B-4T" is another publisher's. When the release's own org is known (its
    target, ``release_kind.target_names``) and it links that org's models, those are its own, however
    many "Supported models" of others it lists."""
    orgs: dict[str, int] = {}
    for c, pub in found:
        org = _hub_org(pub.place)
        if c is Component.PARAMETERS_FINAL and org:
            orgs[org] = orgs.get(org, 0) + 1
    if not orgs:
        return found
    flat_names = {flat(n) for n in names}
    tops = {o for o in orgs if flat(o) in flat_names}
    if not tops:
        top, count = max(orgs.items(), key=lambda kv: kv[1])
        if count < 2:
            return found
        tops = {top}
    stems = {
        _stem(p.place) for c, p in found if c is Component.PARAMETERS_FINAL and _hub_org(p.place) in tops
    }
    stems = {x for x in stems if len(x) >= 4}
    return [
        (c, p)
        for c, p in found
        if c is not Component.PARAMETERS_FINAL
        or _hub_org(p.place) is None
        or _hub_org(p.place) in tops
        or (_hub_org(p.place) in stems and _stem(p.place) in stems)
        or flat(_stem(p.place)) in flat_names
    ]


class _TitleSweep:
    """The headings above a line (outermost first), asked in increasing line order: one sweep over
    the sections, O(lines asked + sections), not a tuple built for every line of the card."""

    def __init__(self, card: ModelCard) -> None:
        self.starts = sorted(card.sections, key=lambda sec: sec.lines[0])
        self.stack: list[tuple[int, str]] = []
        self.k = 0

    def at(self, n: int) -> tuple[str, ...]:
        """The headings above 1-based line ``n`` (no smaller than the one asked before)."""
        starts, stack = self.starts, self.stack
        while self.k < len(starts) and starts[self.k].lines[0] <= n:
            sec = starts[self.k]
            while stack and stack[-1][0] >= sec.level:
                stack.pop()
            stack.append((sec.level, sec.title[:200]))
            self.k += 1
        return tuple(t for _, t in stack[-4:])


_TABLE_RULE = lazy_compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _table_headers(card: ModelCard) -> dict[int, str]:
    """For each line of a markdown table body (1-based), the table's header row."""
    out: dict[int, str] = {}
    lines = card.lines
    n = 1
    while n < len(lines):
        if "|" in lines[n] and "-" in lines[n] and _TABLE_RULE.match(lines[n]) and "|" in lines[n - 1]:
            header = lines[n - 1][:500]
            k = n + 1
            while k < len(lines) and "|" in lines[k]:
                out[k + 1] = header
                k += 1
            n = k
        n += 1
    return out


@dataclass(frozen=True)
class _Context:
    """What a README line says about the links on it (see the patterns above)."""

    weights: bool  # the line or its section speaks of weights/checkpoints
    data: bool  # ... of the data the model was trained on
    web_weights: bool  # an ordinary web link on it may be where the weights are
    web_data: bool  # ... where the training data is
    data_from: int  # links at or after this offset are training data ("trained on <link>"); -1: none
    data_to: int  # ... and before this one: the end of that sentence
    data_links: tuple[int, ...]  # where the links that are the object of "trained on" start
    intermediate: bool  # the heading or table column says intermediate checkpoints
    checkpoints: bool = False  # under a checkpoints/weights heading


# Sections that list other publishers' models: "Supported Models" of an inference engine
# (bitnet.cpp's table of 1bitLLM models), community fine-tunes, third-party quantisations.
_OTHERS_MODELS_TITLE = lazy_compile(
    r"\bsupported|compatib\w*|communit\w*|third[- ]party|ecosystem|derivative|integrations?\b|"
    r"quanti[sz]ed models|支持的模型|社区",
    re.I,
)


@dataclass(frozen=True)
class _Headings:
    """What the headings above a line say (computed once per distinct heading stack)."""

    skip: bool  # an acknowledgement, citation, news... section
    others: bool  # a list of other publishers' models
    weights: bool
    train_data: bool
    checkpoints: bool
    intermediate: bool


def _headings(titles: tuple[str, ...]) -> _Headings:
    near = titles[-2:]
    return _Headings(
        any(_SKIP_SECTION.search(t) for t in titles),
        any(_OTHERS_MODELS_TITLE.search(t) for t in near),
        any(_WEIGHTS_TITLE.search(t) for t in near),
        any(_TRAIN_DATA_TITLE.search(t) for t in near),
        any(_CKPT_TITLE.search(t) and not _DATA.search(t) for t in near),
        any(_INTERMEDIATE.search(t) for t in near),
    )


def _context(line: str, heads: _Headings, header: str | None, wrapped: bool = False) -> _Context | None:
    """What the line says about its links, or None when it speaks of neither weights nor data.
    Cheapest tests first, and substring tests guard the case-insensitive patterns: READMEs carry
    long lines (HTML tables, badge rows) where each pattern costs more than the other tests."""
    folded = fold(line)
    weights = not heads.others and (heads.weights or bool(_WEIGHTS_P.search(line, folded)))
    # Data places only where the line or its section speaks of *training* data: datasets
    # named for fine-tuning, evaluation or as examples are not what trained the model.
    data = (heads.train_data or bool(_DATA_P.search(line, folded) and _TRAINING.search(line))) and not (
        _NOT_TRAINING.search(line)
    )
    on = _TRAINED_ON.search(line) if _has_trained_on(line.lower()) else None
    label = _DATA_LABEL_P.search(line, folded) if ":" in line or "：" in line else None
    starts = [m.end() for m in (on, label) if m is not None] + ([0] if wrapped else [])
    data_from = min(starts) if starts else -1
    end = _SENTENCE_END.search(line, data_from) if data_from >= 0 else None
    data_to = end.start() if end is not None else len(line)
    data_links = _object_links(line, data_from, data_to) if data_from >= 0 else ()
    table_ckpt = header is not None and bool(_CKPT_TITLE.search(header))
    if not (weights or data or table_ckpt or data_from >= 0):
        return None
    if _OTHER_P.search(line, folded):
        return None
    download = bool(_DOWNLOAD_P.search(line, folded)) if weights or data else False
    # A heading alone does not make every link under it a place ("515k steps on [laion-aesthetics]
    # (https://laion.ai/...)" under "Weights"): there the link's own words or file must say so.
    web_weights = weights and (
        table_ckpt
        or download
        or (("：" in line or ":" in line) and bool(_WEIGHTS_LABEL.search(line)))
        or (heads.checkpoints and _listing(line))
    )
    intermediate = heads.intermediate or bool(header is not None and _INTERMEDIATE.search(header))
    return _Context(
        weights or table_ckpt,
        data or data_from >= 0,
        web_weights,
        data and download,
        data_from,
        data_to,
        data_links,
        intermediate,
        heads.checkpoints,
    )


_LINK_START = lazy_compile(r"\]\(\s*<?|(?<![(<\w])(?=https?://|(?:www\.)?(?:huggingface\.co|hf\.co)/)")
OBJECT_GAP = 80  # characters between "trained on" and its first link, and between the links it lists


def _object_links(line: str, start: int, end: int) -> tuple[int, ...]:
    """Where the links that are the object of "trained on" start: the first within ``OBJECT_GAP``
    characters of the phrase, each next one within ``OBJECT_GAP`` of the previous link's end
    ("trained on a mixture of [RefinedWeb](...), mixed with the [starcoder dataset](...)"), not a
    link further on ("trained on a broader collection of languages than ... ([200 total
    languages](...))")."""
    out: list[int] = []
    anchor = start
    for m in _LINK_START.finditer(line, start, end):
        at = m.end()
        if at - anchor > OBJECT_GAP:
            break
        out.append(at)
        close = line.find(")", at, at + MAX_PLACE_CHARS * 10)
        anchor = close if close > 0 else at
    return tuple(out)


LISTING_WORDS = 40  # characters besides its links that a list item or table row may hold to be a listing


def _listing(line: str) -> bool:
    """A list item, table row or bare link that lists places ("- [Gemma 3](https://www.kaggle.com/...)"
    under "Download Gemma model checkpoint"), not a sentence that happens to link something."""
    rest = _MD_LINK_WHOLE.sub("", line)
    return len(rest.strip(" \t-*+|:.0123456789")) <= LISTING_WORDS


def _has_trained_on(low: str) -> bool:
    return (
        (" on" in low and ("train" in low or "tuned" in low or "steps" in low or "epochs" in low))
        or " we use" in low
        or "训练" in low
    )


def _link_texts(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each markdown link on the line: the link's own words say what it holds."""
    # a badge's or an image's alt text ("[<img alt="Weights & Biases">](https://wandb.ai/...)") is
    # not the link's words
    return [
        (m.start(2), m.end(2), "" if m.group(1).lstrip().startswith(("<", "!")) else m.group(1))
        for m in _MD_LINK.finditer(line)
    ]


# Every line _card_places acts on holds, as written, a fence marker (what _FENCE matches: the index
# keeps those lines), a place hint or a load call (code) ...
_CARD_PLACE_LITERALS = (*_PLACE_HINTS, *_LOAD_HINTS)
# ... or "/" and, folded, one of these: what a trained-on line (_has_trained_on) or a data label
# (_DATA_LABEL_P) holds. Only those lines are visited, in order; each is tested as before.
_LINKED_LINE_LITERALS = (" on", " we use", "训练", *_DATA_LABEL_P.needs)


def _place_lines(card: ModelCard) -> list[int]:
    """0-based body lines that may hold a place (see ``_CARD_PLACE_LITERALS``), in order."""
    index = card.index or LineIndex(card.lines, card.body_start)
    first = max(0, card.body_start - 1)
    found = set(index.holding(_CARD_PLACE_LITERALS, first))
    found.update(i for i in index.fence_marked if i >= first)
    lines = card.lines
    found.update(i for i in index.containing(_LINKED_LINE_LITERALS) if i >= first and "/" in lines[i])
    return sorted(found)


def _card_places(card: ModelCard, notes: list[Note]) -> Iterable[tuple[Component, Publication]]:
    titles = _TitleSweep(card)
    heads_of: dict[tuple[str, ...], _Headings] = {}
    headers: dict[int, str] | None = None
    examined = 0
    in_fence = False
    for i in _place_lines(card):
        n, line = i + 1, card.lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        # Cheap substring tests first: most card lines hold no place at all, and the patterns
        # below cost ~80 ms over a large card when run on every line.
        if in_fence:
            if not any(h in line for h in _LOAD_HINTS):
                continue
        elif not any(h in line for h in _PLACE_HINTS) and not (
            "/" in line
            and (
                (_has_trained_on(line.lower()) and _TRAINED_ON.search(line))
                or ((":" in line or "：" in line) and _DATA_LABEL_P.search(line))
            )
        ):
            continue
        above = titles.at(n)
        heads = heads_of.get(above)
        if heads is None:
            heads = heads_of[above] = _headings(above)
        if heads.skip:
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
            if "|" in line and headers is None:
                headers = _table_headers(card)
            wrapped = n > 1 and bool(_ON_HEAD.match(line)) and bool(_TRAINED_TAIL.search(card.lines[n - 2]))
            ctx = _context(line, heads, headers.get(n) if headers and "|" in line else None, wrapped)
            if ctx is None:
                continue
            texts = _link_texts(line) if "[" in line else []
            taken: list[tuple[int, int]] = []
            for (kind, rx), needs in zip(_PLACES, _PLACE_NEEDS, strict=True):
                if not any(n in line for n in needs):
                    continue
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
                    text = next((t for a, b, t in texts if a <= m.start() < b), "")
                    place = f"hf:{raw}" if kind in (PlaceKind.HUB_MODEL, PlaceKind.HUB_DATASET) else raw
                    target = _component(kind, line, raw, text, m.start(), ctx)
                    if target is None:
                        continue
                    if target is Component.PARAMETERS_FINAL and (
                        ctx.intermediate or _intermediate(text) or _intermediate(place)
                    ):
                        # "[Partially trained checkpoints](https://host/GPT-J-6B/)": the link's words
                        # say what it is when its address does not.
                        yield (
                            Component.PARAMETERS_INTERMEDIATE,
                            Publication(kind, safe_place(place), Location(card.path, (n, n))),
                        )
                        continue
                    yield target, Publication(kind, safe_place(place), Location(card.path, (n, n)))
            if ctx.data_from >= 0:
                reach = min(ctx.data_to, ctx.data_from + BARE_ID_REACH)
                for m in _BARE_ID.finditer(line, ctx.data_from, reach):
                    examined += 1
                    if examined > MAX_CANDIDATES:
                        break
                    ident = trim_link(m.group(1))
                    if (
                        any(m.start() < b and a < m.end() for a, b in taken)
                        or _NOT_AN_ID.search(ident)
                        or _PLACEHOLDER.search(ident)
                        or line[m.end() : m.end() + 1] in ("(", "]")
                        or (not m.group(0).endswith("`") and _NAME_GOES_ON.match(line, m.end()))
                    ):
                        continue
                    yield (
                        Component.DATASETS,
                        Publication(
                            PlaceKind.HUB_DATASET, safe_place(f"hf:{ident}"), Location(card.path, (n, n))
                        ),
                    )
        if examined > MAX_CANDIDATES:
            notes.append(
                Note(
                    NoteLevel.WARNING,
                    f"{card.path}: more than {MAX_CANDIDATES} links; the rest were not examined for "
                    "where the weights and data are published",
                    Location(card.path, (n, n)),
                )
            )
            return


def _component(
    kind: PlaceKind, line: str, raw: str, text: str, at: int, ctx: _Context
) -> Component | None:
    """Which part a place on a line holds, or None when the line does not say."""
    # a hub match starts after "https://"; a markdown link's address right after "]("
    trained_on = any(0 <= at - p <= len("https://www.") for p in ctx.data_links)
    if kind is PlaceKind.HUB_DATASET:
        return Component.DATASETS if ctx.data else None
    if kind is PlaceKind.HUB_MODEL:  # a model repository holds weights, never the training data
        return Component.PARAMETERS_FINAL if ctx.weights and not trained_on else None
    if kind is PlaceKind.WEB:
        if _HOST_ROOT.match(raw) or _REPO_ROOT.match(raw):
            return None  # a host's front page, or a code repository (a library, a tool) as a whole
        if (
            ("licen" in line.lower() or "许可" in line)
            and _LICENCE_SENTENCE.search(line)
            and _DEPENDENCY.search(line)
        ):
            return None
        if trained_on:
            return Component.DATASETS
        link_weights = bool(text and _WEIGHTS.search(text)) or (
            (ctx.weights or ctx.checkpoints) and bool(_WEIGHT_FILE.search(raw))
        )
        if not (ctx.web_weights or ctx.web_data or link_weights):
            return None
        if _LICENCE_DOC.search(raw.split("?", 1)[0].rsplit("/", 1)[-1]):
            return None  # a licence document is terms, not a place
        # The link's own words first, then the line's: a "Models" section's line about the data
        # ("trained on the Pile ([paper](https://pile.eleuther.ai/))") links the data.
        if link_weights or (
            ctx.web_weights
            and not (ctx.web_data and (bool(text and _DATA.search(text)) or not _WEIGHTS.search(line)))
        ):
            if _CODE_HOST.search(raw) and not _WEIGHT_ASSET.search(raw):
                return None  # a repository is code: a framework or a project linked, not weights
            return Component.PARAMETERS_FINAL
        return Component.DATASETS if ctx.web_data else None
    own_weights = bool(_WEIGHTS.search(line))
    own_data = bool(_DATA.search(line))
    if trained_on:
        return Component.DATASETS
    if own_weights or (ctx.weights and not own_data):
        return Component.PARAMETERS_FINAL
    if own_data or ctx.data:
        return Component.DATASETS
    return None


def settle(
    comps: Mapping[Component, ComponentEvidence],
    found: Found,
    cards: Sequence[ModelCard],
    weights_terms: Sequence[Location] = (),
    kind: ReleaseKind = MODEL,
) -> dict[Component, ComponentEvidence]:
    """The "elsewhere" answers the component statuses leave open, once they are decided:

    - intermediate checkpoints published elsewhere (a checkpoint table, "Partially trained
      checkpoints") are ``unknown`` with their places, not absent;
    - the training data keeps every Hub dataset it is named by (the second link on a line, a bare
      id, the card's ``datasets`` field), so ``--follow`` and the reader see them all;
    - weights whose terms the release states ("the code and model weights are released under the
      MIT License") exist somewhere: ``unknown`` (not inspected), never absent;
    - training done with a public framework the README links, without the configs in the tree:
      the training code is published elsewhere (the framework), not absent;
    - data information is not "absent, no dataset list" when the release names its training data
      published elsewhere ("trained on [The Pile](https://pile.eleuther.ai/)"): the data's own
      documentation, not inspected, may carry the description (``unknown``, like an unread paper);
    - a tool with no model of its own (``release_kind``): other publishers' models named in its
      examples are not its weights, and the parts only a model has are not applicable (``unknown``
      with that reason), never absent and failed.
    """
    out = dict(comps)
    _intermediate_places(out, found)
    _data_places(out, found)
    _data_information_named(out)
    _framework_elsewhere(out, cards)
    _code_elsewhere(out, cards)
    _architecture_with_weights(out)
    if kind.tool:
        _tool(out, kind)
    elif weights_terms:
        ev = out.get(Component.PARAMETERS_FINAL)
        if ev is None or ev.status is Status.ABSENT:
            at = weights_terms[0]
            out[Component.PARAMETERS_FINAL] = ComponentEvidence(
                Component.PARAMETERS_FINAL,
                Status.UNKNOWN,
                tuple(weights_terms[:2]),
                detail=f"weights are not in the release; {at} states their terms, so they are published, "
                "but the release does not say where: not inspected",
            )
    return out


def _intermediate_places(out: dict[Component, ComponentEvidence], found: Found) -> None:
    c = Component.PARAMETERS_INTERMEDIATE
    pubs = found.of(c)
    ev = out.get(c)
    if pubs and (ev is None or ev.status is Status.ABSENT):
        out[c] = ComponentEvidence(
            c,
            Status.UNKNOWN,
            tuple(dict.fromkeys(p.stated_at for p in pubs))[:4],
            detail="intermediate checkpoints published elsewhere, not inspected: " + describe(pubs),
            elsewhere=pubs,
        )


def _data_places(out: dict[Component, ComponentEvidence], found: Found) -> None:
    c = Component.DATASETS
    pubs = found.of(c)
    ev = out.get(c)
    if not pubs or ev is None or ev.status is not Status.UNKNOWN:
        return
    have = {p.place for p in ev.elsewhere}
    merged = ev.elsewhere + tuple(p for p in pubs if p.place not in have)
    named = [p.place[3:] if p.place.startswith("hf:") else p.place for p in merged]
    missing = [x for x in named if x not in ev.detail]
    if merged == ev.elsewhere and not missing:
        return
    detail = ev.detail
    if missing:
        more = ", ".join(missing[:4]) + (f" (+{len(missing) - 4} more)" if len(missing) > 4 else "")
        detail = f"{detail}; also named: {more}" if detail else f"named elsewhere: {more}"
    out[c] = replace(ev, elsewhere=merged[:MAX_PLACES], detail=detail)


def _data_information_named(out: dict[Component, ComponentEvidence]) -> None:
    c = Component.DATA_INFORMATION
    ev = out.get(c)
    data = out.get(Component.DATASETS)
    if ev is None or ev.status is not Status.ABSENT or data is None or not data.published_elsewhere:
        return
    out[c] = replace(
        ev,
        status=Status.UNKNOWN,
        locations=tuple(dict.fromkeys(p.stated_at for p in data.elsewhere))[:4],
        detail="no data description in the release; the training data it names is published elsewhere ("
        + describe(data.elsewhere, 2)
        + "), whose own documentation (not inspected) may carry it",
    )


def _framework_elsewhere(out: dict[Component, ComponentEvidence], cards: Sequence[ModelCard]) -> None:
    c = Component.TRAINING_CODE
    ev = out.get(c)
    if ev is not None and ev.status is not Status.ABSENT:
        return
    named = framework_named(cards)
    if named is None:
        return
    trained, link = named
    if link is None:
        return  # named but not linked: nothing says where the code that trained it is
    from openness.licenses import analyze_id

    fw = trained.framework
    place = safe_place(link)
    # The framework's own licence covers its code, as for a framework whose configs ship
    # (components._framework_training): the card's model licence is not the code's terms.
    lic = AppliedLicense(
        analyze_id(fw.license, Location(key=f"library:{fw.name}")),
        True,
        f"the {fw.name} framework's own licence: the framework is the training code",
    )
    out[c] = ComponentEvidence(
        c,
        Status.UNKNOWN,
        (trained.stated_at,),
        (lic,),
        detail=f"trained with the public {fw.name} framework ({trained.stated_at}), published elsewhere "
        f"({place}); the configs that drove the run are not in the release: not inspected",
        elsewhere=(Publication(PlaceKind.WEB, place, trained.stated_at),),
    )


# Code the release says it keeps in another repository, by what the sentence calls it: "If you plan to
# process the dataset yourself from scratch, you can refer to our [CrystalCoder data preprocessing
# code](https://github.com/LLM360/crystalcoder-data-prep)". The phrase must come before the link
# (within ``CODE_REACH`` characters) or be its text; a thank-you or "based on" names someone else's.
CODE_REACH = 120  # characters from "data preprocessing code" to the link it names
_CODE_PHRASES: tuple[tuple[Component, LazyPattern], ...] = (
    (
        Component.DATA_PREPROCESSING_CODE,
        lazy_compile(
            r"\bdata[- ]?(?:pre-?)?process\w*\s+(?:code|scripts?|pipeline|repo\w*)\b"
            r"|\bdata[- ]prep(?:aration)?\s+(?:code|scripts?|pipeline|repo\w*)\b"
            r"|数据(?:预)?处理(?:代码|脚本)",
            re.I,
        ),
    ),
    (
        Component.TRAINING_CODE,
        lazy_compile(r"\b(?:pre-?)?training\s+(?:code|scripts?)\b|训练代码", re.I),
    ),
)
_CODE_LINK = lazy_compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[\w.-]{1,39}/[\w.-]{1,100}")
_SOMEONE_ELSES = lazy_compile(r"\bthank|acknowledg|\bborrow|\bbased on\b|adapted from|inspired by|致谢", re.I)


def _code_elsewhere(out: dict[Component, ComponentEvidence], cards: Sequence[ModelCard]) -> None:
    """Training or data-processing code the README says lives in another repository: ``unknown``
    (published elsewhere, not inspected), where the tree holds none or only fine-tuning code, so the
    verdict names the repository that would settle it instead of failing on an absence."""
    for c, phrase in _CODE_PHRASES:
        ev = out.get(c)
        if ev is not None and ev.status not in (Status.ABSENT, Status.PARTIAL):
            continue
        found = _code_link(cards, phrase)
        if found is None:
            continue
        place, at = found
        partial = ev is not None and ev.status is Status.PARTIAL and ev.detail
        had = f"; in the tree: {ev.detail}" if partial and ev is not None else ""
        out[c] = ComponentEvidence(
            c,
            Status.UNKNOWN,
            (at,),
            ev.licenses if ev is not None else (),
            detail=f"published elsewhere, not inspected: {place} ({at}){had}",
            elsewhere=(Publication(PlaceKind.WEB, place, at),),
        )


_CODE_HINTS = ("code", "script", "pipeline", "代码")
_CODE_LINE_READ = 4000  # characters of a line the phrase and the thank-you words are looked for in


def _code_link(cards: Sequence[ModelCard], phrase: LazyPattern) -> tuple[str, Location] | None:
    for card in cards:
        for i, m in find_lines(card.lines, phrase, _CODE_HINTS, card.body_start, card.index):
            line = card.lines[i]
            if m.start() >= _CODE_LINE_READ or _SOMEONE_ELSES.search(line[:_CODE_LINE_READ]):
                continue
            link = _CODE_LINK.search(line, m.start(), min(len(line), m.end() + CODE_REACH))
            if link is not None:
                return safe_place(link.group(0).rstrip(_TRAIL)), Location(card.path, (i + 1, i + 1))
    return None


def _architecture_with_weights(out: dict[Component, ComponentEvidence]) -> None:
    """Weights on a model hub carry the configuration that specifies the architecture (and any custom
    modeling code) beside them: a release whose weights are there and whose tree holds no model code
    has its architecture published elsewhere, not absent (OpenLLaMA, DeepSeek-Coder, ChatGLM3: the
    model is run by ``from_pretrained`` from the hub repository). Inspecting that repository
    (``--follow``) settles it."""
    c = Component.MODEL_ARCHITECTURE
    ev = out.get(c)
    weights = out.get(Component.PARAMETERS_FINAL)
    if ev is not None and ev.status is not Status.ABSENT:
        return
    if weights is None or not weights.published_elsewhere:
        return
    hubs = tuple(p for p in weights.elsewhere if p.kind is PlaceKind.HUB_MODEL)
    if not hubs:
        return
    out[c] = ComponentEvidence(
        c,
        Status.UNKNOWN,
        tuple(dict.fromkeys(p.stated_at for p in hubs))[:2],
        detail="no model code in the release; the weights' repository ("
        + describe(hubs, 2)
        + ") carries the configuration that specifies it and any custom modeling code: not inspected",
        elsewhere=hubs[:MAX_PLACES],
    )


_TRAINING_DATA_PARTS = frozenset({Component.DATA_INFORMATION, Component.DATA_CARD, Component.DATASETS})


def _tool(out: dict[Component, ComponentEvidence], kind: ReleaseKind) -> None:
    w = out.get(Component.PARAMETERS_FINAL)
    if w is not None and w.status is Status.UNKNOWN:
        own = tuple(p for p in w.elsewhere if own_place(p, kind.own_names))
        if not own:
            others = describe(w.elsewhere, 2) if w.elsewhere else ""
            out[Component.PARAMETERS_FINAL] = ComponentEvidence(
                Component.PARAMETERS_FINAL,
                Status.UNKNOWN,
                (kind.stated_at,) if kind.stated_at else (),
                detail=f"not applicable: {kind.reason()}"
                + (f"; what it links is not this release's weights ({others})" if others else ""),
            )
        elif own != w.elsewhere:
            out[Component.PARAMETERS_FINAL] = replace(w, elsewhere=own, detail=w.detail)
    for c in MODEL_PARTS:
        ev = out.get(c)
        # A tool trains no model of its own: what reads as partial data information in it is a
        # tutorial's ("Training a Llama-small on your own data" in Levanter's README), not the
        # description of a model's training data, and must not fail the release.
        tutorial = ev is not None and ev.status is Status.PARTIAL and c in _TRAINING_DATA_PARTS
        if ev is None or ev.status is Status.ABSENT or tutorial:
            out[c] = ComponentEvidence(
                c,
                Status.UNKNOWN,
                (kind.stated_at,) if kind.stated_at else (),
                detail=f"not applicable: {kind.reason()}",
            )


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
    "settle",
]
