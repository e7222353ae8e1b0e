"""What prose says: self-descriptions, licence statements per component, licence links and
badges, and stated facts (parameters, training tokens, hardware), each with its line.

Regular expressions over lines, on purpose: cards and READMEs are short, the phrases are
few and formulaic, and every hit needs its line number for the report.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

from openness import lazy_re
from openness.lazy_re import Regex, lazy_compile
from openness.model import Claim, ClaimKind, ClaimSubject, Fact, Location

# ---------------------------------------------------------------- "open source" claims

# A claim is a sentence saying that a part of *this* release is open source, and what that part is
# (its subject). Most "open source" phrases in READMEs are not that: thanks to other projects,
# promises ("we will open source the dataset"), comparisons ("outperforms other open-source
# models"), third-party tools ("TensorRT-LLM is an open-source inference engine"), negations. Those
# are dropped here, so the findings weigh only claims about the release, each against the terms of
# the part it names (``frameworks/findings.py``). Labelled cases: tests/data/openwashing_claims.yaml.
_OPEN_PHRASE = lazy_compile(
    r"\bopen[- ]?sourc(?:e|ed|es|ing)\b"
    r"|\b(?:fully|truly|completely|totally|100%)[- ]open(?:[- ]?sourc(?:e|ed|ing))?\b"
    r"(?![- ]?(?:to|for|weights?|access)\b)"
    r"|\bopen[- ]licen[cs]e[ds]?\b"
    r"|开源|開源",  # "开源协议" (open-source licence) is read like "open licence" below
    re.I,
)
_OPEN_HINTS = ("open", "开源", "開源")
MAX_OPEN_PHRASES_PER_LINE = 32  # "open source" phrases read per line; a line repeating it more is noise
_WINDOW = 200  # characters either side of a phrase that decide its subject
_LONG_LINE = 4 * _WINDOW  # longer lines are read only in windows around their phrases
# Sentence ends (ASCII followed by a space, CJK without) and clause breaks that change the subject.
_SENTENCE_END = lazy_compile(r"(?<=[.!?])\s+(?=[A-Z*\[`(<\"'])|(?<=[。！？；;])|\s+\|\s+")
# Blanked before reading (same length, so columns hold): HTML tags ("<code>Yi-9B</code>" is no code),
# link targets, bare URLs and e-mail addresses ("github.com/jd-opensource", "opensource@...").
# A link keeps its text, blanked around: "its [open-source](https://...) evaluation" reads as prose.
_LINK_IN_PROSE = lazy_compile(r"(?<!!)\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_NOISE_NOT_EMAIL = r"!\[[^\]\n]{0,200}\]\([^)\s]{0,500}\)|<[^>\n]{0,200}>|\b(?:https?://|www\.)\S+"
_NOISE = lazy_compile(_NOISE_NOT_EMAIL + r"|[^\s@]{1,64}@[^\s@]{1,255}\.\w+")
# The same without the e-mail alternative, for a line without "@" (where it cannot match): that
# alternative starts with a character class, so the engine tries it at every position of the line.
_NOISE_NO_AT = lazy_compile(_NOISE_NOT_EMAIL)
_CLAUSE_BREAK = lazy_compile(
    r",?\s+(?:but|while|whereas|although|however)\b|;|，|但是"
    r"|,\s+and\s+(?=(?:the|our|its)\s+(?:[\w-]+\s+){0,3}(?:is|are|was|were|remains?|will|has|have)\b)",
    re.I,
)
_NEGATION_BEFORE = lazy_compile(
    r"(?:\b(?:not|never|no longer|non|nor|neither)|n't)[\s-]+"
    r"(?:(?:yet|been|be|fully|truly|an?|the)[\s-]+){0,3}$"
    r"|(?:不|未|非|没有|並非|并非|尚未)$",
    re.I,
)
_THANKS = lazy_compile(
    r"\b(?:thanks?|thankful|grateful|gratitude|credits?|acknowledg\w*|appreciat\w*|indebted|kudos)\b"
    r"|感谢|感謝|致谢|致謝|鸣谢",
    re.I,
)
_FUTURE_BEFORE = lazy_compile(
    r"\b(?:will|shall|plan(?:s|ned|ning)?\s+to|going\s+to|intend\w*\s+to|aim\w*\s+to|hope\s+to|"
    r"expect\w*\s+to|to\s+be|would|could|soon|later|upcoming|in\s+the\s+(?:near\s+)?future)\b"
    r"|'ll\b",
    re.I,
)
# "将" is also the object marker: "我们将模型参数……进行了开源" (we have open-sourced the parameters).
# A "了" after the marker means it is done, not promised.
_FUTURE_BEFORE_ZH = lazy_compile(
    r"(?:即将|将会|将|計劃|计划|后续|後續|未来|未來|准备|準備|预计|会)[^了]*$"
)
_FUTURE_AFTER = lazy_compile(
    r"^\W*(?:\w+\W+){0,6}?(?:soon|later|in\s+the\s+(?:near\s+|coming\s+)?future|upon\s+(?:publication|acceptance)|"
    r"after\s+(?:the\s+)?(?:paper|review|publication))\b|^[^。！？]{0,12}(?:敬请期待|即将|后续)",
    re.I,
)
# Someone else's project: a comparison, a borrowed tool, the "open-source community".
_COMPARE_BEFORE = lazy_compile(
    r"\b(?:other|existing|many|most|leading|popular|prior|previous|mainstream|competing|similar|"
    r"comparable|various|several|outperform\w*|surpass\w*|beat\w*|exceed\w*|than|compared|comparison|"
    r"among|amongst|vs\.?|versus|rival\w*|against|match(?:es|ing)?|like|such\s+as|including|top)\b"
    r"|优于|優於|超越|超过|超過|相比|对比|對比|比肩|媲美|领先|領先|其他|其它|现有|現有|主流|同尺寸|同等|同规模|众多|一众"
    r"|大部分|大多数|多数|许多|很多|各种|多种|不同|所有|前沿|更多|一些",
    re.I,
)
_BORROWED_BEFORE = lazy_compile(
    r"\b(?:with|using|uses?|used|via|from|into|based\s+on|built\s+(?:up)?on(?:\s+top\s+of)?|"
    r"powered\s+by|leverag\w*|integrat\w*|adopt\w*|relies\s+on|supports?)\s+(?:(?:the|an?|other|some|all|"
    r"popular|existing|many)\s+)?(?:[\w.-]+\s+)?$|(?:基于|基於|采用|採用|使用|借助|利用)了?(?:其|它的|它们的)?\s*$",
    re.I,
)
_THIRD_PARTY_AFTER = lazy_compile(
    r"^[\s-]*(?:(?!(?:our|its|their|for|to|the|an?|on|in|at|by|with|and|of|under)\b)[\w.+-]+[\s-]+){0,2}?"
    r"(?:communit(?:y|ies)|ecosystems?|world|movement|spirit|contributors?|"
    r"developers?|efforts?|initiatives?|platforms?|engines?|tools?|toolchains?|alternatives?|counterparts?|"
    r"baselines?|competitors?|peers?|solutions?|servers?|backends?|inference\s+engines?)\b"
    r"|^\s*(?:社区|社區|生态|生態|工具|平台|引擎)|^\s*大?模型(?:中|里|之中)"
    r"|^[^，。；,;]{0,12}?(?:平台|社区|社區|生态|生態|引擎|服务)",
    re.I,
)
_GENERIC_PLURAL_AFTER = lazy_compile(
    r"^[\s-]*(?!(?:our|the|an?|its|their|these|this|all|two|three|several)\b)(?:[\w.-]+[\s-]+){0,2}?"
    r"(?:models|llms|alternatives|projects|repos|weights|datasets|corpora|checkpoints|librar(?:y|ies)|frameworks)\b",
    re.I,
)
_SELF_DETERMINER_BEFORE = lazy_compile(
    r"\b(?:our|these|this|its|their|(?:series|family|collection|suite|generation)\s+of|we(?:'ve|\s+have)?\s+\w+)\s+"
    r"(?:[\w.-]+\s+){0,2}$|我们的|我們的",
    re.I,
)
_OBJECT_END = lazy_compile(
    r"\b(?:we|that|which|who|to|for|used|with|on|in|from|under|at|by|so|as|is|are|was|were)\b", re.I
)
_LINK_SUBJECT = lazy_compile(
    r"^\W*\[[^\]]+\]\((?:https?:)?//[^)]*\)\s*(?:\([^)]*\)\s*)?(?:is|are|was|provides)\b", re.I
)
_SUBJECT_WORDS: tuple[tuple[ClaimSubject, re.Pattern[str]], ...] = (
    (
        ClaimSubject.WEIGHTS,
        lazy_re.compile(
            r"\b(?:(?:model\s+)?weights?|checkpoints?|(?<!billion )(?<!million )parameters|params)\b"
            r"|权重|權重|(?<!亿)参数(?!规模|量)|參數",
            re.I,
        ),
    ),
    (
        ClaimSubject.DATA,
        lazy_re.compile(
            r"\b(?:data(?:sets?)?|corpus|corpora|benchmarks?|annotations?)\b(?!\s+(?:processing|pipeline)\s+code)"
            r"|数据|數據|语料|語料",
            re.I,
        ),
    ),
    (
        ClaimSubject.CODE,
        lazy_re.compile(
            r"\b(?:code(?:base)?|scripts?|implementations?|librar(?:y|ies)|frameworks?|toolkits?|software|"
            r"training\s+recipes?|packages?|repo(?:sitory|sitories)?)\b|代码|代碼|脚本|腳本|仓库|倉庫",
            re.I,
        ),
    ),
    (
        ClaimSubject.MODEL,
        lazy_re.compile(
            r"\b(?:models?|llms?|vlms?|mllms?|series|family|versions?|variants?|chatbots?|networks?|"
            r"transformers?)\b|模型|系列|版本",
            re.I,
        ),
    ),
    (  # parts of someone else's, or not parts of a model release: never judged
        ClaimSubject.OTHER,
        lazy_re.compile(
            r"\b(?:tools?|toolchains?|safeguards?|platforms?|engines?|demos?|apps?|plugins?)\b", re.I
        ),
    ),
    (
        ClaimSubject.RELEASE,
        lazy_re.compile(
            r"\b(?:(?:this|the|our)\s+(?:release|project|repo(?:sitory)?|work)|project|everything|"
            r"all\s+(?:of\s+)?(?:our|the)\s+(?:artifacts|components))\b|项目|項目|全部",
            re.I,
        ),
    ),
)
# A results or comparison table: an "open source" cell is about the row's model, which is this
# release's only when the row says so (bold, "ours", the card's title word).
_OPEN_CELL = lazy_compile(
    r"^(?:[✅✓✔️\s]*)(?:开源|開源|open[- ]?source(?:d)?|open|yes\s*\(open[- ]?source\))(?:[✅✓✔️\s]*)$", re.I
)
_OURS = lazy_compile(r"\*\*|__|\bours\b|\bour\s+model\b|本模型|我们|我們|本文", re.I)
_TABLE_RULE = lazy_compile(r"^\s*\|?\s*:?-{3,}")


# ---------------------------------------------------------------- whose model a sentence is about

# A model's name as READMEs write it: a capitalised word with a version or size attached ("GLM-4-9B",
# "Qwen2.5-7B", "ChatGLM3-6B", "Llama-2", "DeepSeek-V3", "Yi-34B"). Bare words ("Falcon") are too
# ambiguous to tell from prose; names with a space before the number ("Llama 2") are left too.
_MODEL_NAME = lazy_compile(
    r"(?<![A-Za-z0-9./_-])([A-Z][A-Za-z]{1,24}[-_]?[vV]?\d+(?:\.\d+)?(?:[-_.][A-Za-z0-9]+){0,4})(?![A-Za-z0-9/])"
)
# Names of the same shape that are not models: licences, hardware, languages, tools, document parts.
_NOT_MODEL_STEMS = frozenset(
    {
        "apache", "gpl", "agpl", "lgpl", "mpl", "epl", "bsd", "cddl", "osl", "afl", "openrail", "cc", "ccby",
        "rtx", "gtx", "mi", "tpu", "tpuv", "gaudi", "ascend", "xeon", "epyc", "python", "py", "cuda", "cudnn",
        "pytorch", "torch", "ubuntu", "centos", "debian", "windows", "macos", "ios", "android", "node", "gcc",
        "java", "step", "stage", "table", "figure", "fig", "section", "phase", "top", "pass", "layer",
        "round", "version", "v", "utf", "sha", "fp", "bf", "int", "float", "e", "h", "a", "x", "nccl",
        "nvfp", "mxfp", "awq", "gptq", "gguf", "ggml", "q", "w", "sm", "compute",
    }
)
# The sentence's subject is this release's model whatever else it names ("Unlike Llama-2-70B, our model
# is open source").
_OURS_BEFORE = lazy_compile(
    r"\b(?:our|this)\s+(?:[\w.-]+\s+){0,2}$|我们的\S{0,6}$|我們的\S{0,6}$|本模型", re.I
)
_OBJECT_REACH = 24  # characters after a phrase where its object's name starts ("we open-source GLM-4-9B")
MAX_HEADINGS = 64  # headings read for the release's own model names
HEADING_LINES = 4000  # lines of a card searched for those headings
_HEADING = lazy_compile(r"^\s{0,3}(#{1,3})\s+(.*)$")


def _norm_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _family(name: str) -> str:
    """A model name's family: its letters and first version number ("GLM-4-0414" and "GLM-4-9B" are
    "glm4"; "Qwen2.5-7B" is "qwen2.5", not "qwen2"; "ChatGLM3-6B" is "chatglm3")."""
    m = re.match(r"([A-Za-z]+)[-_]?[vV]?(\d+(?:\.\d+)?)", name)
    return f"{m.group(1).lower()}{m.group(2)}" if m else name.lower()


def own_names(lines: Sequence[str], first: int = 0, index: LineIndex | None = None) -> frozenset[str]:
    """The names a card gives its own model (normalised: lowercase letters and digits): every word of
    its first level-1 heading ("# ChatGLM3", "# Baichuan 2"), and the families of the model names in its
    headings, marked "=" ("# GLM-4-0414 Model Series": GLM-4). Empty when the card has no heading: then no
    claim or fact is set aside for naming another model. ``index``: the lines' ``LineIndex``, to visit
    only the lines holding "#" (a heading's mark) instead of every line."""
    out: set[str] = set()
    seen_h1 = False
    headings = 0
    end = first + HEADING_LINES
    if index is not None and index.lines is lines:
        marked: Iterable[str] = (lines[i] for i in index.holding(("#",), first) if i < end)
    else:
        marked = lines[first:end]
    for line in marked:
        if not line.startswith(("#", " #", "  #", "   #")):
            continue
        m = _HEADING.match(line)
        if m is None:
            continue
        headings += 1
        if headings > MAX_HEADINGS:
            break
        title = m.group(2)[:200]
        if len(m.group(1)) == 1 and not seen_h1:
            seen_h1 = True
            words = (_norm_name(t) for t in re.findall(r"[A-Za-z][\w.-]*", title))
            out.update(w for w in words if len(w) >= 2)
        out.update("=" + _family(n.group(1)) for n in _MODEL_NAME.finditer(title))
    return frozenset(out)


def other_model(text: str, own: frozenset[str]) -> str | None:
    """A model name in ``text`` that is not the release's own (``own_names``), when ``text`` names none of
    the release's own: "GLM-4-9B is open-sourced" in ChatGLM3's README is about GLM-4. None when the own
    names are unknown (no heading) or the text names the release's own model too."""
    if not own:
        return None
    other = None
    for m in _MODEL_NAME.finditer(text):
        name = m.group(1)
        stem = re.match(r"[A-Za-z]+", name)
        if stem is None or stem.group(0).lower() in _NOT_MODEL_STEMS:
            continue
        norm, family = _norm_name(name), "=" + _family(name)
        if family in own or any(norm.startswith(o) for o in own if not o.startswith("=")):
            return None
        other = other or name
    return other


def open_claims(text: str, own: frozenset[str] = frozenset()) -> list[tuple[int, str, ClaimSubject]]:
    """(column, phrase, subject) of every claim in one line of prose that a part of this release is
    open source. One claim per subject a sentence names ("the weights and the code"). ``own``: the
    release's own model names (``own_names``); a claim whose subject is another model named in the
    sentence ("we released the open-source GLM-4-9B" in ChatGLM3's README) is not this release's."""
    if len(text) > _LONG_LINE:
        return _long_line_claims(text, own)
    out: list[tuple[int, str, ClaimSubject]] = []
    pos = 0
    seen = 0
    raw = text
    if "[" in text:  # a link needs one
        text = _LINK_IN_PROSE.sub(_link_text, text)
    text = (_NOISE if "@" in text else _NOISE_NO_AT).sub(lambda m: " " * len(m.group(0)), text)
    for sentence in _SENTENCE_END.split(text):
        start = text.find(sentence, pos) if sentence else pos
        pos = max(pos, start + len(sentence))
        if not sentence or not _OPEN_PHRASE.search(sentence) or _THANKS.search(sentence):
            continue
        if _LINK_SUBJECT.search(raw[start : start + len(sentence)]):
            continue  # "[TensorRT-LLM](https://...) is an open-source inference engine": someone else's
        taken: set[ClaimSubject] = set()
        for clause_start, clause in _clauses(sentence):
            for m in _OPEN_PHRASE.finditer(clause):
                seen += 1
                if seen > MAX_OPEN_PHRASES_PER_LINE:
                    return out
                # Every pattern reads a bounded window around the phrase: a 100 KB line costs
                # no more per phrase than a short one.
                lo = max(0, m.start() - _WINDOW)
                near = clause[lo : m.end() + _WINDOW]
                m = _OPEN_PHRASE.match(near, m.start() - lo) or m
                subjects = _claim_subjects(near, m, own) if m.string is near else []
                for subject in subjects:
                    if subject in taken:
                        continue
                    taken.add(subject)
                    out.append((start + clause_start + lo + m.start(), _phrase(near, m), subject))
    return out


def _link_text(m: re.Match[str]) -> str:
    return " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1)


def _long_line_claims(text: str, own: frozenset[str] = frozenset()) -> list[tuple[int, str, ClaimSubject]]:
    """A very long line (minified HTML, a hostile card) is read only around its first phrases, each
    segment like a line of its own: the cost is bounded by the phrases read, not the line's size."""
    out: dict[tuple[int, ClaimSubject], str] = {}
    for n, m in enumerate(_OPEN_PHRASE.finditer(text)):
        if n >= MAX_OPEN_PHRASES_PER_LINE:
            break
        lo = max(0, m.start() - _WINDOW)
        for col, phrase, subject in open_claims(text[lo : m.end() + _WINDOW], own):
            out.setdefault((lo + col, subject), phrase)
    return [(col, phrase, subject) for (col, subject), phrase in sorted(out.items())]


def _clauses(sentence: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    last = 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        out.append((last, sentence[last : m.start()]))
        last = m.end()
    out.append((last, sentence[last:]))
    return out


def _claim_subjects(clause: str, m: re.Match[str], own: frozenset[str] = frozenset()) -> list[ClaimSubject]:
    """What the phrase ``m`` says is open source, or [] when it is no claim about this release."""
    before, after = clause[: m.start()], clause[m.end() :]
    near = before[-60:]
    if own and not _OURS_BEFORE.search(before[-40:]) and other_model(near + " " + after[:_OBJECT_REACH], own):
        return []  # its subject (just before the phrase, or its object) is another model, by name
    if _NEGATION_BEFORE.search(before[-30:]) or _FUTURE_BEFORE.search(near) or _FUTURE_AFTER.search(after):
        return []
    if _FUTURE_BEFORE_ZH.search(before[-20:]) and not after.startswith("了"):
        return []
    if _COMPARE_BEFORE.search(near) or _BORROWED_BEFORE.search(before[-40:]):
        return []
    if _THIRD_PARTY_AFTER.search(after):
        return []
    adjective = re.search(r"sourc(?:e|es)$|open$", m.group(0), re.I) is not None
    if adjective and _GENERIC_PLURAL_AFTER.search(after) and not _SELF_DETERMINER_BEFORE.search(before[-50:]):
        return []  # "open-source models are catching up": models in general
    if re.match(r"open[- ]licen", m.group(0), re.I) or re.match(r"\s*(?:协议|協議|许可|許可)", after):
        return [ClaimSubject.RELEASE]  # "## Open licence": the licence section covers the release
    # The object of "we open-source X" follows the phrase; the subject of "X is open source" comes
    # before it; only then the rest of the clause.
    found: list[ClaimSubject] = []
    for window in (_object(after), before[-60:], clause):
        found = [s for s, rx in _SUBJECT_WORDS if rx.search(window)]
        if found:
            break
    if ClaimSubject.OTHER in found:
        found.remove(ClaimSubject.OTHER)
        if not found:
            return []  # "our Purple Llama tools are open sourced": not a part of this release
    if ClaimSubject.WEIGHTS in found and ClaimSubject.MODEL in found:
        found.remove(ClaimSubject.MODEL)  # "the model weights": the weights
    if ClaimSubject.RELEASE in found and len(found) > 1:
        found.remove(ClaimSubject.RELEASE)
    return found or [ClaimSubject.MODEL]  # "Yi-9B is open-sourced": a release names its model


def _object(after: str) -> str:
    """What follows the phrase up to where its noun phrase ends ("the code | we used to train the
    model", "the weights | on Hugging Face")."""
    head = after[:60]
    end = _OBJECT_END.search(head)
    return head[: end.start()] if end else head


def _phrase(clause: str, m: re.Match[str]) -> str:
    """The phrase with up to two words before it ("We open-source", "Yi-9B is open-sourced"), or up
    to six characters of Chinese ("我们开源")."""
    before = clause[: m.start()]
    cjk = re.search(r"[\u3400-\u9fff]{1,6}$", before)
    if cjk:
        return (cjk.group(0) + m.group(0))[:120]  # CJK letters and the phrase: printable
    words = re.findall(r"[^\s*_`<>\[\]()]+", before)[-2:]
    return "".join(ch for ch in " ".join([*words, m.group(0)]) if ch.isprintable())[:120]


def table_open_claims(lines: Sequence[str], i: int, title_word: str) -> list[tuple[int, str, ClaimSubject]]:
    """An "open source" cell of a table row about this release's model (bold, "ours", the title word)."""
    line = lines[i]
    if _TABLE_RULE.match(line) or (i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1])):
        return []  # the header row names columns, not models
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 2:
        return []
    first = cells[0]
    ours = bool(_OURS.search(first)) or bool(title_word and title_word in first.lower())
    if not ours:
        return []
    for cell in cells[1:]:
        if _OPEN_CELL.match(cell.replace("*", "").strip()):
            return [(line.find(cell), f"{first.strip('* ')[:60]}: {cell}", ClaimSubject.MODEL)]
    return []


