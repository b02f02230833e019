"""The data_analysis permission category: descriptive statistics and cross-tabulations of
the study's answers, at the centers the caller sees (by arm only for the unblinded)."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "data_analysis"
ACTIONS = (Action.ACCESS,)

ACCESS = build_permission(CATEGORY, Action.ACCESS)

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS],
    "investigator": [ACCESS],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
}
