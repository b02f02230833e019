"""Hello error codes: the envelope's internal_code of its errors. Their numbers lie in
the range its manifest declares (plugin.py); change both if another plugin you install
takes the same range (start-up names the two)."""

from __future__ import annotations

import enum


class HelloCodes(enum.IntEnum):
    """Append only: a number never changes once released."""

    HELLO_TEXT_BLANK = 9000