def _title_word(lines: Sequence[str], first: int) -> str:
    """The first word (3+ letters) of the card's first level-1 heading: the model's name, usually."""
    for line in lines[first : first + 200]:
        m = re.match(r"^\s{0,3}#\s+(.*)$", line)
        if m:
            w = re.search(r"[A-Za-z][\w.-]{2,}|[\u4e00-\u9fff]{2,}", m.group(1))
            return w.group(0).lower() if w else ""
    return ""


_BADGE = lazy_compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_LINK = lazy_compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_LICENSE_FILE_LINK = lazy_compile(
    r"(?:^|/)(?:LICEN[CS]E|COPYING|NOTICE|USE_POLICY|[\w.-]*licen[cs]e[\w.-]*)(?:\.\w+)?$", re.I
)

# ---------------------------------------------------------------- licence names in prose

# Prose names -> identifiers analyze_id understands (SPDX, or Hugging Face licence ids).
# A small table, not a licence engine: it only turns "Apache 2.0" into "Apache-2.0".
_PROSE_LICENSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (lazy_re.compile(p, re.I), v)
    for p, v in (
        (r"\bapache(?:[- ]license)?,?[- ]?(?:v(?:ersion)?\.?\s?)?2(?:\.0)?\b", "Apache-2.0"),
        # the licence's own wording: "version 2.0 of the Apache License" (GPT-J's weights statement)
        (r"\bversion\s+2(?:\.0)?\s+of\s+the\s+apache\s+licen[cs]e\b", "Apache-2.0"),
        (r"(?-i:\bMIT\b)(?!-)", "MIT"),
        (r"\bBSD[- ]?3[- ]?clause\b|\bBSD-3\b", "BSD-3-Clause"),
        (r"\bBSD[- ]?2[- ]?clause\b", "BSD-2-Clause"),
        (
            r"\b(?:A?GPL)[- ]?v?3(?:\.0)?\b|\bGNU (?:Affero )?General Public License v(?:ersion )?3\b",
            "GPL-3.0",
        ),
        (r"\bCC[- ]BY[- ]NC[- ]SA[- ]4\.0\b", "CC-BY-NC-SA-4.0"),
        (r"\bCC[- ]BY[- ]NC[- ]ND[- ]4\.0\b", "CC-BY-NC-ND-4.0"),
        (r"\bCC[- ]BY[- ]NC[- ]4\.0\b", "CC-BY-NC-4.0"),
        (r"\bCC[- ]BY[- ]SA[- ]4\.0\b", "CC-BY-SA-4.0"),
        (r"\bCC[- ]BY[- ]4\.0\b", "CC-BY-4.0"),
        (r"\bCC0(?:[- ]1\.0)?\b", "CC0-1.0"),
        (r"\bODC[- ]BY\b", "ODC-By-1.0"),
        (r"\bCDLA[- ]Permissive[- ]2\.0\b", "CDLA-Permissive-2.0"),
        (r"\bOpenMDW\b", "OpenMDW-1.0"),
        (r"\bCreativeML Open ?RAIL[- ]?M\b", "creativeml-openrail-m"),
        (r"\bBigScience (?:BLOOM )?RAIL\b", "bigscience-bloom-rail-1.0"),
        (r"\bBigCode Open ?RAIL[- ]?M\b", "bigcode-openrail-m"),
        (r"\bOpen ?RAIL[- ]?M\b", "openrail-m"),
        (r"\bOpen ?RAIL\b", "openrail"),
        (r"\bLlama ?2 Community License\b", "llama2"),
        (r"\bLlama ?3\.1 Community License\b", "llama3.1"),
        (r"\bLlama ?3\.2 Community License\b", "llama3.2"),
        (r"\bLlama ?3\.3 Community License\b", "llama3.3"),
        (r"\bLlama ?3 Community License\b", "llama3"),
        (r"\bLlama ?4 Community License\b", "llama4"),
        (r"\bGemma Terms of Use\b", "gemma"),
    )
)

