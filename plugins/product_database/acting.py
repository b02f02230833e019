"""Who makes a change, for the records that name them (an approver, a batch's history)."""

from __future__ import annotations

from flask import g, has_request_context

from datacapt.toolkit import acting_user


def actor_id() -> int | None:
    """The user behind the request; None for the platform's own work (a job, a command)."""
    if has_request_context() and g.get("principal") is not None:
        return acting_user().id
    return None
