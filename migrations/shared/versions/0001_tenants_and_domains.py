"""Tenants and the domains that reach them.

Revision ID: 0001_shared
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_shared"
down_revision = None
branch_labels = None
depends_on = None


def _base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "tenants",
        *_base_columns(),
        sa.Column("schema_name", sa.String(63), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "domains",
        *_base_columns(),
        sa.Column("domain", sa.String(253), nullable=False, unique=True),
        sa.Column(
            "tenant_id", sa.BigInteger, sa.ForeignKey("tenants.id"), nullable=False, index=True
        ),
        sa.Column("is_primary", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("domains")
    op.drop_table("tenants")
