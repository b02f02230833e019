"""Exports: whether a run names the product behind a blinding code (zone assessments).

Revision ID: 0002_product_visible
Revises: 0001_exports
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_product_visible"
down_revision = "0001_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "export_runs",
        sa.Column("product_visible", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.alter_column("export_runs", "product_visible", server_default=None)


def downgrade() -> None:
    op.drop_column("export_runs", "product_visible")
