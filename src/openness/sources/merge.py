"""Several places forming one release (``--also``): one evidence set, each item with its origin.

Rules (docs/sources.md):

- every file keeps the origin of the snapshot it came from (``FileEntry.origin``); a snapshot whose
  files say only ``local`` is labelled ``local:<target>`` so two directories stay apart;
- path collisions: the earlier snapshot (the main target) keeps the bare path; a later file with the same
  path is listed under ``<origin slug>/<path>`` (``github.com/org/code/README.md``) and a Note says so.
  The root card and licence of the main target therefore stay the release's root card and licence;
- ``extra_readers`` maps each origin to a reader that translates merged paths back to its own;
- hub metadata: the first snapshot's; the others' are kept in ``extra["other_hubs"]``; declared
  (MOF YAML) data: the first found; notes are concatenated, each with its origin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from openness import lazy_re
from openness.errors import SourceError
from openness.model import (
    FileEntry,
    HubMetadata,
    Location,
    Note,
    NoteKind,
    NoteLevel,
    Reader,
    Snapshot,
    SourceKind,
)
from openness.sources.interface import SourceOptions

_SLUG = lazy_re.compile(r"[^A-Za-z0-9._\-/]+")


def origin_label(snapshot: Snapshot) -> str:
    """The name a snapshot's items carry as their origin."""
    if snapshot.origins and snapshot.origins[0] != "local":
        return snapshot.origins[0]
    return f"{snapshot.kind}:{snapshot.target}"


def origin_slug(label: str) -> str:
    """A path-safe prefix for an origin: ``git:https://github.com/o/r@v1`` -> ``github.com/o/r@v1``."""
    body = label.split(":", 1)[1] if ":" in label else label
    body = re.sub(r"^[a-z+]+://", "", body).replace("@", "-at-").replace(":", "/")
    slug = _SLUG.sub("-", body).strip("/.-")
    parts = [p for p in slug.split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "origin"


MAX_FOLLOW = 3  # Hub repositories followed per release (metadata and small files only)
_FOLLOW_TARGET = lazy_re.compile(r"^hf:(?:datasets/)?[A-Za-z0-9][\w.\-]{0,95}/[\w.\-]{1,96}$")


def open_followed(targets: Sequence[str], options: SourceOptions) -> tuple[list[Snapshot], list[Note]]:
    """Open the Hub repositories a release names as its weights/datasets (``hf:org/name``), at most
    ``MAX_FOLLOW``, through the hf source (small files and safetensors headers only: no weights are
    downloaded). Each one that is missing, unreachable or times out is a note, never a pass; a gated
    one comes back with what its API says (the hf source notes the gate); offline, each is a note
    saying what would have been followed."""
    from openness.errors import OpennessError
    from openness.sources.hf import open_snapshot as open_hf
    from openness.sources.http import is_offline

    wanted = list(dict.fromkeys(t for t in targets if _FOLLOW_TARGET.match(t)))
    snaps: list[Snapshot] = []
    notes: list[Note] = []
    for target in wanted[:MAX_FOLLOW]:
        where = Location(origin=target)
        if is_offline(options):
            what = f"offline: would have followed {target} (named as part of the release)"
            notes.append(Note(NoteLevel.INFO, what, where, NoteKind.OFFLINE))
            continue
        try:
            snaps.append(open_hf(target, replace(options, follow=False, follow_lineage=False)))
        except OpennessError as exc:
            what = f"could not follow {target}: {exc}; what it holds is unknown"
            # Unreadable evidence: a verdict resting on this repository's content cannot pass or fail.
            notes.append(Note(NoteLevel.WARNING, what, where, NoteKind.UNREADABLE))
    if len(wanted) > MAX_FOLLOW:
        notes.append(
            Note(
                NoteLevel.INFO,
                f"the release names {len(wanted)} Hub repositories; followed the first {MAX_FOLLOW}: "
                + ", ".join(wanted[:MAX_FOLLOW]),
                kind=NoteKind.LIMIT,
            )
        )
    return snaps, notes


def merge_snapshots(snapshots: Sequence[Snapshot], *, nest: bool = False) -> Snapshot:
    """Join snapshots into one release. ``nest``: every file of a later snapshot is listed under its
    origin's slug (followed Hub repositories: their files and licence stay apart from the tree's root,
    so the repository licence never covers them by accident)."""
    if not snapshots:
        raise SourceError("nothing to merge")
    if len(snapshots) == 1:
        return snapshots[0]

    files: list[FileEntry] = []
    taken: dict[str, str] = {}  # merged path -> origin
    readers: dict[str, Reader] = {}
    origins: list[str] = []
    notes: list[Note] = []
    renamed: dict[str, list[str]] = {}

    for snap in snapshots:
        label = origin_label(snap)
        base = label
        n = 2
        while label in readers:
            label = f"{base}#{n}"
            n += 1
        origins.append(label)
        path_map: dict[str, tuple[str, FileEntry]] = {}  # merged path -> (own path, own entry)
        prefix = origin_slug(label)
        for entry in snap.files:
            merged_path = entry.path
            if nest and snap is not snapshots[0]:
                merged_path = f"{prefix}/{entry.path}"
            elif merged_path in taken:
                merged_path = f"{prefix}/{entry.path}"
                renamed.setdefault(label, []).append(entry.path)
                if merged_path in taken:  # pathological: the prefixed path exists too
                    continue
            taken[merged_path] = label
            path_map[merged_path] = (entry.path, entry)
            files.append(replace(entry, path=merged_path, origin=label))
        readers[label] = _translating_reader(snap, path_map)
        for note in snap.notes:
            loc = note.location or Location(origin=label)
            if loc.origin is None:
                loc = replace(loc, origin=label)
            notes.append(replace(note, location=loc))

    for label, paths in renamed.items():
        sample = ", ".join(paths[:5]) + (" ..." if len(paths) > 5 else "")
        notes.append(Note(NoteLevel.INFO,
                          f"{len(paths)} path(s) of {label} also exist in an earlier origin and are "
                          f"listed under {origin_slug(label)}/: {sample}", Location(origin=label),
                          NoteKind.OTHER))  # a layout fact of the merge: nothing to weigh

    hubs = [s.hub for s in snapshots if s.hub is not None]
    hub: HubMetadata | None = None
    if hubs:
        hub = hubs[0]
        if len(hubs) > 1:
            hub = replace(hub, extra={**hub.extra, "other_hubs": tuple(hubs[1:])})
    declared = next((s.declared for s in snapshots if s.declared is not None), None)

    def read(path: str, limit: int) -> bytes:
        owner = taken.get(path)
        if owner is None:
            raise SourceError(f"{path}: not in the release")
        return readers[owner](path, limit)

    return Snapshot(
        target=snapshots[0].target,
        kind=SourceKind.MERGED,
        files=tuple(files),
        reader=read,
        hub=hub,
        declared=declared,
        notes=tuple(notes),
        origins=tuple(origins),
        extra_readers=readers,
    )


def _translating_reader(snap: Snapshot, path_map: dict[str, tuple[str, FileEntry]]) -> Reader:
    def read(path: str, limit: int) -> bytes:
        found = path_map.get(path)
        if found is None:
            raise SourceError(f"{path}: not in {origin_label(snap)}")
        own_path, entry = found
        reader: Callable[[str, int], bytes] | None = snap.extra_readers.get(entry.origin, snap.reader)
        if reader is None or not entry.readable:
            raise SourceError(f"{path}: content not available from {origin_label(snap)}")
        return reader(own_path, limit)

    return read
