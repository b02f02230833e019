"""Conversion: an included applicant becomes a subject of the clinical study at a center,
as the same person (one platform id, their personal data as the panel holds it), once."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Message, Study, conflict, db
from plugins.recruitment import panel
from plugins.recruitment.applications import locked_application
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import ApplicationStatus, RecruitmentApplication
from plugins.subjects.api import SubjectInStudy, enroll_subject


def convert(study: Study, application: RecruitmentApplication, center_uuid: Any) -> SubjectInStudy:
    """The subject made of the application; a second conversion is refused (409)."""
    application = locked_application(application)
    if application.participation_id is not None:
        participation = db.session.get(SubjectInStudy, application.participation_id)
        raise conflict(
            RecruitmentCodes.RECRUITMENT_ALREADY_CONVERTED,
            Message("This applicant is a subject of the study already."),
            subject=str(participation.uuid) if participation else None,
        )
    if application.status != ApplicationStatus.INCLUDED:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_NOT_CONVERTIBLE,
            Message("Only an included applicant becomes a subject."),
            status=application.status,
        )
    washout = panel.refusal(application.subject, study)
    if washout:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_WASHOUT,
            Message("The volunteer may not take part now: {reason}", reason=washout),
            reason=washout,
        )
    participation = enroll_subject(study, center_uuid, application.subject)
    application.participation_id = participation.id
    db.session.flush()
    return participation
