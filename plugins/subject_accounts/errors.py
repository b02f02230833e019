"""The subject_accounts plugin's error codes, in its manifest's range 7460-7479."""

from __future__ import annotations

import enum


class SubjectAccountsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    REGISTRATION_LINK_INVALID = 7460
    VERIFICATION_LINK_INVALID = 7461
    LOGIN_LINK_INVALID = 7462
    SUBJECT_ACCOUNTS_MODULE_UNAVAILABLE = 7463
    SUBJECT_SESSION_INVALID = 7464
    VERIFICATION_PASSWORD_WRONG = 7465
