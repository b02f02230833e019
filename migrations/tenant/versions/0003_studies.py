"""Studies, centers, study teams and invitations.

Revision ID: 0003_tenant
Revises: 0002_tenant
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_tenant"
down_revision = "0002_tenant"
branch_labels = None
depends_on = None


def base_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("uuid", sa.Uuid, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
    ]


def foreign_key(name: str, table: str, nullable: bool = False, index: bool = True) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, index=index
    )


def upgrade() -> None:
    op.create_table(
        "studies",
        *base_columns(),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("reference", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "study_centers",
        *base_columns(),
        sa.Column("code", sa.String(30), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
    )
    op.create_table(
        "study_center_associations",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        foreign_key("study_id", "studies"),
        foreign_key("center_id", "study_centers"),
        sa.UniqueConstraint("study_id", "center_id"),
    )
    op.create_table(
        "study_users",
        *base_columns(),
        foreign_key("study_id", "studies"),
        foreign_key("user_id", "users"),
        foreign_key("role_id", "roles", index=False),
        sa.Column("all_centers", sa.Boolean, nullable=False),
        sa.UniqueConstraint("study_id", "user_id"),
    )
    op.create_table(
        "study_user_centers",
        sa.Column(
            "study_user_id", sa.BigInteger, sa.ForeignKey("study_users.id"), primary_key=True
        ),
        sa.Column("center_id", sa.BigInteger, sa.ForeignKey("study_centers.id"), primary_key=True),
    )
    op.create_table(
        "invitations",
        *base_columns(),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        foreign_key("platform_role_id", "roles", index=False),
        foreign_key("study_id", "studies", nullable=True, index=False),
        foreign_key("study_role_id", "roles", nullable=True, index=False),
        sa.Column("all_centers", sa.Boolean, nullable=False),
        sa.Column("center_ids", postgresql.JSONB, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_count", sa.Integer, nullable=False),
        foreign_key("invited_by_id", "users", nullable=True, index=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        foreign_key("user_id", "users", nullable=True, index=False),
    )


def downgrade() -> None:
    for table in (
        "invitations",
        "study_user_centers",
        "study_users",
        "study_center_associations",
        "study_centers",
        "studies",
    ):
        op.drop_table(table)
