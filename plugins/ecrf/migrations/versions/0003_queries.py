"""Queries raised on data points by validation rules.

Revision ID: 0003_ecrf
Revises: 0002_ecrf
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_ecrf"
down_revision = "0002_ecrf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecrf_queries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "subject_in_study_id",
            sa.BigInteger,
            sa.ForeignKey("subjects_in_studies.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("ecrf_queries")
