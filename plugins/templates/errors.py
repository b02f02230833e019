"""The templates plugin's error codes, in its manifest's range 7510-7529."""

from __future__ import annotations

import enum


class TemplatesCodes(enum.IntEnum):
    """Append only: a number never changes."""

    TEMPLATE_CONTENT_INVALID = 7510
    TEMPLATE_FILE_INVALID = 7511
    TEMPLATE_NOT_INSERTABLE = 7512
    TEMPLATE_TARGET_INVALID = 7513
