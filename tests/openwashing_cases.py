"""Run the labelled open-washing claim set (tests/data/openwashing_claims.yaml) through the real
claim extractor (``evidence.text.claims_in_lines``) and the real judgement (``frameworks.findings``).

Shared by tests/test_openwashing_claims.py and benchmarks/bench_openwashing.py so that the two
measure the same thing. Each case becomes a README of its lines plus an Evidence whose parts carry
the case's licences (ids resolved by the licence engine, as a card ``license`` field is).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from openness.evidence.text import claims_in_lines
from openness.frameworks import osaid
from openness.frameworks.findings import find
from openness.licenses import analyze_id
from openness.model import (
    AppliedLicense,
    ClaimSubject,
    Component,
    ComponentEvidence,
    Evidence,
    Location,
    Status,
)

CASES = Path(__file__).resolve().parent / "data" / "openwashing_claims.yaml"
# Which components stand for each group of a case's terms.
GROUP_COMPONENTS: dict[str, tuple[Component, ...]] = {
    "weights": (Component.PARAMETERS_FINAL,),
    "code": (Component.TRAINING_CODE, Component.INFERENCE_CODE),
    "data": (Component.DATASETS,),
}


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    terms: dict[str, str]
    subjects: frozenset[str]
    open_washing: bool
    source: str
    why: str = ""
    heldout: bool = False  # written after the extractor was last changed: not tuned on


@dataclass(frozen=True)
class Outcome:
    case: Case
    subjects: frozenset[str]
    flagged: bool
    message: str


def load_cases(path: Path = CASES) -> list[Case]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Case] = []
    for raw in data["cases"]:
        out.append(
            Case(
                id=str(raw["id"]),
                text=str(raw["text"]),
                terms={str(k): str(v) for k, v in (raw.get("terms") or {}).items()},
                subjects=frozenset(str(s) for s in raw.get("subjects") or ()),
                open_washing=bool(raw["open_washing"]),
                source=str(raw["source"]),
                why=str(raw.get("why") or ""),
                heldout=bool(raw.get("heldout")),
            )
        )
    return out


def evidence_for(case: Case) -> Evidence:
    lines = case.text.splitlines()
    claims = tuple(claims_in_lines(lines, "README.md"))
    components: dict[Component, ComponentEvidence] = {}
    for group, ident in case.terms.items():
        licenses: tuple[AppliedLicense, ...] = ()
        if ident != "unknown":
            result = analyze_id(ident, Location("README.md", key="card:license"))
            licenses = (AppliedLicense(result, True, f"labelled {group} licence"),)
        for component in GROUP_COMPONENTS[group]:
            components[component] = ComponentEvidence(
                component, Status.PRESENT, (Location(f"{group}/"),), licenses, f"labelled {group}"
            )
    return Evidence(target=case.id, components=components, claims=claims)


def run(case: Case) -> Outcome:
    ev = evidence_for(case)
    subjects = frozenset(
        str(c.subject) for c in ev.claims if c.subject is not None and c.subject is not ClaimSubject.OTHER
    )
    # With the OSAID assessment, as the audit runs it: a release that is not Open Source AI must not
    # turn a claim about an openly licensed part into open-washing.
    washing = [f for f in find(ev, {"osaid": osaid.assess(ev)}) if f.kind == "open-washing"]
    return Outcome(case, subjects, bool(washing), washing[0].message if washing else "")


@dataclass(frozen=True)
class Score:
    outcomes: tuple[Outcome, ...]

    @property
    def true_positives(self) -> int:
        return sum(1 for o in self.outcomes if o.flagged and o.case.open_washing)

    @property
    def false_alarms(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.flagged and not o.case.open_washing]

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.flagged and o.case.open_washing]

    @property
    def precision(self) -> float:
        flagged = self.true_positives + len(self.false_alarms)
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_positives + len(self.misses)
        return self.true_positives / positives if positives else 1.0

    @property
    def subject_errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.subjects != o.case.subjects]


def score(cases: list[Case] | None = None) -> Score:
    return Score(tuple(run(c) for c in (cases if cases is not None else load_cases())))
