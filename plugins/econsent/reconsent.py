"""Re-consent: publishing a version asks again every subject who signed an older version
of the document at a center it applies to (their link sent, or handed out at the next
visit); where the study holds entry until then, their eCRF data waits for it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    DatacaptException,
    Message,
    Study,
    conflict,
    db,
    visible_center_ids,
)
from plugins.econsent.consents.models import OPEN_STATES, Consent, ConsentState, Mode
from plugins.econsent.consents.services import new_consent, send_invitation
from plugins.econsent.consents.signing import contact_of
from plugins.econsent.documents import services as documents
from plugins.econsent.documents.changes import changes
from plugins.econsent.documents.models import ConsentVersion
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.settings import econsent_settings
from plugins.subjects.api import SubjectInStudy, SubjectStatus

# Whose participation ended (as ``refuse_if_ended`` says): nobody writes to them again.
ENDED = (SubjectStatus.EXCLUDED, SubjectStatus.WITHDRAWN)


def signed_an_older(version: ConsentVersion) -> list[Consent]:
    """The latest signed consent of each subject to an older version of the document, at
    the centers the version applies to (subjects who withdrew their consent, or whose
    participation ended, are not asked again)."""
    statement = (
        sa.select(Consent)
        .join(ConsentVersion, ConsentVersion.id == Consent.version_id)
        .join(SubjectInStudy, SubjectInStudy.id == Consent.subject_in_study_id)
        .where(
            ConsentVersion.document_id == version.document_id,
            ConsentVersion.number < version.number,
            Consent.status == ConsentState.SIGNED,
            SubjectInStudy.status.notin_(ENDED),
        )
        .order_by(Consent.subject_in_study_id, ConsentVersion.number.desc())
    )
    if version.center_ids:
        statement = statement.where(SubjectInStudy.center_id.in_(version.center_ids))
    latest: dict[int, Consent] = {}
    for consent in db.session.execute(statement).scalars():
        latest.setdefault(consent.subject_in_study_id, consent)
    return list(latest.values())


def _supersede_open(version: ConsentVersion, participation: SubjectInStudy) -> None:
    """An older version still being signed is not signed any more."""
    open_ones = db.session.execute(
        sa.select(Consent)
        .join(ConsentVersion, ConsentVersion.id == Consent.version_id)
        .where(
            Consent.subject_in_study_id == participation.id,
            ConsentVersion.document_id == version.document_id,
            Consent.status.in_(OPEN_STATES),
        )
    ).scalars()
    for consent in open_ones:
        consent.transition_to(ConsentState.SUPERSEDED)


def _still_open_on_older(version: ConsentVersion) -> list[Consent]:
    """The consents to an older version of the document not signed yet, at the centers
    the version applies to (of participations that did not end)."""
    statement = (
        sa.select(Consent)
        .join(ConsentVersion, ConsentVersion.id == Consent.version_id)
        .join(SubjectInStudy, SubjectInStudy.id == Consent.subject_in_study_id)
        .where(
            ConsentVersion.document_id == version.document_id,
            ConsentVersion.number < version.number,
            Consent.status.in_(OPEN_STATES),
            SubjectInStudy.status.notin_(ENDED),
        )
        .order_by(Consent.id)
    )
    if version.center_ids:
        statement = statement.where(SubjectInStudy.center_id.in_(version.center_ids))
    return list(db.session.execute(statement).scalars())


def _ask_anew(version: ConsentVersion, earlier: Consent, reconsent: bool) -> Consent:
    """The version asked of the subject of ``earlier``, sent by email where they have one,
    to be handed out at the site otherwise."""
    contact = contact_of(earlier)
    remote = contact is not None and bool(contact.email)
    consent = new_consent(
        version,
        earlier.participation,
        Mode.REMOTE if remote else Mode.IN_PERSON,
        earlier.language,
        reconsent=reconsent,
    )
    if remote:
        send_invitation(consent, Channel.EMAIL)
    return consent


def publish(version: ConsentVersion) -> dict[str, Any]:
    """The version published; what changed from the one before; whom it went to, of the
    subjects at the centers the caller sees (every center's are asked). A consent to an
    older version not signed yet is superseded by one to this version: nobody signs a
    superseded text."""
    documents.publish(version)
    visible = visible_center_ids()
    asked = []
    for signed in signed_an_older(version):
        participation = signed.participation
        _supersede_open(version, participation)
        consent = _ask_anew(version, signed, reconsent=True)
        if visible is not None and participation.center_id not in visible:
            continue
        asked.append(
            {
                "subject": participation.uuid,
                "study_subject_id": participation.study_subject_id,
                "consent": consent.uuid,
            }
        )
    for unsigned in _still_open_on_older(version):
        unsigned.transition_to(ConsentState.SUPERSEDED)
        _ask_anew(version, unsigned, reconsent=unsigned.reconsent)
    db.session.flush()
    return {
        **changes(documents.latest_before(version), version),
        "version": version,
        "reconsent": asked,
    }


def refuse_held_entry(participation: SubjectInStudy, *, study: Study, **_: Any) -> None:
    """Before an eCRF save writes (``answers_changing``): 409 while the subject has a
    re-consent to sign and the study holds entry until then."""
    if not econsent_settings(study)["hold_until_reconsent"]:
        return
    pending = db.session.execute(
        sa.select(Consent.uuid).where(
            Consent.subject_in_study_id == participation.id,
            Consent.reconsent.is_(True),
            Consent.status.in_(OPEN_STATES),
        )
    ).first()
    if pending is not None:
        raise _held(pending[0])


def _held(consent_uuid: Any) -> DatacaptException:
    return conflict(
        EconsentCodes.CONSENT_RECONSENT_PENDING,
        Message("The subject must sign the new version of their consent first."),
        consent=str(consent_uuid),
    )
