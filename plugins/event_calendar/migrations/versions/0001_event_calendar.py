"""Event calendar: events and milestones of the tenant, its studies and their centers.

Revision ID: 0001_event_calendar
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_event_calendar"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_calendar_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("study_id", sa.BigInteger, sa.ForeignKey("studies.id"), index=True),
        sa.Column("center_id", sa.BigInteger, sa.ForeignKey("study_centers.id"), index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("all_day", sa.Boolean, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="event_calendar_event_times"),
        sa.CheckConstraint(
            "center_id IS NULL OR study_id IS NOT NULL", name="event_calendar_center_of_study"
        ),
    )


def downgrade() -> None:
    op.drop_table("event_calendar_events")
