"""Holding resources and staff for a time, safe under concurrency: each one is locked
(resource rows, an advisory lock per staff member) in one order, then checked for an
overlapping booking, so of two bookings of one room at once the second sees the first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from datacapt.toolkit import Message, User, conflict, current_tenant, db
from plugins.calendar_app.appointments.models import Appointment, Booking
from plugins.calendar_app.errors import CalendarAppCodes
from plugins.calendar_app.resources.models import Resource

# First key of the staff members' advisory locks ("calendar" in hex, more or less).
STAFF_LOCK_NAMESPACE = 0x0CA1E4DA


def _lock(resources: Sequence[Resource], staff: Sequence[User]) -> None:
    """Until the transaction ends; resources before staff, each by id: no deadlock."""
    if resources:
        db.session.execute(
            sa.select(Resource.id)
            .where(Resource.id.in_([r.id for r in resources]))
            .order_by(Resource.id)
            .with_for_update()
        ).all()
    schema = current_tenant().schema_name
    for user in sorted(staff, key=lambda u: u.id):
        db.session.execute(
            sa.select(
                sa.func.pg_advisory_xact_lock(
                    STAFF_LOCK_NAMESPACE, sa.func.hashtext(f"{schema}:{user.id}")
                )
            )
        )


def _clashes(
    appointment: Appointment,
    resources: Sequence[Resource],
    staff: Sequence[User],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> list[Booking]:
    held = []
    if resources:
        held.append(Booking.resource_id.in_([r.id for r in resources]))
    if staff:
        held.append(Booking.user_id.in_([u.id for u in staff]))
    if not held:
        return []
    statement = sa.select(Booking).where(
        Booking.active.is_(True),
        sa.or_(*held),
        Booking.starts_at < ends_at,
        Booking.ends_at > starts_at,
    )
    if appointment.id is not None:
        statement = statement.where(Booking.appointment_id != appointment.id)
    return list(db.session.execute(statement.order_by(Booking.id)).scalars())


def hold(
    appointment: Appointment,
    resources: Sequence[Resource],
    staff: Sequence[User],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> None:
    """The appointment's bookings, for that time: 409 when one of them is held by another
    appointment then (any study's: a room serves every study of its center)."""
    _lock(resources, staff)
    clashes = _clashes(appointment, resources, staff, starts_at, ends_at)
    rooms = sorted({b.resource.name for b in clashes if b.resource is not None})
    if rooms:
        raise conflict(
            CalendarAppCodes.RESOURCE_BUSY,
            Message("Booked at that time already: {resources}.", resources=", ".join(rooms)),
            field="resources",
            resources=rooms,
        )
    people = sorted({str(b.user.uuid) for b in clashes if b.user is not None})
    if people:
        raise conflict(
            CalendarAppCodes.STAFF_BUSY,
            Message("A staff member has another appointment at that time."),
            field="staff",
            staff=people,
        )
    wanted = {("r", r.id) for r in resources} | {("u", u.id) for u in staff}
    for booking in list(appointment.bookings):
        key = ("r", booking.resource_id) if booking.resource_id else ("u", booking.user_id)
        if key not in wanted:
            appointment.bookings.remove(booking)
        else:
            wanted.discard(key)
            booking.starts_at, booking.ends_at = starts_at, ends_at
    for kind, holder_id in sorted(wanted, key=str):
        appointment.bookings.append(
            Booking(
                resource_id=holder_id if kind == "r" else None,
                user_id=holder_id if kind == "u" else None,
                starts_at=starts_at,
                ends_at=ends_at,
                active=True,
            )
        )
    db.session.flush()


def release(appointment: Appointment) -> None:
    """A cancelled appointment holds nothing any more (its bookings stay, for the record)."""
    for booking in appointment.bookings:
        booking.active = False
    db.session.flush()
