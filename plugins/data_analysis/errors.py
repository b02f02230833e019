"""The data_analysis plugin's error codes, in its manifest's range 7290-7299."""

from __future__ import annotations

import enum


class DataAnalysisCodes(enum.IntEnum):
    """Append only: a number never changes."""

    QUESTION_UNKNOWN = 7290
    QUESTION_NOT_ANALYSABLE = 7291
    ARM_NOT_SHOWN = 7292
