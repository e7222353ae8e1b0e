"""Build the Evidence: each component present / partial / absent / unknown with the
locations that show it, its licences, what the release claims and the facts it states.

Reads only through ``inventory.snapshot.read`` (bounded). Files that cannot be read make
the evidence that would rest on them ``unknown`` and leave a Note; nothing passes on them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from openness import lazy_re
from openness.errors import OpennessError
from openness.evidence import facts as factmod
from openness.evidence.card import ModelCard, card_list, parse_card
from openness.evidence.completeness import unknown_if_unread, unknown_if_unseen, unread, unseen
from openness.evidence.components import (
    UserMaterial,
    component_statuses,
    fact_components,
    files_of,
    followed_roots,
)
from openness.evidence.declared import declared_components
from openness.evidence.documentation import documentation_facts
from openness.evidence.elsewhere import find_publications, settle
from openness.evidence.licensing import (
    LicenseSource,
    attach,
    foreign_notes,
    name_groups,
    prose_sources,
    text_groups,
)
from openness.evidence.reading import CARD_LIMIT, LICENSE_LIMIT, ReadContext
from openness.evidence.release_kind import release_kind
from openness.evidence.summary import weights_line
from openness.licenses.terms import osi_license, restrictive
from openness.model import (
    AppliedLicense,
    Claim,
    ClaimKind,
    ClaimSubject,
    Classified,
    Component,
    ComponentEvidence,
    Evidence,
    Fact,
    Inventory,
    LicenseKind,
    LicenseResult,
    Location,
    Note,
    NoteKind,
    NoteLevel,
    Role,
    Status,
)

MISSING_LINK_PREFIX = "links a licence file that is not in the release"

_LICENSE_DIR = lazy_re.compile(r"licen[cs]es?|^legal$", re.I)


def build_evidence(inventory: Inventory) -> Evidence:
    """Inventory (+ hub metadata, declared MOF data) -> Evidence."""
    ctx = ReadContext(inventory)
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
    prose_sources(cards, sources, results)  # weights' terms stated in prose
    ctx.notes.extend(foreign_notes(sources))  # other models' and vendored code's licences
    datasets = _datasets(front, card_source, hub, sources)
    lineage = _lineage(front, card_source, hub)

    # components ---------------------------------------------------------------
    for_users = UserMaterial(ctx, cards)
    comps = component_statuses(ctx, cards, front, card_source, datasets, for_users)
    # What lives elsewhere once the statuses are decided (intermediate checkpoints, every dataset
    # named, weights whose terms are stated, a linked training framework), and whether the release
    # is a tool with no model of its own (elsewhere.settle, release_kind).
    published = find_publications(inventory, cards)  # the answer component_statuses had, kept
    weights_terms = [
        cl.location
        for cl in claims
        if cl.kind == ClaimKind.COMPONENT_LICENSE and cl.value.startswith("weights=")
    ]
    weights_terms += [src.result.location for src in sources if src.via == "prose"]
    kind = release_kind(inventory, cards, front, published.of(Component.PARAMETERS_FINAL))
    comps = settle(comps, published, cards, weights_terms, kind)
    if snap.declared:
        for c, ev in declared_components(snap.declared, snap.target).items():
            if comps.get(c) is None or comps[c].status in (Status.ABSENT, Status.UNKNOWN):
                comps[c] = ev
    # A hub snapshot that did not see everything shows nothing absent that the unseen part may hold.
    gap = unseen(snap)
    if gap is not None:
        comps = unknown_if_unseen(comps, gap)
    paths_of = files_of(inventory, for_users, comps)
    considered = [c for c, ev in comps.items() if ev.status is not Status.ABSENT and not ev.declared]
    attached = attach(
        sources,
        considered,
        paths_of,
        elsewhere=_weights_elsewhere(comps, paths_of),
        apart=followed_roots(inventory),
        own_terms=[c for c, ev in comps.items() if any(a.scope_certain for a in ev.licenses)],
    )
    gaps = unread(inventory, ctx.unreadable)
    _licence_unknown_if_card_unread(attached, considered, gaps.get(Component.MODEL_CARD, ()))
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
                ev.elsewhere,
            )
        final[c] = ev
    _note_uncertain_scopes(final, ctx.notes)

    # facts --------------------------------------------------------------------
    facts = _facts(ctx, cards, hub)
    final = fact_components(final, facts)
    # Last, once every reader has run: what an unreadable file could have shown is unknown,
    # never absent or partial (a verdict must not fail on evidence it could not read).
    final = unknown_if_unread(final, gaps)
    # What the release documents about itself (its own papers, training hardware, code docs, card
    # coverage), read once components are settled: the OSAI Index's documentation dimensions ask it.
    facts.extend(documentation_facts(ctx, cards, final))
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
        summary=weights_line(final),
        tool_stated_at=kind.stated_at if kind.tool else None,
    )


def _licence_unknown_if_card_unread(
    attached: dict[Component, list[AppliedLicense]], considered: list[Component], cards: tuple[str, ...]
) -> None:
    """A component no licence was found for, while a card could not be read: its licence is
    unknown, not "none". Cards state licences (a ``license`` field, "the code is released under
    ...") that cover components with no licence file of their own; an unread card would otherwise
    leave them "all rights reserved", a failing verdict on evidence that could not be read."""
    if not cards:
        return
    where = Location(cards[0], key="card:license")
    why = f"{cards[0]} could not be read: the licence it may state is unknown"
    result = LicenseResult(where, LicenseKind.OTHER, notes=(why,))
    for c in considered:
        if not attached.get(c):
            attached[c] = [
                AppliedLicense(result, False, f"{cards[0]} could not be read; it may state this licence")
            ]


def _weights_elsewhere(
    comps: Mapping[Component, ComponentEvidence], paths_of: Mapping[Component, frozenset[str]]
) -> frozenset[Component]:
    """Weights that are unknown because they are published elsewhere (no weight files here)."""
    c = Component.PARAMETERS_FINAL
    ev = comps.get(c)
    if ev is not None and ev.status is Status.UNKNOWN and not ev.declared and not paths_of.get(c):
        return frozenset({c})
    return frozenset()


# --------------------------------------------------------------------------- cards


def _depth(path: str) -> int:
    return path.count("/")


def _cards(ctx: ReadContext) -> list[ModelCard]:
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
                    NoteLevel.WARNING,
                    f"{it.entry.path}: model card/README unreadable; what it would show is unknown",
                    Location(it.entry.path),
                    NoteKind.UNREADABLE,
                )
            )
            continue
        out.append(parse_card(text, it.entry.path))
    # Hugging Face convention: README.md with front matter *is* the model card.
    out.sort(key=lambda c: (0 if c.front_matter else 1, _depth(c.path)))
    return out


def _claims(cards: list[ModelCard], hub: Any) -> list[Claim]:
    out: list[Claim] = []
    seen: set[Claim] = set()  # the whole claim: one phrase may name two subjects (weights and code)
    for card in cards:
        for cl in card.claims:
            if cl not in seen:
                seen.add(cl)
                out.append(cl)
    if hub is not None:
        origin = f"hf:{hub.repo_id}"
        for tag in hub.tags:
            if re.search(r"open[-_ ]?source", tag, re.I):
                where = Location(key="hub:tags", origin=origin)
                out.append(Claim(ClaimKind.TAG, tag, where, ClaimSubject.RELEASE))
        if not any(c.kind == ClaimKind.LICENSE_FIELD for c in out):
            lic = hub.card_data.get("license") if hub.card_data else None
            if isinstance(lic, str) and lic:
                out.append(Claim(ClaimKind.LICENSE_FIELD, lic, Location(key="card:license", origin=origin)))
    return out


# --------------------------------------------------------------------------- licences


def _check_license_links(snap: Any, claims: list[Claim], notes: list[Note]) -> None:
    if not snap.files:
        return
    for cl in claims:
        if cl.kind != ClaimKind.LICENSE_LINK or not cl.location.path:
            continue
        base = posixpath.dirname(cl.location.path)
        target = posixpath.normpath(posixpath.join(base, cl.value)) if base else posixpath.normpath(cl.value)
        # file-relative as markdown resolves it; root-relative as authors often mean it
        if not any(_listed(snap, t) for t in (target, posixpath.normpath(cl.value))):
            message = f"{cl.location} {MISSING_LINK_PREFIX}: {target}"
            notes.append(Note(NoteLevel.WARNING, message, cl.location, NoteKind.MISSING_FILE))


def _listed(snap: Any, path: str) -> bool:
    if snap.entry(path) is not None:
        return True
    prefix = path.rstrip("/") + "/"
    return any(f.path.startswith(prefix) for f in snap.files)


def _license_sources(
    ctx: ReadContext, front: Mapping[str, Any], card_source: str | None, claims: list[Claim]
) -> tuple[list[LicenseSource], list[LicenseResult]]:
    """Every licence-like text, the card's licence field and per-component statements."""
    from openness.licenses import analyze_id

    sources: list[LicenseSource] = []
    results: list[LicenseResult] = []
    for it in ctx.inventory.by_role(Role.LICENSE, Role.NOTICE, Role.USE_POLICY):
        result, source = _file_source(ctx, it)
        results.append(result)
        if source is not None:
            sources.append(source)
    if card_source is not None:
        sources.extend(_card_sources(front, card_source, results))
    for cl in claims:
        if cl.kind != ClaimKind.COMPONENT_LICENSE:
            continue
        group, _, ident = cl.value.partition("=")
        found = _same_as_file(ident, results)
        if found is None:
            stated = analyze_id(ident, cl.location)
            same = _same_as_file(stated.match.id, results) if stated.match else None
            found = same or stated
        sources.append(LicenseSource(found, via="statement", groups=frozenset({group})))
    return sources, results


def _file_source(ctx: ReadContext, it: Classified) -> tuple[LicenseResult, LicenseSource | None]:
    from openness.licenses import analyze_text

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
                NoteLevel.WARNING,
                f"{path}: licence file unreadable; components it may cover are unknown",
                Location(path),
                NoteKind.UNREADABLE,
            )
        )
        return result, LicenseSource(result, path, name_groups(path), frozenset(), folder, unreadable=True)
    n_lines = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    result = analyze_text(text, Location(path, (1, n_lines)))
    if it.role is Role.NOTICE and not result.matches:
        return result, None  # an attribution notice that names no licence covers nothing by itself
    scope_in_text = frozenset() if osi_license(result) else text_groups(text)
    policy = it.role is Role.USE_POLICY or result.kind is LicenseKind.POLICY
    return result, LicenseSource(result, path, name_groups(path), scope_in_text, folder, policy=policy)


