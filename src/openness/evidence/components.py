"""Component statuses from the inventory, the parsed cards and the hub: present / partial /
absent / unknown, each with the locations that show it and a one-line detail."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openness.evidence.card import ModelCard
from openness.evidence.data_info import ITEM_TITLES, Coverage, coverage
from openness.evidence.reading import DOC_LIMIT, ReadContext
from openness.evidence.text import find_lines
from openness.model import (
    Classified,
    CodeRole,
    Component,
    ComponentEvidence,
    Fact,
    Inventory,
    Location,
    Role,
    Status,
)

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


_STEP_REF = re.compile(r"(?:^|/)(?:step|ckpt|checkpoint|iter|revision|stage)[-_]?\d+", re.I)


def files_of(inv: Inventory) -> dict[Component, frozenset[str]]:
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


@dataclass
class _Scan:
    """What the component decisions read, and the statuses decided so far."""

    ctx: ReadContext
    cards: list[ModelCard]
    front: Mapping[str, Any]
    card_source: str | None
    datasets: list[dict[str, Any]]
    out: dict[Component, ComponentEvidence] = field(default_factory=dict)

    @property
    def inv(self) -> Inventory:
        return self.ctx.inventory

    @property
    def hub(self) -> Any:
        return self.ctx.inventory.snapshot.hub

    @property
    def unreadable_cards(self) -> list[Classified]:
        return [
            i for i in self.inv.by_role(Role.MODEL_CARD, Role.README) if i.entry.path in self.ctx.unreadable
        ]


def component_statuses(
    ctx: ReadContext,
    cards: list[ModelCard],
    front: Mapping[str, Any],
    card_source: str | None,
    datasets: list[dict[str, Any]],
) -> dict[Component, ComponentEvidence]:
    """Each component's status from artifacts; later steps only fill what earlier ones left open."""
    scan = _Scan(ctx, cards, front, card_source, datasets)
    for step in (
        _code,
        _parameters,
        _simple_roles,
        _datasets,
        _documents,
        _model_card,
        _metadata,
        _evaluation_results,
        _hyperparameters,
        _data,
    ):
        step(scan)
    return scan.out


def _code(s: _Scan) -> None:
    """Code by role."""
    inv = s.inv
    out = s.out
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


def _parameters(s: _Scan) -> None:
    """Parameters."""
    inv = s.inv
    hub = s.hub
    out = s.out
    cards = s.cards
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


def _simple_roles(s: _Scan) -> None:
    """Simple role -> component."""
    inv = s.inv
    out = s.out
    for role, comp in _ROLE_COMPONENT.items():
        if comp in out:
            continue
        items = inv.by_role(role)
        if items:
            out[comp] = _ev(comp, Status.PRESENT, _locs(items), _files_detail(items, str(role)))


def _datasets(s: _Scan) -> None:
    """Datasets."""
    inv = s.inv
    out = s.out
    card_source = s.card_source
    datasets = s.datasets
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


def _documents(s: _Scan) -> None:
    """Documents."""
    inv = s.inv
    out = s.out
    cards = s.cards
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


def _model_card(s: _Scan) -> None:
    """Model card."""
    hub = s.hub
    out = s.out
    cards = s.cards
    unreadable_cards = s.unreadable_cards
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


def _metadata(s: _Scan) -> None:
    """Model metadata from card front matter."""
    out = s.out
    front = s.front
    card_source = s.card_source
    if Component.MODEL_METADATA not in out and front:
        out[Component.MODEL_METADATA] = _ev(
            Component.MODEL_METADATA,
            Status.PRESENT,
            [Location(card_source, key="card") if card_source else Location(key="card")],
            "model card metadata (front matter)",
        )


def _evaluation_results(s: _Scan) -> None:
    """Evaluation results."""
    out = s.out
    cards = s.cards
    front = s.front
    card_source = s.card_source
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


def _hyperparameters(s: _Scan) -> None:
    """Hyperparameters stated in prose."""
    out = s.out
    cards = s.cards
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


def _data(s: _Scan) -> None:
    """Data information and data card."""
    out = s.out
    cards = s.cards
    card_source = s.card_source
    datasets = s.datasets
    ctx = s.ctx
    unreadable_cards = s.unreadable_cards
    out[Component.DATA_INFORMATION] = _data_information(
        ctx, cards, datasets, card_source, out, unreadable_cards
    )
    if Component.DATA_CARD not in out:
        info = out[Component.DATA_INFORMATION]
        in_card = [card.location(sec) for card in cards for sec in card.sections_of("data")][:4]
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
    ctx: ReadContext,
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


def fact_components(
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
