"""The event_calendar permission category."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "event_calendar"
ACTIONS = (Action.ACCESS, "manage", "manage_tenant")

#: Read a study's events (those of the centers one sees).
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Add, change and remove a study's events and its centers'.
MANAGE = build_permission(CATEGORY, "manage")
#: The tenant's own events (holidays): a platform permission, held by administrators.
MANAGE_TENANT = build_permission(CATEGORY, "manage_tenant")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE],
    "investigator": [ACCESS],
    "monitor": [ACCESS, MANAGE],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
