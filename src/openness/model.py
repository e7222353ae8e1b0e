"""The data model shared by every stage, defined once.

Stages pass these values along: sources -> ``Snapshot``; inventory -> ``Inventory``;
licenses -> ``LicenseResult``; evidence -> ``Evidence``; frameworks -> ``Assessment``;
report -> ``Report``. All are frozen: a stage derives new values, never mutates old ones.
Status is never a bare boolean: ``unknown`` is a first-class answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# --------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Location:
    """What a claim rests on: a file (and line span), a metadata key, or a hub field.

    ``path`` is relative to the release root (POSIX separators) or a URL; ``key`` names a
    metadata field such as ``card:license`` or ``hub:gated``; ``origin`` names the source
    the item came from when several sources form one release (``local``, ``hf:org/name``...).
    """

    path: str | None = None
    lines: tuple[int, int] | None = None
    key: str | None = None
    origin: str | None = None
    declared: bool = False  # True when it comes from a questionnaire (MOF YAML), not an artifact

    def __str__(self) -> str:
        out = self.path or ""
        if self.lines:
            a, b = self.lines
            out += f":{a}" if a == b else f":{a}-{b}"
        if self.key:
            out = f"{out} [{self.key}]" if out else self.key
        if self.declared:
            out += " (declared)"
        return out or "(nowhere)"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.path is not None:
            d["path"] = self.path
        if self.lines is not None:
            d["lines"] = list(self.lines)
        if self.key is not None:
            d["key"] = self.key
        if self.origin is not None:
            d["origin"] = self.origin
        if self.declared:
            d["declared"] = True
        return d


class NoteKind(StrEnum):
    """What a note is about, apart from how serious it is (``Note.level``).

    Consumers (findings, renderers) ask the kind, never the wording of the message.
    """

    UNREADABLE = "unreadable"  # content could not be read (I/O error, permission, not text)
    MALFORMED = "malformed"  # read, but not what its format requires (bad JSON, unclosed front matter)
    SKIPPED = "skipped"  # deliberately not listed or followed (symlink out, mount, depth, bad name)
    ELSEWHERE = "elsewhere"  # listed, content not here (Git LFS pointer, partial clone, not downloaded)
    LIMIT = "limit"  # a bound stopped the work (read budget, file count): the rest is done with less
    TRUNCATED = "truncated"  # more notes of one kind than are shown
    OFFLINE = "offline"  # the network was not used: what is shown may be stale or partial
    GATED = "gated"  # access is restricted by the publisher
    MISSING_FILE = "missing-file"  # something the release names (a licence link) is not in it
    UNSAFE = "unsafe"  # content that would run code if loaded (pickles): flagged, never loaded
    UNRESOLVED = "unresolved"  # a named dependency (dataset, base model) whose terms are unknown
    UNCERTAIN_SCOPE = "uncertain-scope"  # a licence whose reach over the components is not pinned
    EMPTY = "empty"  # nothing to work on
    OTHER = "other"  # not classified yet (callers that predate kinds)


class NoteLevel(StrEnum):
    """How serious a note is (``Note.kind`` says what it is about)."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Note:
    """Something the run could not do or wants the reader to know (never a traceback).

    ``level`` is how serious it is; ``kind`` what it is about, so that no consumer matches message
    text. ``kind`` comes last with a default: callers written before it still construct notes.
    """

    level: NoteLevel
    message: str
    location: Location | None = None
    kind: NoteKind = NoteKind.OTHER

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"level": str(self.level), "kind": str(self.kind), "message": self.message}
        if self.location is not None:
            d["location"] = self.location.to_dict()
        return d


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)  # one per file: no __dict__ (~100 bytes less each, issue 14)
class FileEntry:
    """One file of a release. Listed always; read only through ``Snapshot.read`` (bounded)."""

    path: str  # POSIX, relative to the release root
    size: int
    sha256: str | None = None  # known for hub LFS files, or computed when cheap
    origin: str = "local"
    readable: bool = True  # False: listed (remote, LFS pointer, permission) but content unavailable
    lfs: bool = False


