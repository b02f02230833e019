"""Monitoring: queries. They keep no table of their own: their records are the eCRF's
(ecrf_queries and their threads, ecrf_query_messages, revision 0006_ecrf).

Revision ID: 0001_monitoring
Revises: None
Create Date: 2026-12-01
"""

revision = "0001_monitoring"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
