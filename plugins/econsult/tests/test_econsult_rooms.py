"""Booking rooms with a subject, who may, where, and with what; rescheduling and
cancelling with a reason; the subject told in their language."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.econsult.tests.support import (
    ROOMS,
    START,
    error,
    subject_emails,
    subject_token,
    utc,
)


def test_a_room_is_booked_with_the_booker_and_participants_and_the_subject_is_invited(
    app, trial, tenant
):
    manager_uuid = str(trial.manager.user.uuid)
    room = trial.room(participants=[manager_uuid])
    assert (room["status"], room["purpose"], room["provider"]) == ("scheduled", "consent", "jitsi")
    assert room["starts_at"] == "2030-03-04T10:00:00+00:00"
    assert room["opens_at"] == "2030-03-04T09:50:00+00:00"  # 10 minutes before, by default
    assert room["expires_at"] == "2030-03-04T10:30:00+00:00"
    assert [p["user"] for p in room["participants"]] == [
        str(trial.investigator.user.uuid),
        manager_uuid,
    ]
    assert "token" not in str(room) and "secret" not in str(room)
    ((template, language, text),) = subject_emails(app, tenant)
    assert (template, language) == ("econsult.invitation", "fr")
    assert "consultation vidéo" in text and subject_token(app, tenant) in text
    listed: Any = trial.monitor.get(ROOMS, headers=trial.headers)
    assert [r["uuid"] for r in listed.json] == [room["uuid"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": "2030-02-01T10:00:00Z"}, "starts_at"),  # before the booking
        ({"starts_at": "2030-03-04T10:00:00"}, "starts_at"),  # no time zone
        ({"starts_at": "9999-12-31T23:50:00Z"}, "starts_at"),  # its end past the calendar's
        ({"starts_at": "2040-03-04T10:00:00Z"}, "starts_at"),  # years ahead: a typing slip
        ({"duration_minutes": 2}, "duration_minutes"),
        ({"purpose": "party"}, "purpose"),
        ({"participants": ["not-a-uuid"]}, "participants"),
    ],
)
def test_bad_bookings_are_refused_and_write_nothing(trial, fields, field):
    refused = trial.book(**fields)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert trial.manager.get(ROOMS, headers=trial.headers).json == []


def test_participants_are_of_the_team_at_the_subjects_center(trial):
    # The Lyon investigator does not see the Paris subject.
    refused = trial.book(participants=[str(trial.lyon.user.uuid)])
    assert error(refused) == (422, "ECONSULT_PARTICIPANT_INVALID")
    assert refused.json["error"]["details"]["users"] == [str(trial.lyon.user.uuid)]
    assert trial.manager.get(ROOMS, headers=trial.headers).json == []


def test_rooms_stay_at_their_subjects_center(trial):
    room = trial.room()
    assert trial.book(client=trial.lyon).status_code == 404  # the subject is not theirs
    assert trial.read(room, trial.lyon).status_code == 404
    assert trial.lyon.get(ROOMS, headers=trial.headers).json == []
    assert trial.post(trial.lyon, room, "cancel", reason="x").status_code == 404


def test_who_may_book_change_and_join(trial, clock):
    refused = trial.book(client=trial.monitor)
    assert refused.status_code == 403
    assert refused.json["error"]["details"]["permission"] == "econsult.book"
    room = trial.room()
    other = trial.book(client=trial.manager).json
    not_theirs = trial.post(trial.investigator, other, "cancel", reason="no")
    assert error(not_theirs) == (403, "ECONSULT_NOT_BOOKER")
    clock.move_to(utc(START))
    assert trial.post(trial.monitor, room, "join").status_code == 403
    # The manager may change any room, but joins only those they take part in.
    assert error(trial.post(trial.manager, room, "join")) == (403, "ECONSULT_NOT_PARTICIPANT")
    assert trial.post(trial.manager, room, "cancel", reason="moved").status_code == 200


@pytest.mark.requirement("P11-11.10e")
def test_reschedule_and_cancel_need_a_reason_are_audited_and_told_to_the_subject(
    app, trial, tenant
):
    room = trial.room()
    missing = trial.post(trial.investigator, room, "reschedule", starts_at=f"{START}Z")
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    moved = trial.post(
        trial.investigator,
        room,
        "reschedule",
        starts_at="2030-03-05T14:00:00Z",
        duration_minutes=45,
        reason="The subject asked",
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["opens_at"] == "2030-03-05T13:50:00+00:00"
    assert moved.json["expires_at"] == "2030-03-05T14:45:00+00:00"
    cancelled = trial.post(trial.investigator, room, "cancel", reason="Visit at the site")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = trial.post(trial.investigator, room, "cancel", reason="twice")
    assert error(again) == (409, "ECONSULT_ROOM_CLOSED")
    templates = [template for template, _, _ in subject_emails(app, tenant)]
    assert templates == ["econsult.invitation", "econsult.rescheduled", "econsult.cancelled"]
    with app.app_context(), tenant_context(tenant.schema_name):
        records = db.session.execute(
            sa.select(AuditRecord)
            .where(AuditRecord.object_type == "econsult_rooms", AuditRecord.action == "update")
            .order_by(AuditRecord.sequence)
        ).scalars()
        assert [(r.reason, sorted(r.changes)) for r in records] == [
            (
                "The subject asked",
                sorted(
                    ["starts_at", "duration_minutes", "opens_at", "expires_at", "change_reason"]
                ),
            ),
            ("Visit at the site", ["change_reason", "closed_at", "status"]),
        ]
