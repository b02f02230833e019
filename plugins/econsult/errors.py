"""The econsult plugin's error codes, in its manifest's range 7340-7359."""

from __future__ import annotations

import enum


class EconsultCodes(enum.IntEnum):
    """Append only: a number never changes."""
