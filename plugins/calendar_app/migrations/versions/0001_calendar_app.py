"""Calendar: visit schedules, planned visits, resources, appointments and their bookings,
reminders, feeds and appointment requests.

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


def tz(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "calendar_appointment_requests",
        *base_columns(),
        study(),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        tz("closed_at", nullable=True),
        sa.Column("dismiss_reason", sa.Text),
    )
    op.create_table(
        "calendar_visit_windows",
        *base_columns(),
        study(),
        sa.Column("section_uuid", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column(
            "relative_to_id",
            sa.BigInteger,
            sa.ForeignKey("calendar_visit_windows.id", ondelete="SET NULL"),
        ),
        sa.Column("days_before", sa.Integer, nullable=False),
        sa.Column("days_after", sa.Integer, nullable=False),
        sa.UniqueConstraint("study_id", "section_uuid"),
    )
    op.create_table(
        "calendar_planned_visits",
        *base_columns(),
        study(),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        sa.Column(
            "window_id",
            sa.BigInteger,
            sa.ForeignKey("calendar_visit_windows.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("target_on", sa.Date, nullable=False),
        sa.Column("earliest_on", sa.Date, nullable=False),
        sa.Column("latest_on", sa.Date, nullable=False),
        sa.Column("actual_on", sa.Date),
        sa.Column("out_of_window", sa.Boolean, nullable=False),
        sa.Column("deviation_query_uuid", sa.Uuid),
        sa.UniqueConstraint("subject_in_study_id", "window_id"),
    )
    op.create_table(
        "calendar_resources",
        *base_columns(),
        reference("center_id", "study_centers", index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.UniqueConstraint("center_id", "name"),
    )
    op.create_table(
        "calendar_appointments",
        *base_columns(),
        study(),
        reference("center_id", "study_centers", index=True),
        reference("subject_in_study_id", "subjects_in_studies", nullable=True, index=True),
        sa.Column(
            "planned_visit_id",
            sa.BigInteger,
            sa.ForeignKey("calendar_planned_visits.id", ondelete="SET NULL"),
        ),
        reference("request_id", "calendar_appointment_requests", nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        tz("starts_at"),
        tz("ends_at"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.CheckConstraint("ends_at > starts_at", name="calendar_appointment_times"),
    )
    op.create_index("ix_calendar_appointments_starts_at", "calendar_appointments", ["starts_at"])
    op.create_table(
        "calendar_bookings",
        *base_columns(),
        sa.Column(
            "appointment_id",
            sa.BigInteger,
            sa.ForeignKey("calendar_appointments.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        reference("resource_id", "calendar_resources", nullable=True),
        reference("user_id", "users", nullable=True),
        tz("starts_at"),
        tz("ends_at"),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.CheckConstraint(
            "(resource_id IS NULL) <> (user_id IS NULL)", name="calendar_booking_holder"
        ),
    )
    op.create_index(
        "calendar_bookings_resource_time", "calendar_bookings", ["resource_id", "starts_at"]
    )
    op.create_index("calendar_bookings_user_time", "calendar_bookings", ["user_id", "starts_at"])
    op.create_table(
        "calendar_reminders",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "appointment_id",
            sa.BigInteger,
            sa.ForeignKey("calendar_appointments.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        reference("user_id", "users", nullable=True),
        sa.Column("offset", sa.String(10), nullable=False),
        tz("due_at"),
        sa.Column("state", sa.String(20), nullable=False),
        tz("sent_at", nullable=True),
        sa.Column("notification_uuid", sa.Uuid),
    )
    op.create_index(
        "calendar_reminders_due",
        "calendar_reminders",
        ["due_at"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_table(
        "calendar_feeds",
        *base_columns(),
        reference("user_id", "users", nullable=True, index=True),
        reference("resource_id", "calendar_resources", nullable=True, index=True),
        reference("study_id", "studies", nullable=True),
        sa.Column("token_digest", sa.String(64), nullable=False, unique=True),
        tz("revoked_at", nullable=True),
        sa.CheckConstraint(
            "(resource_id IS NULL) <> (user_id IS NULL)", name="calendar_feed_owner"
        ),
    )


def downgrade() -> None:
    for table in (
        "calendar_feeds",
        "calendar_reminders",
        "calendar_bookings",
        "calendar_appointments",
        "calendar_resources",
        "calendar_planned_visits",
        "calendar_visit_windows",
        "calendar_appointment_requests",
    ):
        op.drop_table(table)
