"""The translations plugin's error codes, in its manifest's range 7530-7549."""

from __future__ import annotations

import enum


class TranslationsCodes(enum.IntEnum):
    """Append only: a number never changes."""

    TRANSLATIONS_FILE_INVALID = 7530
    TRANSLATIONS_LANGUAGE_INVALID = 7531
