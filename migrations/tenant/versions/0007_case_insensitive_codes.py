"""Study references and center codes are unique whatever their case.

Revision ID: 0007_tenant
Revises: 0006_tenant
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_tenant"
down_revision = "0006_tenant"
branch_labels = None
depends_on = None

# (table, column, index): each index holds the lower-cased value once.
UNIQUE_LOWER = (
    ("studies", "reference", "studies_reference_lower_key"),
    ("study_centers", "code", "study_centers_code_lower_key"),
)


def upgrade() -> None:
    connection = op.get_bind()
    for table, column, index in UNIQUE_LOWER:
        clashes = connection.execute(
            sa.text(
                f"SELECT string_agg({column}, ', ' ORDER BY {column}) FROM {table}"
                f" GROUP BY lower({column}) HAVING count(*) > 1"
            )
        ).scalars()
        found = list(clashes)
        if found:
            # Which one to rename is a person's decision: stop and say which ones clash.
            raise RuntimeError(
                f"{table}.{column} differs only by case in: {'; '.join(found)}."
                " Rename all but one of each, then migrate again."
            )
        op.create_index(index, table, [sa.text(f"lower({column})")], unique=True)


def downgrade() -> None:
    for table, _column, index in UNIQUE_LOWER:
        op.drop_index(index, table_name=table)
