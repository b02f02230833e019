"""Monitoring: signatures.

Revision ID: 0004_monitoring
Revises: 0003_monitoring
Create Date: 2026-12-01
"""

revision = "0004_monitoring"
down_revision = "0003_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
