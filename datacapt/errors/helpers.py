"""The errors services raise most, each with its HTTP class: not found, conflict, invalid
input, forbidden. Any internal code fits, the core's or a plugin's."""

from __future__ import annotations

import enum
from typing import Any

from datacapt.errors.codes import ErrorCode, InternalCodes
from datacapt.errors.exceptions import DatacaptException
from datacapt.i18n import Message

NOT_ALLOWED = Message("You are not allowed to do this")


def _on_field(field: str | None, message: str | Message) -> dict[str, list[str | Message]] | None:
    return {field: [message]} if field else None


def not_found(
    message: str | Message | None = None,
    *,
    internal_code: enum.IntEnum = InternalCodes.OBJECT_NOT_FOUND,
) -> DatacaptException:
    """404: no such thing here (also what a caller gets for a thing they may not see)."""
    return DatacaptException(ErrorCode.NOT_FOUND, internal_code, message)


def conflict(
    internal_code: enum.IntEnum,
    message: str | Message,
    *,
    field: str | None = None,
    **details: Any,
) -> DatacaptException:
    """409: the request does not fit the current state; ``field`` names the input at fault."""
    return DatacaptException(
        ErrorCode.CONFLICT,
        internal_code,
        message,
        fields=_on_field(field, message),
        details=details or None,
    )


def invalid(
    internal_code: enum.IntEnum,
    message: str | Message,
    *,
    field: str | None = None,
    **details: Any,
) -> DatacaptException:
    """422: the input is refused; ``field`` names the input at fault."""
    return DatacaptException(
        ErrorCode.VALIDATION_ERROR,
        internal_code,
        message,
        fields=_on_field(field, message),
        details=details or None,
    )


def forbidden(
    internal_code: enum.IntEnum = InternalCodes.PERMISSION_DENIED,
    message: str | Message = NOT_ALLOWED,
    **details: Any,
) -> DatacaptException:
    """403: the caller may not do this."""
    return DatacaptException(ErrorCode.FORBIDDEN, internal_code, message, details=details or None)
