"""Plugins' settings in each study.

Revision ID: 0009_tenant
Revises: 0008_tenant
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009_tenant"
down_revision = "0008_tenant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_plugin_settings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False),
        sa.Column("plugin", sa.String(40), nullable=False),
        sa.Column("settings", JSONB, nullable=False, server_default=sa.text("'{}'")),
        sa.UniqueConstraint("study_id", "plugin"),
    )


def downgrade() -> None:
    op.drop_table("study_plugin_settings")
