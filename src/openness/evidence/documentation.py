"""What a release documents about itself, as the OSAI Index's documentation dimensions ask it.

Facts, each with the line or file behind it:

- ``publication``: a paper the release presents as *its own* (cited in its citation section, a bibtex
  entry, CITATION.cff, or a link whose text says "paper" / "technical report" for this release), and whether
  it is peer-reviewed (a venue is named) or a preprint (arXiv only). A paper merely linked in passing (the
  Model Cards paper in a card's preamble, the base model's paper, MMLU, a method like LoRA) is not the
  release's own and is not reported.
- ``training_hardware``: a line that states the hardware training ran on (accelerators with a training word,
  or a line in a hardware/compute section).
- ``code_documentation``: for the training and data-processing code, which files are documented (a README or
  docs page beside them or above them below the root, a docs page about training, or the card naming the
  script) and which are not.
- ``model_card_coverage``: which of architecture, training, data and evaluation the model card has sections
  on, and whether it carries card metadata (the standardized format).
- ``datasheet_sections``: which of the "Datasheets for Datasets" (Gebru et al. 2021) sections a data card has.

Every read is bounded (``ReadContext.read`` with a byte limit, a cap on files and lines); nothing is
executed. What could not be read leaves no fact and the caller's unknown stands.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from openness import lazy_re
from openness.evidence.card import ModelCard, parse_card
from openness.evidence.reading import DOC_LIMIT, ReadContext
from openness.evidence.text import LineIndex
from openness.lazy_re import compile as cached_compile
from openness.lazy_re import lazy_compile
from openness.model import Component, ComponentEvidence, Fact, Inventory, Location, Role

MAX_PUBLICATIONS = 8  # publication facts per release
MAX_CITED = 8  # papers of others cited, kept (the OSAI Index's "linked but not its own")
MAX_PAPER_FILES = 8  # paper/report files of the release kept
MAX_HARDWARE = 3  # training-hardware lines reported
MAX_DATA_CARDS = 4  # data cards read for datasheet sections
MAX_CODE_FILES = 400  # training/processing code files checked for documentation
MAX_DOC_FILES = 40  # docs pages considered as documenting training (names only, not read)
MAX_DOC_PAGES = 6  # training docs pages read for the training hardware
CITATION_LIMIT = 64 * 1024  # bytes of CITATION.cff read
MAX_LINE = 4000  # characters: longer lines (minified HTML, hostile cards) are not read for these facts
MAX_CANDIDATES = 2000  # candidate lines per card and pattern family
MAX_NAMED = 5000  # file names the cards name, remembered for code documentation
BIBTEX_LINES = 40  # lines a bibtex entry may span

_ARXIV_ID = lazy_compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|\barXiv[:\s]\s?|\beprint\s*=\s*[{\"]?\s*)(\d{4}\.\d{4,5})", re.I
)
# Papers hosted without an arXiv id or DOI: proceedings sites (peer-reviewed, the site names the venue)
# and a maker's own publication pages (a paper, not peer-reviewed by being there).
_REVIEWED_HOST = lazy_compile(
    r"https?://(?:www\.)?(aclanthology\.org|proceedings\.neurips\.cc|papers\.nips\.cc|proceedings\.mlr\.press|"
    r"openaccess\.thecvf\.com|ojs\.aaai\.org|jmlr\.org/papers|dl\.acm\.org/doi)/[^\s)\"'<>]+",
    re.I,
)
_MAKER_PAPER = lazy_compile(
    r"https?://(?:[\w-]+\.)+[a-z]{2,}/(?:[\w-]+/)*(?:research/publications?|papers?|publications?)/[^\s)\"'<>]+",
    re.I,
)
_DOI = lazy_compile(r"\b(10\.\d{4,9}/[^\s\"'<>)}\]]+)")
_BIB_START = lazy_compile(r"^\s*@(\w+)\s*\{", re.I)
# Peer-reviewed venues, by the names citations use. A preprint server (arXiv, CoRR, bioRxiv, SSRN) or a
# "GitHub repository" / "technical report" is not a venue.
_VENUE = lazy_compile(
    r"\b(NeurIPS|NIPS|ICML|ICLR|ACL|EMNLP|NAACL|EACL|COLING|AACL|CVPR|ICCV|ECCV|WACV|AAAI|IJCAI|KDD|SIGIR|"
    r"WWW|TMLR|JMLR|COLM|Interspeech|ICASSP|TACL|FAccT|CHI|CUI|MLSys|LREC|"
    r"Proceedings of|Transactions on|Journal of|Nature|Science)\b"
)
_NOT_VENUE = lazy_compile(r"arxiv|corr|preprint|biorxiv|ssrn|github|technical report|tech\.? rep|blog", re.I)
_OWN_LINK_TEXT = lazy_compile(
    r"\[\s*\[?\s*(?:the |our |this )?(?:research paper|technical paper|arxiv paper|paper|technical report|"
    r"tech(?:nical)? report|report|preprint|accompanying paper|paper accompanying this release)"
    r"\s*(?:[:：][^\]\n]{0,200})?\]?\s*\]\(|"
    r"\*\*\s*(?:research |technical )?(?:paper|report)\s*\*\*|"
    r"(?:view|read|see)\s+(?:the|our)\s+<a[^>]*>\s*(?:paper|report)|"
    r"<a\s[^>]*>\s*(?:<b>\s*)?(?:paper(?:\s+link)?|technical report|tech report)\s*(?:</b>\s*)?"
    r"[^<\w]{0,8}</a>|"
    r"^\W*(?:paper|technical report|tech report|report|preprint)\s*[:：]",
    re.I,
)

# "welcome reading our technical report [Baichuan 2: ...](arxiv)", "欢迎阅读我们的技术报告 [...](...)",
# "技术报告：[...]": the release presents the link as its own report or paper, whatever the link text.
_OWN_PHRASE = lazy_compile(
    r"\b(?:our|this\s+(?:model'?s|release'?s|project'?s))\s+(?:(?:new|latest|full|accompanying)\s+)?"
    r"(?:research\s+|technical\s+|tech\s+)?(?:paper|report|preprint|whitepaper)\b"
    r"|我们的(?:技术报告|論文|论文)|我們的(?:技術報告|論文)|^\W*(?:技术报告|技術報告|论文|論文)\s*[:：]",
    re.I,
)
# What makes a publication a technical report rather than a research paper: the line calls it one.
_REPORT_WORDS = lazy_compile(
    r"\btechnical\s*\[?\s*report|\btech\.?\s+report|\bwhite\s?paper|技术报告|技術報告|\[\s*report\s*\]\(",
    re.I,
)
_LINK_START = lazy_compile(r"(?:\]\(|href=[\"']?)?(?:https?://|www\.)?[^\s(\"'<>\[\]]*$", re.I)
_NEAR = 160  # characters between a paper link and the words that call it "our paper" / a technical report
# A paper file named as a technical report (the rest of the release's paper files are research papers).
_REPORT_FILE = lazy_compile(r"report|technical|tech[-_]?rep|white[-_]?paper", re.I)
# Generic words of an organisation's name that say nothing about its web site.
_ORG_NOISE = frozenset(
    {"inc", "org", "labs", "lab", "team", "group", "research", "official", "the", "hq", "ai", "dev"}
)
_PAGE_HOST = lazy_compile(r"https?://([\w.-]+)/", re.I)

_ACCELERATOR = lazy_compile(
    r"\b(?:[AHLBV]100|H800|A800|H200|H20|B200|GB200|A6000|RTX\s?\d{4}|MI\d{3}X?|TPU\s?v?\d*|Gaudi\d?|"
    r"GPU[- ]?hours?|GPUs|NPUs?|Ascend\s?\d*|CPUs?)\b",
    re.I,
)
_TRAIN_WORD = lazy_compile(
    r"\b(?:trains?|trained|training|pre-?train(?:s|ed|ing)?|fine-?tun(?:es?|ed|ing)|compute)\b", re.I
)

_PUBLISHED_KINDS = ("inproceedings", "article", "incollection", "proceedings")
_CFF_VENUE = lazy_compile(r"^\s*(?:journal|conference|collection-title|name)\s*:\s*(.*)$", re.M | re.I)

# "fine-tunes LLaMA-7B with our dataset on a machine with 4 A100 80G GPUs": a training verb, then on/with/
# using, then the accelerator, in one sentence.
_TRAINED_ON = lazy_compile(
    r"\b(?:trains?|trained|training|pre-?train\w*|fine-?tun\w*)\b[^.]{0,120}?\b(?:on|with|using)\b[^.]{0,60}?"
    r"\b(?:\d+\s*(?:x\s*)?)?(?:[AHLBV]100|H800|A800|H200|B200|MI\d{3}X?|TPU|Gaudi|GPUs?|NPUs?|CPUs?)\b",
    re.I,
)

# What hardware a release runs on or will document is not what the model was trained on.
_COMPATIBILITY = lazy_compile(
    r"\bsupport(?:s|ed)?\b|\bcompatible\b|\brecommended\b|\bwatch this space\b|\bcoming soon\b|\bwill\b",
    re.I,
)

# Substrings every line a pattern can match contains (lowered): the cheap prefilter.
_PAPER_HINTS = (
    "arxiv",
    "doi",
    "eprint",
    "@",
    "aclanthology",
    "proceedings",
    "thecvf",
    "aaai",
    "jmlr",
    "/paper",
    "/publication",
)
_HOST_HINTS = (
    "aclanthology",
    "neurips.cc",
    "nips.cc",
    "mlr.press",
    "thecvf",
    "aaai.org",
    "jmlr.org",
    "acm.org",
)
_HARDWARE_HINTS = (
    "100",
    "800",
    "200",
    "h20",
    "gpu",
    "tpu",
    "npu",
    "cpu",
    "gaudi",
    "ascend",
    "mi2",
    "mi3",
    "rtx",
    "a6000",
)

_TRAINING_DOC_NAME = lazy_compile(r"train|finetun|fine-tun|pretrain|sft|data[-_]?(?:prep|process)", re.I)

_GEBRU = (
    ("motivation", lazy_re.compile(r"\bmotivation\b", re.I)),
    ("composition", lazy_re.compile(r"\bcomposition\b", re.I)),
    ("collection", lazy_re.compile(r"\bcollection\b|\bcollected\b|\bsources?\b|\bprovenance\b", re.I)),
    (
        "preprocessing",
        lazy_re.compile(r"\b(?:pre-?)?processing|cleaning|filtering|labell?ing|curation|dedup", re.I),
    ),
    ("uses", lazy_re.compile(r"\buses?\b|intended use", re.I)),
    ("distribution", lazy_re.compile(r"\bdistribution\b", re.I)),
    ("maintenance", lazy_re.compile(r"\bmaintenance\b", re.I)),
)

_LABEL = lazy_compile(r"^\s*(?:[-*]\s*)?\**([A-Z][\w /&-]{2,40}?)\**\s*:")

CARD_ASPECTS = ("architecture", "training", "data", "evaluation")


def documentation_facts(
    ctx: ReadContext, cards: Sequence[ModelCard], components: Mapping[Component, ComponentEvidence]
) -> list[Fact]:
    out: list[Fact] = []
    out.extend(publications(ctx, cards))
    doc = code_documentation(ctx, cards, components)
    # The pages that document the training code are where the training setup is written down too
    # ("The model was trained on 384 H100 GPUs" in text/pretraining/README.md), after the cards.
    out.extend(training_hardware([*cards, *_doc_pages(ctx, doc, cards)]))
    if doc is not None:
        out.append(doc)
    cov = model_card_coverage(cards, components.get(Component.MODEL_CARD))
    if cov is not None:
        out.append(cov)
    out.extend(datasheet_sections(ctx, components.get(Component.DATA_CARD)))
    return out


# --------------------------------------------------------------------------- publications


def _paper_id(text: str) -> str | None:
    got = _paper_at(text)
    return got[0] if got else None


def _paper_at(text: str) -> tuple[str, int] | None:
    """The first arXiv id or DOI in ``text`` and where it is."""
    m = _ARXIV_ID.search(text)
    if m:
        return f"arXiv:{m.group(1)}", m.start()
    d = _DOI.search(text) if "10." in text else None
    return (f"doi:{d.group(1).rstrip('.,;')}", d.start()) if d else None


def _venue(text: str) -> str | None:
    """The peer-reviewed venue a citation names, if any (``journal={arXiv preprint}`` names none)."""
    for m in _VENUE.finditer(text):
        around = text[max(0, m.start() - 40) : m.end() + 40]
        if not _NOT_VENUE.search(around):
            return m.group(1)
    return None


def _field_venue(values: Iterable[str]) -> str | None:
    """A citation's venue field (bibtex ``booktitle``/``journal``, CFF ``journal``/``conference``): a venue
    unless it names a preprint server, a repository or a report."""
    for value in values:
        text = " ".join(value.replace("{", "").replace("}", "").split())[:120]
        if len(text) >= 3 and not _NOT_VENUE.search(text):
            return text
    return None


def _bib_fields(entry: str) -> list[str]:
    """The venue-bearing fields of a bibtex entry (booktitle, journal, publisher, note)."""
    got = re.findall(
        r"\b(?:booktitle|journal|publisher|note|series)\s*=\s*[{\"](.{0,200}?)[}\"]\s*,?\s*$",
        entry,
        re.I | re.M,
    )
    return [str(g) for g in got]


@dataclass(frozen=True)
class OwnPaper:
    """A publication of the release's own: a paper or report it cites as its own, or a paper/report
    file it ships. ``report`` is where it is called a technical report (the line, or the file), if it
    is one; ``kind`` is "peer-reviewed" (a venue is named), "preprint" (arXiv or no venue) or "file"."""

    id: str
    kind: str
    venue: str | None
    how: str
    location: Location
    report: Location | None = None

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


@dataclass(frozen=True)
class Papers:
    """What the release publishes as its own, and the papers of others it merely links or cites
    (the Model Cards paper, a benchmark's, a method's, the base model's): the one answer to "which
    paper is this release's" that every framework asks (components, OSAI Index, MOF, OSAID)."""

    own: tuple[OwnPaper, ...]
    cited: tuple[tuple[str, Location], ...]  # (id, line) of papers linked but not the release's own

    @property
    def linked(self) -> tuple[OwnPaper, ...]:
        return tuple(p for p in self.own if not p.is_file)

    @property
    def files(self) -> tuple[OwnPaper, ...]:
        return tuple(p for p in self.own if p.is_file)


def is_report_file(path: str) -> bool:
    """Whether a paper file of the release is a technical report (by its name), not a research paper."""
    return _REPORT_FILE.search(path) is not None


# Components and the documentation facts both ask: the last answer is kept for the same inventory and
# the same card objects (weakly, as ``elsewhere.find_publications`` does), so the cards are read once.
_last: tuple[weakref.ref[Inventory], tuple[int, ...], Papers] | None = None


def papers(ctx: ReadContext, cards: Sequence[ModelCard]) -> Papers:
    global _last
    key = tuple(id(c) for c in cards)
    if _last is not None and _last[0]() is ctx.inventory and _last[1] == key:
        return _last[2]
    found = _papers(ctx, cards)
    _last = (weakref.ref(ctx.inventory), key, found)
    return found


def _papers(ctx: ReadContext, cards: Sequence[ModelCard]) -> Papers:
    found: dict[str, OwnPaper] = {}
    cited: dict[str, Location] = {}
    called_report: dict[str, Location] = {}  # paper id -> the first line that calls it a technical report
    org = _org_words(ctx.inventory)

    def add(pid: str, venue: str | None, loc: Location, how: str, report: Location | None) -> None:
        prev = found.get(pid)
        if prev is not None:
            if report is not None and prev.report is None:  # a bibtex entry, then "our technical report"
                found[pid] = OwnPaper(prev.id, prev.kind, prev.venue, prev.how, prev.location, report)
            if prev.venue or not venue:
                return
            report = report or prev.report
        if not venue and not pid.startswith(("arXiv:", "http")):
            return  # a blog post, a repository or a software archive cited: not a paper
        kind = "peer-reviewed" if venue else "preprint"  # a paper without a venue is an unreviewed one
        found[pid] = OwnPaper(pid, kind, venue, how, loc, report)

    for card in cards:
        lines = card.lines
        cite_spans = [s.lines for s in card.sections if "citation" in s.kinds]
        done = -1  # last line of the bibtex entry read, so its lines are not read again
        for i in _candidates(card, _PAPER_HINTS):
            line = lines[i]
            if i <= done or len(line) > MAX_LINE:
                continue
            if _BIB_START.match(line):
                j = i
                depth = 0
                while j < len(lines) and j < i + BIBTEX_LINES:
                    depth += lines[j].count("{") - lines[j].count("}")
                    if depth <= 0 and j > i:
                        break
                    j += 1
                entry = "\n".join(lines[i : j + 1])[: BIBTEX_LINES * 200]
                kind = _BIB_START.match(line).group(1).lower()  # type: ignore[union-attr]
                venue = _field_venue(_bib_fields(entry)) if kind in _PUBLISHED_KINDS else None
                pid = _paper_id(entry) or _bib_key(line)
                if pid:
                    loc = Location(card.path, (i + 1, j + 1))
                    report = loc if kind == "techreport" or _REPORT_WORDS.search(entry) else None
                    add(pid, venue, loc, "bibtex entry", report)
                done = j
                continue
            low = line.lower()
            at = _paper_at(line) if ("arxiv" in low or "doi" in low or "eprint" in low) else None
            pid, pos = at if at else (None, 0)
            venue = None
            maker = False
            if pid is None and "://" in line:
                if any(h in low for h in _HOST_HINTS) and (m := _REVIEWED_HOST.search(line)):
                    pid, pos, venue = m.group(0), m.start(), m.group(1)
                elif ("/paper" in low or "/publication" in low) and (m := _MAKER_PAPER.search(line)):
                    pid, pos, maker = m.group(0), m.start(), True
            if not pid:
                continue
            loc = Location(card.path, (i + 1, i + 1))
            near = line[max(0, pos - _NEAR) : pos + _NEAR]
            if pid not in called_report and _REPORT_WORDS.search(near):
                called_report[pid] = loc  # "<a href=arxiv>Yi Tech Report</a>": a report, whoever's
            in_cite = any(a <= i + 1 <= b for a, b in cite_spans)
            how = _own_how(line, pos, in_cite, maker and _on_org_site(pid, org))
            if how is None:
                if len(cited) < MAX_CITED:
                    cited.setdefault(pid, loc)
                continue
            add(pid, venue or _venue(line), loc, how, called_report.get(pid))
    for it in ctx.inventory.by_role(Role.CITATION)[:2]:
        text = ctx.read(it.entry.path, CITATION_LIMIT)
        if text is None:
            continue
        pid = _paper_id(text)
        if pid:
            venue = _field_venue(_CFF_VENUE.findall(text))
            add(pid, venue, Location(it.entry.path), "CITATION.cff", None)
    # An own paper another line calls a technical report ("📝 Check out <a href=...>Yi Tech Report</a>"
    # beside the bibtex entry) is one.
    linked = [
        p if p.report is not None or p.id not in called_report else OwnPaper(
            p.id, p.kind, p.venue, p.how, p.location, called_report[p.id]
        )
        for p in list(found.values())[:MAX_PUBLICATIONS]
    ]
    files = [
        OwnPaper(
            it.entry.path,
            "file",
            None,
            "file in the release",
            Location(it.entry.path),
            Location(it.entry.path) if is_report_file(it.entry.path) else None,
        )
        for it in ctx.inventory.by_role(Role.PAPER)[:MAX_PAPER_FILES]
    ]
    own_ids = {p.id for p in linked}
    others = tuple((pid, loc) for pid, loc in cited.items() if pid not in own_ids)
    return Papers(tuple(linked + files), others)


# "The Pythia number comes from their [paper](...)": someone else's paper, whatever the link text.
_THEIR = lazy_compile(r"\b(?:their|his|her)\s*$", re.I)


def _in_parentheses(before: str) -> bool:
    """A "[paper](...)" link inside parentheses after something's name is that thing's paper: "LoRA
    ([paper](...))", "Megatron-LM GPT2 (see [paper](...), [code](...))", "(`StableEmbedding`; see
    [code](...), [paper](...))". Markdown links before it close their own parentheses."""
    return before.count("(") > before.count(")")


def _own_how(line: str, pos: int, in_cite: bool, org_site: bool) -> str | None:
    """How a line presents the paper link at ``pos`` as the release's own, or None (someone else's).
    "our paper" counts only just before the link it names: "please refer to the number in our paper"
    after a link to Google's IFEval does not make IFEval the release's paper."""
    if in_cite:
        return "citation section"
    m = _OWN_LINK_TEXT.search(line)
    if (
        m is not None
        and not (m.group(0).startswith("[") and _in_parentheses(line[: m.start()]))
        and not _THEIR.search(line[max(0, m.start() - 24) : m.start()])
    ):
        return "linked as this release's paper"
    before = line[max(0, pos - _NEAR) : pos]
    phrases = list(_OWN_PHRASE.finditer(before))
    if phrases:
        # Between the phrase and this link: the link's own text and scheme, no other link.
        between = _LINK_START.sub("", before[phrases[-1].end() :])
        if "://" not in between and "](" not in between:
            return "called the release's own paper or report"
    if org_site:
        return "a paper page on the release's own organisation's site"
    return None


def _org_words(inventory: Inventory) -> frozenset[str]:
    """Words of the organisation that publishes the release (``meta-llama`` -> meta, llama), from the hub
    id or the target (``org/name``, a git URL, a corpus directory ``org__name``)."""
    snap = inventory.snapshot
    target = snap.target.rstrip("/").removesuffix(".git")
    if snap.hub is not None and "/" in snap.hub.repo_id:
        org = snap.hub.repo_id.split("/")[0]
    elif "://" in target or target.startswith(("git@", "hf:")):
        parts = re.split(r"[/:]", target)
        org = parts[-2] if len(parts) >= 2 else ""
    else:  # a directory: a checkout named org__name (as the corpus names them), else no organisation
        base = posixpath.basename(target.replace("\\", "/"))
        org = base.split("__", 1)[0] if "__" in base else ""
    words = {w for w in re.split(r"[^a-z0-9]+", org.lower()) if len(w) >= 3}
    return frozenset(words - _ORG_NOISE)


def _on_org_site(url: str, org: frozenset[str]) -> bool:
    """A maker's paper page on the release's own organisation's site (ai.meta.com for meta-llama)."""
    m = _PAGE_HOST.match(url) if org else None
    if m is None:
        return False
    labels = m.group(1).lower().split(".")
    return bool(org.intersection(labels[:-1]))


def publications(ctx: ReadContext, cards: Sequence[ModelCard]) -> list[Fact]:
    """The release's own papers (not its files) as ``publication`` facts, and the papers it only links
    as ``cited_paper`` facts (the OSAI Index's preprint reads "linked, not its own" as unknown)."""
    got = papers(ctx, cards)
    out = [
        Fact(
            "publication",
            {"id": p.id, "kind": p.kind, "venue": p.venue, "own": p.how, "report": p.report is not None},
            p.location,
        )
        for p in got.linked
    ]
    out.extend(Fact("cited_paper", {"id": pid}, loc) for pid, loc in got.cited)
    return out


def _candidates(card: ModelCard, hints: Sequence[str]) -> list[int]:
    """Body lines (0-based, fenced code included: bibtex lives in fences) holding one of ``hints``, found
    by substring search on the lowered text; the patterns then run on those lines only (Python's ``re`` on
    every line of a 20,000-line card costs seconds)."""
    index = card.index
    if index is not None:
        lower, starts = index.lower, index.starts
    else:
        lower = "\n".join(card.lines).lower()
        starts, pos = [], 0
        for line in card.lines:
            starts.append(pos)
            pos += len(line) + 1
    found: set[int] = set()
    for hint in hints:
        pos = lower.find(hint)
        while pos >= 0 and len(found) < MAX_CANDIDATES:
            line_no = bisect_right(starts, pos) - 1
            found.add(line_no)
            nxt = starts[line_no + 1] if line_no + 1 < len(starts) else len(lower)
            pos = lower.find(hint, nxt)  # the next line: one candidate per line and hint
    first = card.body_start - 1
    return sorted(i for i in found if i >= first)


def _bib_key(line: str) -> str | None:
    """A bibtex entry without an arXiv id or DOI: identified by its key (it may still name a venue)."""
    m = re.match(r"^\s*@\w+\s*\{\s*([^,\s]+)", line)
    return f"bibtex:{m.group(1)}" if m else None


# --------------------------------------------------------------------------- hardware


def _doc_pages(ctx: ReadContext, doc: Fact | None, cards: Sequence[ModelCard]) -> list[ModelCard]:
    """The README/docs pages that document training or data-processing code (not the cards), parsed."""
    if doc is None or not isinstance(doc.value, Mapping):
        return []
    seen = {c.path for c in cards}
    paths: list[str] = []
    for step in doc.value.values():
        for where in (step.get("where") or ()) if isinstance(step, Mapping) else ():
            path = str(where).split(":", 1)[0]
            if path not in seen and path not in paths:
                paths.append(path)
    out: list[ModelCard] = []
    for path in paths[:MAX_DOC_PAGES]:
        text = ctx.read(path, DOC_LIMIT)
        if text is not None:
            out.append(parse_card(text, path))
    return out


def training_hardware(cards: Sequence[ModelCard]) -> list[Fact]:
    out: list[Fact] = []
    for card in cards:
        hw_spans = [s.lines for s in card.sections if "hardware" in s.kinds]
        train_spans = [s.lines for s in card.sections if "training" in s.kinds]
        for i in _candidates(card, _HARDWARE_HINTS):
            line = card.lines[i]
            if len(line) > MAX_LINE or not _ACCELERATOR.search(line) or _COMPATIBILITY.search(line):
                continue  # "supports fine-tuning on Ascend NPU" says what it runs on, not what it ran on
            n = i + 1
            in_hw = any(a <= n <= b for a, b in hw_spans)
            in_train = any(a <= n <= b for a, b in train_spans)
            if in_hw or (in_train and _TRAIN_WORD.search(line)) or _TRAINED_ON.search(line):
                text = " ".join(line.split())[:160]
                out.append(Fact("training_hardware", text, Location(card.path, (n, n))))
                if len(out) >= MAX_HARDWARE:
                    return out
    return out


# --------------------------------------------------------------------------- code documentation


def code_documentation(
    ctx: ReadContext, cards: Sequence[ModelCard], components: Mapping[Component, ComponentEvidence]
) -> Fact | None:
    """Per code component (training, data processing): how many of its files are documented, and where.

    A file is documented when a card names it (``python train.py``), a README or docs page sits beside it
    or in a folder above it (below the root: the root README is the card), or a docs page is about training.
    """
    inv = ctx.inventory
    doc_dirs: dict[str, str] = {}
    for it in inv.by_role(Role.README, Role.DOCS, Role.MODEL_CARD, Role.DATA_CARD):
        d = posixpath.dirname(it.entry.path)
        if d and it.entry.path.lower().endswith((".md", ".rst", ".txt", ".html")):
            doc_dirs.setdefault(d, it.entry.path)
    training_pages = [
        it.entry.path
        for it in inv.by_role(Role.DOCS, Role.README)
        if _TRAINING_DOC_NAME.search(posixpath.basename(it.entry.path))
    ][:MAX_DOC_FILES]
    exts = {
        posixpath.splitext(p)[1].lower()
        for c in (Component.TRAINING_CODE, Component.DATA_PREPROCESSING_CODE)
        for p in _paths(components.get(c))
    }
    named = _named_files(cards, exts)
    value: dict[str, dict[str, object]] = {}
    first: Location | None = None
    budget = MAX_CODE_FILES
    for comp in (Component.TRAINING_CODE, Component.DATA_PREPROCESSING_CODE):
        ev = components.get(comp)
        if ev is None:
            continue
        paths = _paths(ev)[: max(0, budget)]
        budget -= len(paths)
        if not paths:
            continue
        documented: dict[str, Location] = {}
        for p in paths:
            where = _documented_by(p, named, doc_dirs, training_pages)
            if where is not None:
                documented[p] = where
        if first is None and documented:
            first = next(iter(documented.values()))
        value[str(comp)] = {
            "documented": len(documented),
            "total": len(paths),
            "where": sorted({str(loc) for loc in documented.values()})[:5],
            "undocumented": [p for p in paths if p not in documented][:5],
        }
    if not value:
        return None
    return Fact("code_documentation", value, first or Location(key="code_documentation"))


def _paths(ev: ComponentEvidence | None) -> list[str]:
    if ev is None:
        return []
    return list(dict.fromkeys(loc.path for loc in ev.locations if loc.path and not loc.declared))


def _named_files(cards: Sequence[ModelCard], exts: set[str]) -> dict[str, Location]:
    """File names (with one of ``exts``) the cards name, each with the first line naming it: one pass over
    each card, so checking hundreds of scripts costs no more than checking one."""
    exts = {e for e in exts if re.fullmatch(r"\.\w{1,8}", e)}
    if not exts:
        return {}
    # Through the code cache (lazy_re.compile): with IGNORECASE the \w classes cost ~0.6 ms to compile,
    # in every process, and most releases ask for the same few extensions.
    rx = cached_compile(
        r"(?<![\w.-])([\w.-]{1,120}(?:" + "|".join(re.escape(e) for e in sorted(exts)) + r"))(?![\w-])", re.I
    )
    out: dict[str, Location] = {}
    # A match starts where a run of [\w.-] does (the lookbehind) and ends inside it, so it never
    # spans a line and holds one of the extensions: with ASCII extensions (fold is exact for them)
    # only the lines holding one are searched, in order, for the same matches in the same order
    # (the pattern tried every word of every card: ~5 ms on llama-models).
    lines_holding = sorted(exts) if all(e.isascii() for e in exts) else None
    for card in cards:
        if lines_holding is not None:
            index = card.index or LineIndex(card.lines, 1)
            for i in index.containing(lines_holding):
                for m in rx.finditer(card.lines[i]):
                    name = m.group(1).rsplit("/", 1)[-1]
                    if name not in out:
                        out[name] = Location(card.path, (i + 1, i + 1))
                    if len(out) >= MAX_NAMED:
                        return out
            continue
        text = "\n".join(card.lines)
        for m in rx.finditer(text):
            name = m.group(1).rsplit("/", 1)[-1]
            if name not in out:
                line = text.count("\n", 0, m.start()) + 1
                out[name] = Location(card.path, (line, line))
            if len(out) >= MAX_NAMED:
                return out
    return out


def _documented_by(
    path: str, named: Mapping[str, Location], doc_dirs: Mapping[str, str], training_pages: Sequence[str]
) -> Location | None:
    base = posixpath.basename(path)
    if len(base) >= 5 and base in named:
        return named[base]
    d = posixpath.dirname(path)
    while d:
        if d in doc_dirs:
            return Location(doc_dirs[d])
        d = posixpath.dirname(d)
    return Location(training_pages[0]) if training_pages else None


# --------------------------------------------------------------------------- model card and datasheet


def model_card_coverage(cards: Sequence[ModelCard], card_ev: ComponentEvidence | None) -> Fact | None:
    if card_ev is None:
        return None
    paths = {loc.path for loc in card_ev.locations if loc.path}
    for card in cards:
        if card.path in paths:
            covers = sorted({k for s in card.sections for k in s.kinds} & set(CARD_ASPECTS))
            value = {"path": card.path, "covers": covers, "metadata": bool(card.front_matter)}
            return Fact("model_card_coverage", value, Location(card.path))
    return None


def datasheet_sections(ctx: ReadContext, sheet: ComponentEvidence | None) -> list[Fact]:
    if sheet is None:
        return []
    out: list[Fact] = []
    seen: set[str] = set()
    for loc in sheet.locations:
        p = loc.path
        if not p or p in seen or loc.lines or not p.lower().endswith((".md", ".rst", ".txt")):
            continue  # a span inside the model card is not a datasheet file
        seen.add(p)
        if len(seen) > MAX_DATA_CARDS:
            break
        text = ctx.read(p, DOC_LIMIT)
        if text is None:
            continue
        card = parse_card(text, p)
        # Headings, and the "Label: ..." lines short datasheets use instead ("Provenance: written by hand.")
        labels = [m.group(1) for line in card.lines[:2000] if (m := _LABEL.match(line))]
        titles = " | ".join([*(s.title for s in card.sections), *labels])
        found = [name for name, rx in _GEBRU if rx.search(titles)]
        out.append(Fact("datasheet_sections", {"path": p, "sections": found}, Location(p)))
    return out


__all__ = ["documentation_facts"]
