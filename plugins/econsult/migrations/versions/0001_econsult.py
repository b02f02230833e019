"""eConsult: rooms, their participants, and who joined and left.

Revision ID: 0001_econsult
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_econsult"
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


def reference(name: str, table: str, nullable: bool = False, index: bool = True) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, index=index
    )


def moment(name: str, nullable: bool = True, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, index=index)


def upgrade() -> None:
    op.create_table(
        "econsult_rooms",
        *base_columns(),
        reference("study_id", "studies"),
        reference("subject_in_study_id", "subjects_in_studies"),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("provider_room", sa.String(100), nullable=False, unique=True),
        moment("starts_at", nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        moment("opens_at", nullable=False),
        moment("expires_at", nullable=False, index=True),
        reference("booked_by_id", "users", index=False),
        sa.Column("change_reason", sa.Text),
        moment("closed_at"),
        moment("cleaned_up_at"),
        sa.Column("subject_token_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "econsult_participants",
        *base_columns(),
        reference("room_id", "econsult_rooms"),
        reference("user_id", "users"),
        sa.UniqueConstraint("room_id", "user_id"),
    )
    op.create_table(
        "econsult_presence",
        *base_columns(),
        reference("room_id", "econsult_rooms"),
        reference("user_id", "users", nullable=True, index=False),
        sa.Column("event", sa.String(10), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        moment("at", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("econsult_presence")
    op.drop_table("econsult_participants")
    op.drop_table("econsult_rooms")
