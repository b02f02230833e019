"""Each tenant's audit chain head, recorded periodically outside the tenant's schema, so
that replacing a whole audit table is detected too.

Revision ID: 0004_shared
Revises: 0003_shared
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_shared"
down_revision = "0003_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "tenant_id", sa.BigInteger, sa.ForeignKey("tenants.id"), nullable=False, index=True
        ),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_chain_heads")
