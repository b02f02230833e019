"""Analytics: the enrollment targets of studies and centers.

Revision ID: 0001_analytics
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_analytics"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_enrollment_targets",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, index=True
        ),
        sa.Column("center_id", sa.BigInteger, sa.ForeignKey("study_centers.id"), index=True),
        sa.Column("subjects", sa.Integer, nullable=False),
        sa.Column("target_date", sa.Date),
        sa.UniqueConstraint("study_id", "center_id", postgresql_nulls_not_distinct=True),
    )


def downgrade() -> None:
    op.drop_table("analytics_enrollment_targets")
