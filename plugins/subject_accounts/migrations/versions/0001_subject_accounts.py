"""Subject accounts: registration links, volunteers' accounts and their tokens.

Revision ID: 0001_subject_accounts
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_subject_accounts"
down_revision = None
branch_labels = None
depends_on = None


def _base() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "subject_accounts_registration_links",
        *_base(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("study_id", sa.BigInteger, sa.ForeignKey("studies.id"), index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "subject_accounts",
        *_base(),
        sa.Column(
            "subject_id", sa.BigInteger, sa.ForeignKey("subjects.id"), nullable=False, unique=True
        ),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column(
            "registration_link_id",
            sa.BigInteger,
            sa.ForeignKey("subject_accounts_registration_links.id"),
            index=True,
        ),
        sa.Column("email_verified_at", sa.DateTime(timezone=True)),
        sa.Column("failed_login_count", sa.Integer, nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "uq_subject_accounts_email_lower",
        "subject_accounts",
        [sa.text("lower(email)")],
        unique=True,
    )
    op.create_table(
        "subject_account_tokens",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "account_id",
            sa.BigInteger,
            sa.ForeignKey("subject_accounts.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("consents", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("subject_account_tokens")
    op.drop_table("subject_accounts")
    op.drop_table("subject_accounts_registration_links")
