"""Per-tenant plugin state: enabled or not, since when, by whom, and its settings.

Revision ID: 0002_shared
Revises: 0001_shared
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_shared"
down_revision = "0001_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_plugins",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.BigInteger, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("plugin", sa.String(40), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True)),
        sa.Column("enabled_by", sa.String(200)),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("disabled_by", sa.String(200)),
        sa.Column("settings", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.UniqueConstraint("tenant_id", "plugin", name="uq_tenant_plugins_tenant_id_plugin"),
    )


def downgrade() -> None:
    op.drop_table("tenant_plugins")
