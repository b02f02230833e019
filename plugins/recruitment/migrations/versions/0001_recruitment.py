"""Recruitment studies, campaigns and invitations, applications, visit slots and bookings.

Revision ID: 0001_recruitment
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_recruitment"
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


def reference(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, index=True
    )


def moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "recruitment_studies",
        *base_columns(),
        reference("study_id", "studies"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("opens_on", sa.Date, nullable=True),
        sa.Column("closes_on", sa.Date, nullable=True),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("blocks", JSONB, nullable=False),
    )
    op.create_table(
        "recruitment_campaigns",
        *base_columns(),
        reference("study_id", "studies"),
        reference("recruitment_id", "recruitment_studies"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("filter", JSONB, nullable=False),
        sa.Column("invited", sa.Integer, nullable=False),
    )
    op.create_table(
        "recruitment_invitations",
        *base_columns(),
        reference("study_id", "studies"),
        reference("campaign_id", "recruitment_campaigns"),
        reference("subject_id", "subjects"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        moment("responded_at"),
        sa.UniqueConstraint("campaign_id", "subject_id"),
    )
    op.create_table(
        "recruitment_applications",
        *base_columns(),
        reference("study_id", "studies"),
        reference("recruitment_id", "recruitment_studies"),
        reference("subject_id", "subjects"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("answers", JSONB, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("waiting_list", sa.Boolean, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        reference("invitation_id", "recruitment_invitations", nullable=True),
        sa.Column(
            "participation_id",
            sa.BigInteger,
            sa.ForeignKey("subjects_in_studies.id"),
            nullable=True,
            unique=True,
        ),
        sa.UniqueConstraint("recruitment_id", "subject_id"),
    )
    op.create_table(
        "recruitment_slots",
        *base_columns(),
        reference("study_id", "studies"),
        reference("recruitment_id", "recruitment_studies"),
        moment("starts_at", nullable=False),
        moment("ends_at", nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False),
        sa.UniqueConstraint("recruitment_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="recruitment_slot_times"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="recruitment_slot_booked"),
    )
    op.create_table(
        "recruitment_bookings",
        *base_columns(),
        reference("study_id", "studies"),
        reference("slot_id", "recruitment_slots"),
        sa.Column(
            "application_id",
            sa.BigInteger,
            sa.ForeignKey("recruitment_applications.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("booked_by", sa.String(20), nullable=False),
        moment("reminded_at"),
    )


def downgrade() -> None:
    for table in (
        "recruitment_bookings",
        "recruitment_slots",
        "recruitment_applications",
        "recruitment_invitations",
        "recruitment_campaigns",
        "recruitment_studies",
    ):
        op.drop_table(table)