# Cheap first pass: only text naming some licence goes through the table above.
_PROSE_TRIGGER = lazy_compile(
    r"apache|\bMIT\b|\bBSD|GPL|\bCC[- ]?(?:BY|0)|\bODC|CDLA|OpenMDW|RAIL\b|RAIL-M|"
    r"Community License|Gemma Terms",
    re.I,
)
_GROUP_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weights", lazy_re.compile(r"\b(?:model weights?|weights?|checkpoints?|parameters|models?)\b", re.I)),
    (
        "code",
        lazy_re.compile(r"\b(?:code(?:base)?|source|software|scripts?|repository|implementation)\b", re.I),
    ),
    ("data", lazy_re.compile(r"\b(?:data(?:sets?)?|corpus|corpora)\b", re.I)),
)
# "License" alone is not a verb: "prohibited by the Llama 2 Community License" states no scope.
_LICENSE_VERB = lazy_compile(
    r"\b(?:licen[sc]ed|released|distributed|governed|under)\b"
    r"|\b(?:is|are)\s+(?=(?:\w+\s+){0,2}?(?:CC|Apache|MIT|BSD|GPL|ODC|CDLA|Open))"  # "the data is CC0-1.0"
    r"|\blicen[cs]e\W{0,3}:",  # "**Licence**: Apache-2.0 for the code"
    re.I,
)
_SENTENCE = lazy_compile(r"(?<=[.;!?])\s+|\s+\|\s+")


