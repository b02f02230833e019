"""Tenant settings: the customer's time zone and default language.

Revision ID: 0001_tenant
Revises:
Create Date: 2026-11-26
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001_tenant"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    settings = op.create_table(
        "tenant_settings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("default_language", sa.String(16), nullable=False, server_default="en"),
    )
    op.bulk_insert(settings, [{"uuid": uuid.uuid4()}])


def downgrade() -> None:
    op.drop_table("tenant_settings")
