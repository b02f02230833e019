"""The recruitment permission category."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "recruitment"
ACTIONS = (Action.ACCESS,)

#: Read what the module holds.
ACCESS = build_permission(CATEGORY, Action.ACCESS)

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS],
}
