"""The default roles every tenant has. Their permissions live here, not in the database.

A default role's row exists in each tenant (so users can point to it), but what it grants
is read from this table, so a new release can refine the defaults for every tenant.
"""

from __future__ import annotations

from datacapt.permissions.registry import (
    ALL_PERMISSIONS,
    AUDIT_TRAILS_ACCESS,
    AUDIT_TRAILS_EXPORT,
    CENTERS_ACCESS,
    CENTERS_ADD,
    CENTERS_EDIT,
    FILES_ACCESS,
    FILES_ADD,
    INVITATIONS_ACCESS,
    INVITATIONS_ADD,
    INVITATIONS_DELETE,
    INVITATIONS_RESEND,
    NOTIFICATIONS_ACCESS,
    NOTIFICATIONS_VIEW_CONTENT,
    STUDIES_ACCESS,
    STUDIES_ADD,
    STUDIES_DELETE,
    STUDIES_EDIT,
    STUDY_USERS_ACCESS,
    STUDY_USERS_ADD,
    STUDY_USERS_DELETE,
    STUDY_USERS_EDIT,
    USERS_ACCESS,
)

ADMINISTRATOR = "administrator"
STUDY_MANAGER = "study_manager"
INVESTIGATOR = "investigator"
MONITOR = "monitor"
DATA_MANAGER = "data_manager"
VIEWER = "viewer"

DEFAULT_ROLES: dict[str, tuple[str, frozenset[str]]] = {
    ADMINISTRATOR: ("Administrator: everything in the tenant", frozenset({ALL_PERMISSIONS})),
    STUDY_MANAGER: (
        "Study manager: sets up studies, centers and study teams",
        frozenset(
            {
                STUDIES_ACCESS,
                STUDIES_ADD,
                STUDIES_EDIT,
                STUDIES_DELETE,
                CENTERS_ACCESS,
                CENTERS_ADD,
                CENTERS_EDIT,
                STUDY_USERS_ACCESS,
                STUDY_USERS_ADD,
                STUDY_USERS_EDIT,
                STUDY_USERS_DELETE,
                INVITATIONS_ACCESS,
                INVITATIONS_ADD,
                INVITATIONS_RESEND,
                INVITATIONS_DELETE,
                USERS_ACCESS,
                FILES_ACCESS,
                FILES_ADD,
                # Whether the study's messages and the team's invitations went (not their text).
                NOTIFICATIONS_ACCESS,
            }
        ),
    ),
    INVESTIGATOR: (
        "Investigator: enters and signs the data of a site",
        frozenset(
            {
                STUDIES_ACCESS,
                CENTERS_ACCESS,
                STUDY_USERS_ACCESS,
                FILES_ACCESS,
                FILES_ADD,
                # Site staff answer their subjects' delivery problems: what went, and where
                # (they already read their subjects' contact details).
                NOTIFICATIONS_ACCESS,
                NOTIFICATIONS_VIEW_CONTENT,
            }
        ),
    ),
    MONITOR: (
        "Monitor (clinical research associate): reviews and verifies data",
        frozenset(
            {
                STUDIES_ACCESS,
                CENTERS_ACCESS,
                STUDY_USERS_ACCESS,
                AUDIT_TRAILS_ACCESS,
                FILES_ACCESS,
                NOTIFICATIONS_ACCESS,
            }
        ),
    ),
    DATA_MANAGER: (
        "Data manager: cleans and exports data",
        frozenset(
            {
                STUDIES_ACCESS,
                CENTERS_ACCESS,
                STUDY_USERS_ACCESS,
                AUDIT_TRAILS_ACCESS,
                AUDIT_TRAILS_EXPORT,
                FILES_ACCESS,
            }
        ),
    ),
    VIEWER: ("Viewer: reads", frozenset({STUDIES_ACCESS, CENTERS_ACCESS})),
}