@dataclass(frozen=True)
class HubMetadata:
    """What a hosting service says about a repo beyond its files."""

    repo_id: str
    repo_type: str = "model"
    revision: str | None = None
    sha: str | None = None
    card_data: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    gated: str | bool | None = None
    private: bool | None = None
    refs: tuple[str, ...] = ()  # branches and tags (intermediate checkpoints often live here)
    downloads: int | None = None
    safetensors_parameters: Mapping[str, int] = field(default_factory=dict)  # dtype -> count
    extra: Mapping[str, Any] = field(default_factory=dict)


Reader = Callable[[str, int], bytes]


class SourceKind(StrEnum):
    """Where a snapshot was read from (``Report.source_kind``; the JSON report's ``target.kind``)."""

    LOCAL = "local"  # a directory
    GIT = "git"  # a git clone
    HF = "hf"  # a Hugging Face repository (API, cache)
    MOF_YAML = "mof-yaml"  # a MOF questionnaire: declared answers, no files
    MERGED = "merged"  # several places read as one release


@dataclass(frozen=True)
class Snapshot:
    """A read-only view of a release: its files, a bounded reader, hub metadata, notes.

    ``declared`` carries a questionnaire (a MOF YAML document, parsed) when the target is
    one; a snapshot may then have no files at all.
    """

    target: str
    kind: SourceKind
    files: tuple[FileEntry, ...]
    reader: Reader | None = None
    hub: HubMetadata | None = None
    declared: Mapping[str, Any] | None = None
    notes: tuple[Note, ...] = ()
    origins: tuple[str, ...] = ()  # every source that contributed, for merged snapshots
    extra_readers: Mapping[str, Reader] = field(default_factory=dict)  # origin -> reader

    def read(self, path: str, limit: int = 64 * 1024) -> bytes:
        """Return at most ``limit`` bytes of ``path``. Raises ``SourceError`` on failure."""
        from openness.errors import SourceError

        entry = self.entry(path)
        if entry is None:
            raise SourceError(f"{path}: not in the release")
        reader = self.extra_readers.get(entry.origin, self.reader)
        if reader is None or not entry.readable:
            raise SourceError(f"{path}: content not available from {entry.origin}")
        return reader(path, limit)

    def entry(self, path: str) -> FileEntry | None:
        index = _entry_index(self)
        return index.get(path)


def _entry_index(snapshot: Snapshot) -> dict[str, FileEntry]:
    # Cached per snapshot object; frozen dataclasses allow setting via object.__setattr__.
    cached: dict[str, FileEntry] | None = snapshot.__dict__.get("_index")
    if cached is None:
        cached = {f.path: f for f in snapshot.files}
        object.__setattr__(snapshot, "_index", cached)
    return cached


# --------------------------------------------------------------------------- inventory


class Role(StrEnum):
    """What a file is for in a release."""

    WEIGHTS = "weights"
    CHECKPOINT = "checkpoint"  # intermediate training checkpoint
    OPTIMIZER_STATE = "optimizer-state"
    TOKENIZER = "tokenizer"
    CONFIG = "config"  # model configuration (architecture hyperparameters)
    TRAINING_CONFIG = "training-config"  # training hyperparameters
    MODEL_CARD = "model-card"
    DATA_CARD = "data-card"
    README = "readme"
    PAPER = "paper"
    LICENSE = "license"
    NOTICE = "notice"
    USE_POLICY = "use-policy"
    DEPENDENCIES = "dependencies"
    CONTAINER = "container"
    DATASET = "dataset"
    CODE = "code"
    NOTEBOOK = "notebook"
    DOCS = "docs"
    EVAL_RESULTS = "eval-results"
    SAMPLE_OUTPUTS = "sample-outputs"
    REBUILD_RECIPE = "rebuild-recipe"
    ATTESTATION = "attestation"
    CITATION = "citation"
    DOWNLOAD_SCRIPT = "download-script"  # fetches weights or data from elsewhere
    BUILD = "build"  # CI files, packaging config
    OTHER = "other"


class CodeRole(StrEnum):
    TRAINING = "training"
    INFERENCE = "inference"
    EVALUATION = "evaluation"
    PREPROCESSING = "preprocessing"
    ARCHITECTURE = "architecture"
    TOKENIZATION = "tokenization"
    SUPPORT = "support"  # supporting libraries and tools