def prose_licenses(text: str) -> list[str]:
    """Licence identifiers named in a piece of prose, in order of appearance, deduplicated.

    The table lists specific names before generic ones, so "Open RAIL" inside an earlier
    "BigCode OpenRAIL-M" hit is skipped.
    """
    if not _PROSE_TRIGGER.search(text):
        return []
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str]] = []
    for rx, ident in _PROSE_LICENSES:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), ident))
    seen: list[str] = []
    for _, ident in sorted(hits):
        if ident not in seen:
            seen.append(ident)
    return seen


# The characters ``re.IGNORECASE`` matches to an ASCII letter that ``str.lower`` does not lower to it
# (U+0130 even lowers to two characters; U+212A, the Kelvin sign, lowers to "k" by itself). Folded
# first, a text holds a pattern's ASCII literal wherever the pattern can match, at the same offset.
_FOLD = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))
# What lower() leaves of them: a lowered text holding none of these is already folded.
_FOLD_TRACES = ("\u0307", "\u0131", "\u017f")  # U+0130 lowers to "i" + U+0307


def fold(text: str) -> str:
    """``text`` lowered for an exact literal prefilter of ``re.IGNORECASE`` patterns: a pattern that
    must match a lowercase literal can match only where ``fold(text)`` holds it (see ``_FOLD``);
    same length as ``text``. (``str.replace`` of the three, not ``str.translate``: translate is
    ~50x slower on a non-ASCII card.)"""
    if not text.isascii():
        for odd, ascii_letter in _FOLD:
            if odd in text:
                text = text.replace(odd, ascii_letter)
    return text.lower()


