"""The tick over many subjects at once: each due occurrence gets its one message per
channel, with its audit record, never twice (across ticks, or while another tick holds
some), nothing in an ended study, in a tenant without ePRO or in another tenant."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from datacapt.toolkit import AuditRecord, Notification, db, tenant_context
from plugins.epro.models import EproMessage, Occurrence
from plugins.epro.tests.support import PARIS_INCLUSION, Trial

SUBJECTS = 12  # more than a delivery step (datacapt.notifications.delivery.STEP)
SEND = "2030-03-04T08:00:00"


def include_more(trial: Trial, count: int) -> list[str]:
    """``count`` more subjects at PAR, included: their study subject ids."""
    ids = []
    for index in range(count):
        subject: Any = trial.investigator.post(
            "/api/subjects/",
            json={
                "center": trial.centers["PAR"],
                "personal_data": {
                    "email": f"subject{index}@example.org",
                    "phone": f"+33 6 00 00 01 {index:02d}",
                },
            },
            headers=trial.headers,
        )
        assert subject.status_code == 201, subject.json
        included: Any = trial.investigator.patch(
            f"/api/subjects/{subject.json['uuid']}",
            json={"status": "included", "inclusion_date": PARIS_INCLUSION},
            headers=trial.headers,
        )
        assert included.status_code == 200, included.json
        ids.append(included.json["study_subject_id"])
    return ids


def messages_by_occurrence(app, tenant) -> dict[int, list[tuple[str, str]]]:
    with app.app_context(), tenant_context(tenant):
        rows = db.session.execute(
            sa.select(EproMessage.occurrence_id, EproMessage.kind, Notification.channel).join(
                Notification, Notification.id == EproMessage.notification_id
            )
        ).all()
        found: dict[int, list[tuple[str, str]]] = {}
        for occurrence_id, kind, channel in rows:
            found.setdefault(occurrence_id, []).append((kind, channel))
        return found


@pytest.fixture
def crowd(trial: Trial) -> Trial:
    trial.include()
    include_more(trial, SUBJECTS - 1)
    return trial


def test_every_due_occurrence_gets_one_message_per_channel_once_with_its_audit_record(
    app, tenant, crowd, tick, outbox
):
    tick(SEND)
    tick("2030-03-04T08:00:30")  # the same minute again: nothing more
    sent = messages_by_occurrence(app, tenant)
    assert len(sent) == SUBJECTS
    assert all(
        sorted(kinds) == [("invitation", "email"), ("invitation", "sms")] for kinds in sent.values()
    )
    assert outbox.count() == (SUBJECTS, SUBJECTS) and len(outbox.tokens()) == SUBJECTS
    with app.app_context(), tenant_context(tenant):
        records = db.session.execute(
            sa.select(AuditRecord.object_id, AuditRecord.subject_id, AuditRecord.changes).where(
                AuditRecord.object_type == "epro_occurrences", AuditRecord.action == "update"
            )
        ).all()
        opened = {
            str(uuid)
            for uuid in db.session.scalars(
                sa.select(Occurrence.uuid).where(Occurrence.id.in_(sent))
            )
        }
    assert {object_id for object_id, _, _ in records} == opened and len(records) == SUBJECTS
    assert all(
        subject and changes["status"] == ["scheduled", "sent"] for _, subject, changes in records
    )


def test_an_occurrence_another_tick_holds_is_left_to_it_and_none_goes_twice(
    app, tenant, crowd, tick, outbox
):
    with app.app_context(), tenant_context(tenant):
        held = db.session.scalars(
            sa.select(Occurrence.id).where(Occurrence.day == 0).order_by(Occurrence.id).limit(5)
        ).all()
    with app.app_context(), tenant_context(tenant), db.engine.connect() as other:
        # The other tick, still sending these, has them locked.
        other.execute(
            sa.select(Occurrence.id)
            .where(Occurrence.id.in_(held))
            .with_for_update()
            .execution_options(schema_translate_map={None: tenant.schema_name})
        ).all()
        tick(SEND)
        assert set(messages_by_occurrence(app, tenant)).isdisjoint(held)
        other.rollback()
    tick("2030-03-04T08:01:00")  # the next minute takes what was held
    sent = messages_by_occurrence(app, tenant)
    assert len(sent) == SUBJECTS and all(len(kinds) == 2 for kinds in sent.values())
    assert outbox.count() == (SUBJECTS, SUBJECTS)


def test_nothing_goes_in_an_ended_study(app, tenant, crowd, tick, outbox):
    study = crowd.headers["Study-Uuid"]
    for status in ("live", "ended"):
        changed = crowd.manager.patch(
            f"/api/studies/{study}", json={"status": status}, headers=crowd.headers
        )
        assert changed.status_code == 200, changed.json
    tick(SEND)
    assert messages_by_occurrence(app, tenant) == {} and outbox.count() == (0, 0)


def test_a_tenant_without_epro_gets_nothing_and_each_tenant_its_own(
    app, tenant, other_tenant, crowd, tick, outbox
):
    tick(SEND)
    with app.app_context(), tenant_context(other_tenant):
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert len(messages_by_occurrence(app, tenant)) == SUBJECTS
    recipients = {message["To"] for message in outbox.emails()}
    assert recipients == {"subject@example.org"} | {
        f"subject{index}@example.org" for index in range(SUBJECTS - 1)
    }


def test_the_tick_s_statements_do_not_grow_with_its_occurrences(app, tenant, crowd, tick, outbox):
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        tick(SEND)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert outbox.count() == (SUBJECTS, SUBJECTS)
    # The fan-out, the send_due job and the delivery job with their records, a step of
    # delivery per 10 messages (its lock, its outcomes in one statement in a savepoint):
    # a statement per occurrence or per message (24) exceeds it.
    assert len(statements) <= 50


def test_each_occurrence_s_audit_record_names_its_study_center_and_subject(
    app, tenant, crowd, tick, outbox
):
    tick(SEND)
    with app.app_context(), tenant_context(tenant):
        records = db.session.execute(
            sa.select(
                AuditRecord.object_id,
                AuditRecord.study_id,
                AuditRecord.center_id,
                AuditRecord.subject_id,
            ).where(AuditRecord.object_type == "epro_occurrences", AuditRecord.action == "update")
        ).all()
        named = {
            object_id: (study, center, subject) for object_id, study, center, subject in records
        }
        occurrences = db.session.scalars(
            sa.select(Occurrence).where(Occurrence.uuid.in_(list(named)))
        ).all()
        # Where the model itself says its records belong.
        expected = {
            str(o.uuid): (c.study, c.center, c.subject)
            for o in occurrences
            for c in [o.audit_context()]
        }
    assert len(records) == SUBJECTS and named == expected
    assert all(study and center and subject for study, center, subject in named.values())
