"""Spare tenant schemas: built ahead of need, renamed for a new tenant with the same lineages.

Revision ID: 0008_shared
Revises: 0007_shared
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_shared"
down_revision = "0007_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spare_schemas",
        sa.Column("schema_name", sa.String(63), primary_key=True),
        # Each lineage's heads in the schema, by lineage name: what a claim must match.
        sa.Column("lineages", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("spare_schemas")
