"""A revision that fails in the schemas named by DATACAPT_TEST_FAIL_SCHEMAS.

Revision ID: 0001_flaky
Revises:
Create Date: 2026-11-26
"""

import os

import sqlalchemy as sa
from alembic import op

revision = "0001_flaky"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("flaky_things", sa.Column("id", sa.Integer, primary_key=True))
    # Raw SQL: runs in the tenant schema through the transaction-local search_path.
    op.execute("INSERT INTO flaky_things (id) VALUES (1)")
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
    if schema in os.environ.get("DATACAPT_TEST_FAIL_SCHEMAS", "").split(","):
        raise RuntimeError(f"injected failure in {schema}")


def downgrade() -> None:
    op.drop_table("flaky_things")
