"""Build the Evidence: each component present / partial / absent / unknown with the
locations that show it, its licences, what the release claims and the facts it states.

Reads only through ``inventory.snapshot.read`` (bounded). Files that cannot be read make
the evidence that would rest on them ``unknown`` and leave a Note; nothing passes on them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openness.errors import OpennessError
from openness.evidence import facts as factmod
from openness.evidence.card import ModelCard, card_list, parse_card
from openness.evidence.data_info import ITEM_TITLES, Coverage, coverage
from openness.evidence.declared import declared_components
from openness.evidence.licensing import LicenseSource, attach, name_groups, text_groups
from openness.evidence.terms import osi_license, restrictive
from openness.evidence.text import find_lines
from openness.model import (
    Claim,
    Classified,
    CodeRole,
    Component,
    ComponentEvidence,
    Evidence,
    Fact,
    Inventory,
    LicenseKind,
    LicenseResult,
    Location,
    Note,
    Role,
    Status,
)

MISSING_LINK_PREFIX = "links a licence file that is not in the release"
CARD_LIMIT = 512 * 1024
LICENSE_LIMIT = 256 * 1024
DOC_LIMIT = 256 * 1024

_CODE_COMPONENT = {
    CodeRole.TRAINING: Component.TRAINING_CODE,
    CodeRole.INFERENCE: Component.INFERENCE_CODE,
    CodeRole.EVALUATION: Component.EVALUATION_CODE,
    CodeRole.PREPROCESSING: Component.DATA_PREPROCESSING_CODE,
    CodeRole.ARCHITECTURE: Component.MODEL_ARCHITECTURE,
    CodeRole.TOKENIZATION: Component.SUPPORTING_LIBRARIES,
    CodeRole.SUPPORT: Component.SUPPORTING_LIBRARIES,
}
_ROLE_COMPONENT = {
    Role.WEIGHTS: Component.PARAMETERS_FINAL,
    Role.CHECKPOINT: Component.PARAMETERS_INTERMEDIATE,
    Role.OPTIMIZER_STATE: Component.OPTIMIZER_STATE,
    Role.TOKENIZER: Component.TOKENIZER,
    Role.TRAINING_CONFIG: Component.HYPERPARAMETERS,
    Role.MODEL_CARD: Component.MODEL_CARD,
    Role.DATA_CARD: Component.DATA_CARD,
    Role.CONTAINER: Component.CONTAINER_RECIPE,
    Role.EVAL_RESULTS: Component.EVALUATION_RESULTS,
    Role.SAMPLE_OUTPUTS: Component.SAMPLE_OUTPUTS,
    Role.DEPENDENCIES: Component.ENVIRONMENT,
}
_EVAL_PATH = re.compile(r"(?:^|/)(?:eval\w*|test(?:s|_data|set)?|benchmarks?|valid\w*)(?:/|$)", re.I)
_REPORT_NAME = re.compile(r"report|technical|tech[-_]?rep", re.I)
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf)/\d{4}\.\d{4,5}|\barXiv:\s?\d{4}\.\d{4,5}|doi\.org/10\.\d+/\S+", re.I
)
_ARXIV_HINTS = ("arxiv", "doi.org")
_DOWNLOAD_HINTS = ("download", "request access", "available")
_HF_HINTS = ("huggingface.co/",)
_TECH_REPORT_LINE = re.compile(r"technical report|tech report|whitepaper|white paper", re.I)
_HF_MODEL_LINK = re.compile(
    r"huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/|join|login)[\w.-]+/[\w.-]+"
)
_HF_DATASET_LINK = re.compile(r"huggingface\.co/datasets/([\w.-]+/[\w.-]+)")
_DOWNLOAD_WEIGHTS = re.compile(
    r"\bdownload\w*\b[^\n]{0,80}\b(?:weights|checkpoints?|models?)\b"
    r"|\b(?:weights|checkpoints?)\b[^\n]{0,60}\b(?:download|request access|available (?:at|on|from))",
    re.I,
)
_HYPER = re.compile(
    r"\b(?:learning[- ]rate|\blr\b|batch[- ]size|warm-?up|weight[- ]decay|adam\w*|optimizer|epochs?|"
    r"training steps|gradient clipping|lr schedule|cosine)\b",
    re.I,
)
_LICENSE_DIR = re.compile(r"licen[cs]es?|^legal$", re.I)
_STEP_REF = re.compile(r"(?:^|/)(?:step|ckpt|checkpoint|iter|revision|stage)[-_]?\d+", re.I)


@dataclass
class _Ctx:
    inventory: Inventory
    notes: list[Note] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)

    def read(self, path: str, limit: int) -> str | None:
        entry = self.inventory.snapshot.entry(path)
        if entry is None or not entry.readable:
            self.unreadable.add(path)
            return None
        try:
            data = self.inventory.snapshot.read(path, limit)
        except (OpennessError, OSError) as exc:
            self.unreadable.add(path)
            self.notes.append(Note("warning", f"{path}: could not be read ({exc})", Location(path)))
            return None
        text = data.decode("utf-8", "replace")
        if text.count("\ufffd") > max(16, len(text) // 20):
            self.unreadable.add(path)
            self.notes.append(
                Note("warning", f"{path}: not valid UTF-8 text; not used as evidence", Location(path))
            )
            return None
        return text


def build_evidence(inventory: Inventory) -> Evidence:
    """Inventory (+ hub metadata, declared MOF data) -> Evidence."""
    ctx = _Ctx(inventory)
    snap = inventory.snapshot
    hub = snap.hub
    cards = _cards(ctx)
    primary = cards[0] if cards else None
    front: Mapping[str, Any] = dict(primary.front_matter) if primary and primary.front_matter else {}
    card_source = primary.path if front and primary else None
    if not front and hub is not None and hub.card_data:
        front, card_source = dict(hub.card_data), f"hf:{hub.repo_id}"
    claims = _claims(cards, hub)
    for card in cards:
        ctx.notes.extend(card.notes)
    _check_license_links(snap, claims, ctx.notes)

    # licences -----------------------------------------------------------------
    sources, results = _license_sources(ctx, front, card_source, claims)
    datasets = _datasets(front, card_source, hub, sources)
    lineage = _lineage(front, card_source, hub)

    # components ---------------------------------------------------------------
    comps = _components(ctx, cards, front, card_source, datasets)
    if snap.declared:
        for c, ev in declared_components(snap.declared, snap.target).items():
            if comps.get(c) is None or comps[c].status in (Status.ABSENT, Status.UNKNOWN):
                comps[c] = ev
    files_of = _files_of(inventory)
    considered = [c for c, ev in comps.items() if ev.status is not Status.ABSENT and not ev.declared]
    attached = attach(sources, considered, files_of)
    final: dict[Component, ComponentEvidence] = {}
    for c in Component:
        ev = comps.get(c) or ComponentEvidence(c, Status.ABSENT, detail="nothing found")
        extra = attached.get(c, [])
        if extra:
            ev = ComponentEvidence(
                ev.component,
                ev.status,
                ev.locations,
                tuple(ev.licenses) + tuple(extra),
                ev.detail,
                ev.declared,
            )
        final[c] = ev
    _note_uncertain_scopes(final, ctx.notes)

    # facts --------------------------------------------------------------------
    facts = _facts(ctx, cards, hub)
    final = _fact_components(final, facts)
    return Evidence(
        target=snap.target,
        components=final,
        licenses=tuple(results),
        claims=tuple(claims),
        facts=tuple(facts),
        notes=tuple(ctx.notes),
        card=front,
        declared=snap.declared,
        lineage=tuple(lineage),
        datasets=tuple(datasets),
    )


# --------------------------------------------------------------------------- cards


def _depth(path: str) -> int:
    return path.count("/")


def _cards(ctx: _Ctx) -> list[ModelCard]:
    """The model card(s) and root README, parsed; the primary card first."""
    inv = ctx.inventory
    candidates = sorted(inv.by_role(Role.MODEL_CARD), key=lambda i: (_depth(i.entry.path), i.entry.path))
    readmes = sorted(
        (i for i in inv.by_role(Role.README) if _depth(i.entry.path) == 0),
        key=lambda i: (0 if i.entry.path.lower().startswith("readme.md") else 1, i.entry.path),
    )
    out: list[ModelCard] = []
    for it in (candidates + readmes)[:8]:
        text = ctx.read(it.entry.path, CARD_LIMIT)
        if text is None:
            ctx.notes.append(
                Note(
                    "warning",
                    f"{it.entry.path}: model card/README unreadable; what it would show is unknown",
                    Location(it.entry.path),
                )
            )
            continue
        out.append(parse_card(text, it.entry.path))
    # Hugging Face convention: README.md with front matter *is* the model card.
    out.sort(key=lambda c: (0 if c.front_matter else 1, _depth(c.path)))
    return out


def _claims(cards: list[ModelCard], hub: Any) -> list[Claim]:
    out: list[Claim] = []
    seen: set[tuple[str, str, Location]] = set()
    for card in cards:
        for cl in card.claims:
            key = (cl.kind, cl.value, cl.location)
            if key not in seen:
                seen.add(key)
                out.append(cl)
    if hub is not None:
        origin = f"hf:{hub.repo_id}"
        for tag in hub.tags:
            if re.search(r"open[-_ ]?source", tag, re.I):
                out.append(Claim("tag", tag, Location(key="hub:tags", origin=origin)))
        if not any(c.kind == "license-field" for c in out):
            lic = hub.card_data.get("license") if hub.card_data else None
            if isinstance(lic, str) and lic:
                out.append(Claim("license-field", lic, Location(key="card:license", origin=origin)))
    return out


# --------------------------------------------------------------------------- licences


def _check_license_links(snap: Any, claims: list[Claim], notes: list[Note]) -> None:
    if not snap.files:
        return
    for cl in claims:
        if cl.kind != "license-link" or not cl.location.path:
            continue
        base = posixpath.dirname(cl.location.path)
        target = posixpath.normpath(posixpath.join(base, cl.value)) if base else posixpath.normpath(cl.value)
        # file-relative as markdown resolves it; root-relative as authors often mean it
        if not any(_listed(snap, t) for t in (target, posixpath.normpath(cl.value))):
            notes.append(Note("warning", f"{cl.location} {MISSING_LINK_PREFIX}: {target}", cl.location))


def _listed(snap: Any, path: str) -> bool:
    if snap.entry(path) is not None:
        return True
    prefix = path.rstrip("/") + "/"
    return any(f.path.startswith(prefix) for f in snap.files)


def _license_sources(
    ctx: _Ctx, front: Mapping[str, Any], card_source: str | None, claims: list[Claim]
) -> tuple[list[LicenseSource], list[LicenseResult]]:
    from openness.licenses import analyze_id, analyze_text

    inv = ctx.inventory
    sources: list[LicenseSource] = []
    results: list[LicenseResult] = []
    for it in inv.by_role(Role.LICENSE, Role.NOTICE, Role.USE_POLICY):
        path = it.entry.path
        folder = it.scope or (posixpath.dirname(path) if _depth(path) else "")
        if folder and _LICENSE_DIR.search(posixpath.basename(folder)):
            # "LICENSES/", "model_licenses/": a collection of licences speaks for the folder above it
            folder = posixpath.dirname(folder)
            if folder and posixpath.basename(folder).lower() in ("assets", "docs", "legal"):
                folder = posixpath.dirname(folder)
        text = ctx.read(path, LICENSE_LIMIT)
        if text is None:
            result = LicenseResult(
                Location(path), LicenseKind.LICENSE, notes=("unreadable: its terms are unknown",)
            )
            ctx.notes.append(
                Note(
                    "warning",
                    f"{path}: licence file unreadable; components it may cover are unknown",
                    Location(path),
                )
            )
            sources.append(
                LicenseSource(result, path, name_groups(path), frozenset(), folder, unreadable=True)
            )
            results.append(result)
            continue
        n_lines = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        result = analyze_text(text, Location(path, (1, n_lines)))
        results.append(result)
        if it.role is Role.NOTICE and not result.matches:
            continue  # an attribution notice that names no licence covers nothing by itself
        tg = frozenset() if osi_license(result) else text_groups(text)
        policy = it.role is Role.USE_POLICY or result.kind is LicenseKind.POLICY
        sources.append(LicenseSource(result, path, name_groups(path), tg, folder, policy=policy))
    # the card's licence field
    lic_values = card_list(front, "license")
    if lic_values and card_source is not None:
        name = front.get("license_name") if isinstance(front.get("license_name"), str) else None
        link = front.get("license_link") if isinstance(front.get("license_link"), str) else None
        for value in lic_values:
            loc = Location(
                card_source if "/" in card_source or "." in card_source else None,
                key="card:license",
                origin=card_source if card_source.startswith("hf:") else None,
            )
            if card_source.startswith("hf:"):
                loc = Location(key="card:license", origin=card_source)
            query = name if value.lower() == "other" and name else value
            result = analyze_id(query, loc, name=name, link=link)
            results.append(result)
            sources.append(LicenseSource(result, via="card"))
    # per-component statements in prose
    for cl in claims:
        if cl.kind != "component-license":
            continue
        group, _, ident = cl.value.partition("=")
        found = _same_as_file(ident, results)
        if found is None:
            stated = analyze_id(ident, cl.location)
            same = _same_as_file(stated.match.id, results) if stated.match else None
            found = same or stated
        sources.append(LicenseSource(found, via="statement", groups=frozenset({group})))
    return sources, results


def _same_as_file(ident: str, results: list[LicenseResult]) -> LicenseResult | None:
    """A statement naming a licence that a licence file holds: use the file's analysis."""
    low = ident.lower()
    for r in results:
        if r.location.path and r.location.key is None and any(m.id.lower() == low for m in r.matches):
            return r
    return None


