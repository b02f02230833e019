"""The automations plugin's error codes, in its manifest's range 7400-7429."""

from __future__ import annotations

import enum


class AutomationsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    RULE_INVALID = 7400
    RULE_PLUGIN_MISSING = 7401
    RULE_LOOP = 7402
    TASK_CLOSED = 7403
    TASK_NOT_YOURS = 7404
