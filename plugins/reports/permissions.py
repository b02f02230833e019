"""The reports permission category: reading the study's reports, printing and downloading
casebooks (a subject's data, audit trail, queries and signatures), printing and
downloading the blank annotated CRF."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "reports"
ACTIONS = (Action.ACCESS, "casebooks", "annotated_crf")

#: The list of the study's reports and their state (never their content).
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Print and download casebooks, of the subjects at the centers the caller sees.
CASEBOOKS = build_permission(CATEGORY, "casebooks")
#: Print and download the blank annotated CRF (the design, no subject's data).
ANNOTATED_CRF = build_permission(CATEGORY, "annotated_crf")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, CASEBOOKS, ANNOTATED_CRF],
    "investigator": [ACCESS, CASEBOOKS, ANNOTATED_CRF],
    "monitor": [ACCESS, CASEBOOKS, ANNOTATED_CRF],
    "data_manager": [ACCESS, CASEBOOKS, ANNOTATED_CRF],
    "viewer": [ACCESS, ANNOTATED_CRF],
}
