"""Monitoring: verification and review.

Revision ID: 0002_monitoring
Revises: 0001_monitoring
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_monitoring"
down_revision = "0001_monitoring"
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


def done_by(verb: str) -> list[sa.Column]:
    """Who did it, as named then, and when."""
    return [
        sa.Column(f"{verb}_by", sa.Uuid, nullable=False),
        sa.Column(f"{verb}_by_name", sa.String(254), nullable=False),
        sa.Column(f"{verb}_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "monitoring_verifications",
        *base_columns(),
        reference("subject_in_study_id", "subjects_in_studies"),
        sa.Column("code", sa.String(40), nullable=False),
        *done_by("verified"),
        sa.UniqueConstraint("subject_in_study_id", "code"),
    )
    op.create_table(
        "monitoring_sdv_plans",
        *base_columns(),
        reference("study_id", "studies"),
        reference("center_id", "study_centers", nullable=True, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("codes", postgresql.JSONB, nullable=False),
        sa.Column("percentage", sa.Integer),
        sa.Column("subject_count", sa.Integer),
        sa.Column("seed", sa.String(64)),
        sa.UniqueConstraint(
            "study_id", "center_id", "effective_from", postgresql_nulls_not_distinct=True
        ),
    )
    op.create_table(
        "monitoring_section_reviews",
        *base_columns(),
        reference("subject_in_study_id", "subjects_in_studies"),
        sa.Column(
            "section_id",
            sa.BigInteger,
            sa.ForeignKey("ecrf_sections.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *done_by("reviewed"),
        sa.UniqueConstraint("subject_in_study_id", "section_id"),
    )


def downgrade() -> None:
    for table in ("monitoring_section_reviews", "monitoring_sdv_plans", "monitoring_verifications"):
        op.drop_table(table)
