"""Signatures in the version's order, each with its manifestation; the last one makes the
signed record, tells the subjects module and sends the subject their copy."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    Message,
    Recipient,
    RecipientKind,
    conflict,
    db,
    notify,
    utcnow,
)
from plugins.econsent.consents import messages
from plugins.econsent.consents.models import OPEN_STATES, Consent, ConsentSignature, ConsentState
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.records import make_record
from plugins.subjects.api import ConsentStatus, SubjectPersonalData, record_consent_status


def refuse_not_open(consent: Consent) -> None:
    if consent.status not in OPEN_STATES:
        raise conflict(
            EconsentCodes.CONSENT_NOT_OPEN,
            Message("This consent is no longer open to signing."),
            status=consent.status,
        )


def refuse_out_of_turn(consent: Consent, role: str) -> None:
    """409 unless the consent is open and ``role`` signs now."""
    refuse_not_open(consent)
    due = consent.next_role()
    if role != due:
        raise conflict(
            EconsentCodes.CONSENT_SIGNER_OUT_OF_ORDER,
            Message("It is not this signer's turn: {role} signs first.", role=due or "-"),
            expected=due,
        )


def lock(consent: Consent) -> None:
    db.session.execute(sa.select(Consent.id).where(Consent.id == consent.id).with_for_update())
    db.session.refresh(consent)


def contact_of(consent: Consent) -> SubjectPersonalData | None:
    return db.session.execute(
        sa.select(SubjectPersonalData).where(
            SubjectPersonalData.subject_id == consent.participation.subject_id
        )
    ).scalar_one_or_none()


def add_signature(
    consent: Consent, role: str, printed_name: str, signer_id: int | None = None
) -> ConsentSignature:
    """The signature of ``role``, refused (409) unless it is the one due now. The consent's
    row is locked first: two signers at once sign one after the other."""
    lock(consent)
    refuse_out_of_turn(consent, role)
    roles = [signer["role"] for signer in consent.presented["signers"]]
    signature = ConsentSignature(
        study_id=consent.study_id,
        consent=consent,
        position=roles.index(role),
        role=role,
        printed_name=printed_name,
        statement=consent.presented["signers"][roles.index(role)]["statement"],
        signed_at=utcnow(),
        signer_id=signer_id,
    )
    db.session.add(signature)
    db.session.flush()
    if consent.next_role() is None:
        _finish(consent)
    elif consent.status == ConsentState.ASKED:
        consent.transition_to(ConsentState.SIGNING)
    db.session.flush()
    return signature


def _finish(consent: Consent) -> None:
    consent.transition_to(ConsentState.SIGNED)
    consent.signed_at = utcnow()
    db.session.flush()
    make_record(consent)
    record_consent_status(consent.participation, ConsentStatus.GIVEN)
    contact = contact_of(consent)
    if contact is not None and contact.email:
        notify(
            messages.COPY,
            Channel.EMAIL,
            Recipient(
                RecipientKind.SUBJECT, consent.participation.uuid, contact.email, consent.language
            ),
            {"document": consent.presented["title"], "consent": str(consent.uuid)},
            study_id=consent.study_id,
            center_id=consent.participation.center_id,
        )
