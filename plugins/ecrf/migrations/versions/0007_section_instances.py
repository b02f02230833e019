"""Sections filled once per instance (a split-body study's zones): the module whose
instances a section has, and the instance of each answer, section state and query
(empty for a section filled once per subject, as every row so far).

Revision ID: 0007_ecrf
Revises: 0006_ecrf
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_ecrf"
down_revision = "0006_ecrf"
branch_labels = None
depends_on = None

_KEYS = {
    "ecrf_answers": ("ecrf_answers_subject_in_study_id_code_key", ["subject_in_study_id", "code"]),
    "ecrf_section_states": (
        "ecrf_section_states_subject_in_study_id_section_id_key",
        ["subject_in_study_id", "section_id"],
    ),
}


def upgrade() -> None:
    op.add_column("ecrf_sections", sa.Column("instanced_by", sa.String(40), nullable=True))
    for table in ("ecrf_answers", "ecrf_section_states", "ecrf_queries"):
        op.add_column(
            table, sa.Column("instance", sa.String(40), nullable=False, server_default="")
        )
    for table, (name, columns) in _KEYS.items():
        op.drop_constraint(name, table, type_="unique")
        op.create_unique_constraint(
            name.replace("_key", "_instance_key"), table, [*columns, "instance"]
        )


def downgrade() -> None:
    for table, (name, columns) in _KEYS.items():
        op.execute(f"DELETE FROM {table} WHERE instance <> ''")
        op.drop_constraint(name.replace("_key", "_instance_key"), table, type_="unique")
        op.create_unique_constraint(name, table, columns)
    op.execute(
        "DELETE FROM ecrf_query_messages WHERE data_query_id IN"
        " (SELECT id FROM ecrf_queries WHERE instance <> '')"
    )
    op.execute("DELETE FROM ecrf_queries WHERE instance <> ''")
    for table in ("ecrf_answers", "ecrf_section_states", "ecrf_queries"):
        op.drop_column(table, "instance")
    op.drop_column("ecrf_sections", "instanced_by")
