"""The exports plugin's error codes, in its manifest's range 7260-7279."""

from __future__ import annotations

import enum


class ExportsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    DEFINITION_INVALID = 7260
    DEFINITION_NAME_TAKEN = 7261
    EXPORT_NOT_DONE = 7262
    EXPORT_EXPIRED = 7263
    EXPORT_FILE_ALTERED = 7264
    LOCK_NOT_HELD = 7265
