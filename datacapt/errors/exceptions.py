"""The one exception type that business code raises to answer a client with an error."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from datacapt.errors.codes import ErrorCode
from datacapt.i18n import Message


class DatacaptException(Exception):
    """An error for the client: an HTTP class, a stable internal code (the core's
    InternalCodes or a plugin's own IntEnum) and a safe message."""

    def __init__(
        self,
        code: ErrorCode,
        internal_code: enum.IntEnum,
        message: str | Message | None = None,
        *,
        fields: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.internal_code = internal_code
        self.message: str | Message = message or internal_code.name.replace("_", " ").capitalize()
        self.fields = dict(fields) if fields else None
        self.details = dict(details) if details else None
        super().__init__(str(self.message))

    @property
    def status(self) -> int:
        return self.code.status
