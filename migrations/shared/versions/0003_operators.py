"""Platform operators and their API sessions.

Revision ID: 0003_shared
Revises: 0002_shared
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_shared"
down_revision = "0002_shared"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operators",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("failed_login_count", sa.Integer, nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("uq_operators_email_lower", "operators", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "operator_tokens",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "operator_id", sa.BigInteger, sa.ForeignKey("operators.id"), nullable=False, index=True
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("operator_tokens")
    op.drop_table("operators")
