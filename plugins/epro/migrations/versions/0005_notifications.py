"""Messages about occurrences are notifications of the core: each row of epro_messages
keeps its kind and points to the notification carrying its delivery state.

Each message's notification has its uuid, state, reason, attempts, provider id and times,
the subject's current address for its channel, and the parameters its text is rendered
from (the questionnaire's title in its language, the closing time in the tenant's zone,
the occurrence): one still queued is delivered as it would have been. Its text was never
stored (it carries the link), so it stays empty. Needs the core's 0010_tenant.

Revision ID: 0005_epro
Revises: 0004_epro
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_epro"
down_revision = "0004_epro"
branch_labels = None
depends_on = None

MOVED = ("channel", "language", "status", "error", "provider_id", "attempts", "sent_at")


def upgrade() -> None:
    op.add_column(
        "epro_messages",
        sa.Column("notification_id", sa.BigInteger, sa.ForeignKey("notifications.id")),
    )
    op.execute(
        """
        INSERT INTO notifications (
            uuid, created_at, modified_at, recipient_kind, recipient_id, study_id, center_id,
            channel, template, language, address, subject, body, context, quiet_start,
            quiet_end, state, reason, attempts, last_attempt_at, sent_at, failed_at,
            bounced_at, provider_id
        )
        SELECT m.uuid, m.created_at, m.modified_at, 'subject', p.uuid, o.study_id,
            p.center_id, m.channel, 'epro.' || m.kind, m.language,
            CASE m.channel WHEN 'email' THEN pd.email ELSE pd.phone END, '', '',
            jsonb_build_object(
                'questionnaire', coalesce(
                    q.title ->> m.language,
                    (SELECT t.value FROM jsonb_each_text(q.title) t LIMIT 1)
                ),
                'closes', to_char(
                    o.closes_at AT TIME ZONE (SELECT time_zone FROM tenant_settings LIMIT 1),
                    'YYYY-MM-DD HH24:MI'
                ),
                'occurrence', o.uuid::text
            ),
            CAST(nullif(q.reminders ->> 'quiet_start', '') AS time),
            CAST(nullif(q.reminders ->> 'quiet_end', '') AS time),
            m.status, m.error, m.attempts,
            CASE WHEN m.attempts > 0 THEN m.modified_at END,
            m.sent_at,
            CASE WHEN m.status = 'failed' THEN m.modified_at END,
            CASE WHEN m.status = 'bounced' THEN m.modified_at END,
            m.provider_id
        FROM epro_messages m
        JOIN epro_occurrences o ON o.id = m.occurrence_id
        JOIN epro_questionnaires q ON q.id = o.questionnaire_id
        JOIN subjects_in_studies p ON p.id = o.subject_in_study_id
        LEFT JOIN subject_personal_data pd ON pd.subject_id = p.subject_id
        ORDER BY m.id
        """
    )
    op.execute(
        "UPDATE epro_messages m SET notification_id = n.id FROM notifications n"
        " WHERE n.uuid = m.uuid"
    )
    op.alter_column("epro_messages", "notification_id", nullable=False)
    op.create_unique_constraint(
        "epro_messages_notification_id_key", "epro_messages", ["notification_id"]
    )
    op.drop_index("ix_epro_messages_provider_id", "epro_messages")
    for column in MOVED:
        op.drop_column("epro_messages", column)


def downgrade() -> None:
    op.add_column("epro_messages", sa.Column("channel", sa.String(10)))
    op.add_column("epro_messages", sa.Column("language", sa.String(8)))
    op.add_column("epro_messages", sa.Column("status", sa.String(20)))
    op.add_column("epro_messages", sa.Column("error", sa.Text))
    op.add_column("epro_messages", sa.Column("provider_id", sa.String(200)))
    op.add_column("epro_messages", sa.Column("attempts", sa.Integer))
    op.add_column("epro_messages", sa.Column("sent_at", sa.DateTime(timezone=True)))
    op.execute(
        """
        UPDATE epro_messages m SET channel = n.channel, language = n.language,
            status = n.state, error = n.reason, provider_id = n.provider_id,
            attempts = n.attempts, sent_at = n.sent_at
        FROM notifications n WHERE n.id = m.notification_id
        """
    )
    for column in ("channel", "language", "status", "attempts"):
        op.alter_column("epro_messages", column, nullable=False)
    op.create_index("ix_epro_messages_provider_id", "epro_messages", ["provider_id"])
    op.drop_column("epro_messages", "notification_id")
    op.execute("DELETE FROM notifications WHERE template LIKE 'epro.%'")
