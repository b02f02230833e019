"""Reminders: at the study's offsets, in the tenant's zone across a change of the clocks,
each once, none after a cancellation; the subject's confirmation with its .ics."""

from __future__ import annotations

from typing import Any

import icalendar

from datacapt.testing import delivered_body, emails_to, tenant_client, tenant_host
from datacapt.toolkit import tenant_context
from plugins.calendar_app.tests.support import BASE, Trial, tick

SUBJECT_EMAIL = "ann.subject@example.org"


def _sent(trial: Trial, address: str) -> list[str]:
    with trial.app.app_context(), tenant_context(trial.tenant):
        return [n.subject for n in emails_to(address)]


def test_reminders_go_once_at_local_times_across_the_change_to_summer_time(app, trial: Trial):
    subject = trial.subject(email=SUBJECT_EMAIL)
    staff = trial.investigator.user.email
    # Sunday 31 March 2030, 10:00 in Paris, the morning the clocks go forward (08:00 UTC).
    booked: Any = trial.book(
        subject=subject,
        title="Visit 1",
        staff=[str(trial.investigator.user.uuid)],
        starts_at="2030-03-31T10:00:00",
    )
    assert booked.status_code == 201, booked.json
    # "1d": Saturday 10:00 in Paris, still winter time: 09:00 UTC, 23 hours before.
    tick(app, "2030-03-30T08:59:00")
    assert _sent(trial, SUBJECT_EMAIL) == []
    tick(app, "2030-03-30T09:00:00")
    tick(app, "2030-03-30T09:01:00")
    assert _sent(trial, SUBJECT_EMAIL) == ["Reminder: Visit 1 on 2030-03-31 10:00"]
    assert len(_sent(trial, staff)) == 1
    # "2h": 08:00 in Paris, 06:00 UTC.
    tick(app, "2030-03-31T05:59:00")
    assert len(_sent(trial, SUBJECT_EMAIL)) == 1
    tick(app, "2030-03-31T06:00:00")
    tick(app, "2030-03-31T07:00:00")
    assert len(_sent(trial, SUBJECT_EMAIL)) == 2 and len(_sent(trial, staff)) == 2
    tick(app, "2030-03-31T09:00:00")  # nothing left, the appointment begun
    assert len(_sent(trial, SUBJECT_EMAIL)) == 2


def test_no_reminder_after_cancelling_nor_for_the_old_time_after_moving(app, trial: Trial):
    subject = trial.subject(email=SUBJECT_EMAIL)
    cancelled: Any = trial.book(subject=subject, starts_at="2030-03-18T10:00:00")
    moved: Any = trial.book(subject=subject, starts_at="2030-03-18T14:00:00")
    trial.investigator.post(
        f"{BASE}/appointments/{cancelled.json['uuid']}/cancel",
        json={"reason": "Subject ill"},
        headers=trial.headers,
    )
    trial.investigator.post(
        f"{BASE}/appointments/{moved.json['uuid']}/reschedule",
        json={"starts_at": "2030-03-25T14:00:00", "duration_minutes": 30, "reason": "Asked"},
        headers=trial.headers,
    )
    tick(app, "2030-03-18T13:00:00")  # past both first times' reminders
    assert _sent(trial, SUBJECT_EMAIL) == []
    tick(app, "2030-03-24T13:00:00")  # the moved one's "1d": 14:00 Paris, 13:00 UTC
    assert _sent(trial, SUBJECT_EMAIL) == ["Reminder: Appointment on 2030-03-25 14:00"]


def test_offsets_are_the_study_setting(app, trial: Trial):
    changed: Any = trial.manager.patch(
        "/api/plugins/calendar_app/study-settings",
        json={"reminder_offsets": ["30m"]},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    refused: Any = trial.manager.patch(
        "/api/plugins/calendar_app/study-settings",
        json={"reminder_offsets": ["tomorrow"]},
        headers=trial.headers,
    )
    assert refused.status_code == 422
    trial.book(subject=trial.subject(email=SUBJECT_EMAIL), starts_at="2030-03-18T10:00:00")
    tick(app, "2030-03-17T09:00:00")
    assert _sent(trial, SUBJECT_EMAIL) == []
    tick(app, "2030-03-18T08:30:00")
    assert len(_sent(trial, SUBJECT_EMAIL)) == 1


def test_the_subject_confirmation_links_to_an_ics_of_the_appointment(app, tenant, trial: Trial):
    subject = trial.subject(email=SUBJECT_EMAIL)
    room = trial.resource("Room 1")
    booked: Any = trial.book(subject=subject, title="Visit 1", resources=[room])
    url = f"{BASE}/appointments/{booked.json['uuid']}"
    trial.investigator.post(f"{url}/status", json={"status": "confirmed"}, headers=trial.headers)
    with trial.app.app_context(), tenant_context(trial.tenant):
        (confirmation,) = emails_to(SUBJECT_EMAIL)
        assert "[redacted]" in confirmation.body  # the link's token is not stored
        body = delivered_body(confirmation)
    path = body[body.index("/api/calendar/") :].split()[0]
    anonymous = tenant_client(app).for_host(tenant_host(app, tenant))  # no login
    answer: Any = anonymous.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
    assert str(event["summary"]) == "Visit 1"
    assert event.decoded("dtstart").isoformat() == "2030-03-18T08:00:00+00:00"
    assert "Room 1" in str(event["location"])
    assert anonymous.get(path[:-4] + "AAAA").status_code == 404
    assert anonymous.get(path[:-4] + "%C3%A9%C3%A9").status_code == 404  # not ASCII


def test_a_subject_who_withdrew_gets_no_reminder(app, trial: Trial):
    subject = trial.subject(email=SUBJECT_EMAIL)
    trial.book(subject=subject, starts_at="2030-03-18T10:00:00")
    withdrawn: Any = trial.investigator.patch(
        f"/api/subjects/{subject}",
        json={"status": "withdrawn", "end_reason": "Moved abroad"},
        headers=trial.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.json
    tick(app, "2030-03-17T09:00:00")
    tick(app, "2030-03-18T07:00:00")
    assert _sent(trial, SUBJECT_EMAIL) == []


def test_an_offset_named_twice_reminds_once(app, trial: Trial):
    changed: Any = trial.manager.patch(
        "/api/plugins/calendar_app/study-settings",
        json={"reminder_offsets": ["2h", "2h"]},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    trial.book(subject=trial.subject(email=SUBJECT_EMAIL), starts_at="2030-03-18T10:00:00")
    tick(app, "2030-03-18T07:00:00")
    tick(app, "2030-03-18T08:00:00")
    assert len(_sent(trial, SUBJECT_EMAIL)) == 1
