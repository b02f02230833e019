"""Monitoring: freezes and locks of a study's data.

Revision ID: 0003_monitoring
Revises: 0002_monitoring
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_monitoring"
down_revision = "0002_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_data_locks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, index=True
        ),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "subject_in_study_id",
            sa.BigInteger,
            sa.ForeignKey("subjects_in_studies.id"),
            index=True,
        ),
        sa.Column("center_id", sa.BigInteger, sa.ForeignKey("study_centers.id"), index=True),
        sa.Column("section_uuid", sa.Uuid),
        sa.Column("frozen_at", sa.DateTime(timezone=True)),
        sa.Column("frozen_by", JSONB),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.Column("locked_by", JSONB),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        sa.Column("released_by", JSONB),
    )
    # One hold in force per target; also the index of every save's check.
    op.create_index(
        "monitoring_data_locks_holding_key",
        "monitoring_data_locks",
        ["study_id", "level", "subject_in_study_id", "center_id", "section_uuid"],
        unique=True,
        postgresql_nulls_not_distinct=True,
        postgresql_where=sa.text("status IN ('frozen', 'locked')"),
    )


def downgrade() -> None:
    op.drop_table("monitoring_data_locks")