def _note_uncertain_scopes(components: Mapping[Component, ComponentEvidence], notes: list[Note]) -> None:
    seen: set[int] = set()
    for ev in components.values():
        for a in ev.licenses:
            if not a.scope_certain and restrictive(a.license) and id(a.license) not in seen:
                seen.add(id(a.license))
                covered = [
                    str(c) for c, e in components.items() if any(x.license is a.license for x in e.licenses)
                ]
                notes.append(
                    Note(
                        "warning",
                        f"the restrictive licence at {a.license.location} has no pinned scope; "
                        "it is counted against "
                        f"every component it may cover: {', '.join(covered)}",
                        a.license.location,
                    )
                )


# --------------------------------------------------------------------------- datasets and lineage


def _datasets(
    front: Mapping[str, Any], card_source: str | None, hub: Any, sources: list[LicenseSource]
) -> list[dict[str, Any]]:
    from openness.licenses import analyze_id

    out: list[dict[str, Any]] = []
    hub_entries = list(hub.extra.get("datasets", []) or []) if hub is not None else []
    known = {str(e.get("id")): e for e in hub_entries if isinstance(e, Mapping)}
    for name in card_list(front, "datasets"):
        entry = known.pop(name, None)
        out.append(_dataset_entry(name, entry, card_source, sources, analyze_id))
    for name, entry in known.items():
        out.append(_dataset_entry(name, entry, card_source, sources, analyze_id))
    return out


