"""The optional parts a subject consented to (sample storage, future contact...), for the
modules they affect: from each document's latest signed consent, withdrawals applied."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import db
from plugins.econsent.consents.models import Consent, ConsentState
from plugins.econsent.documents.models import ConsentDocument, ConsentVersion
from plugins.subjects.api import SubjectInStudy


def optional_consents(participation: SubjectInStudy) -> dict[str, dict[str, bool]]:
    """By document code, each optional part's code and whether it is consented to now;
    a document whose latest consent was withdrawn consents to none."""
    rows = db.session.execute(
        sa.select(ConsentDocument.code, Consent)
        .join(ConsentVersion, ConsentVersion.id == Consent.version_id)
        .join(ConsentDocument, ConsentDocument.id == ConsentVersion.document_id)
        .where(
            Consent.subject_in_study_id == participation.id,
            Consent.status.in_([ConsentState.SIGNED, ConsentState.WITHDRAWN]),
        )
        .order_by(ConsentDocument.code, Consent.signed_at.desc())
    )
    result: dict[str, dict[str, bool]] = {}
    for code, consent in rows:
        if code in result:
            continue
        signed = consent.status == ConsentState.SIGNED
        result[code] = {
            part: signed and chosen for part, chosen in consent.optional_choices.items()
        }
    return result
