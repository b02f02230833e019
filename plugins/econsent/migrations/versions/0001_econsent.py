"""eConsent: documents and their versions, subjects' consents and their signatures.

Revision ID: 0001_econsent
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_econsent"
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
        "econsent_documents",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("title", JSONB, nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "econsent_versions",
        *base_columns(),
        study(),
        reference("document_id", "econsent_documents", index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("languages", JSONB, nullable=False),
        sa.Column("center_ids", JSONB, nullable=False),
        sa.Column("ethics_reference", sa.String(200)),
        sa.Column("ethics_date", sa.Date),
        sa.Column("blocks", JSONB, nullable=False),
        sa.Column("correct_answers", JSONB, nullable=False),
        sa.Column("optional_parts", JSONB, nullable=False),
        sa.Column("signers", JSONB, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        reference("published_by_id", "users", nullable=True),
        sa.UniqueConstraint("document_id", "number"),
    )
    op.create_table(
        "econsent_consents",
        *base_columns(),
        study(),
        reference("version_id", "econsent_versions", index=True),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("reconsent", sa.Boolean, nullable=False),
        sa.Column("presented", JSONB, nullable=False),
        sa.Column("answers", JSONB, nullable=False),
        sa.Column("optional_choices", JSONB, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("code_nonce", sa.String(32)),
        sa.Column("code_expires_at", sa.DateTime(timezone=True)),
        sa.Column("code_attempts", sa.Integer, nullable=False),
        sa.Column("identity_check", sa.String(20)),
        sa.Column("identity_checked_at", sa.DateTime(timezone=True)),
        reference("identity_checked_by_id", "users", nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True)),
        sa.Column("record_file_uuid", sa.Uuid),
        sa.Column("record_sha256", sa.String(64)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.Text),
        sa.Column("withdrawal", JSONB),
    )
    op.create_table(
        "econsent_signatures",
        *base_columns(),
        study(),
        reference("consent_id", "econsent_consents", index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("printed_name", sa.String(200), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        reference("signer_id", "users", nullable=True),
        sa.UniqueConstraint("consent_id", "role"),
    )


def downgrade() -> None:
    for table in (
        "econsent_signatures",
        "econsent_consents",
        "econsent_versions",
        "econsent_documents",
    ):
        op.drop_table(table)