class Prefiltered:
    """A case-insensitive pattern with the lowercase literals one of which every match of it holds
    once folded (``fold``): ``search`` runs the engine only on a line holding one. Python's ``re``
    finds no literal to skip to in an IGNORECASE alternation of ``\\b``-words, so on a long README
    line (an HTML table, a badge row) each pattern costs tens of microseconds; the substring tests
    cost well under one. Every instance is listed in ``PREFILTERED`` for the test that checks the
    literals against the pattern on every line of the corpus."""

    __slots__ = ("needs", "rx")

    def __init__(self, rx: Regex, needs: tuple[str, ...]) -> None:
        self.rx = rx
        self.needs = needs
        PREFILTERED.append(self)

    def may_match(self, folded: str) -> bool:
        """Whether ``folded`` (``fold`` of the text) holds one of the literals a match needs."""
        return any(n in folded for n in self.needs)

    def search(self, text: str, folded: str | None = None) -> re.Match[str] | None:
        """``rx.search(text)``; ``folded`` is ``fold(text)`` when the caller has it."""
        if not self.may_match(fold(text) if folded is None else folded):
            return None
        return self.rx.search(text)


PREFILTERED: list[Prefiltered] = []


class LineIndex:
    """Candidate lines are found with plain substring search on the lowered text (fast);
    the real patterns then run on those lines only. Python's ``re`` is slow on long texts
    with case-insensitive alternations, and cards run to 100 KB. Fenced code is skipped."""

    def __init__(self, lines: Sequence[str], start: int) -> None:
        self.lines = lines
        text = "\n".join(lines)
        self._text: str | None = text
        self.lower = text.lower()
        self._folded: str | None = None
        self._own: frozenset[str] | None = None
        self.starts: list[int] = list(accumulate((len(line) + 1 for line in lines), initial=0))
        self.starts.pop()  # the offset past the last line
        # Fenced code: a line starting (after blanks) with ``` or ~~~ opens or closes a fence; only
        # the lines holding one are looked at, not every line of the card.
        fenced: set[int] = set()
        opened: int | None = None
        self.fence_marked = self._lines_with(text, ("```", "~~~"), 0)  # lines holding a marker anywhere
        for i in self.fence_marked:
            if not lines[i].lstrip().startswith(("```", "~~~")):
                continue
            if opened is None:
                opened = i
            else:
                fenced.update(range(opened, i + 1))
                opened = None
        if opened is not None:
            fenced.update(range(opened, len(lines)))
        self.fenced = fenced
        self.first = max(0, start - 1)
        # Offsets in ``lower`` are offsets in the lines unless lowering changed a length (U+0130):
        # then each hit is found one by one, as it always was.
        self.aligned = len(self.lower) == len(text)

    def candidates(self, hints: Sequence[str]) -> list[int]:
        found: set[int] = set()
        starts, text, n = self.starts, self.lower, len(self.starts)
        begin = starts[self.first] if self.aligned and self.first < n else 0
        for hint in hints:
            pos = text.find(hint, begin)
            while pos >= 0:
                line = bisect_right(starts, pos) - 1
                found.add(line)
                # once a line is in, the rest of it adds nothing: go on from the next line
                nxt = starts[line + 1] if self.aligned and line + 1 < n else pos + 1
                pos = text.find(hint, nxt)
        return sorted(i for i in found if i >= self.first and i not in self.fenced)

    @property
    def text(self) -> str:
        """The lines joined by line breaks (offsets: ``starts``)."""
        if self._text is None:  # pragma: no cover - set by __init__
            self._text = "\n".join(self.lines)
        return self._text

    def own_names(self) -> frozenset[str]:
        """``own_names`` of these lines from the body, computed once (claims and facts both ask)."""
        if self._own is None:
            self._own = own_names(self.lines, self.first, self)
        return self._own

    def containing(self, literals: Sequence[str]) -> list[int]:
        """0-based indexes of every line, fenced or not, that holds one of ``literals`` (lowercase,
        no line break) once folded (``fold``): a superset of the lines on which an IGNORECASE
        pattern that needs one of them can match (``candidates`` lowers only, and skips lines)."""
        if self._folded is None:
            # A lowered text with no trace of the letters fold() replaces is already folded (the
            # Kelvin sign lowers to "k" by itself): no second pass over the card.
            low = self.lower
            plain = low.isascii() or not any(t in low for t in _FOLD_TRACES)
            self._folded = low if plain else fold("\n".join(self.lines))
        return self._lines_with(self._folded, literals, 0)

    def holding(self, literals: Sequence[str], first: int = 0) -> list[int]:
        """0-based indexes of the lines from ``first``, fenced or not, that hold one of ``literals``
        as written (case-sensitive, no line break): the lines a per-line ``literal in line`` test
        would let through, found by substring search over the whole text."""
        return self._lines_with(self.text, literals, first)

    def _lines_with(self, text: str, literals: Sequence[str], first: int) -> list[int]:
        """Lines of ``text`` (the lines joined, same offsets) holding a literal, from line ``first``."""
        starts, n = self.starts, len(self.starts)
        if first >= n:
            return []
        begin = starts[first] if first > 0 else 0
        found: set[int] = set()
        for literal in literals:
            pos = text.find(literal, begin)
            while pos >= 0:
                line = bisect_right(starts, pos) - 1
                found.add(line)
                # the rest of this line adds nothing: go on from the next one
                pos = text.find(literal, starts[line + 1]) if line + 1 < n else -1
        return sorted(found)

    def matches(self, rx: Regex, hints: Sequence[str]) -> Iterable[tuple[int, re.Match[str]]]:
        """(0-based line index, match within that line) outside fenced code."""
        for i in self.candidates(hints):
            for m in rx.finditer(self.lines[i]):
                yield i, m


