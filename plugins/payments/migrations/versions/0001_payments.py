"""Payments: plans and their versions, payees, batches and orders.

Revision ID: 0001_payments
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_payments"
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
        "payment_plans",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "payment_plan_versions",
        *base_columns(),
        study(),
        reference("plan_id", "payment_plans", index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("terms", JSONB, nullable=False),
        sa.Column("approval_reference", sa.String(200)),
        sa.Column("approval_date", sa.Date),
        sa.UniqueConstraint("plan_id", "number"),
    )
    op.create_table(
        "payment_payees",
        *base_columns(),
        reference("subject_id", "subjects", unique=True),
        sa.Column("holder_name", sa.String(140), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11)),
        sa.Column("street_name", sa.String(70)),
        sa.Column("building_number", sa.String(16)),
        sa.Column("postal_code", sa.String(16)),
        sa.Column("town_name", sa.String(35), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
    )
    op.create_table(
        "payment_batches",
        *base_columns(),
        sa.Column("reference", sa.String(35), nullable=False, unique=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "payment_orders",
        *base_columns(),
        study(),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("plan_version_id", "payment_plan_versions", index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("occurrence", sa.String(80), nullable=False),
        reference("section_id", "ecrf_sections", nullable=True),
        reference("reverses_id", "payment_orders", nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("planned_amount", sa.Numeric(18, 3), nullable=False),
        sa.Column("amount", sa.Numeric(18, 3), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        reference("amount_changed_by_id", "users", nullable=True),
        reference("validated_by_id", "users", nullable=True),
        sa.Column("validated_at", sa.DateTime(timezone=True)),
        sa.Column("rejection_reason", sa.Text),
        reference("batch_id", "payment_batches", nullable=True, index=True),
        sa.Column("end_to_end_id", sa.String(35), unique=True),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("return_reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("payment_orders")
    op.drop_table("payment_batches")
    op.drop_table("payment_payees")
    op.drop_table("payment_plan_versions")
    op.drop_table("payment_plans")
