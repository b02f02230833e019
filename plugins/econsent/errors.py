"""The econsent plugin's error codes, in its manifest's range 7310-7339."""

from __future__ import annotations

import enum


class EconsentCodes(enum.IntEnum):
    """Append only: a number never changes."""
