"""Subjects, their personal data, their studies, and study subject ids.

Revision ID: 0001_subjects
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_subjects"
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


def reference(name: str, table: str, **options) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=False, **options)


def upgrade() -> None:
    op.create_table("subjects", *base_columns())
    op.create_table(
        "subject_personal_data",
        *base_columns(),
        reference("subject_id", "subjects", unique=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(40)),
        sa.Column("birth_date", sa.Date),
    )
    op.create_table(
        "subjects_in_studies",
        *base_columns(),
        reference("study_id", "studies", index=True),
        reference("subject_id", "subjects", index=True),
        reference("center_id", "study_centers", index=True),
        sa.Column("study_subject_id", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("inclusion_date", sa.Date),
        sa.Column("end_reason", sa.Text),
        sa.UniqueConstraint("study_id", "study_subject_id"),
        sa.UniqueConstraint("study_id", "subject_id"),
    )
    op.create_table(
        "study_subject_settings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        reference("study_id", "studies", unique=True),
        sa.Column("id_pattern", sa.String(100), nullable=False),
    )
    op.create_table(
        "subject_counters",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        reference("study_id", "studies"),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.UniqueConstraint("study_id", "scope"),
    )


def downgrade() -> None:
    for table in (
        "subject_counters",
        "study_subject_settings",
        "subjects_in_studies",
        "subject_personal_data",
        "subjects",
    ):
        op.drop_table(table)
