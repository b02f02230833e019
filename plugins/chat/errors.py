"""The chat plugin's error codes, in its manifest's range 7550-7569."""

from __future__ import annotations

import enum


class ChatCodes(enum.IntEnum):
    """Append only: a number never changes."""

    CHAT_INVALID = 7550
    CHAT_THREAD_CLOSED = 7551
    CHAT_LINK_INVALID = 7552
    CHAT_TOO_MANY_ATTEMPTS = 7553
    CHAT_PARTICIPANT_INVALID = 7554
    CHAT_FILE_REFUSED = 7555
    CHAT_NOT_ALLOWED = 7556
    CHAT_CORRECTION_INVALID = 7557