def _dataset_entry(
    name: str,
    entry: Mapping[str, Any] | None,
    card_source: str | None,
    sources: list[LicenseSource],
    analyze_id: Any,
) -> dict[str, Any]:
    d: dict[str, Any] = {"id": name, "location": {"key": "card:datasets", "path": card_source}}
    if entry:
        lic = entry.get("license")
        d["license"] = lic
        d["key"] = entry.get("key")
        if isinstance(lic, str) and lic:
            result = analyze_id(
                lic, Location(key=f"hub:dataset:{name}:license", origin=f"hf:datasets/{name}")
            )
            d["osi_approved"] = result.osi_approved
            d["restricted"] = restrictive(result)
            sources.append(LicenseSource(result, via="dataset"))
    return d


def _lineage(front: Mapping[str, Any], card_source: str | None, hub: Any) -> list[dict[str, Any]]:
    from openness.licenses import analyze_id

    out: list[dict[str, Any]] = []
    entries = list(hub.extra.get("lineage", []) or []) if hub is not None else []
    by_id = {str(e.get("id")): e for e in entries if isinstance(e, Mapping)}
    names = card_list(front, "base_model")
    for name in names:
        if name not in by_id:
            by_id[name] = {"id": name, "depth": 1, "key": "card:base_model"}
    for name, e in by_id.items():
        d: dict[str, Any] = {k: v for k, v in e.items() if isinstance(k, str)}
        d.setdefault("location", {"key": str(e.get("key") or "card:base_model"), "path": card_source})
        lic = e.get("license")
        if isinstance(lic, str) and lic:
            query = e.get("license_name") if lic == "other" and e.get("license_name") else lic
            result = analyze_id(
                str(query),
                Location(key=f"hub:{name}:license", origin=f"hf:{name}"),
                name=e.get("license_name"),
                link=e.get("license_link"),
            )
            d["license_id"] = result.match.id if result.match else None
            d["osi_approved"] = result.osi_approved
            d["restricted"] = restrictive(result)
            d["restrictions"] = [str(r.kind) for r in result.restrictions]
        out.append(d)
    return out


