"""The analytics permission category: reading the dashboards, and setting the enrollment
targets they are drawn against."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "analytics"
ACTIONS = (Action.ACCESS, "manage_targets")

ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Set, change and remove the study's and its centers' enrollment targets.
MANAGE_TARGETS = build_permission(CATEGORY, "manage_targets")

# Every study role follows the study's progress (at the centers it sees); the study
# manager sets the targets.
DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE_TARGETS],
    "investigator": [ACCESS],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
