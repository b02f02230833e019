"""The emails a test tenant recorded."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.database import db
from datacapt.mail.models import EmailMessage


def emails_to(address: str) -> list[EmailMessage]:
    """Every email recorded to ``address`` in the current tenant, oldest first."""
    return list(
        db.session.execute(
            sa.select(EmailMessage)
            .where(EmailMessage.to_address == address)
            .order_by(EmailMessage.id)
        ).scalars()
    )
