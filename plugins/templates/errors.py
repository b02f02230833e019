"""The templates plugin's error codes, in its manifest's range 7510-7529."""

from __future__ import annotations

import enum


class TemplatesCodes(enum.IntEnum):
    """Append only: a number never changes."""

    TEMPLATES_INVALID = 7510
