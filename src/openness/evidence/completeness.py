"""What a hub snapshot could not show, and what that makes unknown.

The Hugging Face source sets ``hub.extra["complete"] = False`` when it did not see the whole
repository: an offline audit from the local cache (only the cached files are listed), a gated
repository (files listed, none readable), small files that failed to download, unreadable
safetensors headers or refs that could not be listed. A component the snapshot shows nothing
of is then ``unknown`` — the unseen part may hold it — never ``absent``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openness.model import Component, ComponentEvidence, Location, Snapshot, Status

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
    """Why part of a hub repository was not seen, and whether its file list is partial."""

    reason: str
    location: Location
    listing_partial: bool  # files may exist that the snapshot does not list
    refs_unknown: bool  # branches/tags (intermediate checkpoints) were not listed
    content_unread: bool = True  # listed files whose content could show a component were not read

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
    return Unseen(reason, where, False, refs_unknown, bool(unread))


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
        )
    return out


__all__ = ["Unseen", "unknown_if_unseen", "unseen"]