class WeightFormat(StrEnum):
    SAFETENSORS = "safetensors"
    GGUF = "gguf"
    GGML = "ggml"  # pre-GGUF llama.cpp files (ggml/ggmf/ggjt magics)
    PYTORCH_PICKLE = "pytorch-pickle"
    PICKLE = "pickle"
    ONNX = "onnx"
    TENSORFLOW = "tensorflow"
    KERAS_H5 = "keras-h5"
    FLAX_MSGPACK = "flax-msgpack"
    NUMPY = "numpy"
    COREML = "coreml"
    TFLITE = "tflite"
    OPENVINO = "openvino"
    OTHER = "other"


@dataclass(frozen=True)
class WeightsInfo:
    """Read from a weight file's header only (never its tensors)."""

    format: WeightFormat
    parameters: int | None = None
    dtypes: Mapping[str, int] = field(default_factory=dict)  # dtype -> parameter count
    tensor_count: int | None = None
    tensor_names: tuple[str, ...] = ()  # a bounded sample
    metadata: Mapping[str, str] = field(default_factory=dict)  # header __metadata__ / GGUF kv (bounded)
    unsafe: bool = False  # pickle-based: executes code when loaded; flagged, never loaded
    error: str | None = None


@dataclass(frozen=True, slots=True)  # one per file: no __dict__ (issue 14)
class Classified:
    """A file with its role, and why."""

    entry: FileEntry
    role: Role
    code_roles: frozenset[CodeRole] = frozenset()
    weights: WeightsInfo | None = None
    reasons: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()  # lines that justify the role (imports, calls)
    scope: str | None = None  # sub-folder a per-model file belongs to (e.g. "models/llama3")

    @property
    def reason(self) -> str:
        """The role decision in one line a reviewer can check (name, place, size, content, README).

        Derived from ``reasons`` so the two never disagree; shown in reports and evidence details.
        """
        return "; ".join(self.reasons) if self.reasons else f"{self.role} (no reason recorded)"


def _position(pair: tuple[int, Classified]) -> int:
    return pair[0]


