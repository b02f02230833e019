"""Automations: rules and their versions, runs and what they created, tasks.

Revision ID: 0001_automations
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_automations"
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
        "automation_rules",
        *base_columns(),
        study(),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "automation_rule_versions",
        *base_columns(),
        study(),
        reference("rule_id", "automation_rules", index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("trigger_kind", sa.String(40), nullable=False, index=True),
        sa.Column("trigger", JSONB, nullable=False),
        sa.Column("actions", JSONB, nullable=False),
        sa.UniqueConstraint("rule_id", "number"),
    )
    op.create_table(
        "automation_runs",
        *base_columns(),
        study(),
        reference("rule_version_id", "automation_rule_versions"),
        sa.Column("event_key", sa.String(200), nullable=False),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("center_id", "study_centers", index=True),
        sa.Column("trigger", JSONB, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", JSONB, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("depth", sa.Integer, nullable=False),
        reference("origin_run_id", "automation_runs", nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("rule_version_id", "event_key"),
    )
    op.create_table(
        "automation_effects",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        reference("run_id", "automation_runs", index=True),
        sa.Column("object_uuid", sa.Uuid, nullable=False, index=True),
    )
    op.create_table(
        "automation_tasks",
        *base_columns(),
        study(),
        reference("center_id", "study_centers", index=True),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("run_id", "automation_runs", index=True),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        reference("closed_by_id", "users", nullable=True),
    )


def downgrade() -> None:
    for table in (
        "automation_tasks",
        "automation_effects",
        "automation_runs",
        "automation_rule_versions",
        "automation_rules",
    ):
        op.drop_table(table)
