"""The reports plugin's error codes, in its manifest's range 7280-7289."""

from __future__ import annotations

import enum


class ReportsCodes(enum.IntEnum):
    """Append only: a number never changes."""