@dataclass(frozen=True)
class Inventory:
    """Every file of a snapshot with its role, and the notes the classification left."""

    snapshot: Snapshot
    items: tuple[Classified, ...]
    notes: tuple[Note, ...] = ()
    # Items by role, in listing order, built on the first by_role: the evidence stage asks ~35 times,
    # which scanned all 100,000 items of a large tree each time (issue 14).
    _by_role: dict[Role, tuple[tuple[int, Classified], ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _one_role: dict[Role | tuple[Role, ...], tuple[Classified, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def by_role(self, *roles: Role) -> tuple[Classified, ...]:
        index = self._by_role
        if index is None:
            grouped: dict[Role, list[tuple[int, Classified]]] = {}
            for n, it in enumerate(self.items):
                grouped.setdefault(it.role, []).append((n, it))
            index = {role: tuple(found) for role, found in grouped.items()}
            object.__setattr__(self, "_by_role", index)  # a cache of a frozen value: same answers
            # one role's items as the tuple every caller gets (rebuilt per call, 30,000 data
            # shards of a large tree cost ~3 ms a call)
            one: dict[Role | tuple[Role, ...], tuple[Classified, ...]] = {
                role: tuple(it for _, it in found) for role, found in index.items()
            }
            object.__setattr__(self, "_one_role", one)
        if len(roles) == 1:
            return self._one_role.get(roles[0], ())
        known = self._one_role.get(roles)  # several roles asked together: kept too
        if known is None:
            pairs = (pair for role in dict.fromkeys(roles) for pair in index.get(role, ()))
            known = self._one_role[roles] = tuple(it for _, it in sorted(pairs, key=_position))
        return known

    def code(self, role: CodeRole) -> tuple[Classified, ...]:
        return tuple(i for i in self.items if role in i.code_roles)


# --------------------------------------------------------------------------- licences


class Freedom(StrEnum):
    USE = "use"
    STUDY = "study"
    MODIFY = "modify"
    SHARE = "share"


class RestrictionKind(StrEnum):
    NON_COMMERCIAL = "non-commercial"
    USER_THRESHOLD = "user-threshold"
    FIELD_OF_USE = "field-of-use"
    OUTPUT_USE = "output-use"
    TERRITORY = "territory"
    BRANDING = "branding"
    REVOCABLE = "revocable"
    NO_DERIVATIVES = "no-derivatives"
    RESEARCH_ONLY = "research-only"
    REGISTRATION = "registration"


@dataclass(frozen=True)
class Restriction:
    """One clause that takes a freedom away, with where it is."""

    kind: RestrictionKind
    location: Location
    text: str  # the clause, trimmed
    summary: str  # one line
    freedoms: frozenset[Freedom] = frozenset()
    osd_criteria: tuple[int, ...] = ()  # Open Source Definition criteria it breaks

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "lines": list(self.location.lines) if self.location.lines else None,
            "location": self.location.to_dict(),
            "text": self.text,
            "summary": self.summary,
            "freedoms": sorted(str(f) for f in self.freedoms),
            "osd_criteria": list(self.osd_criteria),
        }


@dataclass(frozen=True)
class LicenseMatch:
    """A known licence recognised in a text, an id, or an expression."""

    id: str  # SPDX id, or LicenseRef-... for non-SPDX (ScanCode key or curated)
    name: str
    score: float  # 0..1; 1.0 for exact ids
    source: str  # "spdx" | "scancode" | "curated" | "id" | "expression"
    modified: bool = False
    lines: tuple[int, int] | None = None
    osi_approved: bool | None = None
    fsf_libre: bool | None = None
    category: str | None = None  # ScanCode category (Permissive, Copyleft, Proprietary Free...)
    changes: tuple[Location, ...] = ()  # spans added or removed against the reference text
    # Named by a sentence that points at the licence ("licensed under the Llama 2 Community
    # License at <url>"), not by its text: the terms were not read from this file.
    by_reference: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 4),
            "source": self.source,
            "modified": self.modified,
            "lines": list(self.lines) if self.lines else None,
            "osi_approved": self.osi_approved,
            "fsf_libre": self.fsf_libre,
            "category": self.category,
            "changes": [c.to_dict() for c in self.changes],
            "by_reference": self.by_reference,
        }


class LicenseKind(StrEnum):
    LICENSE = "license"
    NOTICE = "notice"
    POLICY = "policy"
    OTHER = "other"


@dataclass(frozen=True)
class LicenseResult:
    """What one licence-like text, id or expression is, and what it restricts."""

    location: Location
    kind: LicenseKind
    matches: tuple[LicenseMatch, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    expression: str | None = None  # SPDX expression when one can be formed
    notes: tuple[str, ...] = ()
    # Known licences an unidentified text resembles (a vendor's own licence borrowing their wording
    # under its own name): never names of this text, which stays unknown; its terms come from its
    # own clauses (``restrictions``).
    resembling: tuple[LicenseMatch, ...] = ()

    @property
    def match(self) -> LicenseMatch | None:
        return self.matches[0] if self.matches else None

    @property
    def identified(self) -> bool:
        return bool(self.matches)

    @property
    def osi_approved(self) -> bool | None:
        """OSI-approved, unmodified and nothing blocking; None when that cannot be told. The answer
        is ``licenses.terms.osi_license``'s, the one rule every framework asks (imported late: the
        data model sits below the licence stage)."""
        from openness.licenses.terms import osi_license

        return osi_license(self)

    @property
    def limited_freedoms(self) -> frozenset[Freedom]:
        """The freedoms the restrictions take, as the one table (``licenses.terms.taken``) says."""
        from openness.licenses.terms import taken

        out: set[Freedom] = set()
        for r in self.restrictions:
            out |= taken(r)
        return frozenset(out)

    def to_dict(self) -> dict[str, Any]:
        m = self.match
        return {
            "path": self.location.path,
            "location": self.location.to_dict(),
            "kind": str(self.kind),
            "match": m.to_dict() if m else None,
            "matches": [x.to_dict() for x in self.matches],
            "expression": self.expression,
            "osi_approved": self.osi_approved,
            "restrictions": [r.to_dict() for r in self.restrictions],
            "resembling": [x.to_dict() for x in self.resembling],
            "freedoms": {
                str(f): ("limited" if f in self.limited_freedoms else "not-limited-by-text")
                for f in Freedom
            },
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- evidence


class Status(StrEnum):
    PRESENT = "present"
    PARTIAL = "partial"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Component(StrEnum):
    """The MOF's 17 components plus what other frameworks and reproducibility need."""

    # MOF 1.0 (MOT's 17)
    MODEL_ARCHITECTURE = "model-architecture"
    DATA_PREPROCESSING_CODE = "data-preprocessing-code"
    TRAINING_CODE = "training-code"
    INFERENCE_CODE = "inference-code"
    EVALUATION_CODE = "evaluation-code"
    SUPPORTING_LIBRARIES = "supporting-libraries"
    PARAMETERS_FINAL = "model-parameters-final"
    PARAMETERS_INTERMEDIATE = "model-parameters-intermediate"
    DATASETS = "datasets"
    EVALUATION_DATA = "evaluation-data"
    MODEL_METADATA = "model-metadata"
    SAMPLE_OUTPUTS = "sample-outputs"
    MODEL_CARD = "model-card"
    DATA_CARD = "data-card"
    TECHNICAL_REPORT = "technical-report"
    RESEARCH_PAPER = "research-paper"
    EVALUATION_RESULTS = "evaluation-results"
    # beyond the MOF
    DATA_INFORMATION = "data-information"
    TOKENIZER = "tokenizer"
    HYPERPARAMETERS = "hyperparameters"
    OPTIMIZER_STATE = "optimizer-state"
    RANDOM_SEEDS = "random-seeds"
    ENVIRONMENT = "environment"  # pinned library versions, OS, hardware
    CONTAINER_RECIPE = "container-recipe"


CODE_COMPONENTS = frozenset(
    {
        Component.MODEL_ARCHITECTURE,
        Component.DATA_PREPROCESSING_CODE,
        Component.TRAINING_CODE,
        Component.INFERENCE_CODE,
        Component.EVALUATION_CODE,
        Component.SUPPORTING_LIBRARIES,
    }
)
DATA_COMPONENTS = frozenset(
    {
        Component.DATASETS,
        Component.EVALUATION_DATA,
        Component.PARAMETERS_FINAL,
        Component.PARAMETERS_INTERMEDIATE,
        Component.MODEL_METADATA,
        Component.SAMPLE_OUTPUTS,
        Component.OPTIMIZER_STATE,
    }
)
DOCUMENT_COMPONENTS = frozenset(
    {
        Component.MODEL_CARD,
        Component.DATA_CARD,
        Component.TECHNICAL_REPORT,
        Component.RESEARCH_PAPER,
        Component.EVALUATION_RESULTS,
        Component.DATA_INFORMATION,
    }
)


@dataclass(frozen=True)
class AppliedLicense:
    """A licence attached to a component, and how sure the attachment is."""

    license: LicenseResult
    scope_certain: bool  # False: the licence *may* cover this component (counted against it)
    reason: str  # why it is attached ("file name LICENSE-MODEL", "card license field", ...)

    def to_dict(self) -> dict[str, Any]:
        m = self.license.match
        return {
            "id": m.id if m else None,
            "expression": self.license.expression,
            "location": self.license.location.to_dict(),
            "osi_approved": self.license.osi_approved,
            "restrictions": [str(r.kind) for r in self.license.restrictions],
            "scope_certain": self.scope_certain,
            "reason": self.reason,
        }


class PlaceKind(StrEnum):
    """Where a part of a release published outside the audited tree lives."""

    HUB_MODEL = "hub-model"  # a Hugging Face model repository (org/name)
    HUB_DATASET = "hub-dataset"
    BUCKET = "bucket"  # gs://, s3://, az:// object storage
    TORRENT = "torrent"  # magnet: links and .torrent files
    ARCHIVE = "archive"  # Zenodo, figshare and other archives with a DOI
    DOWNLOAD_SCRIPT = "download-script"  # a script of the release that fetches it
    REQUEST = "request"  # behind a form or an access request
    WEB = "web"  # any other link said to hold it


@dataclass(frozen=True)
class Publication:
    """A part of the release published elsewhere: where (``place``, a URL, bucket or hub id, already
    made safe to print) and the line that says so (``stated_at``). Never counted as present or as
    absent: it was not inspected, and this is what would settle it."""

    kind: PlaceKind
    place: str
    stated_at: Location
    followed: bool = False  # the place was read as a further source of this release (--follow)

    def __str__(self) -> str:
        return f"{self.place} ({self.stated_at})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "place": self.place,
            "stated_at": self.stated_at.to_dict(),
            "followed": self.followed,
        }


@dataclass(frozen=True)
class ComponentEvidence:
    """What the release shows of one component: status, where, under which licences."""

    component: Component
    status: Status
    locations: tuple[Location, ...] = ()
    licenses: tuple[AppliedLicense, ...] = ()
    detail: str = ""  # one line: what was seen
    declared: bool = False  # only a questionnaire says so
    # Published outside the tree (status stays ``unknown``: not inspected). Together with
    # ``unknown`` this is the "elsewhere" answer: neither present nor absent.
    elsewhere: tuple[Publication, ...] = ()

    @property
    def published_elsewhere(self) -> bool:
        return bool(self.elsewhere) and self.status is Status.UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": str(self.component),
            "status": str(self.status),
            "detail": self.detail,
            "declared": self.declared,
            "locations": [loc.to_dict() for loc in self.locations],
            "licenses": [a.to_dict() for a in self.licenses],
            "elsewhere": [p.to_dict() for p in self.elsewhere],
        }


class ClaimSubject(StrEnum):
    """What an "open source" claim is about: the findings weigh it against that part's terms only."""

    MODEL = "model"  # "X is an open-source model": the model, i.e. its weights
    WEIGHTS = "weights"  # "we open-source the checkpoints"
    RELEASE = "release"  # "this project is open source", a badge or tag: every part shipped
    CODE = "code"  # "the training code is open source"
    DATA = "data"  # "we open-source the pre-training dataset"
    OTHER = "other"  # not a part of this release (a tool, a platform): never judged


class ClaimKind(StrEnum):
    """What kind of statement a ``Claim`` is."""

    OPEN_SOURCE = "open-source"  # "open source" (and its translations) in prose
    LICENSE_FIELD = "license-field"  # the card's ``license`` metadata
    BADGE = "badge"  # a licence or open-source badge
    TAG = "tag"  # a hub tag
    LICENSE_LINK = "license-link"  # a link to a licence text
    LICENSE_MENTION = "license-mention"  # a licence named in prose ("released under Apache 2.0")
    COMPONENT_LICENSE = "component-license"  # "weights=<licence>": the terms a card gives one part


@dataclass(frozen=True)
class Claim:
    """What a release says about itself (an "open source" phrase, a licence field, a badge).

    ``subject`` is set on open-source claims (kinds "open-source", "tag", "badge" naming open
    source): a claim is judged against the terms of what it is about, not of the whole release."""

    kind: ClaimKind
    value: str
    location: Location
    subject: ClaimSubject | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "value": self.value, "location": self.location.to_dict()}
        if self.subject is not None:
            d["subject"] = str(self.subject)
        return d


