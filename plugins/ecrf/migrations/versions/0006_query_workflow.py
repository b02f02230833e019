"""Queries with a workflow: their study and center, target (data point, cell, section, subject),
origin, who raised them, assignee, closed-modified flag, times; and their thread.

Queries kept so far were all opened by validation rules on data points and closed only by
the eCRF: they become automatic data-point queries assigned to the investigators of their
subject's center, opened when created. Their history before this revision is in the
audit trail (their thread starts empty).

Revision ID: 0006_ecrf
Revises: 0005_ecrf
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_ecrf"
down_revision = "0005_ecrf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("study_id", "center_id", "assignee_center_id"):
        op.add_column("ecrf_queries", sa.Column(name, sa.BigInteger, nullable=True))
    op.execute(
        "UPDATE ecrf_queries SET study_id = s.study_id, center_id = s.center_id,"
        " assignee_center_id = s.center_id"
        " FROM subjects_in_studies s WHERE s.id = ecrf_queries.subject_in_study_id"
    )
    for name, table in (
        ("study_id", "studies"),
        ("center_id", "study_centers"),
        ("assignee_center_id", "study_centers"),
    ):
        if name != "assignee_center_id":
            op.alter_column("ecrf_queries", name, nullable=False)
        op.create_foreign_key(f"ecrf_queries_{name}_fkey", "ecrf_queries", table, [name], ["id"])
    op.alter_column("ecrf_queries", "code", nullable=True)
    for column in (
        sa.Column("target", sa.String(20), nullable=False, server_default="data_point"),
        sa.Column("cell_row", sa.Integer),
        sa.Column("cell_column", sa.String(40)),
        sa.Column("section_uuid", sa.Uuid),
        sa.Column("origin", sa.String(20), nullable=False, server_default="automatic"),
        sa.Column("raised_by_uuid", sa.Uuid),
        sa.Column("raised_by_name", sa.String(254)),
        sa.Column("assignee_role", sa.String(60), nullable=False, server_default="investigator"),
        sa.Column("closed_modified", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("closed_automatically", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("ecrf_queries", column)
    op.execute(
        "UPDATE ecrf_queries SET opened_at = created_at, closed_automatically = status = 'closed'"
    )
    # The defaults served the rows above; the model gives every new row its values.
    for name in ("target", "origin", "assignee_role", "closed_modified", "closed_automatically"):
        op.alter_column("ecrf_queries", name, server_default=None)
    op.create_index(
        "ecrf_queries_study_id_created_at_idx", "ecrf_queries", ["study_id", "created_at"]
    )
    op.create_index(
        "ecrf_queries_study_id_status_level_idx", "ecrf_queries", ["study_id", "status", "level"]
    )
    op.create_index("ecrf_queries_study_id_code_idx", "ecrf_queries", ["study_id", "code"])
    op.create_index(
        "ecrf_queries_study_id_center_id_idx", "ecrf_queries", ["study_id", "center_id"]
    )
    op.create_index(
        "ecrf_queries_study_id_section_uuid_idx",
        "ecrf_queries",
        ["study_id", "section_uuid"],
        postgresql_where=sa.text("section_uuid IS NOT NULL"),
    )
    op.create_table(
        "ecrf_query_messages",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "data_query_id",
            sa.BigInteger,
            sa.ForeignKey("ecrf_queries.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("author_uuid", sa.Uuid),
        sa.Column("author_name", sa.String(254)),
    )


def downgrade() -> None:
    """Refused while queries on a section or a subject exist: the earlier schema has no
    place for them, and they are not dropped silently."""
    bind = op.get_bind()
    kept = bind.execute(sa.text("SELECT count(*) FROM ecrf_queries WHERE code IS NULL")).scalar()
    if kept:
        raise RuntimeError(
            f"{kept} queries on sections or subjects have no place before revision 0006_ecrf"
        )
    op.drop_table("ecrf_query_messages")
    op.drop_index("ecrf_queries_study_id_section_uuid_idx", "ecrf_queries")
    op.drop_index("ecrf_queries_study_id_center_id_idx", "ecrf_queries")
    op.drop_index("ecrf_queries_study_id_code_idx", "ecrf_queries")
    op.drop_index("ecrf_queries_study_id_status_level_idx", "ecrf_queries")
    op.drop_index("ecrf_queries_study_id_created_at_idx", "ecrf_queries")
    for name in (
        "target",
        "cell_row",
        "cell_column",
        "section_uuid",
        "origin",
        "raised_by_uuid",
        "raised_by_name",
        "assignee_role",
        "closed_modified",
        "closed_automatically",
        "opened_at",
        "assignee_center_id",
        "center_id",
        "study_id",
    ):
        op.drop_column("ecrf_queries", name)
    op.alter_column("ecrf_queries", "code", nullable=False)
