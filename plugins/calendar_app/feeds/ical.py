"""iCalendar documents (RFC 5545, by the icalendar package): a staff member's or a
resource's feed of appointments (and, where the event calendar is enabled, the events
they should see), and one appointment's .ics for its subject."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from datacapt.toolkit import db, plugin_enabled, utcnow
from plugins.calendar_app.appointments.models import Appointment, AppointmentStatus, Booking
from plugins.calendar_app.feeds.models import Feed

# icalendar is imported by the functions that make components: at module level start-up
# would pay for it.
if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//Datacapt//Calendar//EN"
#: What a resource's feed says of another study's booking.
BUSY = "Busy"
#: How far back a feed goes: calendar applications keep what they read already.
FEED_HISTORY = dt.timedelta(days=90)


def _calendar(name: str) -> icalendar.Calendar:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(appointment: Appointment, summary: str, location: str) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{appointment.uuid}@datacapt")
    event.add("dtstamp", appointment.modified_at)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", summary)
    event.add("location", location)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _staff_summary(appointment: Appointment) -> str:
    """Staff calendars name the subject by their study id (never personal data)."""
    subject = appointment.participation
    return f"{appointment.title} ({subject.study_subject_id})" if subject else appointment.title


def _location(appointment: Appointment, bookings: Iterable[Booking]) -> str:
    rooms = [b.resource.name for b in bookings if b.resource is not None]
    return ", ".join([appointment.center.name, *rooms])


def _appointments_of(feed: Feed) -> list[Appointment]:
    holder = (
        Booking.resource_id == feed.resource_id
        if feed.resource_id is not None
        else Booking.user_id == feed.user_id
    )
    return list(
        db.session.execute(
            sa.select(Appointment)
            .join(Booking, Booking.appointment_id == Appointment.id)
            .where(holder, Appointment.ends_at >= utcnow() - FEED_HISTORY)
            .order_by(Appointment.starts_at, Appointment.id)
            .distinct()
        ).scalars()
    )


def feed_document(feed: Feed) -> bytes:
    if feed.resource is not None:
        calendar = _calendar(f"{feed.resource.name} ({feed.resource.center.name})")
    else:
        assert feed.user is not None
        calendar = _calendar(f"{feed.user.first_name} {feed.user.last_name}".strip())
    for appointment in _appointments_of(feed):
        if feed.resource is not None and appointment.study_id != feed.study_id:
            # Another study's booking of the room: when it is busy, nothing of that study.
            summary, location = BUSY, _location(appointment, [])
        else:
            summary = _staff_summary(appointment)
            location = _location(appointment, appointment.bookings)
        calendar.add_component(_event(appointment, summary, location))
    if plugin_enabled("event_calendar"):
        from plugins.event_calendar.api import center_events, user_events

        since = utcnow() - FEED_HISTORY
        if feed.resource is not None:
            events = center_events(feed.resource.center_id, feed.study_id, since=since)
        else:
            assert feed.user is not None
            events = user_events(feed.user, since=since)
        for component in events:
            calendar.add_component(component)
    return calendar.to_ical()


def subject_document(appointment: Appointment) -> bytes:
    """The subject's own: the visit, where, when; nothing about other subjects or staff."""
    calendar = _calendar(appointment.title)
    location = _location(appointment, appointment.bookings)
    calendar.add_component(_event(appointment, appointment.title, location))
    return calendar.to_ical()
