"""The subject_repository plugin's error codes, in its manifest's range 7430-7459."""

from __future__ import annotations

import enum


class SubjectRepositoryCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SUBJECT_REPOSITORY_INVALID = 7430
    PROFILE_FORM_INVALID = 7431
    PROFILE_ANSWERS_INVALID = 7432
    FILTER_INVALID = 7433
    FILTER_NAME_TAKEN = 7434
    VOLUNTEER_ERASED = 7435
    CONSENT_NOT_GIVEN = 7436
    GDPR_REQUEST_PENDING = 7437
    GDPR_REQUEST_DECIDED = 7438
    ACCESS_FILE_ALTERED = 7439
