"""Turns every error the app can produce into the one JSON envelope."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from datacapt.api.responses import error
from datacapt.errors.codes import ErrorCode, InternalCodes
from datacapt.errors.exceptions import DatacaptException

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: "The request is malformed",
    401: "Authentication is required",
    403: "You are not allowed to do this",
    404: "No such resource",
    405: "This method is not allowed here",
    409: "The request conflicts with the current state",
    413: "The request body is too large",
    422: "The request did not validate",
}


def handle_datacapt_exception(exc: DatacaptException) -> Response:
    return error(exc.code, exc.internal_code, exc.message, fields=exc.fields, details=exc.details)


def _validation_fields(data: dict[str, Any]) -> dict[str, Any] | None:
    """Field errors from webargs ({location: {field: [msg]}}), flattened when one location."""
    messages = data.get("errors") or data.get("messages")
    if not isinstance(messages, dict):
        return None
    if len(messages) == 1:
        (only,) = messages.values()
        if isinstance(only, dict):
            return only
    return messages


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return handle_unexpected(exc)
    code = ErrorCode.for_status(status)
    data: dict[str, Any] = getattr(exc, "data", None) or {}
    fields = _validation_fields(data) if status in (400, 422) else None
    message = data.get("message") or _HTTP_MESSAGES.get(status) or exc.name
    valid_methods = getattr(exc, "valid_methods", None)
    headers = {"Allow": ", ".join(valid_methods)} if status == 405 and valid_methods else {}
    return error(code, None, message, fields=fields, headers=headers)


def handle_unexpected(exc: BaseException) -> Response:
    """500 without internals; the traceback goes to the log with the request id."""
    log.error("Unhandled error", exc_info=exc)
    return error(
        ErrorCode.INTERNAL_ERROR,
        InternalCodes.INTERNAL_ERROR,
        "An unexpected error occurred; it has been logged",
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DatacaptException, handle_datacapt_exception)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