def find_lines(
    lines: Sequence[str],
    rx: Regex,
    hints: Sequence[str],
    start: int = 1,
    index: LineIndex | None = None,
) -> list[tuple[int, re.Match[str]]]:
    """First match of ``rx`` on each line that contains one of ``hints`` (lowercase)."""
    t = index or LineIndex(lines, start)
    out: list[tuple[int, re.Match[str]]] = []
    for i in t.candidates(hints):
        m = rx.search(lines[i])
        if m:
            out.append((i, m))
    return out


_LICENSE_HINTS = (
    "apache",
    "mit",
    "bsd",
    "gpl",
    "cc",
    "odc",
    "cdla",
    "openmdw",
    "rail",
    "community license",
    "gemma terms",
)
_HW_HINTS = (
    "a100",
    "h100",
    "h200",
    "h800",
    "a800",
    "v100",
    "a6000",
    "l40",
    "b200",
    "tpu",
    "mi250",
    "mi300",
    "gaudi",
    "rtx",
)


def claims_in_lines(
    lines: Sequence[str], path: str, start: int = 1, index: LineIndex | None = None
) -> list[Claim]:
    """Self-descriptions, badges, licence links and per-component licence statements."""
    t = index or LineIndex(lines, start)
    found: list[tuple[int, int, Claim]] = []

    def loc(i: int) -> Location:
        return Location(path, (i + 1, i + 1))

    title = _title_word(lines, t.first)
    own = t.own_names() if t.lines is lines else own_names(lines, t.first)
    for i in t.candidates(_OPEN_HINTS):
        line = lines[i]
        hits = table_open_claims(lines, i, title) if line.lstrip().startswith("|") else open_claims(line, own)
        for col, phrase, subject in hits:
            found.append((i, col, Claim(ClaimKind.OPEN_SOURCE, " ".join(phrase.split()), loc(i), subject)))
    for i, m in t.matches(_BADGE, ("![",)):
        alt, url = m.group(1), m.group(2)
        if re.search(r"licen[cs]e", alt + url, re.I):
            names = prose_licenses(re.sub(r"[_%]20|_", " ", url + " " + alt))
            found.append((i, m.start(), Claim(ClaimKind.BADGE, names[0] if names else (alt or url), loc(i))))
        elif re.search(r"open[-_ %20]*source", alt + url, re.I):
            badge = Claim(ClaimKind.OPEN_SOURCE, f"badge: {alt or url}", loc(i), ClaimSubject.RELEASE)
            found.append((i, m.start(), badge))
    for i, m in t.matches(_LINK, ("](",)):
        target = m.group(2).split("#")[0]
        if target and "://" not in target and _LICENSE_FILE_LINK.search(target):
            found.append((i, m.start(), Claim(ClaimKind.LICENSE_LINK, target.lstrip("./"), loc(i))))
    for i in t.candidates(_LICENSE_HINTS):
        stated = list(_component_statements(lines[i], loc(i)))
        if not any(c.kind == ClaimKind.COMPONENT_LICENSE for c in stated) and _wrapped(lines, i, t.first):
            # A statement wrapped over two lines: "... weights in this release are licensed under the"
            # / "Apache 2.0 license." Read the pair as one sentence.
            pair = list(_component_statements(lines[i - 1] + " " + lines[i], Location(path, (i, i + 1))))
            if any(c.kind == ClaimKind.COMPONENT_LICENSE for c in pair):
                stated = pair
        for n, claim in enumerate(stated):
            found.append((i, 10_000 + n, claim))
    found.sort(key=lambda x: (x[0], x[1]))
    return [c for _, _, c in found]


