"""Side by side: the zone catalogue, split-body designs with their products and zones,
subjects' allocations of products to zones, and the sections assessed per zone.

Revision ID: 0001_side_by_side
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_side_by_side"
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
        "side_by_side_zones",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body_area", sa.String(60), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("position", sa.String(60)),
        sa.Column("zone_set", sa.String(20), nullable=False),
        sa.Column("control", sa.Boolean, nullable=False),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "side_by_side_designs",
        *base_columns(),
        study(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scheme", sa.String(20), nullable=False),
        reference("randomization_design_id", "randomization_designs", unique=True),
        reference("control_zone_id", "side_by_side_zones", nullable=True),
        sa.UniqueConstraint("study_id", "code"),
    )
    op.create_table(
        "side_by_side_design_products",
        *base_columns(),
        reference("design_id", "side_by_side_designs"),
        sa.Column("position", sa.Integer, nullable=False),
        reference("study_product_id", "study_products"),
        sa.UniqueConstraint("design_id", "position"),
        sa.UniqueConstraint("design_id", "study_product_id"),
    )
    op.create_table(
        "side_by_side_design_zones",
        *base_columns(),
        reference("design_id", "side_by_side_designs"),
        sa.Column("position", sa.Integer, nullable=False),
        reference("zone_id", "side_by_side_zones"),
        sa.UniqueConstraint("design_id", "position"),
        sa.UniqueConstraint("design_id", "zone_id"),
    )
    op.create_table(
        "side_by_side_allocations",
        *base_columns(),
        study(),
        reference("design_id", "side_by_side_designs", index=True),
        reference("assignment_id", "randomization_assignments"),
        sa.Column("environment", sa.String(20), nullable=False),
        reference("subject_in_study_id", "subjects_in_studies", index=True),
        reference("zone_id", "side_by_side_zones"),
        reference("study_product_id", "study_products", nullable=True),
        sa.UniqueConstraint("assignment_id", "zone_id"),
    )
    op.create_table(
        "side_by_side_assessments",
        *base_columns(),
        study(),
        reference("design_id", "side_by_side_designs", index=True),
        sa.Column("section_uuid", sa.Uuid, nullable=False),
        sa.Column("order", JSONB, nullable=False),
        sa.Column("enforce_order", sa.Boolean, nullable=False),
        sa.UniqueConstraint("study_id", "section_uuid"),
    )


def downgrade() -> None:
    for table in (
        "side_by_side_assessments",
        "side_by_side_allocations",
        "side_by_side_design_zones",
        "side_by_side_design_products",
        "side_by_side_designs",
        "side_by_side_zones",
    ):
        op.drop_table(table)
