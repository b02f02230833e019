"""Notifications: every email and SMS with its delivery state; the email log moves in.

Each row of email_messages becomes a notification with the same uuid (so the Message-ID
of its copies stays the same), its recipient found where it can be: the user of a reset's
address, the invitation of an invitation's. Its text is kept as it was recorded and, for
one still queued, sent as recorded.

Revision ID: 0010_tenant
Revises: 0009_tenant
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_tenant"
down_revision = "0009_tenant"
branch_labels = None
depends_on = None


def moment(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True))


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_kind", sa.String(20), nullable=False),
        sa.Column("recipient_id", sa.Uuid, index=True),
        sa.Column("study_id", sa.BigInteger, sa.ForeignKey("studies.id"), index=True),
        sa.Column("center_id", sa.BigInteger, sa.ForeignKey("study_centers.id")),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("address", sa.String(254)),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("context", postgresql.JSONB),
        sa.Column("quiet_start", sa.Time),
        sa.Column("quiet_end", sa.Time),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        moment("not_before"),
        moment("dispatched_at"),
        moment("last_attempt_at"),
        moment("sent_at"),
        moment("failed_at"),
        moment("bounced_at"),
        sa.Column("provider_id", sa.String(200), index=True),
    )
    op.create_index(
        "ix_notifications_queued",
        "notifications",
        ["not_before"],
        postgresql_where=sa.text("state = 'queued'"),
    )
    op.execute(
        """
        INSERT INTO notifications (
            uuid, created_at, modified_at, recipient_kind, recipient_id, study_id, channel,
            template, language, address, subject, body, state, reason, attempts,
            last_attempt_at, sent_at, failed_at
        )
        SELECT m.uuid, m.created_at, m.modified_at,
            CASE WHEN m.template = 'invitation' THEN 'invitee' ELSE 'user' END,
            CASE WHEN m.template = 'invitation' THEN invited.uuid ELSE u.uuid END,
            invited.study_id, 'email', m.template, m.language, m.to_address, m.subject,
            m.body, m.status, m.error, m.attempts,
            CASE WHEN m.attempts > 0 THEN m.modified_at END,
            m.sent_at,
            CASE WHEN m.status = 'failed' THEN m.modified_at END
        FROM email_messages m
        LEFT JOIN users u
            ON m.template <> 'invitation' AND lower(u.email) = lower(m.to_address)
        LEFT JOIN LATERAL (
            SELECT i.uuid, i.study_id FROM invitations i
            WHERE m.template = 'invitation' AND lower(i.email) = lower(m.to_address)
                AND i.created_at <= m.created_at
            ORDER BY i.created_at DESC LIMIT 1
        ) invited ON true
        ORDER BY m.id
        """
    )
    op.execute(
        r"""
        UPDATE notifications
        SET body = regexp_replace(body, '(token=)[A-Za-z0-9_-]+', '\1[redacted]', 'g')
        WHERE state <> 'queued'
        """
    )
    op.drop_table("email_messages")


def downgrade() -> None:
    op.create_table(
        "email_messages",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("template", sa.String(60), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        moment("sent_at"),
    )
    # The core's emails go back (their links redacted where the text was rendered at
    # delivery); a plugin's messages have no place there.
    op.execute(
        """
        INSERT INTO email_messages (
            uuid, created_at, modified_at, to_address, template, language, subject, body,
            status, attempts, error, sent_at
        )
        SELECT uuid, created_at, modified_at, coalesce(address, ''), template, language,
            left(subject, 300), body,
            CASE WHEN state = 'bounced' THEN 'failed' ELSE state END,
            attempts, reason, sent_at
        FROM notifications
        WHERE channel = 'email' AND template IN ('invitation', 'password_reset')
        ORDER BY id
        """
    )
    op.drop_table("notifications")