def _wrapped(lines: Sequence[str], i: int, first: int) -> bool:
    """Line ``i`` continues the prose of line ``i - 1`` (neither blank, a heading, a list item or a table)."""
    if i - 1 < first:
        return False
    prev, cur = lines[i - 1].strip(), lines[i].strip()
    if not prev or not cur or prev.startswith(("#", "|", "```")):
        return False
    if cur.startswith(("#", "|", "-", "*", "```")):
        return False
    return not prev.endswith((".", ":", "!", "?"))


def _component_statements(line: str, loc: Location) -> Iterable[Claim]:
    """'The code is released under MIT, the weights under CC-BY-NC-4.0' -> two claims."""
    if not _LICENSE_VERB.search(line):
        return
    for sentence in _SENTENCE.split(line):
        for clause in re.split(
            r",\s+(?:and\s+|while\s+|whereas\s+)?(?=(?:the|our|all|model|code|weights?|data)\b)|\bwhile\b|\bwhereas\b",
            sentence,
            flags=re.I,
        ):
            names = prose_licenses(clause)
            if not names or not _LICENSE_VERB.search(clause):
                continue
            groups = [g for g, rx in _GROUP_WORDS if rx.search(clause)]
            if not groups:
                yield Claim(ClaimKind.LICENSE_MENTION, names[0], loc)
                continue
            for group in groups:
                for name in names:
                    yield Claim(ClaimKind.COMPONENT_LICENSE, f"{group}={name}", loc)


