"""The eCRF design permission category."""

from __future__ import annotations

from datacapt.permissions import Action, build_permission

CATEGORY = "ecrf_design"
ACTIONS = (Action.ACCESS, Action.EDIT)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
EDIT = build_permission(CATEGORY, Action.EDIT)

DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, EDIT],
    "investigator": [ACCESS],
    "monitor": [ACCESS],
    "data_manager": [ACCESS, EDIT],
    "viewer": [ACCESS],
}