# --------------------------------------------------------------------------- components


def _files_of(inv: Inventory) -> dict[Component, frozenset[str]]:
    acc: dict[Component, set[str]] = {}
    for it in inv.items:
        for c in _item_components(it):
            acc.setdefault(c, set()).add(it.entry.path)
    return {c: frozenset(v) for c, v in acc.items()}


def _item_components(it: Classified) -> set[Component]:
    out: set[Component] = set()
    role_c = _ROLE_COMPONENT.get(it.role)
    if role_c is not None:
        out.add(role_c)
    if it.role in (Role.CODE, Role.NOTEBOOK):
        out |= {_CODE_COMPONENT[r] for r in it.code_roles if r in _CODE_COMPONENT}
    if it.role is Role.CONFIG:
        out |= {Component.MODEL_METADATA, Component.MODEL_ARCHITECTURE}
    if it.role is Role.DATASET:
        out.add(Component.EVALUATION_DATA if _EVAL_PATH.search(it.entry.path) else Component.DATASETS)
    if it.role is Role.PAPER:
        out.add(
            Component.TECHNICAL_REPORT if _REPORT_NAME.search(it.entry.path) else Component.RESEARCH_PAPER
        )
    return out


def _locs(items: Iterable[Classified], limit: int = 8) -> tuple[Location, ...]:
    out: list[Location] = []
    for it in items:
        if it.locations:
            out.append(it.locations[0])
        else:
            out.append(Location(it.entry.path))
        if len(out) >= limit:
            break
    return tuple(out)


