"""Monitoring: signatures.

Revision ID: 0004_monitoring
Revises: 0003_monitoring
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_monitoring"
down_revision = "0003_monitoring"
branch_labels = None
depends_on = None


def _row(table: str, *columns: sa.Column) -> None:
    """A table of audited study rows: key, public id, timestamps, study, then ``columns``."""
    op.create_table(
        table,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False),
        *columns,
    )
    op.create_index(f"ix_{table}_study_id", table, ["study_id"])


def _key(name: str, target: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, sa.ForeignKey(f"{target}.id"), nullable=False)


def _manifestation() -> list[sa.Column]:
    """Who signs, under which name, meaning and declaration."""
    return [
        _key("signer_id", "users"),
        sa.Column("printed_name", sa.String(300), nullable=False),
        sa.Column("meaning", sa.String(20), nullable=False),
        sa.Column("declaration", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    _row(
        "monitoring_signings",
        *_manifestation(),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("targets", JSONB, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("signed", sa.Integer, nullable=False),
        sa.Column("skipped", JSONB, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_monitoring_signings_signer_id", "monitoring_signings", ["signer_id"])
    _row(
        "monitoring_signatures",
        _key("signing_id", "monitoring_signings"),
        _key("subject_in_study_id", "subjects_in_studies"),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("section_uuid", sa.Uuid),
        *_manifestation(),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("broken_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawal_reason", sa.Text),
    )
    for column in ("signing_id", "subject_in_study_id", "signer_id"):
        op.create_index(f"ix_monitoring_signatures_{column}", "monitoring_signatures", [column])


def downgrade() -> None:
    op.drop_table("monitoring_signatures")
    op.drop_table("monitoring_signings")
