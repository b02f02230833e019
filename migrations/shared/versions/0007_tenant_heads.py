"""Each tenant's applied revisions per lineage, recorded by the migration that applies them.

Revision ID: 0007_shared
Revises: 0006_shared
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_shared"
down_revision = "0006_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tenants migrated before this table existed have no rows: the runner checks them
    # against their schemas once and records what it finds.
    op.create_table(
        "tenant_heads",
        sa.Column("tenant_id", sa.BigInteger, sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("lineage", sa.String(100), primary_key=True),
        sa.Column("revisions", postgresql.ARRAY(sa.String(32)), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tenant_heads")
