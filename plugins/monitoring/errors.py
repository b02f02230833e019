"""Monitoring's error codes, in the range its manifest declares (7040-7099): a block of
numbers per activity."""

from __future__ import annotations

import enum


class MonitoringCodes(enum.IntEnum):
    """Append only: a number never changes. 7040-7054 queries, 7055-7064 verification and
    review, 7065-7079 freeze and lock, 7080-7099 signatures."""

    QUERY_TRANSITION_REFUSED = 7040
    QUERY_TARGET_INVALID = 7041
    ITEM_NOT_ANSWERED = 7055
    ITEM_ALREADY_VERIFIED = 7056
    ITEM_NOT_VERIFIED = 7057
    NOT_SOURCE_DATA = 7058
    SDV_PLAN_INVALID = 7059
    SDV_PLAN_EXISTS = 7060
    SECTION_WITHOUT_DATA = 7061
    SECTION_ALREADY_REVIEWED = 7062
    SECTION_NOT_REVIEWED = 7063
    DATA_FROZEN = 7065
    DATA_LOCKED = 7066
    LOCK_QUERIES_UNRESOLVED = 7067
    LOCK_ALL_CENTERS_REQUIRED = 7068
    LOCK_TRANSITION_REFUSED = 7069
    LOCK_SIGNATURES_MISSING = 7070
    SIGNATURE_REFUSED = 7080
    SIGNATURE_NOT_SIGNERS = 7081
    SIGNATURE_WITHDRAWN = 7082


#: How a view that changes monitoring's records declares a lock's refusal.
LOCKED = {409: "A lock holds the data: nothing about it changes (DATA_LOCKED)."}
