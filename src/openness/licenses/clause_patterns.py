# ruff: noqa: E501  (a pattern table reads best with one alternation per line, however long)
"""What each restriction kind means, and the patterns that find it (English and Chinese).

Each ``Rule`` is one phrasing of one kind: a regular expression run on a normalised clause
(whitespace collapsed, Markdown and HTML stripped, curly quotes made straight), an optional
veto that cancels it (export-control clauses are not territorial restrictions; a trademark
clause is not a field-of-use restriction), and a one-line summary.

Patterns are written against the phrasings of real model licences (Llama 2-4 and their
acceptable-use policies, Tongyi Qianwen, DeepSeek, CogVideoX, Stability AI, OPT/LLaMA-1,
AI2 ImpACT, RAIL/OpenRAIL, Baichuan, Skywork, CC BY-NC/ND, OpenAI terms) and checked not to fire
on permissive licences (MIT, Apache-2.0, BSD, GPL, CC BY, CC BY-SA). See docs/licenses-clauses.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from openness import lazy_re
from openness.model import Freedom, RestrictionKind

K = RestrictionKind
F = Freedom


@dataclass(frozen=True)
class KindInfo:
    """What a kind takes away: the freedoms it limits and the OSD criteria it breaks.

    ``blocks``: False for conditions that limit how a freedom is exercised without taking it
    (attribution-like: crediting the provider or carrying its name, which OSD 4 and recital 102 of
    the AI Act allow). ``licenses/terms.py`` reads this table; nothing else keeps a copy.
    """

    title: str
    freedoms: frozenset[Freedom]
    osd: tuple[int, ...]
    meaning: str
    blocks: bool = True


# OSD criteria: 1 free redistribution, 3 derived works, 5 no discrimination against persons or
# groups, 6 no discrimination against fields of endeavour, 7 distribution of licence (no extra
# licence or agreement needed), 8 not specific to a product, 10 technology-neutral.
KINDS: dict[RestrictionKind, KindInfo] = {
    K.NON_COMMERCIAL: KindInfo(
        "Non-commercial only",
        frozenset({F.USE, F.MODIFY, F.SHARE}),
        (1, 6),
        "Commercial use (or selling copies) is excluded.",
    ),
    K.USER_THRESHOLD: KindInfo(
        "User or revenue threshold",
        frozenset({F.USE, F.SHARE}),
        (5, 7),
        "Licensees above a size (monthly/daily active users, visits, revenue) lose the grant "
        "or need a separate licence.",
    ),
    K.FIELD_OF_USE: KindInfo(
        "Field-of-use restriction",
        frozenset({F.USE}),
        (6,),
        "Listed uses are prohibited (use-restriction lists, acceptable-use policies incorporated by "
        "reference, hosted-service bans), often with a duty to pass them on.",
    ),
    K.OUTPUT_USE: KindInfo(
        "Output-use restriction",
        frozenset({F.USE, F.MODIFY}),
        (3, 6),
        "Outputs may not be used to train or improve other models.",
    ),
    K.TERRITORY: KindInfo(
        "Territorial exclusion",
        frozenset({F.USE, F.SHARE}),
        (5,),
        "The grant does not apply to people or companies in some regions.",
    ),
    K.BRANDING: KindInfo(
        "Branding obligation",
        frozenset({F.MODIFY, F.SHARE}),
        (3,),
        "Products must display the licensor's brand, or derived models must carry its name "
        "(a condition like attribution: it does not make the terms non-free).",
        blocks=False,
    ),
    K.REVOCABLE: KindInfo(
        "Revocable or unilaterally changeable",
        frozenset({F.USE, F.STUDY, F.MODIFY, F.SHARE}),
        (7,),
        "The licensor may revoke, terminate at will, restrict remotely, or change the terms.",
    ),
    K.NO_DERIVATIVES: KindInfo(
        "No derivatives",
        frozenset({F.MODIFY, F.SHARE}),
        (3,),
        "Modified versions may not be made or shared.",
    ),
    K.RESEARCH_ONLY: KindInfo(
        "Research only",
        frozenset({F.USE, F.SHARE}),
        (1, 6),
        "Use is limited to research.",
    ),
    K.REGISTRATION: KindInfo(
        "Registration or approval",
        frozenset({F.USE}),
        (5, 7),
        "Use needs sign-up, an application or the licensor's approval.",
    ),
}


@dataclass(frozen=True)
class Rule:
    """One phrasing of one kind. Patterns are kept as source and compiled on first use: most
    rules never run for a given text (their kind's screen fails), and compiling all ~120 of them
    up front cost more than analysing a whole licence."""

    kind: RestrictionKind
    pattern_source: str
    summary: str
    veto_source: str | None = None
    in_list_only: bool = False  # only for list items under a prohibiting lead-in
    # Literal keywords, one of which must occur first (``screened``): plain substring tests, not a
    # regular expression; Python's engine tries every branch of an alternation at every position,
    # which made screening half the cost of clause analysis.
    screen: frozenset[str] = frozenset()
    requires_source: str | None = None  # context that must also be present
    # A shortcut, never a condition: words one of which every match of the pattern contains, so a
    # clause holding none of them is not searched (the patterns that cost most, ``[^.]{0,200}?``
    # spans after a common word, ruled out on most clauses). tests/test_license_shortcuts.py
    # checks that each pattern's matches hold one, on generated and real text.
    needs: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.pattern_source)

    @property
    def veto(self) -> re.Pattern[str] | None:
        return _compile(self.veto_source) if self.veto_source else None

    @property
    def requires(self) -> re.Pattern[str] | None:
        return _compile(self.requires_source) if self.requires_source else None


# Negations that make a lead-in a prohibition ("You agree not to use the Model:").
NEGATION = r"(?:\b(?:will|shall|must|may|can|should|agrees?)\s*(?:not|n't)\b|\bcannot\b|\bnot\s+to\b|\bprohibited\b|\bforbidden\b|不得|禁止|不要|不可|不能|严禁)"

_NOT_USE_CONTEXT = r"\bwe (?:do|will|shall) not use\b|advertising|publicity|endorse|to promote|construe|technical measures|cryptographic|permissions given|use (?:any of )?the (?:rights|permissions)|both them|contradiction|do not agree|not accept|unless you (?:accept|agree)|failure|fault tolerant|endanger|high[- ]risk|transacting|except as|to (?:increase|reduce)|scope of|\bthe term\b|trade ?marks?|trade names?|\bnames?\b|\bmarks?\b|\blogos?\b|this file except|except in compliance|export|sanction|embargo"
_TRADEMARKS = r"trade ?marks?|trade names?|\blogos?\b"
_EXPORT = r"export|sanction|embargo|restricted part(?:y|ies)"


# (kind, screen, pattern, summary, veto, in_list_only, requires, needs)
_Row = tuple[RestrictionKind, str, str, str, str | None, bool, str | None, str | None]


def _r(
    kind: RestrictionKind,
    screen: str,
    pattern: str,
    summary: str,
    veto: str | None = None,
    in_list_only: bool = False,
    requires: str | None = None,
    needs: str | None = None,
) -> _Row:
    return (kind, screen, pattern, summary, veto, in_list_only, requires, needs)


_NC_ONLY = "Only non-commercial use is granted"
_NC_BAN = "Commercial use is prohibited"
_RESEARCH = "Use is limited to research"
USE_LIST = "Uses listed in the licence are prohibited"
_AUP = "An acceptable-use policy is incorporated: the uses it lists are prohibited"
_HOSTED = "May not be offered to third parties as a hosted service or API"
_OUTPUTS = "Outputs may not be used to train or improve other models"
_REGIONS = "The grant does not apply in some regions"
_BUILT_WITH = 'Products must prominently display a brand notice (e.g. "Built with ...")'
_SIGN_UP = "Use needs registration or the licensor's approval"
_NO_DERIV = "Modified versions may not be made or shared"

# Every rule: (kind, screen, pattern, summary, veto, in_list_only, requires). The screen is a cheap
# literal test run first (most clauses fail it); patterns are matched on lower-cased text.
_RULES: tuple[_Row, ...] = (
    # ---------------------------------------------------------------- non-commercial
    _r(
        K.NON_COMMERCIAL,
        "commercial|production",
        r"\b(?:only|solely|exclusively|strictly|limited to)\b[^.;]{0,40}?\bnon-?\s?commercial\b"
        r"|\bnon-?\s?commercial\b[^.;]{0,40}?\b(?:only|solely|exclusively)\b"
        r"|\b(?:only|solely|exclusively)\b[^.;]{0,40}?\bnon-?\s?production (?:purposes?|use)\b"
        r"|\bfor (?:your )?non-?\s?commercial (?:and|&) non-?\s?production\b",
        _NC_ONLY,
        r"\bcommercial (?:and|or|&) non-?\s?commercial\b|\bnon-?\s?commercial (?:and|or|&) commercial\b|this alternative",
    ),
    _r(
        K.NON_COMMERCIAL,
        "commercial",
        # CC 1.0-3.0 NC, Sun/HP/dl-de/PolyForm-style grants limited to non-commercial purposes
        r"\bmay not exercise\b[^.]{0,120}?\bintended for or directed toward commercial advantage"
        r"|\b(?:granted|permitted|permissible)\b[^.]{0,30}?\bfor non-?\s?commercial (?:purposes?|use)\b"
        r"|\bfor non-?\s?commercial (?:purposes?|use)\b[^.]{0,80}?\b(?:is|are) (?:hereby )?(?:granted|permitted|permissible)\b"
        r"|\bmay use\b[^.]{0,40}?\bfor non-?\s?commercial (?:purposes?|use)\b"
        r"|\bany non-?\s?commercial purpose is a permitted purpose\b|\blicen[cs]e for non-?\s?commercial (?:use|purposes)\b",
        _NC_ONLY,
        r"\bcommercial (?:and|or|&) non-?\s?commercial\b|\bnon-?\s?commercial (?:and|or|&) commercial\b|not be considered",
    ),
    _r(
        K.NON_COMMERCIAL,
        "commercial",
        # "No commercial rights are granted" (a vendor licence's "Commercial Use" section): the grant
        # withholds commercial use outright, however the rest of the text reads.
        r"\bno commercial (?:use )?(?:rights?|licen[cs]es?|permissions?)\b[^.;]{0,40}?\b(?:is|are)\s+(?:hereby\s+)?(?:granted|given|conferred)\b"
        r"|\bno (?:rights?|licen[cs]e|permission) (?:is|are) (?:hereby )?(?:granted|given) (?:to you )?(?:for|to) (?:any )?commercial\b",
        _NC_BAN,
        r"\bcommercial (?:and|or|&) non-?\s?commercial\b|\bnon-?\s?commercial (?:and|or|&) commercial\b|\bbeyond\b",
    ),
    _r(
        K.NON_COMMERCIAL,
        "other than",
        r"\b(?:for|to) purposes other than commercial\b",
        _NC_ONLY,
    ),
    _r(
        K.NON_COMMERCIAL,
        "commercial",
        r"\b(?:not|no)\b[^.;]{0,30}?\b(?:for|in|with)\b[^.;]{0,20}?\bcommercial\s+(?:or\s+production\s+)?"
        r"(?:purposes?|use|uses|exploitation|gain|advantage|activit)"
        r"|\b(?:prohibited|forbidden|not permitted)\b[^.;]{0,80}?\bcommercial (?:purposes?|use|exploitation|applications?)",
        _NC_BAN,
        r"non-?\s?commercial|damages|losses|not be considered|directed toward",
    ),
    _r(
        K.NON_COMMERCIAL,
        "commercial",
        r"\bfor\b[^.;]{0,30}?\b(?:any\s+)?commercial\s+(?:or\s+production\s+)?purposes",
        _NC_BAN,
        None,
        True,
    ),
    _r(
        K.NON_COMMERCIAL,
        "商",
        r"(?:非商业|非商用)(?:性)?(?:目的|用途|使用|研究)|(?:不得|禁止|不可)(?:将[^。；]{0,15}?)?(?:用于)?(?:商业|商用)"
        r"|禁止商用|仅(?:限)?(?:用于)?非商业",
        _NC_ONLY,
        r"支持商业|可(?:以)?(?:免费)?(?:用于)?商业|允许商业",
    ),
    # ---------------------------------------------------------------- research only
    _r(
        K.RESEARCH_ONLY,
        "research|academic",
        r"\b(?:only|solely|exclusively|strictly)\s+(?:for\s+)?(?:your\s+|the\s+)?(?:own\s+)?(?:non-?\s?commercial\s+)?"
        r"(?:academic\s+|scientific\s+)?research\b"
        r"|\bresearch(?:\s+and\s+(?:education|evaluation|development)(?:al)?)?\s+(?:purposes?\s+|use\s+)?only\b"
        r"|\bacademic (?:research |use |purposes )?only\b|\b(?:only|solely|exclusively) for academic\b",
        _RESEARCH,
        r"(?:designed|developed) for research|food and drug|does not warrant",
    ),
    _r(
        K.RESEARCH_ONLY,
        "研",
        r"仅(?:限|可|能)?(?:用于|供|作为)?(?:学术|科学|非商业)?(?:研究|科研)"
        r"|(?:学术|科学)研究(?:目的|用途)?(?:之外|以外)[^。；]{0,10}?(?:不得|禁止)",
        _RESEARCH,
    ),
    # ---------------------------------------------------------------- user threshold
    _r(
        K.USER_THRESHOLD,
        "active",
        r"\b(?:monthly|daily|weekly)\s+active\s+users?\b[^.]{0,200}?\d|\d[^.]{0,200}?\b(?:monthly|daily|weekly)\s+active\s+users?\b",
        "Licensees above {n} active users must obtain a separate licence",
    ),
    _r(
        K.USER_THRESHOLD,
        "au",
        r"\b[md]au\b[^.]{0,80}?\d|\d[^.]{0,40}?\b[md]au\b",
        "Licensees above {n} active users must obtain a separate licence",
        needs="mau|dau",
    ),
    _r(
        K.USER_THRESHOLD,
        "per ",
        r"\b(?:number of|more than|exceeds?|exceeding|greater than|in excess of|above|over)\b[^.;]{0,80}?"
        r"\b(?:users|visits|visitors|subscribers|customers|end users)\b[^.;]{0,60}?\b(?:per|a|each|every)\s+(?:month|day|year)\b",
        "Usage above {n} users or visits per period needs a separate licence",
    ),
    _r(
        K.USER_THRESHOLD,
        "revenue",
        r"\b(?:annual|yearly|gross)\s+(?:gross\s+)?revenues?\b[^.]{0,120}?"
        r"(?:exceed|more than|greater than|in excess of|above|over|less than|below|under)[^.]{0,40}?(?:\$|usd|us\$|€|eur|£|\d)"
        r"|(?:exceed|more than|greater than|in excess of)[^.]{0,40}?(?:\$|usd|us\$|€|eur)\s?\d[^.]{0,60}?\brevenue",
        "Licensees above a revenue cap ({n}) need a separate licence",
    ),
    _r(
        K.USER_THRESHOLD,
        "活|用户|访问",
        r"(?:月活跃用户|日活跃用户|月活|日活|日均用户活跃量|活跃用户数?|访问量|用户数量|用户数)[^。；]{0,40}?(?:\d|[一二三四五六七八九十百千]+万|亿)"
        r"|(?:超过|高于|低于|少于|不超过|不得超过)[^。；]{0,20}?(?:\d|万|亿)[^。；]{0,20}?(?:月活|日活|活跃用户|用户|访问)",
        "Licensees above {n} users need a separate licence",
    ),
    # ---------------------------------------------------------------- field of use
    _r(
        K.FIELD_OF_USE,
        "polic|aup",
        r"\b(?:acceptable|responsible|prohibited)\s+use\s+polic(?:y|ies)\b[^.]{0,200}?\b(?:incorporated|adhere|comply|complies|subject to|abide)"
        r"|\b(?:incorporated|adhere|comply|complies|subject to|abide)\b[^.]{0,200}?\b(?:acceptable|responsible|prohibited)\s+use\s+polic(?:y|ies)\b"
        r"|\baup\b[^.]{0,40}?\bincorporated\b",
        _AUP,
    ),
    _r(
        K.FIELD_OF_USE,
        "hosted|api",
        r"\bmay not use\b[^.]{0,200}?\b(?:hosted service|apis?)\b",
        _HOSTED,
    ),
    _r(
        K.FIELD_OF_USE,
        "not|n't",
        # a prohibition with a purpose: "will not use ... to/for/in", "should not be used for"
        r"\b(?:will|shall|must|may|can|should|agrees?|agreed)\s*(?:not|n't)\s+(?:to\s+)?(?:use|deploy|utili[sz]e|exploit)\b"
        r"[^.;]{0,200}?\b(?:for|to|in|as|with|by)\b"
        r"|\bcannot\s+(?:use|deploy|utili[sz]e|exploit)\b[^.;]{0,200}?\b(?:for|to|in|as)\b"
        r"|\b(?:agrees?|request\w*|ask\w*|require\w*|undertakes?)\b[^.;]{0,40}?\bnot\s+to\s+(?:use|deploy|utili[sz]e)\b"
        r"|\bnot\s+be\s+(?:used|deployed|utili[sz]ed)\s+(?:for|to|in|as)\b|\bnot\s+be\s+used\s+by\b[^.;]{0,80}?\bto\b"
        r"|\bnot,?\s+(?:or\s+)?(?:allow|permit)\s+others\s+to\s+use\b",
        USE_LIST,
        _NOT_USE_CONTEXT,
    ),
    _r(
        K.FIELD_OF_USE,
        "restrict|prohibit",
        r"\b(?:use[- ]based|use)\s+restrictions\b|\brestricted uses\b|\bprohibited uses?\b|\brestrictions in attachment\b"
        r"|\brestrictions\b[^;]{0,60}?\bmust be included\b",
        "Use restrictions apply and must be passed on to downstream users",
        r"usage restrictions|circumvent|restrictions above|remove the commercial",
    ),
    _r(
        K.FIELD_OF_USE,
        "hosted|api|service|saas",
        r"\b(?:hosted service|via your apis?|as a service|saas)\b",
        _HOSTED,
        r"\bimpose\b|\bterms\b",
        True,
    ),
    _r(
        K.FIELD_OF_USE,
        "use",
        r"^(?:[^ ]{1,6} )?use\b[^.;]{0,400}?\b(?:for|to|in|as)\b",
        USE_LIST,
        _TRADEMARKS + r"|\bimpose\b",
        True,
    ),
    _r(
        K.FIELD_OF_USE,
        "provider|提供商",
        r"\b(?:not|neither|nor|no)\b[^.;]{0,60}?\b(?:software|cloud)\s+service\s+providers?\b"
        r"|不(?:是|为|得为)[^。；]{0,10}?(?:软件|云)服务提供商",
        "Some kinds of licensee (software or cloud service providers) are excluded",
    ),
    _r(
        K.FIELD_OF_USE,
        "不|禁|勿",
        r"(?:不得|不要|禁止|严禁|请勿|切勿)[^。；]{0,40}?(?:用于|利用|从事|部署)|(?:不得|禁止|严禁)[^。；]{0,40}?使用"
        r"|(?:不可|不能)(?:将[^。；]{0,20}?)?(?:用于|利用)",
        USE_LIST,
        r"无需|不得超过|二次授权|出口|制裁",
    ),
    _r(
        K.FIELD_OF_USE,
        "政策|规范",
        r"(?:使用|用途)(?:限制|规范|政策)[^。；]{0,30}?(?:遵守|遵循|纳入)|(?:遵守|遵循)[^。；]{0,30}?(?:可接受使用|使用)政策",
        _AUP,
    ),
    # ---------------------------------------------------------------- outputs
    _r(
        K.OUTPUT_USE,
        "output|result|generated",
        r"\b(?:not|never|no)\b[^.;]{0,140}?\b(?:outputs?|results|generated (?:content|data|text))\b[^.;]{0,80}?"
        r"\b(?:train|training|improve|improving|develop|developing|distill?|build|enhance|fine[- ]?tune)\b[^.;]{0,80}?"
        r"\b(?:models?|llms?|ai|systems?)\b",
        _OUTPUTS,
        r"\bnot limited to\b|\bmeans\b",
    ),
    _r(
        K.OUTPUT_USE,
        "compet",
        r"\boutputs?\b[^.;]{0,60}?\b(?:develop|train|build|improve)\b[^.;]{0,40}?\bmodels?\b[^.;]{0,30}?\bcompet",
        "Outputs may not be used to develop competing models",
    ),
    _r(
        K.OUTPUT_USE,
        "output|result",
        r"\b(?:outputs?|results)\b[^.;]{0,60}?\b(?:may|shall|must|can|will)\s*(?:not|n't)\s+be\s+used\b[^.;]{0,60}?"
        r"\b(?:train|improve|develop|distill?|build)",
        _OUTPUTS,
    ),
    _r(
        K.OUTPUT_USE,
        "输出|生成|结果",
        r"(?:不得|不能|禁止|不可)[^。；]{0,40}?(?:输出|生成(?:的)?(?:内容|结果|数据)|结果)[^。；]{0,40}?"
        r"(?:训练|改进|改善|提升|优化|开发)[^。；]{0,20}?模型",
        _OUTPUTS,
    ),
    # ---------------------------------------------------------------- territory
    _r(
        K.TERRITORY,
        "not|exclud|except|no rights|no licen",
        r"\b(?:not\s+(?:being\s+|be\s+)?granted|no\s+(?:rights?|licen[cs]es?)\s+(?:is\s+|are\s+|shall\s+be\s+|will\s+be\s+)?granted|(?:does|shall|will)\s+not\s+apply|not\s+(?:licensed|valid|permitted)|excluded|excluding|except for)\b"
        r"[^.]{0,200}?\b(?:domiciled|located|resident|residing|principal place of business|territor(?:y|ies)|countr(?:y|ies)|regions?|jurisdictions?)\b"
        r"|\b(?:domiciled|resident|principal place of business)\b[^.]{0,200}?\b(?:not\s+(?:being\s+)?granted|(?:does|shall)\s+not\s+apply|excluded)\b",
        "The grant does not apply in some regions (e.g. to people or companies in the EU)",
        _EXPORT
        + r"|copyright|dedication|waiver|public domain|governed|courts?|conflict|suit\b|government|may add an explicit",
        needs="domiciled|located|resid|principal place of business|territor|countr|region|jurisdiction",
    ),
    _r(
        K.TERRITORY,
        "not|no ",
        r"\b(?:not|no)\b[^.]{0,120}?\b(?:in|within|from)\s+(?:the\s+)?(?:european union|eu|eea|european economic area|"
        r"united states|usa|u_s\.|china|prc|mainland china|russia|united kingdom|uk)\b"
        r"|\b(?:not|no)\b[^.]{0,120}?\boutside (?:of )?the (?:territory|permitted (?:region|territory))\b",
        _REGIONS,
        _EXPORT
        + r"|governed|jurisdiction of|courts?|does not apply to end users|\blaws?\b|copyright|dedication|waiver|public domain",
        needs="eu|eea|united|usa|u_s|china|prc|russia|uk|outside",
    ),
    _r(
        K.TERRITORY,
        "不|地区|区域|境",
        r"(?:不适用于|不授予|不得在|不得于|仅限于?在?)[^。；]{0,30}?(?:地区|国家|境内|境外|欧盟|大陆|区域)"
        r"|(?:欧盟|地区|区域|境外)[^。；]{0,30}?(?:不适用|不授予|不得使用)",
        _REGIONS,
        r"出口|制裁",
    ),
    _r(
        K.TERRITORY,
        "territory",
        r"\b(?:for|in|within) the territory only\b|\bexclusively (?:in|within) the territory\b",
        _REGIONS,
    ),
    _r(K.TERRITORY, "outside", r"^(?:[^ ]{1,6} )?outside (?:of )?the territory\b", _REGIONS, None, True),
    # ---------------------------------------------------------------- branding
    _r(
        K.BRANDING,
        "built|powered|made with|using|prominently",
        r"\b(?:display|show|state|include|indicate|label|mark)\b[^.;]{0,80}?\"(?:built with|built on|built using|powered by|made with|improved using)\b"
        r"|\binclude prominently\b[^.;]{0,60}?\bstatement\b"
        r"|\bprominently (?:display|show)\s+\"[^\"]{1,40}\"[^.;]{0,40}?\b(?:user interface|website|product|page)",
        _BUILT_WITH,
    ),
    _r(
        K.BRANDING,
        "name",
        r"\b(?:at the (?:beginning|start)|begin(?:s|ning)? with|start(?:s|ing)? with|prefix(?:ed)?(?: with)?)\b[^.;]{0,60}?\bname\b"
        r"|\bname\b[^.;]{0,60}?\b(?:at the (?:beginning|start)|begin(?:s|ning)? with|start(?:s|ing)? with|prefix(?:ed)? (?:with|by))\b",
        "Derived models must carry the original model's name at the start of their name",
        r"\bnot\b[^.;]{0,20}\b(?:use|include)\b[^.;]{0,30}\bname",
    ),
    _r(
        K.BRANDING,
        "标|示|名称",
        r"(?:显著|突出|明显)?(?:标注|标明|注明|展示|显示|标示)[^。；]{0,30}?(?:built with|powered by|基于[^。；]{0,20}?(?:构建|开发|打造))"
        r"|(?:模型)?名称[^。；]{0,20}?(?:开头|前缀|起始)",
        _BUILT_WITH,
    ),
    # ---------------------------------------------------------------- revocable
    _r(
        K.REVOCABLE,
        "revocable",
        r"(?<![-\w])revocable\b",
        "The licence is revocable",
        r"\bnon-?\s?revocable\b",
    ),
    _r(
        K.REVOCABLE,
        "terminat|revok|suspend|cancel|withdraw",
        r"\b(?:may|can|reserves? the right to|has the right to)\s+(?:at any time\s+)?(?:\w+\s+or\s+)?(?:terminate|revoke|suspend|cancel|withdraw)\b"
        r"[^.]{0,120}?\b(?:at any time|anytime|for any reason|without cause|with or without (?:cause|notice)|at (?:its|our|their) (?:sole )?discretion|for convenience)",
        "The licensor may terminate or revoke the licence at will",
        r"\byou (?:may|can) (?:terminate|cancel)",
    ),
    _r(
        K.REVOCABLE,
        "updat|amend|modif|revis|chang|latest",
        r"\bas (?:it )?may be (?:updated|amended|modified|revised|changed)(?: by [\w ]{1,30}?)? from time to time\b"
        r"|\b(?:policy|terms|agreement|license|licence)\b[^.]{0,40}?\bmay be (?:updated|amended|modified|revised|changed)\b[^.]{0,30}?\bfrom time to time\b"
        r"|\blatest version\b[^.]{0,30}?\bfrom time to time\b"
        r"|\b(?:may|can|reserves? the right to)\s+(?:change|update|modify|amend|revise)(?:\s+or\s+\w+)?\s+(?:these|this|the|its|our)\s+"
        r"(?:[\w-]+\s+){0,3}?(?:terms|agreement|license|licence|policy|policies)\b"
        r"|\b(?:license|licence|agreement|terms|policy)\b[^.]{0,20}?\bsubject to (?:change|update|revision|modification)s?\b",
        "The licensor may change the terms (or an incorporated policy) unilaterally",
        r"\byou (?:may|can)\b|foundation|creative commons|steward|\bonly\b[^.]{0,40}?\b(?:may|can)\b|new versions? of th|subsequent version|versions? of (?:the|this) licen|downloaded after",
    ),
    _r(
        K.REVOCABLE,
        "remotely",
        r"\breserves? the right to restrict\b[^.]{0,40}?\bremotely\b",
        "The licensor may restrict use remotely",
    ),
    _r(
        K.REVOCABLE,
        "撤|随时|更新|修订|修改|变更",
        r"(?<!不)可撤销|(?:有权|可以|可能|可)[^。；]{0,10}?随时[^。；]{0,10}?(?:终止|撤销|撤回|暂停)"
        r"|(?:协议|许可证?)[^。；]{0,10}?(?:可能会?|将会?|有权)[^。；]{0,6}?(?:更新|修订|修改|变更)"
        r"|(?:有权|可以|可能)[^。；]{0,10}?(?:更新|修订|修改|变更)[^。；]{0,6}?本?(?:协议|许可)",
        "The licence is revocable or may change unilaterally",
    ),
    # ---------------------------------------------------------------- no derivatives
    _r(
        K.NO_DERIVATIVES,
        "deriv|adapted material|not|no right",
        r"\bno-?\s?derivatives\b|\bbut not share,? adapted material\b|\bnoderivs\b"
        r"|\bno rights? to make (?:adaptations|derivative works)\b"
        r"|\b(?:may|shall|must|will)\s+not\s+(?:modify|alter|transform|adapt|remix|build upon|create derivative works|make derivative works"
        r"|prepare derivative works|distribute (?:any )?(?:modified|derivative))\b",
        _NO_DERIV,
        r"\bexcept\b|notices?|copyright|licen[cs]e (?:text|terms)|\bterms\b|purposes?|this (?:agreement|licen[cs]e)|licen[cs]e itself|sharealike|documentation",
        needs="derivative|noderivs|no right|modify|alter|transform|adapt|remix|build upon|distribute",
    ),
    _r(
        K.NO_DERIVATIVES,
        "修改|改编|演绎|二次开发|衍生",
        r"(?:不得|禁止|不可|不允许)(?:对[^。；]{0,15})?(?:进行)?(?:修改|改编|演绎|二次开发|创作衍生|创建衍生|制作衍生)",
        _NO_DERIV,
        r"目的|用途",
    ),
    # ---------------------------------------------------------------- registration
    _r(
        K.REGISTRATION,
        "must|need|required|shall|have to|has to",
        r"\b(?:must|need to|needs to|required to|shall|have to|has to)\s+(?:first\s+|only\s+)?(?:[\w-]+\s+(?:via|by)\s+[\w-]+\s+and\s+)?"
        r"(?:register|apply (?:for|via|by|through|online|in writing)|request|obtain|fill|submit|sign up|contact)\b"
        r"[^.]{0,120}?\b(?:licen[cs]es?|approval|permission|authori[sz]ation|access|form|application|account)\b",
        _SIGN_UP,
        r"\bno need\b|\bnot (?:required|necessary)\b|\bnot need\b|\bneed not\b|\bwe need\b",
        needs="register|apply|request|obtain|fill|submit|sign up|contact",
    ),
    _r(
        K.REGISTRATION,
        "regist|access|approv|contact information|form",
        r"\bregister (?:for )?an account\b|\b(?:request|apply for) access\b|\bsubject to (?:our |the licensor's |prior )?approval\b"
        r"|\b(?:once|upon|after)\s+(?:being\s+)?approved\b"
        r"|\b(?:share your contact information|fill (?:in|out) (?:the|a|this) form|accept the conditions)\b[^.]{0,60}?\baccess\b",
        _SIGN_UP,
        r"\bno need\b|\bnot (?:required|necessary)\b",
    ),
    _r(
        K.REGISTRATION,
        "申请|登记|注册|审|授权|许可|同意|批准",
        r"(?:需|需要|须|必须|应当?|请)[^。；]{0,40}?(?:申请|登记|注册|审批|审核|获得[^。；]{0,8}?(?:授权|许可))"
        r"|审核通过后|(?:经|获得)[^。；]{0,10}?(?:书面)?(?:同意|批准|授权)后",
        _SIGN_UP,
        r"无需|不需要|不必|无须|白名单|测试|试用|体验",
        False,
        r"商|许可|授权|协议",
    ),
)


_BAD_ESCAPE = lazy_re.compile(r"\\[A-Z]")


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    # Clauses are lower-cased once, so patterns are matched case-sensitively: IGNORECASE makes
    # Python's engine several times slower on these alternations.
    if _BAD_ESCAPE.search(pattern):  # lower-casing would turn \S, \W, \D into their opposites
        raise ValueError(f"upper-case escape in clause pattern: {pattern}")
    return lazy_re.compile(pattern.lower())  # ~85 patterns: their code is cached between runs


_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")


def _screen_words(screen: str) -> frozenset[str]:
    """A rule's screen, ``"commercial|production"``, as its literal keywords."""
    words = frozenset(screen.split("|"))
    for word in words:
        if not word or "\n" in word or any(c in _REGEX_SYNTAX for c in word) or word != word.lower():
            # a screen is tested with ``in``: syntax would be taken literally and never match (and
            # clauses.find_restrictions looks for the keywords in its clauses joined by newlines)
            raise ValueError(f"clause screen is not a lower-case literal: {word!r}")
    return words


def _needs_words(needs: str | None) -> tuple[str, ...]:
    """A rule's ``needs``, ``"region|countr"``, as its literal words (validated as screens are)."""
    return tuple(sorted(_screen_words(needs))) if needs else ()


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The rule table; each rule's patterns compile on first use."""
    for _kind, _screen, p, _summary, v, _in_list, r, _needs in _RULES:
        for src in (p, v, r):
            if src and _BAD_ESCAPE.search(src):  # checked up front, not only when a rule first runs
                raise ValueError(f"upper-case escape in clause pattern: {src}")
    return tuple(
        Rule(kind, p, summary, v or None, in_list, _screen_words(screen), r or None, _needs_words(needs))
        for kind, screen, p, summary, v, in_list, r, needs in _RULES
    )


@lru_cache(maxsize=2)
def kind_groups(
    in_list: bool = False,
) -> tuple[tuple[RestrictionKind, frozenset[str], tuple[Rule, ...]], ...]:
    """The rules by kind, in table order, each kind with one screen (the union of its rules'
    screens): most clauses fail most kinds, and a failed kind costs one set test, not a test per
    rule. ``in_list``: include the rules that apply only to items of a prohibiting list."""
    grouped: dict[RestrictionKind, list[Rule]] = {}
    for rule in rules():
        if in_list or not rule.in_list_only:
            grouped.setdefault(rule.kind, []).append(rule)
    return tuple(
        (kind, frozenset().union(*(rule.screen for rule in group)), tuple(group))
        for kind, group in grouped.items()
    )


@lru_cache(maxsize=1)
def screen_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every screen keyword: the ASCII ones, and the others (Chinese), which a pure-ASCII text
    cannot hold."""
    every = sorted({word for rule in rules() for word in rule.screen})
    return tuple(w for w in every if w.isascii()), tuple(w for w in every if not w.isascii())


def screened(text: str, among: Sequence[str] | None = None) -> frozenset[str]:
    """The screen keywords that occur in ``text`` (lower-cased): a rule or kind whose screen shares
    none of them cannot match, exactly as its alternation of literals would not. ``among``: the
    only keywords that can occur (those ``screened`` found in a text that contains ``text``)."""
    if among is None:
        ascii_words, other_words = screen_words()
        among = ascii_words if text.isascii() else ascii_words + other_words
    return frozenset([w for w in among if w in text])


@lru_cache(maxsize=1)
def negation() -> re.Pattern[str]:
    return _compile(NEGATION)


_NUMBER = lazy_re.compile(
    r"(?:[$€£]|USD\s?|US\$)?\d[\d,.]*\s*(?:million|billion|thousand|[MBK]\b|万|亿)?",
    re.IGNORECASE,
)
_CN_NUMBER = lazy_re.compile(r"[一二三四五六七八九十百千]+[万亿]")


_NEAR_USERS = lazy_re.compile(
    _NUMBER.pattern
    + r"(?=\s*\+?\s*(?:[\w-]+\s+){0,3}?(?:monthly|daily|weekly|active|users?\b|visits?\b|visitors|[MD]AU\b)"
    r"|\s*(?:人次|名?用户|次访问))",
    re.IGNORECASE,
)


def threshold(text: str) -> str | None:
    """The figure a threshold clause names ("700 million", "100万"), if any."""
    near = _NEAR_USERS.search(text)
    if near:
        return near.group(0).strip().rstrip(".,")
    for m in _NUMBER.finditer(text):
        value = m.group(0).strip()
        digits = re.sub(r"\D", "", value)
        if len(digits) == 4 and value.startswith(("19", "20")):
            continue  # a year ("calendar month of 2024"), not a figure
        if not re.search(r"万|亿|million|billion|thousand|[$€£]|USD", value, re.I):
            continue  # a section or version number, not a figure
        return value.rstrip(".,")
    m2 = _CN_NUMBER.search(text)
    return m2.group(0) if m2 else None
