"""Turns every error the app can produce into the one JSON envelope."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from datacapt.api.responses import error
from datacapt.database.failures import concurrent_duplicate, database_unavailable
from datacapt.errors.codes import ErrorCode, InternalCodes
from datacapt.errors.exceptions import DatacaptException
from datacapt.i18n import Message

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: Message("The request is malformed"),
    401: Message("Authentication is required"),
    403: Message("You are not allowed to do this"),
    404: Message("No such resource"),
    405: Message("This method is not allowed here"),
    409: Message("The request conflicts with the current state"),
    413: Message("The request body is too large"),
    422: Message("The request did not validate"),
}


def handle_datacapt_exception(exc: DatacaptException) -> Response:
    retry_after = (exc.details or {}).get("retry_after_seconds")
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return error(
        exc.code,
        exc.internal_code,
        exc.message,
        fields=exc.fields,
        details=exc.details,
        headers=headers,
    )


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
    """500 without internals; the traceback goes to the log with the request id. The
    database out of reach (restarting, connection lost) is a 503: try again shortly; a
    duplicate that a concurrent request committed first is a 409."""
    cause = getattr(exc, "original_exception", None) or exc
    if database_unavailable(cause):
        log.warning("Database unavailable: %s", cause)
        return error(
            ErrorCode.SERVICE_UNAVAILABLE,
            InternalCodes.SERVICE_UNAVAILABLE,
            Message("The service is briefly unavailable; try again in a moment"),
            headers={"Retry-After": "1"},
        )
    if concurrent_duplicate(cause):
        log.info("Concurrent duplicate refused: %s", cause)
        return error(
            ErrorCode.CONFLICT,
            InternalCodes.CONFLICT,
            Message("Someone saved the same thing at the same time: read it again"),
        )
    log.error("Unhandled error", exc_info=exc)
    return error(
        ErrorCode.INTERNAL_ERROR,
        InternalCodes.INTERNAL_ERROR,
        Message("An unexpected error occurred; it has been logged"),
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DatacaptException, handle_datacapt_exception)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