@dataclass(frozen=True)
class Fact:
    """A measured or stated quantity (parameter count, training tokens, seed, pinned deps...)."""

    key: str
    value: Any
    location: Location
    estimated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "location": self.location.to_dict(),
            "estimated": self.estimated,
        }


@dataclass(frozen=True)
class Evidence:
    """Everything frameworks may look at. Frameworks never read files."""

    target: str
    components: Mapping[Component, ComponentEvidence]
    licenses: tuple[LicenseResult, ...] = ()
    claims: tuple[Claim, ...] = ()
    facts: tuple[Fact, ...] = ()
    notes: tuple[Note, ...] = ()
    card: Mapping[str, Any] = field(default_factory=dict)  # model card front matter
    declared: Mapping[str, Any] | None = None  # MOF YAML release, when the target is one
    lineage: tuple[Mapping[str, Any], ...] = ()  # base models followed (id, licence, location)
    datasets: tuple[Mapping[str, Any], ...] = ()  # datasets named (id, licence, location)
    # One line for the reader: where the weights are, under which terms, what could not be
    # inspected (``evidence.summary.weights_line``); "" when not computed.
    summary: str = ""
    # A tool (library, framework, data pipeline) with no model of its own: the line that says what
    # it is (``evidence.release_kind``); None for a model release. Its missing model parts are then
    # ``unknown`` with a "not applicable" detail, so a framework can answer not-applicable.
    tool_stated_at: Location | None = None

    def get(self, component: Component) -> ComponentEvidence:
        ev = self.components.get(component)
        if ev is None:
            return ComponentEvidence(component, Status.UNKNOWN, detail="not inspected")
        return ev

    def facts_for(self, key: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": {str(c): ev.to_dict() for c, ev in self.components.items()},
            "licenses": [lr.to_dict() for lr in self.licenses],
            "claims": [c.to_dict() for c in self.claims],
            "facts": [f.to_dict() for f in self.facts],
            "lineage": [dict(x) for x in self.lineage],
            "datasets": [dict(x) for x in self.datasets],
            "summary": self.summary,
            "tool_stated_at": self.tool_stated_at.to_dict() if self.tool_stated_at is not None else None,
            "notes": [n.to_dict() for n in self.notes],
        }


