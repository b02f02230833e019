"""Monitoring: verification.

Revision ID: 0002_monitoring
Revises: 0001_monitoring
Create Date: 2026-12-01
"""

revision = "0002_monitoring"
down_revision = "0001_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
