"""Randomization designs and versions, lists with their strata, slots and keys, imports,
assignments, emergency unblindings and simulations.

Revision ID: 0001_randomizations
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_randomizations"
down_revision = None
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def reference(name: str, table: str, nullable: bool = False, **options) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, **options
    )


def study() -> sa.Column:
    return reference("study_id", "studies", index=True)


def upgrade() -> None:
    op.create_table(
        "randomization_designs",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("blinded", sa.Boolean, nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "randomization_design_versions",
        *base_columns(),
        study(),
        reference("design_id", "randomization_designs", index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text),
        reference("approved_by_id", "users", nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("live_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("design_id", "number"),
    )
    op.create_table(
        "randomization_lists",
        *base_columns(),
        study(),
        reference("design_id", "randomization_designs", index=True),
        sa.Column("environment", sa.String(20), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("seed", sa.String(64)),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("parameters", JSONB, nullable=False),
        sa.UniqueConstraint("design_id", "environment", "number"),
    )
    op.create_table(
        "randomization_strata",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "list_id",
            sa.BigInteger,
            sa.ForeignKey("randomization_lists.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("levels", JSONB, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("used", sa.Integer, nullable=False),
        sa.Column("blocks", sa.Integer, nullable=False),
        sa.UniqueConstraint("list_id", "key"),
        sa.UniqueConstraint("list_id", "number"),
    )
    op.create_table(
        "randomization_slots",
        *base_columns(),
        study(),
        reference("list_id", "randomization_lists", index=True),
        reference("stratum_id", "randomization_strata"),
        reference("version_id", "randomization_design_versions"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("sequence", sa.String(40), nullable=False),
        sa.Column("arm", sa.String(20)),
        sa.Column("treatment_code", sa.String(40)),
        sa.Column("block", sa.Integer),
        sa.Column("block_size", sa.Integer),
        sa.UniqueConstraint("stratum_id", "position"),
        sa.UniqueConstraint("list_id", "sequence"),
    )
    op.create_table(
        "randomization_keys",
        *base_columns(),
        study(),
        reference("list_id", "randomization_lists", index=True),
        reference("version_id", "randomization_design_versions"),
        sa.Column("treatment_code", sa.String(40), nullable=False),
        sa.Column("arm", sa.String(20), nullable=False),
        sa.UniqueConstraint("list_id", "treatment_code"),
    )
    op.create_table(
        "randomization_list_imports",
        *base_columns(),
        study(),
        reference("list_id", "randomization_lists", index=True),
        reference("version_id", "randomization_design_versions"),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )
    op.create_table(
        "randomization_assignments",
        *base_columns(),
        study(),
        reference("design_id", "randomization_designs", index=True),
        reference("version_id", "randomization_design_versions"),
        reference("list_id", "randomization_lists"),
        sa.Column("environment", sa.String(20), nullable=False),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("slot_id", "randomization_slots", nullable=True, unique=True),
        sa.Column("sequence", sa.Integer),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("arm", sa.String(20), nullable=False),
        sa.Column("treatment_code", sa.String(40)),
        sa.Column("levels", JSONB, nullable=False),
        sa.Column("answers", JSONB, nullable=False),
        sa.Column("details", JSONB),
        sa.Column("voided_at", sa.DateTime(timezone=True)),
        reference("voided_by_id", "users", nullable=True),
        sa.Column("void_reason", sa.Text),
        sa.UniqueConstraint("list_id", "number"),
    )
    op.create_index(
        "randomization_assignments_standing",
        "randomization_assignments",
        ["design_id", "environment", "subject_in_study_id"],
        unique=True,
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_table(
        "randomization_unblindings",
        *base_columns(),
        study(),
        reference("assignment_id", "randomization_assignments", index=True),
        sa.Column("status", sa.String(20), nullable=False),
        reference("requested_by_id", "users"),
        sa.Column("requester_name", sa.String(300), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        reference("decided_by_id", "users", nullable=True),
        sa.Column("decider_name", sa.String(300)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_reason", sa.Text),
        sa.Column("revealed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "randomization_simulations",
        *base_columns(),
        study(),
        reference("version_id", "randomization_design_versions", index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trials", sa.Integer, nullable=False),
        sa.Column("subjects", sa.Integer, nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("population", JSONB, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("result", JSONB),
        reference("requested_by_id", "users", nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    for table in (
        "randomization_simulations",
        "randomization_unblindings",
        "randomization_assignments",
        "randomization_list_imports",
        "randomization_keys",
        "randomization_slots",
        "randomization_strata",
        "randomization_lists",
        "randomization_design_versions",
        "randomization_designs",
    ):
        op.drop_table(table)
