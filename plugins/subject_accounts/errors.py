"""The subject_accounts plugin's error codes, in its manifest's range 7460-7479."""

from __future__ import annotations

import enum


class SubjectAccountsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SUBJECT_ACCOUNTS_INVALID = 7460
