"""The calendar_app permission category."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "calendar_app"
ACTIONS = (Action.ACCESS, "manage_schedule", "book", "manage_resources")

#: Read the visit schedule, subjects' planned visits, appointments, resources, requests.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Write the study's visit windows.
MANAGE_SCHEDULE = build_permission(CATEGORY, "manage_schedule")
#: Book, confirm, reschedule and cancel appointments; dismiss appointment requests.
BOOK = build_permission(CATEGORY, "book")
#: Rooms and instruments of the study's centers, and their feeds.
MANAGE_RESOURCES = build_permission(CATEGORY, "manage_resources")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE_SCHEDULE, BOOK, MANAGE_RESOURCES],
    "investigator": [ACCESS, BOOK],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
