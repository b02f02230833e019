"""Monitoring's error codes, in the range its manifest declares (7040-7099): a block of
numbers per activity."""

from __future__ import annotations

import enum


class MonitoringCodes(enum.IntEnum):
    """Append only: a number never changes. 7040-7054 queries, 7055-7064 verification and
    review, 7065-7079 freeze and lock, 7080-7099 signatures."""

    QUERY_TRANSITION_REFUSED = 7040
    QUERY_TARGET_INVALID = 7041
    DATA_FROZEN = 7065
    DATA_LOCKED = 7066
    SIGNATURE_REFUSED = 7080