def _card_sources(
    front: Mapping[str, Any], card_source: str, results: list[LicenseResult]
) -> list[LicenseSource]:
    """The card's ``license`` (with ``license_name``/``license_link``); a link to a licence file
    of the release means that file's analysis."""
    from openness.licenses import analyze_id

    name = front.get("license_name") if isinstance(front.get("license_name"), str) else None
    link = front.get("license_link") if isinstance(front.get("license_link"), str) else None
    if card_source.startswith("hf:"):
        loc = Location(key="card:license", origin=card_source)
    else:
        loc = Location(card_source, key="card:license")
    out: list[LicenseSource] = []
    for value in card_list(front, "license"):
        linked = _linked_file(link, results) if value.lower() == "other" else None
        query = name if value.lower() == "other" and name else value
        result = analyze_id(query, loc, name=name, link=link)
        results.append(result)
        out.append(LicenseSource(linked or result, via="card"))
    return out


def _linked_file(link: str | None, results: list[LicenseResult]) -> LicenseResult | None:
    if not link or "://" in link:
        return None
    target = posixpath.normpath(link.lstrip("./"))
    return next((r for r in results if r.location.path == target and r.location.key is None), None)


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
                        NoteLevel.WARNING,
                        f"the restrictive licence at {a.license.location} has no pinned scope; "
                        "it is counted against "
                        f"every component it may cover: {', '.join(covered)}",
                        a.license.location,
                        NoteKind.UNCERTAIN_SCOPE,
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


# --------------------------------------------------------------------------- facts


def _facts(ctx: ReadContext, cards: list[ModelCard], hub: Any) -> list[Fact]:
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
        notes.append(Note(NoteLevel.WARNING, f"attestation: {exc}", kind=NoteKind.UNREADABLE))
        return []
    out: list[Fact] = []
    for x in got or ():
        if isinstance(x, Fact):
            out.append(x)
        elif isinstance(x, Note):
            notes.append(x)
    return out


__all__ = ["build_evidence"]
