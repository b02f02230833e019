"""Indexes for the per-minute tick: open occurrences by closing time, queued messages by age.

Revision ID: 0002_epro
Revises: 0001_epro
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_epro"
down_revision = "0001_epro"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only the open ones: the tick looks for those that closed, among many planned ahead.
    op.create_index(
        "ix_epro_occurrences_open_closes_at",
        "epro_occurrences",
        ["closes_at"],
        postgresql_where=sa.text("status IN ('scheduled', 'sent', 'started')"),
    )
    op.create_index(
        "ix_epro_messages_queued_created_at",
        "epro_messages",
        ["created_at"],
        postgresql_where=sa.text("status = 'queued'"),
    )


def downgrade() -> None:
    op.drop_index("ix_epro_messages_queued_created_at", "epro_messages")
    op.drop_index("ix_epro_occurrences_open_closes_at", "epro_occurrences")
