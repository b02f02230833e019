"""The study subject id pattern becomes the module's study setting: its rows move to the
core's study_plugin_settings and study_subject_settings goes.

Revision ID: 0003_subjects
Revises: 0002_subjects
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_subjects"
down_revision = "0002_subjects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO study_plugin_settings (uuid, study_id, plugin, settings)"
        " SELECT gen_random_uuid(), study_id, 'subjects',"
        " jsonb_build_object('id_pattern', id_pattern)"
        " FROM study_subject_settings"
    )
    op.drop_table("study_subject_settings")


def downgrade() -> None:
    op.create_table(
        "study_subject_settings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "study_id", sa.BigInteger, sa.ForeignKey("studies.id"), nullable=False, unique=True
        ),
        sa.Column("id_pattern", sa.String(100), nullable=False),
    )
    op.execute(
        "INSERT INTO study_subject_settings (study_id, id_pattern)"
        " SELECT study_id, settings->>'id_pattern' FROM study_plugin_settings"
        " WHERE plugin = 'subjects' AND settings ? 'id_pattern'"
    )
    op.execute("DELETE FROM study_plugin_settings WHERE plugin = 'subjects'")
