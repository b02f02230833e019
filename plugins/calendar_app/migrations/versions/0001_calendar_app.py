"""Calendar: appointment requests.

Revision ID: 0001_calendar_app
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_calendar_app"
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


def reference(name: str, table: str, nullable: bool = False, **options) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, **options
    )


def study() -> sa.Column:
    return reference("study_id", "studies", index=True)


def upgrade() -> None:
    op.create_table(
        "calendar_appointment_requests",
        *base_columns(),
        study(),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("dismiss_reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("calendar_appointment_requests")
