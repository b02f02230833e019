"""The emails a test tenant recorded, and what their recipients got."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.database import db
from datacapt.notifications.delivery import delivered_text
from datacapt.notifications.models import Channel, Notification
from datacapt.notifications.templates import template_registry


def emails_to(address: str) -> list[Notification]:
    """Every email recorded to ``address`` in the current tenant, oldest first."""
    return list(
        db.session.execute(
            sa.select(Notification)
            .where(Notification.channel == Channel.EMAIL, Notification.address == address)
            .order_by(Notification.id)
        ).scalars()
    )


def delivered_body(notification: Notification) -> str:
    """The text its recipient gets, links and their tokens filled in (the record has them
    redacted)."""
    template = template_registry().get(notification.template, notification.channel)
    return delivered_text(notification, template)[1]
