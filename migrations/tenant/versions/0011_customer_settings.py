"""Customer settings: branding of the frontend and messages, languages offered, retention.

Revision ID: 0011_tenant
Revises: 0010_tenant
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_tenant"
down_revision = "0010_tenant"
branch_labels = None
depends_on = None

COLUMNS = (
    ("brand_name", sa.String(200)),
    ("logo_file", sa.Uuid()),
    ("primary_color", sa.String(7)),
    ("secondary_color", sa.String(7)),
    ("sender_name", sa.String(100)),
    ("sender_address", sa.String(254)),
    ("sms_sender", sa.String(16)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("tenant_settings", sa.Column(name, type_, nullable=True))
    op.add_column(
        "tenant_settings",
        sa.Column("sender_domains", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    )
    op.add_column(
        "tenant_settings",
        sa.Column("languages", sa.JSON, nullable=False, server_default=sa.text('\'["en", "fr"]\'')),
    )
    op.add_column(
        "tenant_settings",
        sa.Column("retention_days", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    for name in ("retention_days", "languages", "sender_domains"):
        op.drop_column("tenant_settings", name)
    for name, _type in reversed(COLUMNS):
        op.drop_column("tenant_settings", name)
