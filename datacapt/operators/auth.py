"""Operator authentication for the operator API: a bearer token from the configuration.

Platform operators as people (accounts in the shared schema) come with the identity
module; until then the operator API answers only to DATACAPT_OPERATOR_TOKEN and is
closed when it is not set.
"""

from __future__ import annotations

import hmac

from flask import current_app, request

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes

OPERATOR_ACTOR = "operator-api"


def require_operator() -> None:
    """Refuse the request unless it carries ``Authorization: Bearer <operator token>``."""
    expected = current_app.config.get("DATACAPT_OPERATOR_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected:
        message = "The operator API is closed: DATACAPT_OPERATOR_TOKEN is not set"
    elif scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        message = "Operator authentication required"
    else:
        return
    raise DatacaptException(
        ErrorCode.UNAUTHORIZED, InternalCodes.OPERATOR_AUTHENTICATION_REQUIRED, message
    )
