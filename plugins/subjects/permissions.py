"""The subjects permission category."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "subjects"
VIEW_PERSONAL_DATA = "view_personal_data"
ACTIONS = (Action.ACCESS, Action.ADD, Action.EDIT, VIEW_PERSONAL_DATA)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
ADD = build_permission(CATEGORY, Action.ADD)
EDIT = build_permission(CATEGORY, Action.EDIT)
PERSONAL_DATA = build_permission(CATEGORY, VIEW_PERSONAL_DATA)

DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, ADD, EDIT, PERSONAL_DATA],
    "investigator": [ACCESS, ADD, EDIT, PERSONAL_DATA],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
