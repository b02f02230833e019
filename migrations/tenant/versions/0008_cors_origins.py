"""Browser origins of the tenant's frontends (CORS).

Revision ID: 0008_tenant
Revises: 0007_tenant
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_tenant"
down_revision = "0007_tenant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tenant_settings",
        sa.Column("cors_origins", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    op.drop_column("tenant_settings", "cors_origins")
