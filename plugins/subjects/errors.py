"""The subjects plugin's error codes, in the range its manifest declares (7020-7039)."""

from __future__ import annotations

import enum


class SubjectCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SUBJECT_PARTICIPATION_ENDED = 7020
