"""Monitoring: locks.

Revision ID: 0003_monitoring
Revises: 0002_monitoring
Create Date: 2026-12-01
"""

revision = "0003_monitoring"
down_revision = "0002_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
