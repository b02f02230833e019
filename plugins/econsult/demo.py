"""The demo study's consultation: a room on the console provider (it needs no video
server) with the study's first subject, tomorrow, booked by the first member of the team."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_members, utcnow
from plugins.econsult.models import Room, RoomPurpose
from plugins.econsult.services import new_room
from plugins.subjects.api import SubjectInStudy


def add_demo_room(study: Study) -> None:
    """The demo room, unless the study has a room already (or no subject or team yet)."""
    if db.session.execute(sa.select(Room.id).where(Room.study_id == study.id)).first():
        return
    participation = db.session.execute(
        sa.select(SubjectInStudy)
        .where(SubjectInStudy.study_id == study.id)
        .order_by(SubjectInStudy.id)
        .limit(1)
    ).scalar_one_or_none()
    team = study_members(study)
    if participation is None or not team:
        return
    tomorrow = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    data = {"purpose": RoomPurpose.CONSENT, "starts_at": tomorrow, "duration_minutes": 30}
    new_room(study, participation, data, team[0], "console")
