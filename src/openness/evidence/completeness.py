"""What a snapshot could not show, and what that makes unknown.

Two gaps, one rule (a component nothing shows is ``unknown`` where the gap may hide it, never
``absent``): the part of a hub repository that was not seen (``unseen``), and files of any
release whose content could not be read (``unread``: a FIFO or unreadable README, a data card
that failed to download, a card that is not UTF-8 text).

The Hugging Face source sets ``hub.extra["complete"] = False`` when it did not see the whole
repository: an offline audit from the local cache (only the cached files are listed), a gated
repository (files listed, none readable), small files that failed to download, unreadable
safetensors headers or refs that could not be listed. A component the snapshot shows nothing
of is then ``unknown`` — the unseen part may hold it — never ``absent``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from openness.model import (
    Component,
    ComponentEvidence,
    Inventory,
    Location,
    NoteKind,
    Role,
    Snapshot,
    Status,
)

# Shown by a file's name alone: with a complete listing their absence is known even when
# some contents could not be read.
_BY_NAME = frozenset(
    {
        Component.PARAMETERS_FINAL,
        Component.OPTIMIZER_STATE,
        Component.TOKENIZER,
        Component.DATASETS,
        Component.EVALUATION_DATA,
        Component.CONTAINER_RECIPE,
        Component.SAMPLE_OUTPUTS,
    }
)
# Weight payloads are never downloaded (only their headers): their unread content hides nothing.
_PAYLOAD = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".msgpack")


@dataclass(frozen=True)
class Unseen:
    """Why part of a hub repository was not seen, and whether its file list is partial.

    ``reason`` is for people; ``kind`` says what the gap is (offline, gated, unreadable) so that no
    consumer reads the reason's wording."""

    reason: str
    location: Location
    listing_partial: bool  # files may exist that the snapshot does not list
    refs_unknown: bool  # branches/tags (intermediate checkpoints) were not listed
    content_unread: bool = True  # listed files whose content could show a component were not read
    kind: NoteKind = NoteKind.UNREADABLE

    def hides(self, component: Component) -> bool:
        if self.listing_partial:
            return True
        if component is Component.PARAMETERS_INTERMEDIATE:
            return self.refs_unknown
        return self.content_unread and component not in _BY_NAME


def unseen(snapshot: Snapshot) -> Unseen | None:
    """What the hub source says it could not see; None for a complete or non-hub snapshot."""
    hub = snapshot.hub
    if hub is None:
        return None
    where = Location(key="hub:files", origin=f"hf:{hub.repo_id}")
    if not snapshot.files:
        return Unseen("the repository's files could not be listed", where, True, True)
    if hub.extra.get("complete", True) is not False:
        return None
    source = str(hub.extra.get("source") or "")
    if source == "cache":  # offline without a record of the full listing
        return Unseen(
            "offline: only the files in the local Hugging Face cache were seen; the repository may hold more",
            Location(key="hub:cache", origin=f"hf:{hub.repo_id}"),
            True,
            True,
            kind=NoteKind.OFFLINE,
        )
    unread = [f.path for f in snapshot.files if not f.readable and not f.path.lower().endswith(_PAYLOAD)]
    parts: list[str] = []
    if hub.gated:
        parts.append(f"gated on the Hub ({hub.gated})")
    if unread:
        sample = ", ".join(unread[:3]) + (f" (+{len(unread) - 3} more)" if len(unread) > 3 else "")
        parts.append(f"{len(unread)} listed file(s) could not be read: {sample}")
    refs_unknown = source.startswith("hub") and not hub.extra.get("branches")
    if refs_unknown:
        parts.append("its branches and tags could not be listed")
    if not parts:  # e.g. only safetensors headers unreadable: parameter counts, not components
        return None
    reason = "the Hub snapshot is incomplete: " + "; ".join(parts)
    # Gated with nothing else unread: the publisher's restriction is the gap; otherwise unread content.
    kind = NoteKind.GATED if hub.gated and not unread else NoteKind.UNREADABLE
    return Unseen(reason, where, False, refs_unknown, bool(unread), kind)


def unknown_if_unseen(
    comps: Mapping[Component, ComponentEvidence], gap: Unseen
) -> dict[Component, ComponentEvidence]:
    """Every component the snapshot shows nothing of (absent or missing) that the gap may hide -> unknown."""
    out = dict(comps)
    for c in Component:
        ev = out.get(c)
        if ev is not None and ev.status is not Status.ABSENT:
            continue
        if not gap.hides(c):
            continue
        told = ev.detail if ev is not None and ev.detail != "nothing found" else ""
        seen = f" (seen: {told})" if told else ""
        out[c] = ComponentEvidence(
            c,
            Status.UNKNOWN,
            (ev.locations if ev is not None else ()) + (gap.location,),
            ev.licenses if ev is not None else (),
            f"not seen: {gap.reason}{seen}",
            ev.declared if ev is not None else False,
            ev.elsewhere if ev is not None else (),
        )
    return out


