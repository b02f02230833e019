"""Block codes unique per eCRF at commit, not per statement: one save may swap codes.

Revision ID: 0005_ecrf
Revises: 0004_ecrf
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005_ecrf"
down_revision = "0004_ecrf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ecrf_blocks_ecrf_id_code_key", "ecrf_blocks", type_="unique")
    op.create_unique_constraint(
        "ecrf_blocks_ecrf_id_code_key",
        "ecrf_blocks",
        ["ecrf_id", "code"],
        deferrable=True,
        initially="DEFERRED",
    )


def downgrade() -> None:
    op.drop_constraint("ecrf_blocks_ecrf_id_code_key", "ecrf_blocks", type_="unique")
    op.create_unique_constraint("ecrf_blocks_ecrf_id_code_key", "ecrf_blocks", ["ecrf_id", "code"])
