"""The exports plugin's error codes, in its manifest's range 7260-7279."""

from __future__ import annotations

import enum


class ExportsCodes(enum.IntEnum):
    """Append only: a number never changes."""
