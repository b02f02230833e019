"""The randomizations plugin's error codes, in its manifest's range 7100-7139."""

from __future__ import annotations

import enum


class RandomizationCodes(enum.IntEnum):
    """Append only: a number never changes."""

    RANDOMIZATION_DESIGN_INVALID = 7100
    DESIGN_VERSION_NOT_DRAFT = 7101
    DESIGN_NOT_READY = 7102
    DESIGN_NOT_LIVE = 7103
    SUBJECT_NOT_INCLUDED = 7104
    SUBJECT_ALREADY_RANDOMIZED = 7105
    STRATA_ANSWERS_MISSING = 7106
    STRATUM_LEVEL_UNKNOWN = 7107
    RANDOMIZATION_LIST_EXHAUSTED = 7108
    RANDOMIZATION_LIST_INVALID = 7109
    ASSIGNMENT_VOIDED = 7110
    UNBLINDING_REFUSED = 7111
    DRAFT_VERSION_EXISTS = 7112
    LIST_IMPORT_REFUSED = 7113
