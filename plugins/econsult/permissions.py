"""The econsult permission category: seeing rooms, booking them, taking part, managing any."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "econsult"
ACTIONS = (Action.ACCESS, "book", "consult", "manage")

#: The study's rooms, their participants and who joined and left.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Book a room with a subject; reschedule or cancel the rooms one booked.
BOOK = build_permission(CATEGORY, "book")
#: Join (and leave) the rooms one takes part in.
CONSULT = build_permission(CATEGORY, "consult")
#: Reschedule or cancel any room of the study.
MANAGE = build_permission(CATEGORY, "manage")

DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, BOOK, CONSULT, MANAGE],
    "investigator": [ACCESS, BOOK, CONSULT],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
