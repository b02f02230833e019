"""Appointments: booked with a room, instruments and staff; a clash refused (also when two
bookings come at once); rescheduled and cancelled with a reason; statuses; requests."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from datacapt.testing import tenant_client, tenant_host
from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.calendar_app.api import request_appointment
from plugins.calendar_app.tests.support import BASE, Trial
from plugins.subjects.api import SubjectInStudy


def test_a_booking_holds_its_room_instrument_and_staff_for_its_time(trial: Trial):
    trial.schedule()
    room, ecg = trial.resource("Room 1"), trial.resource("ECG", kind="instrument")
    subject = trial.subject()
    staff = str(trial.investigator.user.uuid)
    booked: Any = trial.book(
        subject=subject,
        visit=trial.sections["Visit 1"],
        resources=[room, ecg],
        staff=[staff],
        starts_at="2030-03-18T09:00:00",  # Paris: 08:00 UTC
        duration_minutes=45,
    )
    assert booked.status_code == 201, booked.json
    assert booked.json["starts_at"] == "2030-03-18T08:00:00+00:00"
    assert booked.json["ends_at"] == "2030-03-18T08:45:00+00:00"
    assert booked.json["title"] == "Visit 1" and booked.json["status"] == "planned"
    other = trial.subject()
    for resources, people, code in (
        ([room], [], "RESOURCE_BUSY"),
        ([ecg], [], "RESOURCE_BUSY"),
        ([], [staff], "STAFF_BUSY"),
    ):
        clash: Any = trial.book(
            subject=other,
            resources=resources,
            staff=people,
            starts_at="2030-03-18T09:30:00+01:00",
        )
        assert clash.status_code == 409, clash.json
        assert clash.json["error"]["internal_name"] == code
    after: Any = trial.book(subject=other, resources=[room], starts_at="2030-03-18T09:45:00")
    assert after.status_code == 201, after.json  # starts as the first ends
    listed: Any = trial.viewer.get(f"{BASE}/appointments/", headers=trial.headers)
    assert [a["uuid"] for a in listed.json] == [booked.json["uuid"], after.json["uuid"]]


def test_a_room_is_held_across_studies_of_its_center(trial: Trial, make_study, join_study):
    room = trial.resource("Room 1")
    first: Any = trial.book(subject=trial.subject(), resources=[room])
    assert first.status_code == 201, first.json
    # The same manager's other study at the same center sees and books the same room.
    other = make_study(trial.manager, reference="CAL-2")
    trial.manager.post(
        "/api/study-centers/", json={"center": trial.centers["PAR"]}, headers=other.headers
    )
    clash: Any = trial.manager.post(
        f"{BASE}/appointments/",
        json={
            "center": trial.centers["PAR"],
            "title": "Sponsor meeting",
            "starts_at": "2030-03-18T09:10:00",
            "duration_minutes": 30,
            "resources": [room],
        },
        headers=other.headers,
    )
    assert clash.status_code == 409 and clash.json["error"]["internal_name"] == "RESOURCE_BUSY"


def test_two_bookings_of_one_room_at_once_never_both_succeed(app, tenant, trial: Trial):
    room = trial.resource("Room 1")
    subjects = [trial.subject() for _ in range(4)]
    host = tenant_host(app, tenant)
    clients = []
    for _ in subjects:
        client = tenant_client(app).for_host(host)
        client.token = trial.investigator.token
        clients.append(client)
    barrier = threading.Barrier(len(subjects))
    answers: list[Any] = [None] * len(subjects)

    def book(index: int) -> None:
        barrier.wait()
        answers[index] = trial.book(
            clients[index],
            subject=subjects[index],
            resources=[room],
            starts_at=f"2030-03-18T09:{index:02d}:00",
        )

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(subjects))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409, 409, 409], [a.json for a in answers]


def test_reschedule_and_cancel_need_a_reason_and_free_what_was_held(trial: Trial):
    room = trial.resource("Room 1")
    subject = trial.subject()
    booked: Any = trial.book(subject=subject, resources=[room])
    url = f"{BASE}/appointments/{booked.json['uuid']}"
    no_reason: Any = trial.investigator.post(
        f"{url}/reschedule",
        json={"starts_at": "2030-03-19T09:00:00", "duration_minutes": 30},
        headers=trial.headers,
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["error"]["fields"]
    confirmed: Any = trial.investigator.post(
        f"{url}/status", json={"status": "confirmed"}, headers=trial.headers
    )
    assert confirmed.json["status"] == "confirmed"
    moved: Any = trial.investigator.post(
        f"{url}/reschedule",
        json={"starts_at": "2030-03-19T09:00:00", "duration_minutes": 30, "reason": "Asked"},
        headers=trial.headers,
    )
    assert moved.status_code == 200, moved.json
    assert (moved.json["status"], moved.json["reason"]) == ("planned", "Asked")
    assert moved.json["starts_at"] == "2030-03-19T08:00:00+00:00"
    # The old slot is free, the new one held.
    assert trial.book(subject=trial.subject(), resources=[room]).status_code == 201
    busy: Any = trial.book(
        subject=trial.subject(), resources=[room], starts_at="2030-03-19T09:00:00"
    )
    assert busy.status_code == 409
    cancelled: Any = trial.investigator.post(
        f"{url}/cancel", json={"reason": "Subject ill"}, headers=trial.headers
    )
    assert cancelled.json["status"] == "cancelled"
    assert (
        trial.book(
            subject=trial.subject(), resources=[room], starts_at="2030-03-19T09:00:00"
        ).status_code
        == 201
    )
    again: Any = trial.investigator.post(
        f"{url}/cancel", json={"reason": "Twice"}, headers=trial.headers
    )
    assert again.status_code == 409
    assert again.json["error"]["internal_name"] == "APPOINTMENT_NOT_ACTIVE"
    with trial.app.app_context(), tenant_context(trial.tenant):
        reasons = db.session.execute(
            sa.select(AuditRecord.reason).where(
                AuditRecord.object_type == "calendar_appointments",
                AuditRecord.action == "update",
            )
        ).scalars()
        assert {"Asked", "Subject ill"} <= set(reasons)


def test_statuses_move_forward_only(trial: Trial):
    booked: Any = trial.book(subject=trial.subject())
    url = f"{BASE}/appointments/{booked.json['uuid']}/status"
    done: Any = trial.investigator.post(url, json={"status": "done"}, headers=trial.headers)
    assert done.json["status"] == "done"
    back: Any = trial.investigator.post(url, json={"status": "confirmed"}, headers=trial.headers)
    assert back.status_code == 409
    assert back.json["error"]["internal_name"] == "APPOINTMENT_STATUS_INVALID"
    unknown: Any = trial.investigator.post(url, json={"status": "lost"}, headers=trial.headers)
    assert unknown.status_code == 422


def test_bad_bookings_are_refused_and_write_nothing(trial: Trial):
    lyon_room = trial.resource("Room L", center="LYO")
    subject = trial.subject()
    for fields, status in (
        ({"resources": [lyon_room]}, 404),  # a center the investigator does not see
        ({"staff": [str(trial.lyon_investigator.user.uuid)]}, 422),  # not at Paris
        ({"duration_minutes": 0}, 422),
        ({"starts_at": "not a time"}, 422),
        ({"visit": trial.sections["Visit 1"]}, 422),  # no schedule: no planned visit
        ({"resources": ["5b3c4f1e-0000-4000-8000-000000000000"]}, 404),
    ):
        refused: Any = trial.book(subject=subject, **fields)
        assert refused.status_code == status, (fields, refused.json)
    other_center: Any = trial.book(trial.manager, subject=subject, resources=[lyon_room])
    assert other_center.status_code == 422
    assert other_center.json["error"]["internal_name"] == "APPOINTMENT_INVALID"
    no_subject: Any = trial.book()
    assert no_subject.status_code == 422  # neither subject nor center
    listed: Any = trial.manager.get(f"{BASE}/appointments/", headers=trial.headers)
    assert listed.json == []


def test_who_may_book_and_who_sees_appointments(trial: Trial):
    subject = trial.subject()
    for client in (trial.viewer, trial.monitor):
        assert trial.book(client, subject=subject).status_code == 403
    booked: Any = trial.book(subject=subject)
    assert booked.status_code == 201
    # Lyon's investigator sees neither Paris's appointment nor its subject.
    seen: Any = trial.lyon_investigator.get(f"{BASE}/appointments/", headers=trial.headers)
    assert seen.json == []
    hidden: Any = trial.lyon_investigator.get(
        f"{BASE}/appointments/{booked.json['uuid']}", headers=trial.headers
    )
    assert hidden.status_code == 404
    assert trial.book(trial.lyon_investigator, subject=subject).status_code == 404
    rooms: Any = trial.investigator.post(
        f"{BASE}/resources/",
        json={"center": trial.centers["PAR"], "kind": "room", "name": "Mine"},
        headers=trial.headers,
    )
    assert rooms.status_code == 403


def test_another_tenant_sees_nothing(trial: Trial, other_tenant, client_as, enable_plugins):
    booked: Any = trial.book(subject=trial.subject(), resources=[trial.resource()])
    enable_plugins(other_tenant, "calendar_app")
    stranger = client_as(other_tenant)
    for path in (
        f"{BASE}/appointments/{booked.json['uuid']}",
        f"{BASE}/appointments/",
        f"{BASE}/resources/",
    ):
        answer: Any = stranger.get(path, headers=trial.headers)
        assert answer.status_code in (403, 404), answer.json


def test_a_request_is_listed_and_closed_by_its_booking_or_dismissed(trial: Trial):
    subject = trial.subject()
    with trial.app.app_context(), tenant_context(trial.tenant):
        participation = db.session.execute(
            sa.select(SubjectInStudy).where(SubjectInStudy.uuid == subject)
        ).scalar_one()
        opened = request_appointment(
            participation, reason="Questionnaire missed", requested_by="automation R1"
        )
        request_uuid = str(opened.uuid)
        db.session.commit()
    listed: Any = trial.investigator.get(f"{BASE}/requests/?status=open", headers=trial.headers)
    assert [(r["uuid"], r["requested_by"]) for r in listed.json] == [
        (request_uuid, "automation R1")
    ]
    booked: Any = trial.book(subject=subject, request=request_uuid)
    assert booked.status_code == 201, booked.json
    closed: Any = trial.investigator.get(f"{BASE}/requests/{request_uuid}", headers=trial.headers)
    assert closed.json["status"] == "booked"
    twice: Any = trial.book(subject=subject, request=request_uuid, starts_at="2030-04-01T10:00")
    assert twice.status_code == 409 and twice.json["error"]["internal_name"] == "REQUEST_NOT_OPEN"
    asked: Any = trial.investigator.post(
        f"{BASE}/requests/", json={"subject": subject, "reason": "Follow-up"}, headers=trial.headers
    )
    assert asked.status_code == 201
    dismissed: Any = trial.investigator.post(
        f"{BASE}/requests/{asked.json['uuid']}/dismiss",
        json={"reason": "Seen at visit 1"},
        headers=trial.headers,
    )
    assert (dismissed.json["status"], dismissed.json["dismiss_reason"]) == (
        "dismissed",
        "Seen at visit 1",
    )
    assert (
        trial.viewer.post(
            f"{BASE}/requests/{asked.json['uuid']}/dismiss",
            json={"reason": "x"},
            headers=trial.headers,
        ).status_code
        == 403
    )


def test_times_beyond_the_calendar_are_refused_not_failed(trial: Trial):
    subject = trial.subject()
    for starts_at in ("0001-01-01T00:00:00", "9999-12-31T23:59:00+00:00"):
        refused: Any = trial.book(subject=subject, starts_at=starts_at)
        assert refused.status_code == 422, (starts_at, refused.json)
    listed: Any = trial.viewer.get(
        f"{BASE}/appointments/?starts_after=0001-01-01T00:00:00", headers=trial.headers
    )
    assert listed.status_code == 422, listed.json
    booked: Any = trial.book(subject=subject)
    moved: Any = trial.investigator.post(
        f"{BASE}/appointments/{booked.json['uuid']}/reschedule",
        json={"starts_at": "9999-12-31T23:59:00+00:00", "duration_minutes": 30, "reason": "x"},
        headers=trial.headers,
    )
    assert moved.status_code == 422, moved.json


def _at_once(trial: Trial, app, tenant, calls: list[Any]) -> list[Any]:
    """Each call (given a client of the investigator) in its own thread, started together."""
    host = tenant_host(app, tenant)
    clients = []
    for _ in calls:
        client = tenant_client(app).for_host(host)
        client.token = trial.investigator.token
        clients.append(client)
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index](clients[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_one_request_is_booked_once_when_two_bookings_answer_it_at_once(app, tenant, trial):
    subject = trial.subject()
    asked: Any = trial.investigator.post(
        f"{BASE}/requests/", json={"subject": subject, "reason": "Follow-up"}, headers=trial.headers
    )
    request_uuid = asked.json["uuid"]
    answers = _at_once(
        trial,
        app,
        tenant,
        [
            lambda client, hour=hour: trial.book(
                client, subject=subject, request=request_uuid, starts_at=f"2030-04-01T{hour}:00"
            )
            for hour in (10, 11, 12)
        ],
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409], [a.json for a in answers]
    listed: Any = trial.manager.get(f"{BASE}/appointments/", headers=trial.headers)
    assert len(listed.json) == 1


def test_a_cancellation_and_a_reschedule_at_once_leave_one_consistent_outcome(
    app, tenant, trial: Trial
):
    room = trial.resource("Room 1")
    for attempt in range(3):
        booked: Any = trial.book(
            subject=trial.subject(), resources=[room], starts_at=f"2030-05-0{attempt + 1}T09:00"
        )
        url = f"{BASE}/appointments/{booked.json['uuid']}"
        moved_to = f"2030-06-0{attempt + 1}T09:00:00"
        answers = _at_once(
            trial,
            app,
            tenant,
            [
                lambda client, url=url: client.post(
                    f"{url}/cancel", json={"reason": "Ill"}, headers=trial.headers
                ),
                lambda client, url=url, moved_to=moved_to: client.post(
                    f"{url}/reschedule",
                    json={"starts_at": moved_to, "duration_minutes": 30, "reason": "Asked"},
                    headers=trial.headers,
                ),
            ],
        )
        assert sorted(a.status_code for a in answers) in ([200, 200], [200, 409])
        final: Any = trial.manager.get(url, headers=trial.headers)
        # Whatever came last, an appointment still to come holds its room, a cancelled one
        # holds nothing: never planned with its room free for another booking.
        other: Any = trial.book(subject=trial.subject(), resources=[room], starts_at=moved_to)
        if final.json["status"] == "cancelled":
            assert other.status_code == 201, other.json
        else:
            assert other.status_code == 409, (final.json, other.json)
