"""Chat: threads, their participants and receipts, messages, subjects' chat links.

Revision ID: 0001_chat
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_chat"
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


def reference(name: str, table: str, nullable: bool = False, index: bool = True) -> sa.Column:
    return sa.Column(
        name, sa.BigInteger, sa.ForeignKey(f"{table}.id"), nullable=nullable, index=index
    )


def moment(name: str, index: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True, index=index)


def upgrade() -> None:
    op.create_table(
        "chat_threads",
        *base_columns(),
        reference("study_id", "studies"),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        reference("center_id", "study_centers", nullable=True),
        reference("subject_in_study_id", "subjects_in_studies", nullable=True),
        reference("opened_by_id", "users", index=False),
        moment("closed_at", index=True),
        moment("last_message_at"),
    )
    op.create_table(
        "chat_messages",
        *base_columns(),
        reference("thread_id", "chat_threads"),
        reference("author_id", "users", nullable=True, index=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column(
            "file_uuid", sa.Uuid, sa.ForeignKey("stored_files.uuid"), nullable=True, unique=True
        ),
        sa.Column("file_name", sa.String(255)),
        sa.Column("file_type", sa.String(100)),
        sa.Column("file_size", sa.BigInteger),
        sa.Column("corrects_uuid", sa.Uuid),
    )
    op.create_table(
        "chat_participants",
        *base_columns(),
        reference("thread_id", "chat_threads"),
        reference("user_id", "users", nullable=True),
        sa.Column("read_up_to_id", sa.BigInteger, nullable=False),
        moment("read_at"),
        moment("notified_at"),
        sa.UniqueConstraint("thread_id", "user_id"),
    )
    op.create_index(
        "chat_participants_subject_key",
        "chat_participants",
        ["thread_id"],
        unique=True,
        postgresql_where=sa.text("user_id IS NULL"),
    )
    op.create_table(
        "chat_links",
        *base_columns(),
        reference("subject_in_study_id", "subjects_in_studies", index=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.UniqueConstraint("subject_in_study_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_links")
    op.drop_index("chat_participants_subject_key", table_name="chat_participants")
    op.drop_table("chat_participants")
    op.drop_table("chat_messages")
    op.drop_table("chat_threads")
