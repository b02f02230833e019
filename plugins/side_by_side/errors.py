"""The side_by_side plugin's error codes, in its manifest's range 7570-7589."""

from __future__ import annotations

import enum


class SideBySideCodes(enum.IntEnum):
    """Append only: a number never changes."""

    SIDE_BY_SIDE_INVALID = 7570
    ZONE_CODE_TAKEN = 7571
    DESIGN_CODE_TAKEN = 7572
    MEASUREMENT_OUT_OF_ORDER = 7573
    SECTION_ASSESSED_ALREADY = 7574
    SEQUENCE_NOT_OF_DESIGN = 7575
    ZONES_RECORDED_UNDER_VOIDED = 7576
