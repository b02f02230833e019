"""Upgrading a tenant from the email log and ePRO's own message table to notifications
loses no message: each keeps its uuid, state, attempts and provider id, and one still
queued at the upgrade is delivered afterwards (an email as it was recorded, an ePRO
message with its subject's link). Downgrading brings the old tables back."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.testing import CORE_TENANT_LINEAGE, downgrade_lineage, migrate_schema, plugin_set
from datacapt.toolkit import Notification, db, tenant_context
from plugins.epro.tests.support import utc

# What a migration must keep of every message.
KEPT = (
    Notification.uuid,
    Notification.channel,
    Notification.template,
    Notification.language,
    Notification.address,
    Notification.state,
    Notification.reason,
    Notification.attempts,
    Notification.provider_id,
    Notification.sent_at,
)


def messages(app, tenant) -> list[Any]:
    with app.app_context(), tenant_context(tenant):
        return list(db.session.execute(sa.select(*KEPT).order_by(Notification.uuid)).all())


def test_every_message_survives_the_move_to_notifications_and_back(
    app, trial, tick, outbox, tenant, api_client, sweep_notifications
):
    trial.include()
    tick("2030-03-04T08:00:00")
    api_client.post("/api/auth/password-reset", json={"email": trial.manager.user.email})
    before = messages(app, tenant)
    assert sorted((m.channel, m.template, m.state) for m in before) == [
        ("email", "epro.invitation", "sent"),
        ("email", "password_reset", "sent"),
        ("sms", "epro.invitation", "sent"),
    ]
    (first_sms,) = outbox.sms()
    with app.app_context():
        epro, engine, schema = plugin_set().get("epro").lineage, db.engine, tenant.schema_name
        assert epro is not None
        downgrade_lineage(engine, schema, epro, "0004_epro")
        downgrade_lineage(engine, schema, CORE_TENANT_LINEAGE, "0009_tenant")
        with engine.begin() as connection:
            connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
            emails = connection.exec_driver_sql("SELECT template, status FROM email_messages").all()
            assert emails == [("password_reset", "sent")]
            old = connection.exec_driver_sql(
                "SELECT channel, status, attempts FROM epro_messages ORDER BY channel"
            ).all()
            assert old == [("email", "sent", 1), ("sms", "sent", 1)]
            # Waiting when the upgrade comes: an email of the log, and the SMS again; and
            # an email sent before, its link's token in its text.
            connection.exec_driver_sql(
                "INSERT INTO email_messages (uuid, created_at, modified_at, to_address,"
                " template, language, subject, body, status, attempts)"
                " VALUES (gen_random_uuid(), now(), now(), 'late@example.org', 'invitation',"
                " 'en', 'You are invited', 'Recorded before: https://x/accept', 'queued', 0),"
                " (gen_random_uuid(), now(), now(), 'old@example.org', 'password_reset',"
                " 'en', 'Reset', 'Open https://x/reset-password?token=Ab-1_c now', 'sent', 1)"
            )
            connection.exec_driver_sql(
                "UPDATE epro_messages SET status = 'queued', sent_at = NULL WHERE channel = 'sms'"
            )
        outcome = migrate_schema(engine, schema, [CORE_TENANT_LINEAGE, epro])
        assert outcome.status == "upgraded", outcome.error
    after = messages(app, tenant)
    (old,) = [m for m in after if m.address == "old@example.org"]
    assert old.state == "sent" and old.attempts == 1
    with app.app_context(), tenant_context(tenant):
        body = db.session.execute(
            sa.select(Notification.body).where(Notification.uuid == old.uuid)
        ).scalar_one()
    assert body == "Open https://x/reset-password?token=[redacted] now"
    after.remove(old)
    (reset,) = [m for m in before if m.template == "password_reset"]
    assert reset in after  # its uuid too: its Message-ID stays the same
    # Nothing else of the others changed (an ePRO message's notification takes its uuid).
    kept = {(m.channel, m.template): m[1:] for m in after}
    assert all(kept[(m.channel, m.template)] == m[1:] for m in before if m.channel == "email")
    waiting = [m for m in after if m.state == "queued"]
    assert sorted((m.channel, m.template) for m in waiting) == [
        ("email", "invitation"),
        ("sms", "epro.invitation"),
    ]

    sweep_notifications(utc("2030-03-04T09:00:00"))
    assert {m.state for m in messages(app, tenant)} == {"sent"}
    late = next(m for m in outbox.emails() if m["To"] == "late@example.org")
    assert late.get_payload(decode=True).decode().strip() == "Recorded before: https://x/accept"
    resent = [sms for sms in outbox.sms() if sms["id"] != first_sms["id"]]
    assert [sms["body"] for sms in resent] == [first_sms["body"]]  # the same text and link
    occurrence = trial.occurrences()[0]
    assert {m["status"] for m in occurrence["messages"]} == {"sent"}
    assert {m["uuid"] for m in occurrence["messages"]} == {
        m["notification"] for m in occurrence["messages"]
    }