def _ev(c: Component, status: Status, locs: Iterable[Location], detail: str) -> ComponentEvidence:
    return ComponentEvidence(c, status, tuple(locs), (), detail)


def _files_detail(items: tuple[Classified, ...], what: str) -> str:
    paths = [i.entry.path for i in items]
    more = f" (+{len(paths) - 3} more)" if len(paths) > 3 else ""
    return f"{what}: {', '.join(paths[:3])}{more}"


def _card_lines(
    cards: list[ModelCard], rx: re.Pattern[str], hints: tuple[str, ...]
) -> list[tuple[Location, str]]:
    out: list[tuple[Location, str]] = []
    for card in cards:
        for i, m in find_lines(card.lines, rx, hints, card.body_start, card.index):
            out.append((Location(card.path, (i + 1, i + 1)), m.group(0)))
    return out


def _components(
    ctx: _Ctx,
    cards: list[ModelCard],
    front: Mapping[str, Any],
    card_source: str | None,
    datasets: list[dict[str, Any]],
) -> dict[Component, ComponentEvidence]:
    inv = ctx.inventory
    hub = inv.snapshot.hub
    out: dict[Component, ComponentEvidence] = {}
    unreadable_cards = [
        i for i in inv.by_role(Role.MODEL_CARD, Role.README) if i.entry.path in ctx.unreadable
    ]

    # code by role
    for code_role, comp in _CODE_COMPONENT.items():
        items = inv.code(code_role)
        if items and comp not in out:
            out[comp] = _ev(comp, Status.PRESENT, _locs(items), _files_detail(items, f"{code_role} code"))
        elif items:
            prev = out[comp]
            out[comp] = _ev(
                comp,
                Status.PRESENT,
                prev.locations + _locs(items, 4),
                prev.detail + "; " + _files_detail(items, f"{code_role} code"),
            )
    deps = inv.by_role(Role.DEPENDENCIES)
    if Component.SUPPORTING_LIBRARIES not in out and deps:
        out[Component.SUPPORTING_LIBRARIES] = _ev(
            Component.SUPPORTING_LIBRARIES,
            Status.PRESENT,
            _locs(deps),
            _files_detail(deps, "external libraries named in"),
        )
    configs = inv.by_role(Role.CONFIG)
    if Component.MODEL_ARCHITECTURE not in out and configs:
        out[Component.MODEL_ARCHITECTURE] = _ev(
            Component.MODEL_ARCHITECTURE,
            Status.PRESENT,
            _locs(configs),
            _files_detail(configs, "architecture specified by configuration, implemented in a library"),
        )

    # parameters
    weights = inv.by_role(Role.WEIGHTS)
    elsewhere = _weights_elsewhere(inv, cards)
    if weights:
        detail = _files_detail(weights, "weights")
        if any(w.weights and w.weights.unsafe for w in weights):
            detail += " (pickle-based files flagged, never loaded)"
        if hub is not None and hub.gated:
            detail += f"; gated on the Hub ({hub.gated}): access needs accepting terms"
        out[Component.PARAMETERS_FINAL] = _ev(
            Component.PARAMETERS_FINAL, Status.PRESENT, _locs(weights), detail
        )
    elif elsewhere:
        out[Component.PARAMETERS_FINAL] = _ev(
            Component.PARAMETERS_FINAL,
            Status.UNKNOWN,
            [loc for loc, _ in elsewhere[:4]],
            "weights are not in the release; they live elsewhere ("
            + "; ".join(w for _, w in elsewhere[:2])
            + ")",
        )
    ckpts = inv.by_role(Role.CHECKPOINT)
    refs = [r for r in (hub.refs if hub is not None else ()) if _STEP_REF.search(r)]
    if ckpts:
        out[Component.PARAMETERS_INTERMEDIATE] = _ev(
            Component.PARAMETERS_INTERMEDIATE,
            Status.PRESENT,
            _locs(ckpts),
            _files_detail(ckpts, "intermediate checkpoints"),
        )
    elif refs and hub is not None:
        out[Component.PARAMETERS_INTERMEDIATE] = _ev(
            Component.PARAMETERS_INTERMEDIATE,
            Status.PRESENT,
            [Location(key="hub:refs", origin=f"hf:{hub.repo_id}")],
            f"{len(refs)} intermediate revisions on the Hub ({', '.join(refs[:3])}...)",
        )

    # simple role -> component
    for role, comp in _ROLE_COMPONENT.items():
        if comp in out:
            continue
        items = inv.by_role(role)
        if items:
            out[comp] = _ev(comp, Status.PRESENT, _locs(items), _files_detail(items, str(role)))
    # datasets
    data_items = [i for i in inv.by_role(Role.DATASET)]
    train_data = tuple(i for i in data_items if not _EVAL_PATH.search(i.entry.path))
    eval_data = tuple(i for i in data_items if _EVAL_PATH.search(i.entry.path))
    if train_data:
        out[Component.DATASETS] = _ev(
            Component.DATASETS, Status.PRESENT, _locs(train_data), _files_detail(train_data, "dataset files")
        )
    elif datasets:
        confirmed = [d for d in datasets if d.get("license")]
        loc = (
            Location(card_source, key="card:datasets")
            if card_source and not card_source.startswith("hf:")
            else Location(key="card:datasets", origin=card_source)
        )
        names = ", ".join(str(d["id"]) for d in datasets[:4])
        if confirmed and len(confirmed) == len(datasets):
            out[Component.DATASETS] = _ev(
                Component.DATASETS, Status.PRESENT, [loc], f"published on the Hub: {names}"
            )
        else:
            out[Component.DATASETS] = _ev(
                Component.DATASETS,
                Status.UNKNOWN,
                [loc],
                f"named, hosted elsewhere and not inspected: {names}",
            )
    if eval_data:
        out[Component.EVALUATION_DATA] = _ev(
            Component.EVALUATION_DATA,
            Status.PRESENT,
            _locs(eval_data),
            _files_detail(eval_data, "evaluation data"),
        )
    # documents
    papers = inv.by_role(Role.PAPER)
    reports = tuple(p for p in papers if _REPORT_NAME.search(p.entry.path))
    research = tuple(p for p in papers if p not in reports)
    links = _card_lines(cards, _ARXIV, _ARXIV_HINTS)
    report_links = [(loc, v) for loc, v in links if _line_matches(cards, loc, _TECH_REPORT_LINE)]
    if reports:
        out[Component.TECHNICAL_REPORT] = _ev(
            Component.TECHNICAL_REPORT,
            Status.PRESENT,
            _locs(reports),
            _files_detail(reports, "technical report"),
        )
    elif report_links:
        out[Component.TECHNICAL_REPORT] = _ev(
            Component.TECHNICAL_REPORT,
            Status.PRESENT,
            [loc for loc, _ in report_links[:3]],
            f"technical report linked: {report_links[0][1]}",
        )
    if research:
        out[Component.RESEARCH_PAPER] = _ev(
            Component.RESEARCH_PAPER, Status.PRESENT, _locs(research), _files_detail(research, "paper")
        )
    elif links:
        out[Component.RESEARCH_PAPER] = _ev(
            Component.RESEARCH_PAPER,
            Status.PRESENT,
            [loc for loc, _ in links[:3]],
            f"paper linked: {links[0][1]}",
        )
    # model card
    if Component.MODEL_CARD not in out:
        with_front = [c for c in cards if c.front_matter]
        card_like = [
            c
            for c in cards
            if len(
                {k for s in c.sections for k in s.kinds}
                & {"data", "training", "evaluation", "limitations", "intended-use"}
            )
            >= 2
        ]
        if with_front:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PRESENT,
                [Location(with_front[0].path)],
                f"model card with metadata: {with_front[0].path}",
            )
        elif hub is not None and hub.card_data:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PRESENT,
                [Location(key="card", origin=f"hf:{hub.repo_id}")],
                "model card on the Hub",
            )
        elif card_like:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD,
                Status.PARTIAL,
                [Location(card_like[0].path)],
                f"README carries model-card sections but no card metadata: {card_like[0].path}",
            )
        elif unreadable_cards:
            out[Component.MODEL_CARD] = _ev(
                Component.MODEL_CARD, Status.UNKNOWN, _locs(unreadable_cards), "model card/README unreadable"
            )
    # model metadata from card front matter
    if Component.MODEL_METADATA not in out and front:
        out[Component.MODEL_METADATA] = _ev(
            Component.MODEL_METADATA,
            Status.PRESENT,
            [Location(card_source, key="card") if card_source else Location(key="card")],
            "model card metadata (front matter)",
        )
    # evaluation results
    if Component.EVALUATION_RESULTS not in out:
        eval_secs = [(card, s) for card in cards for s in card.sections_of("evaluation")]
        if front.get("model-index"):
            out[Component.EVALUATION_RESULTS] = _ev(
                Component.EVALUATION_RESULTS,
                Status.PRESENT,
                [Location(card_source, key="card:model-index")],
                "results in the card's model-index",
            )
        elif eval_secs:
            card0, sec0 = eval_secs[0]
            out[Component.EVALUATION_RESULTS] = _ev(
                Component.EVALUATION_RESULTS,
                Status.PRESENT,
                [card.location(sec) for card, sec in eval_secs[:3]],
                f"evaluation section '{sec0.title}' in {card0.path}",
            )
    # hyperparameters stated in prose
    if Component.HYPERPARAMETERS not in out:
        hits = []
        for card in cards:
            for sec in card.sections_of("training"):
                found = {m.group(0).lower() for m in _HYPER.finditer(card.text_of(sec))}
                if found:
                    hits.append((card.location(sec), found))
        if hits:
            kinds = set().union(*(f for _, f in hits))
            status = Status.PRESENT if len(kinds) >= 3 else Status.PARTIAL
            out[Component.HYPERPARAMETERS] = _ev(
                Component.HYPERPARAMETERS,
                status,
                [loc for loc, _ in hits[:3]],
                "stated in the card: " + ", ".join(sorted(kinds)[:6]),
            )
    # data information and data card
    out[Component.DATA_INFORMATION] = _data_information(
        ctx, cards, datasets, card_source, out, unreadable_cards
    )
    if Component.DATA_CARD not in out:
        info = out[Component.DATA_INFORMATION]
        in_card = [
            loc for loc in info.locations if loc.lines and loc.path and any(k.path == loc.path for k in cards)
        ]
        if in_card:
            status = Status.PRESENT if info.status is Status.PRESENT else Status.PARTIAL
            out[Component.DATA_CARD] = _ev(
                Component.DATA_CARD, status, in_card, "data card information inside the model card"
            )
    for c in Component:
        if (
            c not in out
            and unreadable_cards
            and c in (Component.DATA_INFORMATION, Component.EVALUATION_RESULTS)
        ):
            out[c] = _ev(
                c, Status.UNKNOWN, _locs(unreadable_cards), "the card that would show it is unreadable"
            )
    return out