# ---------------------------------------------------------------- stated facts

_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
}
_PARAMS = lazy_compile(
    r"\b(\d+(?:\.\d+)?)\s*(k|m|b|t|thousand|million|billion|trillion)\b[- ]*"
    r"(?:total\s+)?(?:parameters?|params?)\b",
    re.I,
)
_TOKENS = lazy_compile(
    r"\b(\d+(?:\.\d+)?)\s*(k|m|b|t|thousand|million|billion|trillion)\b[- ]*(?:high[- ]quality\s+)?tokens\b",
    re.I,
)
_TOKENS_CONTEXT = lazy_compile(r"\b(?:train|trained|training|pre-?train\w*|corpus|data|dataset)\b", re.I)
_TOKENS_NOT = lazy_compile(r"\b(?:batch|context|window|sequence length|per step|per second|vocab)", re.I)
_HARDWARE = lazy_compile(
    r"\b(A100|H100|H200|H800|A800|V100|A6000|L40S?|B200|GB200|TPU\s?v\d\w*|MI250X?|MI300X?|"
    r"Gaudi ?\d?|RTX\s?\d{4})\b"
)
# A stated hardware line names what it names, CPU-only training included ("Hardware: one core of
# an x86-64 CPU, no GPU"): accelerator names alone miss small and CPU-trained releases.
_HARDWARE_LINE = lazy_compile(
    r"^\W*(?:training\s+|compute\s+)?(?:hardware|compute infrastructure|accelerators?)\s*\**\s*[:：]\s*\**\s*"
    r"(\S.{1,150}?)\s*$",
    re.I,
)
_GPU_HOURS = lazy_compile(r"\b(\d+(?:\.\d+)?)\s*(k|m|thousand|million)?\s*GPU[- ]hours\b", re.I)
_SEED = lazy_compile(r"\b(?:random[_ ])?seed\b\s*(?:[:=]|of|is|was)\s*(\d{1,10})\b", re.I)


_FACT_REACH = 120  # characters before a stated fact read for the model it is about
_SENTENCE_BREAK = lazy_compile(r"(?<=[.!?])\s+|[。！？；;]")


def _sentence_before(line: str, col: int) -> str:
    """The part of ``line``'s sentence before column ``col`` (bounded), table cells included."""
    return _SENTENCE_BREAK.split(line[max(0, col - _FACT_REACH) : col])[-1]


def _number(value: str, scale: str | None) -> int:
    return round(float(value) * _SCALE.get((scale or "").lower(), 1))


def facts_in_lines(
    lines: Sequence[str], path: str, start: int = 1, index: LineIndex | None = None
) -> tuple[Fact, ...]:
    t = index or LineIndex(lines, start)
    own = t.own_names() if t.lines is lines else own_names(lines, t.first)

    def others(i: int, m: re.Match[str]) -> bool:
        """The fact's sentence (or table row) names another model before it: "Llama-2-7B was trained
        on 2T tokens" in another release's README is Llama 2's fact, not this release's."""
        return bool(own) and other_model(_sentence_before(lines[i], m.start()), own) is not None

    found: list[tuple[int, str, object]] = []
    for i, m in t.matches(_PARAMS, ("param",)):
        if not others(i, m):
            found.append((i, "parameters_stated", _number(m.group(1), m.group(2))))
    for i, m in t.matches(_TOKENS, ("token",)):
        line = lines[i]
        col = m.start()
        if (
            _TOKENS_CONTEXT.search(line)
            and not _TOKENS_NOT.search(line[max(0, col - 40) : col + len(m.group(0)) + 10])
            and not others(i, m)
        ):
            found.append((i, "training_tokens", _number(m.group(1), m.group(2))))
    hardware_lines = set()
    for i, m in t.matches(_HARDWARE, _HW_HINTS):
        hardware_lines.add(i)
        if not others(i, m):
            found.append((i, "hardware", m.group(1)))
    for i, m in t.matches(_HARDWARE_LINE, ("hardware", "compute", "accelerator")):
        if i not in hardware_lines:
            found.append((i, "hardware", m.group(1)))
    for i, m in t.matches(_GPU_HOURS, ("gpu",)):
        if not others(i, m):
            found.append((i, "gpu_hours", _number(m.group(1), m.group(2))))
    for i, m in t.matches(_SEED, ("seed",)):
        found.append((i, "random_seed", int(m.group(1))))
    out: list[Fact] = []
    seen: set[tuple[str, object]] = set()
    for i, key, value in sorted(found, key=lambda x: x[0]):
        if (key, value) not in seen:
            seen.add((key, value))
            out.append(Fact(key, value, Location(path, (i + 1, i + 1))))
    return tuple(out)
