"""The answers analysed, read set-based: the study's subjects at the centers the caller
sees (with their center and, where asked, their arm) and their answers to the questions,
as pandas frames."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import sqlalchemy as sa

from datacapt.toolkit import Study, db, plugin_enabled, restrict_to_visible_centers
from plugins.ecrf.api import PLAIN, Answer
from plugins.subjects.api import SubjectInStudy

# pandas is imported by the functions that use it: at module level it costs ~0.1 s of
# every start-up.
if TYPE_CHECKING:
    import pandas as pd


def subjects(study: Study, with_arm: bool) -> pd.DataFrame:
    """One row per subject the caller sees: ``subject`` (id), ``center`` (id), ``arm``
    (the standing production assignment's, None unrandomized; only ``with_arm``)."""
    import pandas as pd

    columns = [SubjectInStudy.id.label("subject"), SubjectInStudy.center_id.label("center")]
    statement = sa.select(*columns).where(SubjectInStudy.study_id == study.id)
    if with_arm and plugin_enabled("randomizations"):
        from plugins.randomizations.api import Assignment, Environment

        statement = statement.add_columns(Assignment.arm.label("arm")).outerjoin(
            Assignment,
            sa.and_(
                Assignment.subject_in_study_id == SubjectInStudy.id,
                Assignment.environment == Environment.PRODUCTION,
                Assignment.voided_at.is_(None),
            ),
        )
    rows = db.session.execute(
        restrict_to_visible_centers(statement, SubjectInStudy.center_id)
    ).all()
    frame = pd.DataFrame(
        rows, columns=["subject", "center", "arm"][: len(statement.selected_columns)]
    )
    return frame.set_index("subject")


def answers(study: Study, codes: Collection[str]) -> pd.DataFrame:
    """The stored answers to ``codes`` of the subjects the caller sees: one row per
    answer, ``subject``, ``code`` and ``value`` (as stored)."""
    import pandas as pd

    statement = (
        sa.select(Answer.subject_in_study_id, Answer.code, Answer.value)
        .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
        .where(
            SubjectInStudy.study_id == study.id,
            Answer.code.in_(list(codes)),
            Answer.instance == PLAIN,  # a zone's answers are no subject-level value
        )
    )
    rows = db.session.execute(restrict_to_visible_centers(statement, SubjectInStudy.center_id))
    frame = pd.DataFrame(rows.all(), columns=["subject", "code", "value"])
    # A value cleared (hidden, or emptied) is stored as JSON null: it is missing.
    return frame[frame["value"].notna()]