# What a file's content can show, by the file's role. A model card or root README is where a
# release describes itself: its metadata, data, training settings, results, papers, how to run the
# model, its seeds. What file names alone show (``_BY_NAME``: weights, datasets...) is never
# made unknown by an unread file, as for a hub listing that is complete.
_CARD_SHOWS = frozenset(
    {
        Component.MODEL_CARD,
        Component.MODEL_METADATA,
        Component.DATA_INFORMATION,
        Component.DATA_CARD,
        Component.EVALUATION_RESULTS,
        Component.HYPERPARAMETERS,
        Component.TECHNICAL_REPORT,
        Component.RESEARCH_PAPER,
        Component.INFERENCE_CODE,
        Component.RANDOM_SEEDS,
    }
)
_CONTENT_SHOWS: dict[Role, frozenset[Component]] = {
    Role.MODEL_CARD: _CARD_SHOWS,
    Role.README: _CARD_SHOWS,  # the root README only (sub-folder READMEs describe their folder)
    Role.DATA_CARD: frozenset({Component.DATA_INFORMATION, Component.DATA_CARD}),
    Role.PAPER: frozenset({Component.DATA_INFORMATION, Component.HYPERPARAMETERS}),
    Role.TRAINING_CONFIG: frozenset({Component.HYPERPARAMETERS, Component.RANDOM_SEEDS}),
    Role.DEPENDENCIES: frozenset({Component.ENVIRONMENT}),
    Role.EVAL_RESULTS: frozenset({Component.EVALUATION_RESULTS}),
}
MAX_UNREAD_NAMED = 3  # unreadable files named per component (locations and detail)


def unread(inventory: Inventory, unreadable: Collection[str]) -> dict[Component, tuple[str, ...]]:
    """For each component, the files whose content could have shown it but could not be read.

    ``unreadable`` holds the paths the evidence stage failed to read (``ReadContext.unreadable``);
    files listed without content (a FIFO, a file not downloaded) count too, Git LFS pointers not
    (their content is weights, shown by name).
    """
    out: dict[Component, list[str]] = {}
    for it in inventory.items:
        shows = _CONTENT_SHOWS.get(it.role)
        if shows is None or (it.role is Role.README and "/" in it.entry.path):
            continue
        path = it.entry.path
        if path in unreadable or (not it.entry.readable and not it.entry.lfs):
            for c in shows - _BY_NAME:
                out.setdefault(c, []).append(path)
    return {c: tuple(paths) for c, paths in out.items()}


def unknown_if_unread(
    comps: Mapping[Component, ComponentEvidence], gaps: Mapping[Component, tuple[str, ...]]
) -> dict[Component, ComponentEvidence]:
    """Components an unreadable file could have shown -> unknown, with that file as location.

    ``absent`` and ``partial`` both give way: an unread card may hold what is missing, so a
    verdict must not fail on it. ``present`` stays when other evidence shows it, not when it rests
    on the unread files alone (a FIFO named README.md is no model card). Declared answers stay (a
    questionnaire does not rest on files).
    """
    out = dict(comps)
    for c, paths in gaps.items():
        ev = out.get(c)
        if ev is not None and (ev.status is Status.UNKNOWN or ev.declared):
            continue
        if (
            ev is not None
            and ev.status is Status.PRESENT
            and (not ev.locations or any(loc.path not in paths for loc in ev.locations))
        ):
            continue
        shown = paths[:MAX_UNREAD_NAMED]
        more = f" (+{len(paths) - len(shown)} more)" if len(paths) > len(shown) else ""
        told = ev.detail if ev is not None and ev.detail != "nothing found" else ""
        seen = f" (seen: {ev.status.value}, {told})" if told and ev is not None else ""
        out[c] = ComponentEvidence(
            c,
            Status.UNKNOWN,
            tuple(Location(p) for p in shown) + (ev.locations if ev is not None else ()),
            ev.licenses if ev is not None else (),
            f"could not be read: {', '.join(shown)}{more}; what it would show is unknown{seen}",
            False,
            ev.elsewhere if ev is not None else (),
        )
    return out


__all__ = ["Unseen", "unknown_if_unread", "unknown_if_unseen", "unread", "unseen"]
