"""The recruitment plugin's error codes, in its manifest's range 7480-7509."""

from __future__ import annotations

import enum


class RecruitmentCodes(enum.IntEnum):
    """Append only: a number never changes."""

    RECRUITMENT_INVALID = 7480