def _line_matches(cards: list[ModelCard], loc: Location, rx: re.Pattern[str]) -> bool:
    for c in cards:
        if c.path == loc.path and loc.lines:
            return bool(rx.search(c.lines[loc.lines[0] - 1]))
    return False


def _weights_elsewhere(inv: Inventory, cards: list[ModelCard]) -> list[tuple[Location, str]] | None:
    """Signs the weights are published somewhere else: a download script, a hub link, gating."""
    out: list[tuple[Location, str]] = []
    for it in inv.by_role(Role.DOWNLOAD_SCRIPT):
        out.append((Location(it.entry.path), f"download script {it.entry.path}"))
    hub = inv.snapshot.hub
    if hub is not None and hub.gated:
        out.append((Location(key="hub:gated", origin=f"hf:{hub.repo_id}"), f"gated on the Hub ({hub.gated})"))
    for loc, text in _card_lines(cards, _DOWNLOAD_WEIGHTS, _DOWNLOAD_HINTS)[:3]:
        out.append((loc, f"'{text[:60]}'"))
    for loc, text in _card_lines(cards, _HF_MODEL_LINK, _HF_HINTS)[:3]:
        out.append((loc, f"link {text}"))
    for it in inv.by_role(Role.WEIGHTS):
        if not it.entry.readable or it.entry.lfs:
            out.append((Location(it.entry.path), "LFS pointer"))
    return out or None