# --------------------------------------------------------------------------- frameworks


class Outcome(StrEnum):
    """A criterion's result."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Criterion:
    """One rule of a framework: its outcome, why, the evidence, and what would make it pass."""

    id: str
    title: str
    outcome: Outcome
    detail: str  # one line: why
    evidence: tuple[Location, ...] = ()
    fix: str | None = None  # what would have to change for it to pass
    value: Any = None  # framework-specific (e.g. "open"/"partial"/"closed", a licence id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outcome": str(self.outcome),
            "detail": self.detail,
            "evidence": [e.to_dict() for e in self.evidence],
            "fix": self.fix,
            "value": self.value,
        }


@dataclass(frozen=True)
class Assessment:
    """One framework's verdict on a release, with every criterion behind it."""

    framework: str  # registry id, e.g. "osaid"
    name: str  # human name, e.g. "OSI Open Source AI Definition 1.0"
    version: str
    status: str  # framework-specific verdict ("open-source-ai", "class-2", "Free", ...)
    criteria: tuple[Criterion, ...]
    summary: str = ""  # one line
    score: float | None = None
    fixes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. MOF {"class": 1, "progress": {...}}
    # What a reader sees first, in the framework's own words, so renderers need not know framework
    # ids: the one value a comparison shows ("Class 2", "score 0.62") and how far the release is
    # from the framework's next level ("3/11 met", "C3:80% C2:40% C1:0%"). "" = not set by the
    # framework: ``frameworks.registry.headline`` / ``progress`` then apply its rule.
    headline: str = ""
    progress: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "framework": self.framework,
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "summary": self.summary,
            "score": self.score,
            "criteria": [c.to_dict() for c in self.criteria],
            "fixes": list(self.fixes),
            "notes": list(self.notes),
        }
        d.update(self.extra)
        return d


