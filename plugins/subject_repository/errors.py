"""The subject_repository plugin's error codes, in its manifest's range 7430-7459."""

from __future__ import annotations

import enum


class SubjectRepositoryCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SUBJECT_REPOSITORY_INVALID = 7430
