"""Monitoring per zone: the instance (a split-body study's zone) of each verification,
section review and freeze or lock, empty for what a section filled once per subject holds
(as every row so far); each row is unique with its instance.

Revision ID: 0005_monitoring
Revises: 0004_monitoring
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_monitoring"
down_revision = "0004_monitoring"
branch_labels = None
depends_on = None

# Each table's unique key (PostgreSQL's name), and the name of its key with the instance.
_KEYS = {
    "monitoring_verifications": (
        "monitoring_verifications_subject_in_study_id_code_key",
        "monitoring_verifications_subject_code_instance_key",
        ["subject_in_study_id", "code"],
    ),
    "monitoring_section_reviews": (
        "monitoring_section_reviews_subject_in_study_id_section_id_key",
        "monitoring_section_reviews_subject_section_instance_key",
        ["subject_in_study_id", "section_id"],
    ),
}
_HOLDING = "monitoring_data_locks_holding_key"
_HOLDING_COLUMNS = ["study_id", "level", "subject_in_study_id", "center_id", "section_uuid"]


def _holding_key(*extra: str) -> None:
    """One hold in force per target; also the index of every save's check."""
    op.create_index(
        _HOLDING,
        "monitoring_data_locks",
        [*_HOLDING_COLUMNS, *extra],
        unique=True,
        postgresql_nulls_not_distinct=True,
        postgresql_where=sa.text("status IN ('frozen', 'locked')"),
    )


def upgrade() -> None:
    for table in (*_KEYS, "monitoring_data_locks"):
        op.add_column(
            table, sa.Column("instance", sa.String(40), nullable=False, server_default="")
        )
    for table, (name, with_instance, columns) in _KEYS.items():
        op.drop_constraint(name, table, type_="unique")
        op.create_unique_constraint(with_instance, table, [*columns, "instance"])
    op.drop_index(_HOLDING, "monitoring_data_locks")
    _holding_key("instance")


def downgrade() -> None:
    for table, (name, with_instance, columns) in _KEYS.items():
        op.execute(f"DELETE FROM {table} WHERE instance <> ''")
        op.drop_constraint(with_instance, table, type_="unique")
        op.create_unique_constraint(name, table, columns)
    op.execute("DELETE FROM monitoring_data_locks WHERE instance <> ''")
    op.drop_index(_HOLDING, "monitoring_data_locks")
    _holding_key()
    for table in (*_KEYS, "monitoring_data_locks"):
        op.drop_column(table, "instance")
