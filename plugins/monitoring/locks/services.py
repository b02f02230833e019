"""Freezing and locking a study's data (what holds it is in ``holds``).

A hold is placed on a target: a subject's section (or one zone of a section filled once
per zone), a visit (that section for every subject), a subject, a center or the study.
Frozen, no answer changes while queries, verification and signatures go on; locked,
nothing about the data changes. Frozen data can be locked; locked data cannot be frozen,
only unlocked. Locking waits for the conditions of ``LOCK_CONDITIONS``; unfreezing and
unlocking need a reason for change.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from datacapt.toolkit import (
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    acting_user,
    conflict,
    current_reason,
    db,
    forbidden,
    get_in_study,
    invalid,
    lock_document,
    not_found,
    reason_required,
    study_centers,
    study_query,
    utcnow,
    visible_center_ids,
)
from plugins.ecrf.api import (
    PLAIN,
    UNRESOLVED_QUERY_STATUSES,
    DataQuery,
    check_instance,
    compiled_form,
    lock_subjects,
)
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.holds import OPEN, covering, refusal
from plugins.monitoring.locks.models import (
    HOLDING,
    STUDY_WIDE_LEVELS,
    DataLock,
    Level,
    LockStatus,
)
from plugins.monitoring.settings import monitoring_settings
from plugins.monitoring.signatures.services import unsigned
from plugins.subjects.api import SubjectInStudy, get_subject


@dataclasses.dataclass(frozen=True)
class Target:
    """What a freeze or lock is placed on: the level, and the subject, section (uuid),
    zone (``instance``, of a subject's section) or center that level names."""

    level: Level
    participation: SubjectInStudy | None = None
    section: uuid.UUID | None = None
    center: StudyCenter | None = None
    instance: str = PLAIN

    @property
    def center_id(self) -> int | None:
        """The center the target lies in, if it lies in one."""
        if self.center is not None:
            return self.center.id
        return self.participation.center_id if self.participation is not None else None


def resolve_target(study: Study, given: dict[str, Any]) -> Target:
    """The target named by a request, as the caller may reach it: a subject or center
    the caller does not see is absent (404); a visit or the study spans every center, so
    only a member who sees all centers places or releases a hold there (403)."""
    level = Level(given["level"])
    if level in STUDY_WIDE_LEVELS and visible_center_ids() is not None:
        raise forbidden(
            MonitoringCodes.LOCK_ALL_CENTERS_REQUIRED,
            Message(
                "A visit or the whole study spans every center: only a member who sees "
                "all centers freezes, locks or releases it."
            ),
        )
    participation = get_subject(study, given["subject"]) if "subject" in given else None
    section = given.get("section")
    if section is not None:
        compiled_form(study).section(section)  # 404 for a section not in the design
    center = _visible_center(study, given["center"]) if "center" in given else None
    instance = given.get("instance", PLAIN)
    if instance != PLAIN:
        assert participation is not None and section is not None  # the schema's check
        if section not in compiled_form(study).instanced:
            raise invalid(
                InternalCodes.VALIDATION_FAILED,
                Message("This section is filled once per subject: it has no zones."),
                field="instance",
            )
        check_instance(study, participation, section, instance)  # 404 for another zone
    return Target(level, participation, section, center, instance)


def _visible_center(study: Study, center_uuid: uuid.UUID) -> StudyCenter:
    for center in study_centers(study):
        if center.uuid == center_uuid:
            return center
    raise not_found(Message("No such center."))


def _subjects_of(study: Study, target: Target) -> sa.ColumnElement[bool]:
    """The participations the target covers."""
    criterion = SubjectInStudy.study_id == study.id
    if target.participation is not None:
        return sa.and_(criterion, SubjectInStudy.id == target.participation.id)
    if target.center is not None:
        return sa.and_(criterion, SubjectInStudy.center_id == target.center.id)
    return criterion


def _wait_for_saves(study: Study, target: Target) -> None:
    """Lock the subjects the target covers, as a save locks its subject before it asks
    whether it may write: saves under way commit first (so what is checked next sees
    their answers and queries), and later ones wait for this hold to commit, then see it."""
    lock_subjects(
        db.session.execute(
            sa.select(SubjectInStudy.id).where(_subjects_of(study, target))
        ).scalars()
    )


def refuse_unresolved_queries(study: Study, target: Target) -> None:
    """409 LOCK_QUERIES_UNRESOLVED while queries on the target's data are still draft,
    open or answered, counted in ``details.queries``."""
    statement = (
        sa.select(sa.func.count())
        .select_from(DataQuery)
        .join(SubjectInStudy, SubjectInStudy.id == DataQuery.subject_in_study_id)
        .where(_subjects_of(study, target), DataQuery.status.in_(UNRESOLVED_QUERY_STATUSES))
    )
    if target.section is not None:
        codes = compiled_form(study).section_codes[target.section]
        on_data: sa.ColumnElement[bool] = DataQuery.code.in_(codes)
        if target.instance != PLAIN:
            on_data = sa.and_(on_data, DataQuery.instance == target.instance)
        statement = statement.where(sa.or_(on_data, DataQuery.section_uuid == target.section))
    count = db.session.execute(statement).scalar_one()
    if count:
        raise conflict(
            MonitoringCodes.LOCK_QUERIES_UNRESOLVED,
            Message(
                "Queries on this data are not resolved ({count}): close or cancel them "
                "before locking.",
                count=count,
            ),
            queries=count,
        )


def refuse_unsigned(study: Study, target: Target) -> None:
    """Where the study's ``signatures_before_lock`` setting asks it: 409
    LOCK_SIGNATURES_MISSING while a subject's section of the target holds answers that no
    valid signature covers; ``details.unsigned`` counts them, ``details.first`` names the
    first few (subject and section uuids)."""
    if not monitoring_settings(study)["signatures_before_lock"]:
        return
    form = compiled_form(study)
    subjects = dict(
        db.session.execute(
            sa.select(SubjectInStudy.id, SubjectInStudy.uuid).where(_subjects_of(study, target))
        ).all()
    )
    sections = [form.section_ids[target.section]] if target.section is not None else None
    missing = unsigned(study, list(subjects), sections, target.instance or None)
    if missing:
        section_uuids = {section_id: uuid for uuid, section_id in form.section_ids.items()}
        raise conflict(
            MonitoringCodes.LOCK_SIGNATURES_MISSING,
            Message(
                "Data to lock is not signed ({count}): sign it before locking.", count=len(missing)
            ),
            unsigned=len(missing),
            first=[
                {"subject": str(subjects[pid]), "section": str(section_uuids[sid])}
                for pid, sid in missing[:20]
            ],
        )


#: What must hold before a target is locked: each is called with the study and the target
#: and raises its refusal. Every condition of a lock belongs here.
LOCK_CONDITIONS: tuple[Callable[[Study, Target], None], ...] = (
    refuse_unresolved_queries,
    refuse_unsigned,
)


def _one_at_a_time(study: Study) -> None:
    """Freezes and locks of a study are placed and released one after the other."""
    lock_document("monitoring_locks", study.uuid)


def _hold_on(study: Study, target: Target) -> DataLock | None:
    """The hold in force on exactly this target."""
    participation_id = target.participation.id if target.participation is not None else None
    center_id = target.center.id if target.center is not None else None
    return db.session.execute(
        sa.select(DataLock).where(
            DataLock.study_id == study.id,
            DataLock.level == target.level,
            DataLock.status.in_(HOLDING),
            DataLock.subject_in_study_id.is_not_distinct_from(participation_id),
            DataLock.center_id.is_not_distinct_from(center_id),
            DataLock.section_uuid.is_not_distinct_from(target.section),
            DataLock.instance == target.instance,
        )
    ).scalar_one_or_none()


def _transition_refused(message: Message, hold: DataLock | None) -> DatacaptException:
    return conflict(
        MonitoringCodes.LOCK_TRANSITION_REFUSED,
        message,
        status=hold.status if hold is not None else OPEN,
    )


def _actor() -> dict[str, str]:
    """Who acts, as named now (read before changing a hold: the read would flush it)."""
    user = acting_user()
    return {"uuid": str(user.uuid), "name": user.display_name}


def _new_hold(study: Study, target: Target, status: LockStatus, **stamps: Any) -> DataLock:
    hold = DataLock(
        study_id=study.id,
        level=target.level,
        status=status,
        participation=target.participation,
        center=target.center,
        section_uuid=target.section,
        instance=target.instance,
        **stamps,
    )
    db.session.add(hold)
    return hold


def freeze(study: Study, target: Target) -> DataLock:
    """Freeze the target: 409 DATA_LOCKED when a lock holds all of it (locked data is not
    frozen), LOCK_TRANSITION_REFUSED when it is frozen already."""
    _one_at_a_time(study)
    locked = db.session.execute(
        covering(
            study.id,
            [target.participation.id] if target.participation is not None else [],
            [target.center_id] if target.center_id is not None else [],
            [target.section] if target.section is not None else [],
            {LockStatus.LOCKED},
            target.instance,
        ).limit(1)
    ).scalar_one_or_none()
    if locked is not None:
        raise refusal(locked)
    frozen = _hold_on(study, target)
    if frozen is not None:
        raise _transition_refused(Message("This is already frozen."), frozen)
    _wait_for_saves(study, target)
    hold = _new_hold(study, target, LockStatus.FROZEN, frozen_at=utcnow(), frozen_by=_actor())
    db.session.flush()
    return hold


def lock(study: Study, target: Target) -> tuple[DataLock, bool]:
    """Lock the target, or the freeze on it; returns the hold and whether it is new.
    Refused while a condition of ``LOCK_CONDITIONS`` fails, and when it is locked already
    (LOCK_TRANSITION_REFUSED)."""
    _one_at_a_time(study)
    hold = _hold_on(study, target)
    if hold is not None and hold.status == LockStatus.LOCKED:
        raise _transition_refused(Message("This is already locked."), hold)
    _wait_for_saves(study, target)
    for condition in LOCK_CONDITIONS:
        condition(study, target)
    created = hold is None
    locked_at, locked_by = utcnow(), _actor()
    if hold is None:
        hold = _new_hold(study, target, LockStatus.LOCKED, locked_at=locked_at, locked_by=locked_by)
    else:
        hold.transition_to(LockStatus.LOCKED)
        hold.locked_at, hold.locked_by = locked_at, locked_by
    db.session.flush()
    return hold, created


def _release(study: Study, target: Target, held: LockStatus, released: LockStatus) -> DataLock:
    if current_reason() is None:
        raise reason_required({DataLock.__tablename__})
    _one_at_a_time(study)
    hold = _hold_on(study, target)
    if hold is None or hold.status != held:
        message = (
            Message("This is not frozen.")
            if held == LockStatus.FROZEN
            else Message("This is not locked.")
        )
        raise _transition_refused(message, hold)
    released_by = _actor()
    hold.transition_to(released)
    hold.released_at, hold.released_by = utcnow(), released_by
    db.session.flush()
    return hold


def unfreeze(study: Study, target: Target) -> DataLock:
    """Release the freeze on the target, with a reason for change."""
    return _release(study, target, LockStatus.FROZEN, LockStatus.UNFROZEN)


def unlock(study: Study, target: Target) -> DataLock:
    """Release the lock on the target, with a reason for change: the data is open again
    (not frozen)."""
    return _release(study, target, LockStatus.LOCKED, LockStatus.UNLOCKED)


def list_locks(
    study: Study,
    level: str | None = None,
    status: str | None = None,
    subject: uuid.UUID | None = None,
    section: uuid.UUID | None = None,
) -> sa.Select[DataLock]:
    """The study's holds the caller may see, newest first; ``subject`` and ``section``
    keep those placed on that subject (its sections, or it) or on that section (a
    visit, or one subject's)."""
    statement = study_query(DataLock, study).options(
        selectinload(DataLock.participation), joinedload(DataLock.center)
    )
    if level is not None:
        statement = statement.where(DataLock.level == level)
    if status is not None:
        statement = statement.where(DataLock.status == status)
    if subject is not None:
        statement = statement.where(DataLock.participation.has(SubjectInStudy.uuid == subject))
    if section is not None:
        statement = statement.where(DataLock.section_uuid == section)
    return statement.order_by(DataLock.created_at.desc(), DataLock.id.desc())


def get_lock(study: Study, lock_uuid: uuid.UUID) -> DataLock:
    return get_in_study(DataLock, lock_uuid, Message("No such freeze or lock."), study=study)
