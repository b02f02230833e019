"""The eCRF plugin's error codes, in the ranges its manifest declares: 7000-7019 but 7003,
the core file storage's FILE_REFUSED, numbered among them before plugins had ranges."""

from __future__ import annotations

import enum


class EcrfCodes(enum.IntEnum):
    """Append only: a number never changes."""

    ECRF_DESIGN_INVALID = 7000
    ECRF_CHANGE_REFUSED = 7001
    ECRF_LOCKED = 7002
    ECRF_SECTION_INSTANCED = 7015
