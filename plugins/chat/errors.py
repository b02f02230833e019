"""The chat plugin's error codes, in its manifest's range 7550-7569."""

from __future__ import annotations

import enum


class ChatCodes(enum.IntEnum):
    """Append only: a number never changes."""

    CHAT_INVALID = 7550
