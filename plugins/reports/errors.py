"""The reports plugin's error codes, in its manifest's range 7280-7289."""

from __future__ import annotations

import enum


class ReportsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    REPORT_FILE_ALTERED = 7280
    REPORT_NOT_READY = 7281
    NO_SUBJECTS_TO_PRINT = 7282
    NO_DESIGN_TO_PRINT = 7283
