"""Subject repository: volunteers, profile questions, consents, notes, saved filters and
GDPR requests.

Revision ID: 0001_subject_repository
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_subject_repository"
down_revision = None
branch_labels = None
depends_on = None


def _base() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "modified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "panel_volunteers",
        *_base(),
        sa.Column(
            "subject_id", sa.BigInteger, sa.ForeignKey("subjects.id"), nullable=False, unique=True
        ),
        sa.Column("email_digest", sa.String(64), unique=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("profile", JSONB, nullable=False, server_default="{}"),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("review_flagged_at", sa.DateTime(timezone=True)),
        sa.Column("erased_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_panel_volunteers_profile",
        "panel_volunteers",
        ["profile"],
        postgresql_using="gin",
        postgresql_ops={"profile": "jsonb_path_ops"},
    )
    op.create_table(
        "panel_profile_forms",
        *_base(),
        sa.Column("blocks", JSONB, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "panel_consents",
        *_base(),
        sa.Column(
            "volunteer_id",
            sa.BigInteger,
            sa.ForeignKey("panel_volunteers.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "uq_panel_consents_standing",
        "panel_consents",
        ["volunteer_id", "purpose"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )
    op.create_table(
        "panel_notes",
        *_base(),
        sa.Column(
            "volunteer_id",
            sa.BigInteger,
            sa.ForeignKey("panel_volunteers.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("author_id", sa.BigInteger, sa.ForeignKey("users.id")),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "panel_saved_filters",
        *_base(),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("spec", JSONB, nullable=False),
    )
    op.create_table(
        "panel_gdpr_requests",
        *_base(),
        sa.Column(
            "volunteer_id",
            sa.BigInteger,
            sa.ForeignKey("panel_volunteers.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("by_subject", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decision_reason", sa.Text),
        sa.Column("decided_by_id", sa.BigInteger, sa.ForeignKey("users.id")),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("file_uuid", sa.Uuid),
        sa.Column("file_sha256", sa.String(64)),
    )
    op.create_index(
        "uq_panel_gdpr_requests_pending",
        "panel_gdpr_requests",
        ["volunteer_id", "kind"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    for table in (
        "panel_gdpr_requests",
        "panel_saved_filters",
        "panel_notes",
        "panel_consents",
        "panel_profile_forms",
        "panel_volunteers",
    ):
        op.drop_table(table)
