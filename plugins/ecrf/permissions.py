"""The eCRF's permission categories: its design, and the data entered into it."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

DESIGN = "ecrf_design"
DATA_ENTRY = "data_entry"
CATEGORIES = {DESIGN: (Action.ACCESS, Action.EDIT), DATA_ENTRY: (Action.ACCESS, Action.EDIT)}

ACCESS = build_permission(DESIGN, Action.ACCESS)
EDIT = build_permission(DESIGN, Action.EDIT)
DATA_VIEW = build_permission(DATA_ENTRY, Action.ACCESS)
DATA_EDIT = build_permission(DATA_ENTRY, Action.EDIT)

DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, EDIT, DATA_VIEW],
    "investigator": [ACCESS, DATA_VIEW, DATA_EDIT],
    "monitor": [ACCESS, DATA_VIEW],
    "data_manager": [ACCESS, EDIT, DATA_VIEW],
    "viewer": [ACCESS, DATA_VIEW],
}
