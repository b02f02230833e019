"""The product database's error codes, in its manifest's range 7140-7169."""

from __future__ import annotations

import enum


class ProductCodes(enum.IntEnum):
    """Append only: a number never changes."""
