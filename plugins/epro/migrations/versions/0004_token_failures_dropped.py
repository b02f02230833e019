"""Links that open nothing are counted by the rate limiter, no longer in a table.

Revision ID: 0004_epro
Revises: 0003_epro
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_epro"
down_revision = "0003_epro"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("epro_token_failures")


def downgrade() -> None:
    op.create_table(
        "epro_token_failures",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("client_ip", sa.String(64), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
