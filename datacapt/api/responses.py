"""The success() and error() helpers; error() builds the one JSON error envelope."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from flask import Response, g, has_request_context, jsonify

from datacapt.errors.codes import HTTP_DEFAULT_INTERNAL_CODES, ErrorCode
from datacapt.i18n import Message


def success(
    payload: Any = None, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON response with the payload as its body (an empty body for 204)."""
    response = Response(status=status) if status == 204 else jsonify(payload)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def error_body(
    code: ErrorCode,
    internal_code: enum.IntEnum | None = None,
    message: str | Message | None = None,
    *,
    fields: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The error envelope: {"error": {...}, "request_id": ...}."""
    internal = internal_code or HTTP_DEFAULT_INTERNAL_CODES[code]
    body: dict[str, Any] = {
        "code": code.name,
        "status": code.status,
        "internal_code": int(internal),
        "internal_name": internal.name,
        "message": str(message or internal.name.replace("_", " ").capitalize()),
    }
    if fields:
        body["fields"] = dict(fields)
    if details:
        body["details"] = dict(details)
    request_id = g.get("request_id") if has_request_context() else None
    return {"error": body, "request_id": request_id}


def error(
    code: ErrorCode,
    internal_code: enum.IntEnum | None = None,
    message: str | Message | None = None,
    *,
    fields: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response carrying the error envelope with the status of its ErrorCode."""
    body = error_body(code, internal_code, message, fields=fields, details=details)
    return success(body, status=code.status, headers=headers)
