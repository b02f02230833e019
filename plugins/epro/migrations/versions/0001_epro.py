"""Questionnaires, occurrences, answers, messages and token failures.

Revision ID: 0001_epro
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_epro"
down_revision = None
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def reference(name: str, table: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=False, index=True)


def moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "epro_questionnaires",
        *base_columns(),
        reference("study_id", "studies"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("title", JSONB, nullable=False),
        sa.Column("blocks", JSONB, nullable=False),
        sa.Column("channels", JSONB, nullable=False),
        sa.Column("schedule", JSONB, nullable=False),
        sa.Column("reminders", JSONB, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "epro_occurrences",
        *base_columns(),
        reference("study_id", "studies"),
        reference("questionnaire_id", "epro_questionnaires"),
        reference("subject_in_study_id", "subjects_in_studies"),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        moment("opens_at", nullable=False),
        moment("due_at", nullable=False),
        moment("closes_at", nullable=False),
        moment("next_send_at"),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        moment("sent_at"),
        moment("started_at"),
        moment("completed_at"),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.UniqueConstraint("questionnaire_id", "subject_in_study_id", "day"),
    )
    op.create_index("ix_epro_occurrences_next_send_at", "epro_occurrences", ["next_send_at"])
    op.create_table(
        "epro_answers",
        *base_columns(),
        reference("occurrence_id", "epro_occurrences"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("value", JSONB),
        sa.UniqueConstraint("occurrence_id", "code"),
    )
    op.create_table(
        "epro_messages",
        *base_columns(),
        reference("occurrence_id", "epro_occurrences"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("provider_id", sa.String(200), index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        moment("sent_at"),
    )
    op.create_table(
        "epro_token_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("client_ip", sa.String(64), nullable=False, index=True),
        moment("at", nullable=False),
    )


def downgrade() -> None:
    for table in (
        "epro_token_failures",
        "epro_messages",
        "epro_answers",
        "epro_occurrences",
        "epro_questionnaires",
    ):
        op.drop_table(table)
