"""The econsult permission category."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "econsult"
ACTIONS = (Action.ACCESS,)

ACCESS = build_permission(CATEGORY, Action.ACCESS)

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS],
}