def _data_information(
    ctx: _Ctx,
    cards: list[ModelCard],
    datasets: list[dict[str, Any]],
    card_source: str | None,
    comps: Mapping[Component, ComponentEvidence],
    unreadable_cards: tuple[Classified, ...] | list[Classified],
) -> ComponentEvidence:
    inv = ctx.inventory
    cov = Coverage(frozenset())
    locs: list[Location] = []
    sources: list[str] = []
    for it in inv.by_role(Role.DATA_CARD):
        text = ctx.read(it.entry.path, DOC_LIMIT)
        if text is None:
            continue
        cov = cov.merged(coverage(text))
        locs.append(Location(it.entry.path))
        sources.append(it.entry.path)
    for card in cards:
        for sec in card.sections_of("data"):
            cov = cov.merged(coverage(card.text_of(sec)))
            locs.append(card.location(sec))
            sources.append(f"{card.path} '{sec.title}'")
    listed = bool(datasets) or bool(_card_lines(cards, _HF_DATASET_LINK, _HF_HINTS))
    if listed:
        cov = cov.merged(Coverage(frozenset({"public-list", "provenance"})))
        if datasets:
            locs.append(
                Location(card_source, key="card:datasets") if card_source else Location(key="card:datasets")
            )
            sources.append("card datasets field")
    unread_papers: list[Location] = []
    for it in inv.by_role(Role.PAPER):
        if it.entry.path.lower().endswith((".md", ".txt", ".tex", ".rst", ".html")):
            text = ctx.read(it.entry.path, DOC_LIMIT)
            if text is not None:
                cov = cov.merged(coverage(text))
                locs.append(Location(it.entry.path))
                sources.append(it.entry.path)
                continue
        unread_papers.append(Location(it.entry.path))
    for comp in (Component.RESEARCH_PAPER, Component.TECHNICAL_REPORT):
        ev = comps.get(comp)
        if ev is not None and ev.status is Status.PRESENT:
            unread_papers.extend(loc for loc in ev.locations if loc not in locs and loc.lines)
    c = Component.DATA_INFORMATION
    if not sources:
        if unread_papers:
            return _ev(
                c,
                Status.UNKNOWN,
                unread_papers[:3],
                "no data description in the release; a paper/report (not read) may carry it",
            )
        if unreadable_cards:
            return _ev(
                c,
                Status.UNKNOWN,
                _locs(unreadable_cards),
                "the card that would describe the data is unreadable",
            )
        return _ev(c, Status.ABSENT, (), "no data card, data section, dataset list or paper")
    missing = cov.missing
    where = "; ".join(sources[:3])
    if not missing:
        return _ev(c, Status.PRESENT, locs[:6], f"covers all OSAID data-information items ({where})")
    gap = ", ".join(ITEM_TITLES[m] for m in missing)
    if unread_papers:
        return _ev(
            c,
            Status.UNKNOWN,
            (locs + unread_papers)[:6],
            f"{where} misses: {gap}; a paper/report (not read) may cover them",
        )
    return _ev(c, Status.PARTIAL, locs[:6], f"{where} misses: {gap}")


