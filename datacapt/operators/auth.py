"""Operator authentication for the operator API: a bearer token from POST /api/operator/login."""

from __future__ import annotations

from flask import g, request

from datacapt.operators.models import Operator
from datacapt.operators.services import operator_refused, resolve_operator_token

# The one operator endpoint reachable without a token.
OPEN_ENDPOINTS = frozenset({"operator.OperatorLogin"})


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_operator() -> None:
    """Refuse the request unless it carries an operator's live bearer token."""
    if request.endpoint in OPEN_ENDPOINTS:
        return
    token = bearer_token()
    if token is None:
        raise operator_refused()
    g.operator = resolve_operator_token(token)


def operator_actor() -> str:
    operator: Operator = g.operator
    return f"operator:{operator.email}"
