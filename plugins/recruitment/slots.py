"""Visit slots: preset series (every N minutes between two times of a day, in the tenant's
time zone, each with a capacity), booked by applicants from their link or by staff. A
slot's bookings are counted under its row lock, so concurrent bookings never exceed its
capacity; an application holds one booking at a time. Reminders go once, a day before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    conflict,
    db,
    get_tenant_settings,
    invalid,
    not_found,
    study_query,
    utcnow,
)
from plugins.recruitment import messages
from plugins.recruitment.applications import (
    locked_application,
    locked_slot,
    release_booking,
    tell,
)
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import (
    BOOKABLE_STATUSES,
    ApplicationStatus,
    RecruitmentApplication,
    RecruitmentStudy,
    SlotBooking,
    VisitSlot,
)

#: How long before a visit its reminder goes.
REMINDER_AHEAD = dt.timedelta(hours=24)
#: The most slots one preset makes.
MAX_PRESET = 200


def _zone() -> ZoneInfo:
    return ZoneInfo(get_tenant_settings().time_zone)


def preset_times(data: Mapping[str, Any]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Each slot's start and end (UTC) of a preset: from ``start`` to ``end`` (local
    times of ``day``) every ``every_minutes``, each lasting ``duration_minutes``."""
    zone = _zone()
    every = dt.timedelta(minutes=data["every_minutes"])
    duration = dt.timedelta(minutes=data.get("duration_minutes") or data["every_minutes"])
    first = dt.datetime.combine(data["day"], data["start"], tzinfo=zone)
    last = dt.datetime.combine(data["day"], data["end"], tzinfo=zone)
    if last - duration < first:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("No slot fits between these times."),
            field="end",
        )
    times = []
    start = first
    while start + duration <= last:
        times.append((start.astimezone(dt.UTC), (start + duration).astimezone(dt.UTC)))
        start += every
    if len(times) > MAX_PRESET:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("A preset makes at most {count} slots.", count=MAX_PRESET),
            field="every_minutes",
        )
    return times


def add_slots(recruitment: RecruitmentStudy, data: Mapping[str, Any]) -> list[VisitSlot]:
    """The preset's slots; a start the recruitment already has a slot at is refused."""
    times = preset_times(data)
    taken = set(
        db.session.execute(
            sa.select(VisitSlot.starts_at).where(
                VisitSlot.recruitment_id == recruitment.id,
                VisitSlot.starts_at.in_([start for start, _ in times]),
            )
        ).scalars()
    )
    if taken:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("Some of these slots exist already."),
            starts_at=sorted(moment.isoformat() for moment in taken),
        )
    slots = [
        VisitSlot(
            study_id=recruitment.study_id,
            recruitment_id=recruitment.id,
            starts_at=start,
            ends_at=end,
            capacity=data["capacity"],
            booked=0,
        )
        for start, end in times
    ]
    db.session.add_all(slots)
    db.session.flush()
    return slots


def list_slots(recruitment: RecruitmentStudy, available_only: bool = False) -> sa.Select:
    statement = (
        sa.select(VisitSlot)
        .where(VisitSlot.recruitment_id == recruitment.id)
        .order_by(VisitSlot.starts_at)
    )
    if available_only:
        statement = statement.where(
            VisitSlot.booked < VisitSlot.capacity, VisitSlot.starts_at > utcnow()
        )
    return statement


def staff_slots(recruitment: RecruitmentStudy) -> sa.Select:
    return (
        study_query(VisitSlot)
        .where(VisitSlot.recruitment_id == recruitment.id)
        .order_by(VisitSlot.starts_at)
    )


def booking_of(application: RecruitmentApplication) -> SlotBooking | None:
    return db.session.execute(
        sa.select(SlotBooking).where(SlotBooking.application_id == application.id)
    ).scalar_one_or_none()


def book(application: RecruitmentApplication, slot_uuid: Any, *, booked_by: str) -> SlotBooking:
    """The application's visit in that slot (a booking it had is given up): refused when
    the slot is full or past, or the application cannot be scheduled now."""
    application = locked_application(application)
    if application.status not in BOOKABLE_STATUSES or application.waiting_list:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_NOT_BOOKABLE,
            Message("This application cannot book a visit now."),
            status=application.status,
            waiting_list=application.waiting_list,
        )
    current = booking_of(application)
    slot_id = db.session.execute(
        sa.select(VisitSlot.id).where(
            VisitSlot.uuid == slot_uuid, VisitSlot.recruitment_id == application.recruitment_id
        )
    ).scalar_one_or_none()
    if slot_id is None:
        raise not_found(Message("No such slot."))
    if current is not None and current.slot_id == slot_id:
        return current
    # Both slots locked in one order: two applicants swapping slots never deadlock.
    involved = {slot_id} | ({current.slot_id} if current is not None else set())
    db.session.execute(
        sa.select(VisitSlot.id)
        .where(VisitSlot.id.in_(involved))
        .order_by(VisitSlot.id)
        .with_for_update()
    ).all()
    release_booking(application)
    slot = locked_slot(slot_id)
    if slot.starts_at <= utcnow():
        raise conflict(RecruitmentCodes.RECRUITMENT_NOT_BOOKABLE, Message("This slot has passed."))
    if slot.booked >= slot.capacity:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_SLOT_FULL,
            Message("This slot is full."),
            capacity=slot.capacity,
        )
    slot.booked += 1
    booking = SlotBooking(
        study_id=application.study_id, slot=slot, application=application, booked_by=booked_by
    )
    db.session.add(booking)
    application.transition_to(ApplicationStatus.SCHEDULED)
    db.session.flush()
    tell(application, messages.BOOKED, when=_when(slot))
    return booking


def cancel(application: RecruitmentApplication) -> None:
    """The visit given up: the slot's place freed, the applicant invited to book again."""
    application = locked_application(application)
    if release_booking(application) is None:
        raise not_found(Message("This application has no booking."))
    application.transition_to(ApplicationStatus.INVITED)
    db.session.flush()


def _when(slot: VisitSlot) -> str:
    return slot.starts_at.astimezone(_zone()).strftime("%Y-%m-%d %H:%M")


def send_reminders() -> int:
    """Each visit of the coming day reminded once; how many reminders went."""
    now = utcnow()
    due = db.session.execute(
        sa.select(SlotBooking)
        .join(VisitSlot, VisitSlot.id == SlotBooking.slot_id)
        .join(RecruitmentApplication, RecruitmentApplication.id == SlotBooking.application_id)
        .where(
            SlotBooking.reminded_at.is_(None),
            VisitSlot.starts_at > now,
            VisitSlot.starts_at <= now + REMINDER_AHEAD,
            RecruitmentApplication.status == ApplicationStatus.SCHEDULED,
        )
        .with_for_update(of=SlotBooking, skip_locked=True)
    ).scalars()
    count = 0
    for booking in due:
        tell(booking.application, messages.REMINDER, when=_when(booking.slot))
        booking.reminded_at = now
        count += 1
    db.session.flush()
    return count