# --------------------------------------------------------------------------- facts


def _facts(ctx: _Ctx, cards: list[ModelCard], hub: Any) -> list[Fact]:
    inv = ctx.inventory
    out: list[Fact] = []
    p = factmod.weights_parameters(inv.by_role(Role.WEIGHTS))
    if p is not None:
        out.append(p)
    if hub is not None and hub.safetensors_parameters:
        out.append(
            Fact(
                "parameters",
                int(sum(hub.safetensors_parameters.values())),
                Location(key="hub:safetensors", origin=f"hf:{hub.repo_id}"),
            )
        )
    seen: set[tuple[str, object]] = set()
    for card in cards:
        for f in card.facts:
            if (f.key, f.value) not in seen:
                seen.add((f.key, f.value))
                out.append(f)
    out.extend(factmod.seeds(inv, ctx.read))
    out.extend(factmod.dependencies(inv.by_role(Role.DEPENDENCIES), ctx.read, ctx.notes))
    bases = factmod.containers(inv.by_role(Role.CONTAINER), ctx.read)
    out.extend(bases)
    out.extend(Fact("os", f.value, f.location) for f in bases)
    out.extend(_attestation(inv, ctx.notes))
    return out


def _attestation(inv: Inventory, notes: list[Note]) -> list[Fact]:
    import importlib

    try:
        mod = importlib.import_module("openness.evidence.attestation")
    except ImportError:
        return []
    fn = getattr(mod, "attestation_facts", None)
    if fn is None:
        return []
    try:
        got = fn(inv)
    except OpennessError as exc:
        notes.append(Note("warning", f"attestation: {exc}"))
        return []
    out: list[Fact] = []
    for x in got or ():
        if isinstance(x, Fact):
            out.append(x)
        elif isinstance(x, Note):
            notes.append(x)
    return out


def _fact_components(
    comps: dict[Component, ComponentEvidence], facts: list[Fact]
) -> dict[Component, ComponentEvidence]:
    """Seeds and pinned environments are components too (for reproducibility and MOF views)."""
    out = dict(comps)
    seeds = [f for f in facts if f.key == "random_seed"]
    if seeds and out[Component.RANDOM_SEEDS].status is Status.ABSENT:
        out[Component.RANDOM_SEEDS] = ComponentEvidence(
            Component.RANDOM_SEEDS,
            Status.PRESENT,
            tuple(f.location for f in seeds[:5]),
            out[Component.RANDOM_SEEDS].licenses,
            f"seed(s): {', '.join(str(f.value) for f in seeds[:4])}",
        )
    env = out[Component.ENVIRONMENT]
    deps = [f for f in facts if f.key == "pinned_dependencies"]
    if deps and env.status is Status.PRESENT:
        locked = any(f.value.get("lock") for f in deps)
        pinned = sum(f.value.get("pinned") or 0 for f in deps)
        total = sum(f.value.get("total") or 0 for f in deps)
        fully = locked or (total > 0 and pinned == total)
        status = Status.PRESENT if fully else Status.PARTIAL
        detail = "lock file" if locked else f"{pinned} of {total} requirements pinned"
        out[Component.ENVIRONMENT] = ComponentEvidence(
            Component.ENVIRONMENT,
            status,
            env.locations,
            env.licenses,
            f"{env.detail}; {detail}",
            env.declared,
        )
    return out


__all__ = ["build_evidence"]
