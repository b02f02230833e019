"""The cron entry's work in one tenant: rooms past their expiry close (whoever is still
inside is recorded as having left), and closed or cancelled rooms are cleaned up at their
provider. A provider that fails keeps its room for the next tick."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from datacapt.toolkit import CronEntry, db, utcnow
from plugins.econsult.access import still_inside
from plugins.econsult.models import PresenceEvent, Room, RoomPresence, RoomStatus
from plugins.econsult.providers import provider
from plugins.econsult.settings import econsult_settings

log = logging.getLogger(__name__)


def close_expired() -> dict[str, int]:
    """Close what expired, clean up what closed; returns how many of each."""
    now = utcnow()
    expired = (
        db.session.execute(
            sa.select(Room)
            .where(Room.status == RoomStatus.SCHEDULED, Room.expires_at <= now)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    closed = 0
    for room in expired:
        for user_id in still_inside(room):
            db.session.add(
                RoomPresence(
                    room_id=room.id, user_id=user_id, event=PresenceEvent.LEFT, via="expiry", at=now
                )
            )
        room.transition_to(RoomStatus.CLOSED)
        room.closed_at = now
        closed += 1
    db.session.flush()
    cleaned = _clean_up(now)
    return {"closed": closed, "cleaned": cleaned}


def _clean_up(now: dt.datetime) -> int:
    waiting = (
        db.session.execute(
            sa.select(Room)
            .where(Room.status != RoomStatus.SCHEDULED, Room.cleaned_up_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    settings = econsult_settings()
    cleaned = 0
    for room in waiting:
        video = provider(room.provider, settings)
        if video is None:
            log.warning(
                "econsult: room %s has no provider %r to clean it", room.uuid, room.provider
            )
            continue
        try:
            video.clean_up(room.provider_room)
        except Exception:  # one provider's outage must not keep other rooms open
            log.exception("econsult: cleaning room %s up failed; next tick tries again", room.uuid)
            continue
        room.cleaned_up_at = now
        cleaned += 1
    db.session.flush()
    return cleaned


#: Every 5 minutes, in every tenant with eConsult enabled.
CLOSE_EXPIRED = CronEntry(
    "econsult-close-expired", "plugins.econsult.expiry.close_expired", cron="*/5 * * * *"
)
JOBS = [close_expired]
