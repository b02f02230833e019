"""The econsult plugin's error codes, in its manifest's range 7340-7359."""

from __future__ import annotations

import enum


class EconsultCodes(enum.IntEnum):
    """Append only: a number never changes."""

    ECONSULT_ROOM_NOT_OPEN = 7340
    ECONSULT_ROOM_CLOSED = 7341
    ECONSULT_LINK_INVALID = 7342
    ECONSULT_TOO_MANY_ATTEMPTS = 7343
    ECONSULT_NOT_PARTICIPANT = 7344
    ECONSULT_PARTICIPANT_INVALID = 7345
    ECONSULT_TIME_INVALID = 7346
    ECONSULT_PROVIDER_UNAVAILABLE = 7347
    ECONSULT_NOT_BOOKER = 7348
