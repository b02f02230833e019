"""The automations plugin's error codes, in its manifest's range 7400-7429."""

from __future__ import annotations

import enum


class AutomationsCodes(enum.IntEnum):
    """Append only: a number never changes."""
