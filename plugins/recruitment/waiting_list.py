"""The target and its waiting list: the applications holding a place (pre-screened to
included, not waiting) up to the recruitment's target; beyond it applicants wait, and
places freed or added go to those waiting, in the order they applied. Callers hold the
recruitment's row lock."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import db
from plugins.recruitment.models import ACTIVE_STATUSES, RecruitmentApplication, RecruitmentStudy


def lock(recruitment: RecruitmentStudy) -> RecruitmentStudy:
    """The recruitment's row locked: places, and one volunteer's applications, are decided
    one at a time."""
    db.session.execute(
        sa.select(RecruitmentStudy.id)
        .where(RecruitmentStudy.id == recruitment.id)
        .with_for_update()
    )
    return recruitment


def places_taken(recruitment: RecruitmentStudy) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).where(
            RecruitmentApplication.recruitment_id == recruitment.id,
            RecruitmentApplication.status.in_(ACTIVE_STATUSES),
            RecruitmentApplication.waiting_list.is_(False),
        )
    ).scalar_one()


def fill_places(recruitment: RecruitmentStudy) -> None:
    """The places free under the target given to the applicants waiting, first come first."""
    free = recruitment.target - places_taken(recruitment)
    if free <= 0:
        return
    waiting = db.session.execute(
        sa.select(RecruitmentApplication)
        .where(
            RecruitmentApplication.recruitment_id == recruitment.id,
            RecruitmentApplication.waiting_list.is_(True),
            RecruitmentApplication.status.in_(ACTIVE_STATUSES),
        )
        .order_by(RecruitmentApplication.created_at, RecruitmentApplication.id)
        .limit(free)
    ).scalars()
    for application in waiting:
        application.waiting_list = False
    db.session.flush()
