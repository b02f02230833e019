"""Recording authentication events (append-only) with the request's origin."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from datacapt.database import db
from datacapt.identity.models import SecurityEvent, SecurityEventKind, User


def record(
    kind: SecurityEventKind,
    user: User | None = None,
    email: str | None = None,
    actor: str | None = None,
    **details: Any,
) -> SecurityEvent:
    """Add the event to the current session; it commits with the change it describes."""
    event = SecurityEvent(
        kind=kind,
        user_id=user.id if user else None,
        email=(email or (user.email if user else None) or "").lower() or None,
        actor=actor,
        ip=request.remote_addr if has_request_context() else None,
        user_agent=(request.user_agent.string[:300] or None) if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event
