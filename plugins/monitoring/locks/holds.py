"""What holds a study's data: the freezes and locks over a subject's sections, found in
one statement, and the refusals they answer with. Data entry asks before every save that
would change answers (``refuse_changes``); the other monitoring activities call
``refuse_if_locked``; a section read shows them (``section_locks``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import DatacaptException, Message, conflict, db
from plugins.ecrf.api import PLAIN
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.models import HOLDING, DataLock, Level, LockStatus
from plugins.monitoring.locks.schemas import DataLockReadSchema, LocksAnnotationSchema
from plugins.subjects.api import SubjectInStudy

#: The status of what no freeze or lock holds.
OPEN = "open"

LEVEL_NAMES = {
    Level.SECTION: Message("the subject's section"),
    Level.VISIT: Message("the visit"),
    Level.SUBJECT: Message("the subject"),
    Level.CENTER: Message("the center"),
    Level.STUDY: Message("the study"),
}

# Where several holds cover the same data, the one named is a lock before a freeze, and
# the broadest first: releasing a narrower one would not free the data.
_STRONGEST_FIRST = (
    sa.case({LockStatus.LOCKED.value: 0}, value=DataLock.status, else_=1),
    sa.case(
        {level.value: rank for rank, level in enumerate(reversed(Level))}, value=DataLock.level
    ),
    DataLock.id,
)


def covering(
    study_id: int,
    participation_ids: Collection[int],
    center_ids: Collection[int],
    sections: Collection[uuid.UUID],
    statuses: Collection[str],
    instance: str | None = PLAIN,
) -> sa.Select[DataLock]:
    """The holds in ``statuses`` over the subjects' ``sections``, or over what the other
    arguments name (no subject: a visit, a center, the study), strongest first. With
    several subjects and sections, a subject's hold on one of the sections counts for all
    of them: callers name several of only one. ``instance`` says which part of a section
    filled once per zone: PLAIN the whole section (a hold of one zone does not hold it
    all), a zone that zone, None any part (a hold of any zone counts)."""
    reach = [DataLock.level == Level.STUDY]
    if center_ids:
        reach.append(sa.and_(DataLock.level == Level.CENTER, DataLock.center_id.in_(center_ids)))
    in_subjects = DataLock.subject_in_study_id.in_(participation_ids)
    if participation_ids:
        reach.append(sa.and_(DataLock.level == Level.SUBJECT, in_subjects))
    if sections:
        in_sections = DataLock.section_uuid.in_(list(sections))
        reach.append(sa.and_(DataLock.level == Level.VISIT, in_sections))
        if participation_ids:
            of_section = [DataLock.level == Level.SECTION, in_subjects, in_sections]
            if instance is not None:
                of_section.append(DataLock.instance.in_({PLAIN, instance}))
            reach.append(sa.and_(*of_section))
    return (
        sa.select(DataLock)
        .where(DataLock.study_id == study_id, DataLock.status.in_(statuses), sa.or_(*reach))
        .order_by(*_STRONGEST_FIRST)
    )


def _over_subjects(
    participations: Collection[SubjectInStudy],
    sections: Collection[uuid.UUID],
    statuses: Collection[str],
    instance: str | None,
) -> sa.Select[DataLock]:
    (study_id,) = {participation.study_id for participation in participations}
    return covering(
        study_id,
        [participation.id for participation in participations],
        {participation.center_id for participation in participations},
        sections,
        statuses,
        instance,
    )


def _strongest_over(
    participations: Collection[SubjectInStudy],
    sections: Collection[uuid.UUID],
    statuses: Collection[str],
    instance: str | None,
) -> DataLock | None:
    return db.session.execute(
        _over_subjects(participations, sections, statuses, instance).limit(1)
    ).scalar_one_or_none()


def refusal(hold: DataLock) -> DatacaptException:
    """409 naming the level holding the data: ``details.level``, and ``details.lock`` the
    hold as read (what it is on, who placed it and when)."""
    level = LEVEL_NAMES[Level(hold.level)]
    if hold.status == LockStatus.LOCKED:
        code = MonitoringCodes.DATA_LOCKED
        message = Message(
            "This data is locked at the level of {level}: nothing about it changes.", level=level
        )
    else:
        code = MonitoringCodes.DATA_FROZEN
        message = Message(
            "This data is frozen at the level of {level}: its answers do not change.", level=level
        )
    return conflict(code, message, level=hold.level, lock=DataLockReadSchema().dump(hold))


def refuse_if_locked(
    participations: Collection[SubjectInStudy],
    section_ids: Collection[uuid.UUID] = (),
    instance: str | None = None,
) -> None:
    """409 DATA_LOCKED when a lock holds the subjects' sections named by ``section_ids``
    (their uuids), or the whole subjects (no sections: only a lock of a subject, its
    center or the study counts): what monitoring does on locked data is refused. In a
    section filled once per zone, a lock of any of its zones refuses what acts on the
    section as a whole (``instance`` None), one of that zone what acts on a zone. One
    statement whatever the number of subjects."""
    if not participations:
        return
    hold = _strongest_over(participations, section_ids, {LockStatus.LOCKED}, instance)
    if hold is not None:
        raise refusal(hold)


def refuse_changes(
    participation: SubjectInStudy,
    *,
    sections: Collection[uuid.UUID],
    instance: str = PLAIN,
    **_: Any,
) -> None:
    """Before a save writes (the eCRF's ``answers_changing``): 409 DATA_FROZEN or
    DATA_LOCKED when a hold covers the subject and any section whose answers would
    change (for a zone's save, a hold of the section or of that zone). One statement,
    paid by every save that changes answers."""
    hold = _strongest_over([participation], sections, HOLDING, instance)
    if hold is not None:
        raise refusal(hold)


def section_locks(
    participation: SubjectInStudy, *, section: uuid.UUID, instance: str = PLAIN, **_: Any
) -> dict:
    """The ``locks`` annotation of a subject's section read, or of one zone's (the eCRF's
    ``section_read``): its status (open, frozen, locked), the level holding it, every hold
    over it."""
    holds = (
        db.session.execute(_over_subjects([participation], [section], HOLDING, instance))
        .scalars()
        .all()
    )
    strongest = holds[0] if holds else None
    annotation = {
        "status": strongest.status if strongest is not None else OPEN,
        "level": strongest.level if strongest is not None else None,
        "holds": holds,
    }
    return {"locks": LocksAnnotationSchema().dump(annotation)}
