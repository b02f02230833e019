"""The ePRO plugin's error codes, in the ranges its manifest declares: 8000-8019, and 1040,
QUESTIONNAIRE_HAS_ANSWERS, which was numbered among the core's codes before plugins had
ranges and keeps its number."""

from __future__ import annotations

import enum


class EproCodes(enum.IntEnum):
    """Append only: a number never changes."""

    EPRO_QUESTIONNAIRE_INVALID = 8000
    EPRO_LINK_INVALID = 8001
    EPRO_LINK_EXPIRED = 8002
    EPRO_TOO_MANY_ATTEMPTS = 8003
    EPRO_ALREADY_SUBMITTED = 8004
    EPRO_ANSWERS_INCOMPLETE = 8005
    EPRO_OCCURRENCE_CLOSED = 8006
    EPRO_CHANGE_REFUSED = 8007
    QUESTIONNAIRE_HAS_ANSWERS = 1040