class FindingKind(StrEnum):
    """What a finding reports (``frameworks/findings.py`` makes every one); the JSON value is stable:
    the index, policies and SARIF rule ids are keyed by it."""

    OPEN_WASHING = "open-washing"  # "open source" claimed, terms that take a freedom away
    OPEN_CLAIM_UNVERIFIED = "open-claim-unverified"  # claimed, but the terms it rests on were not read
    LICENSE_CONFLICT = "license-conflict"  # declared and found licences disagree
    MISSING_LICENSE_FILE = "missing-license-file"  # a licence the release links is not in it
    SPLIT_LICENSING = "split-licensing"  # components under different licences
    LINEAGE_CONFLICT = "lineage-conflict"  # a base model's or dataset's terms bind this release
    UNREADABLE_EVIDENCE = "unreadable-evidence"  # a verdict rests on content that could not be read


class Severity(StrEnum):
    """How much a finding matters to someone deciding whether to use the release."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """Something a reader should know that no framework rule says (open-washing, an unsafe file...)."""

    kind: FindingKind
    severity: Severity
    message: str
    locations: tuple[Location, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "severity": str(self.severity),
            "message": self.message,
            "locations": [loc.to_dict() for loc in self.locations],
        }


@dataclass(frozen=True)
class Report:
    """The whole answer for one target: evidence, inventory, assessments and findings."""

    target: str
    source_kind: SourceKind
    evidence: Evidence
    inventory: Inventory | None
    assessments: Mapping[str, Assessment]
    findings: tuple[Finding, ...] = ()
    notes: tuple[Note, ...] = ()
    elapsed_seconds: float | None = None
