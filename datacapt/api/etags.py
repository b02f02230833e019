"""If-Match, read one way everywhere: 428 without it, 400 when it is not the ETag of a read
(unquoted, weak, ``*``), 412 when what it names is no longer current."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import request

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

IF_MATCH_HEADER = "If-Match"
_STRONG_ETAG = re.compile(r'^"[\x21\x23-\x7e\x80-\xff]*"$')


def _invalid(message: Message) -> DatacaptException:
    return DatacaptException(ErrorCode.REQUEST_INVALID, InternalCodes.IF_MATCH_INVALID, message)


def read_if_match() -> frozenset[str]:
    """The ETags the request's If-Match names (a comma-separated list of quoted ETags)."""
    header = request.headers.get(IF_MATCH_HEADER)
    if header is None or not header.strip():
        raise DatacaptException(
            ErrorCode.PRECONDITION_REQUIRED,
            InternalCodes.PRECONDITION_REQUIRED,
            Message("Send If-Match with the ETag of what you read."),
        )
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        raise _invalid(Message("If-Match: * is not accepted: send the ETag of what you read."))
    if any(tag.startswith("W/") for tag in tags):
        raise _invalid(Message("If-Match takes the strong ETag of the read, not a weak one (W/)."))
    if not all(_STRONG_ETAG.match(tag) for tag in tags):
        raise _invalid(Message('If-Match takes the ETag as it was read, in double quotes: "3".'))
    return frozenset(tags)


def check_if_match(
    current_etag: str,
    given: frozenset[str] | None = None,
    *,
    message: Message | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Refuse the change unless If-Match (``given``, or read now) names ``current_etag``:
    412 with ``message`` and ``details`` when it changed since the read."""
    if current_etag not in (given if given is not None else read_if_match()):
        raise DatacaptException(
            ErrorCode.PRECONDITION_FAILED,
            InternalCodes.PRECONDITION_FAILED,
            message or Message("This changed since you read it: read it again."),
            details=details,
        )
