"""Private iCalendar feeds of staff and resources: they parse, show what their owner holds
(and the events they should see, with the event calendar), and answer 404 once revoked."""

from __future__ import annotations

from typing import Any

import icalendar

from datacapt.testing import tenant_client, tenant_host
from plugins.calendar_app.tests.support import BASE, Trial


def _read(app, tenant, url: str) -> Any:
    anonymous = tenant_client(app).for_host(tenant_host(app, tenant))  # no login
    return anonymous.get(url[url.index("/api/") :])


def _summaries(answer: Any) -> list[str]:
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(answer.data)
    return sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))


def test_a_staff_feed_shows_their_appointments_until_revoked(app, tenant, trial: Trial):
    subject = trial.subject()
    me = str(trial.investigator.user.uuid)
    trial.book(subject=subject, title="Visit 1", staff=[me])
    trial.book(subject=subject, title="Visit 2", starts_at="2030-04-18T09:00:00")  # not mine
    made: Any = trial.investigator.post(f"{BASE}/feeds/mine")
    assert made.status_code == 201, made.json
    summaries = _summaries(_read(app, tenant, made.json["url"]))
    assert len(summaries) == 1 and summaries[0].startswith("Visit 1 (")
    # A new URL replaces the old one; revoking ends the new one too.
    again: Any = trial.investigator.post(f"{BASE}/feeds/mine")
    assert _read(app, tenant, made.json["url"]).status_code == 404
    assert trial.investigator.delete(f"{BASE}/feeds/mine").status_code == 204
    assert _read(app, tenant, again.json["url"]).status_code == 404
    assert _read(app, tenant, f"{BASE}/feeds/not-a-token.ics").status_code == 404


def test_a_room_feed_shows_its_bookings_and_cancellations(app, tenant, trial: Trial):
    room = trial.resource("Room 1")
    kept: Any = trial.book(subject=trial.subject(), title="Kept", resources=[room])
    gone: Any = trial.book(
        subject=trial.subject(), title="Gone", resources=[room], starts_at="2030-03-19T09:00"
    )
    trial.investigator.post(
        f"{BASE}/appointments/{gone.json['uuid']}/cancel",
        json={"reason": "Subject ill"},
        headers=trial.headers,
    )
    assert kept.status_code == 201
    refused: Any = trial.investigator.post(f"{BASE}/resources/{room}/feed", headers=trial.headers)
    assert refused.status_code == 403
    made: Any = trial.manager.post(f"{BASE}/resources/{room}/feed", headers=trial.headers)
    assert made.status_code == 201, made.json
    calendar = icalendar.Calendar.from_ical(_read(app, tenant, made.json["url"]).data)
    statuses = {str(e["summary"]).split(" (")[0]: str(e["status"]) for e in calendar.walk("VEVENT")}
    assert statuses == {"Kept": "CONFIRMED", "Gone": "CANCELLED"}
    trial.manager.delete(f"{BASE}/resources/{room}/feed", headers=trial.headers)
    assert _read(app, tenant, made.json["url"]).status_code == 404


def test_feeds_show_the_events_their_owner_should_see(
    app, tenant, trial: Trial, enable_plugins, client_as
):
    enable_plugins(tenant, "event_calendar")
    admin = client_as(tenant)
    holiday: Any = admin.post(
        "/api/events/tenant/",
        json={
            "kind": "holiday",
            "title": "Easter Monday",
            "all_day": True,
            "starts_at": "2030-04-22T00:00:00",
            "ends_at": "2030-04-22T00:00:00",
        },
    )
    assert holiday.status_code == 201, holiday.json
    for center, title in (("PAR", "Paris initiation"), ("LYO", "Lyon initiation")):
        added: Any = trial.manager.post(
            "/api/events/",
            json={
                "kind": "site_initiation",
                "title": title,
                "center": trial.centers[center],
                "starts_at": "2030-03-20T14:00:00",
                "ends_at": "2030-03-20T17:00:00",
            },
            headers=trial.headers,
        )
        assert added.status_code == 201, added.json
    mine: Any = trial.investigator.post(f"{BASE}/feeds/mine")
    assert _summaries(_read(app, tenant, mine.json["url"])) == [
        "Easter Monday",
        "Paris initiation",
    ]
    room = trial.resource("Room L", center="LYO")
    feed: Any = trial.manager.post(f"{BASE}/resources/{room}/feed", headers=trial.headers)
    calendar = icalendar.Calendar.from_ical(_read(app, tenant, feed.json["url"]).data)
    by_title = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(by_title) == {"Easter Monday", "Lyon initiation"}
    assert by_title["Easter Monday"].decoded("dtstart").isoformat() == "2030-04-22"
    assert by_title["Easter Monday"].decoded("dtend").isoformat() == "2030-04-23"


def test_another_tenant_cannot_read_a_feed(app, trial: Trial, other_tenant, enable_plugins):
    trial.book(subject=trial.subject(), staff=[str(trial.investigator.user.uuid)])
    made: Any = trial.investigator.post(f"{BASE}/feeds/mine")
    enable_plugins(other_tenant, "calendar_app")
    assert _read(app, other_tenant, made.json["url"]).status_code == 404


def test_the_feed_of_a_deactivated_user_answers_404(app, tenant, trial: Trial, client_as):
    trial.book(subject=trial.subject(), staff=[str(trial.investigator.user.uuid)])
    made: Any = trial.investigator.post(f"{BASE}/feeds/mine")
    assert _read(app, tenant, made.json["url"]).status_code == 200
    admin = client_as(tenant)
    gone: Any = admin.patch(
        f"/api/users/{trial.investigator.user.uuid}", json={"status": "deactivated"}
    )
    assert gone.status_code == 200, gone.json
    assert _read(app, tenant, made.json["url"]).status_code == 404


def test_a_room_feed_shows_another_study_s_bookings_as_busy_time_only(
    app, tenant, trial: Trial, make_study, enable_plugins
):
    enable_plugins(tenant, "event_calendar")
    room = trial.resource("Room 1")
    trial.book(subject=trial.subject(), title="Visit 1", resources=[room])
    # Another study at the same center books the room, with a subject and an event there.
    other = make_study(trial.manager, reference="CAL-2")
    trial.manager.post(
        "/api/study-centers/", json={"center": trial.centers["PAR"]}, headers=other.headers
    )
    theirs: Any = trial.manager.post(
        "/api/subjects/", json={"center": trial.centers["PAR"]}, headers=other.headers
    )
    secret: Any = trial.manager.post(
        f"{BASE}/appointments/",
        json={
            "subject": theirs.json["uuid"],
            "title": "PK sampling",
            "starts_at": "2030-03-19T09:00:00",
            "duration_minutes": 30,
            "resources": [room],
        },
        headers=other.headers,
    )
    assert secret.status_code == 201, secret.json
    event: Any = trial.manager.post(
        "/api/events/",
        json={
            "kind": "monitoring_visit",
            "title": "Their monitoring visit",
            "center": trial.centers["PAR"],
            "starts_at": "2030-03-20T14:00:00",
            "ends_at": "2030-03-20T17:00:00",
        },
        headers=other.headers,
    )
    assert event.status_code == 201, event.json
    feed: Any = trial.manager.post(f"{BASE}/resources/{room}/feed", headers=trial.headers)
    summaries = _summaries(_read(app, tenant, feed.json["url"]))
    assert len(summaries) == 2 and summaries[0] == "Busy", summaries
    assert summaries[1].startswith("Visit 1 (")
