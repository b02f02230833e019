"""Staff's side of a consent: asking a subject (a link sent, or handed out at the site for
a QR code), attesting their identity, the witness's and the investigator's signatures
(password confirmed), a decline or withdrawal recorded. Services flush, the request
commits."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    FormLanguages,
    Message,
    Recipient,
    RecipientKind,
    Study,
    acting_user,
    confirm_password,
    conflict,
    db,
    digest,
    get_in_study,
    invalid,
    lock_document,
    notify,
    pick_language,
    record_event,
    study_query,
    utcnow,
)
from plugins.econsent.consents import messages
from plugins.econsent.consents.models import (
    OPEN_STATES,
    Consent,
    ConsentState,
    IdentityCheck,
    Mode,
)
from plugins.econsent.consents.signing import (
    add_signature,
    contact_of,
    refuse_not_open,
    refuse_out_of_turn,
)
from plugins.econsent.documents.models import (
    ConsentDocument,
    ConsentVersion,
    SignerRole,
    VersionStatus,
)
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.settings import econsent_settings
from plugins.subjects.api import (
    ConsentStatus,
    SubjectInStudy,
    SubjectPersonalData,
    record_consent_status,
    refuse_if_ended,
)

PURPOSE = "informed consent signature"
ADDRESS_FIELD: dict[str, str] = {Channel.EMAIL: "email", Channel.SMS: "phone"}


def list_consents(participation: SubjectInStudy) -> sa.Select:
    return (
        sa.select(Consent)
        .where(Consent.subject_in_study_id == participation.id)
        .order_by(Consent.id)
    )


def consents_of_study(study: Study) -> sa.Select:
    return study_query(Consent, study).order_by(Consent.id)


def get_consent(study: Study, consent_uuid: Any) -> Consent:
    return get_in_study(Consent, consent_uuid, Message("No such consent."), study=study)


def applicable_version(document: ConsentDocument, center_id: int) -> ConsentVersion:
    """The document's published version for the center, or 409."""
    for version in document.versions:
        applies = not version.center_ids or center_id in version.center_ids
        if version.status == VersionStatus.PUBLISHED and applies:
            return version
    raise conflict(
        EconsentCodes.CONSENT_NO_VERSION_APPLIES,
        Message("No published version of the document applies to the subject's center."),
    )


def presented(version: ConsentVersion, language: str) -> dict[str, Any]:
    """What the subject is shown, kept as it is for the record."""
    title = version.document.title
    return {
        "document": version.document.code,
        "title": title.get(language) or next(iter(title.values())),
        "version": version.number,
        "language": language,
        "ethics_reference": version.ethics_reference,
        "ethics_date": version.ethics_date.isoformat() if version.ethics_date else None,
        "blocks": version.blocks,
        "optional_parts": version.optional_parts,
        "signers": [
            {"role": signer["role"], "statement": signer["statement"][language]}
            for signer in version.signers
        ],
    }


def open_consent(participation: SubjectInStudy, document: ConsentDocument) -> Consent | None:
    return db.session.execute(
        sa.select(Consent)
        .join(ConsentVersion, ConsentVersion.id == Consent.version_id)
        .where(
            Consent.subject_in_study_id == participation.id,
            ConsentVersion.document_id == document.id,
            Consent.status.in_(OPEN_STATES),
        )
    ).scalar_one_or_none()


def new_consent(
    version: ConsentVersion,
    participation: SubjectInStudy,
    mode: str,
    language: str | None = None,
    reconsent: bool = False,
) -> Consent:
    """A consent asked of the subject for the version, in their language if it has it."""
    contact = db.session.execute(
        sa.select(SubjectPersonalData.language).where(
            SubjectPersonalData.subject_id == participation.subject_id
        )
    ).scalar_one_or_none()
    languages = FormLanguages(version.languages[0], tuple(version.languages))
    chosen = pick_language(languages, [language or contact])
    public_id = uuid.uuid4()
    consent = Consent(
        uuid=public_id,
        study_id=version.study_id,
        version=version,
        version_id=version.id,
        participation=participation,
        subject_in_study_id=participation.id,
        mode=mode,
        language=chosen,
        reconsent=reconsent,
        presented=presented(version, chosen),
        answers={},
        optional_choices={},
        token_hash=digest(messages.link_token(public_id)),
    )
    db.session.add(consent)
    db.session.flush()
    record_consent_status(participation, ConsentStatus.PENDING)
    return consent


def send_invitation(consent: Consent, channel: str) -> None:
    """The link to the consent, to the subject's address for the channel (422 without)."""
    contact = contact_of(consent)
    address = getattr(contact, ADDRESS_FIELD[channel], None) if contact else None
    if not address:
        raise invalid(
            EconsentCodes.CONSENT_NO_CONTACT,
            Message("The subject has no address for this channel."),
            field="channel",
        )
    notify(
        messages.INVITATION,
        Channel(channel),
        Recipient(RecipientKind.SUBJECT, consent.participation.uuid, address, consent.language),
        {"document": consent.presented["title"], "consent": str(consent.uuid)},
        study_id=consent.study_id,
        center_id=consent.participation.center_id,
    )


def ask(
    participation: SubjectInStudy, document: ConsentDocument, data: Mapping[str, Any]
) -> Consent:
    """Consent asked of the subject for the document's version at their center: sent by
    ``data["channel"]`` (remote), or to be handed out at the site (in person)."""
    refuse_if_ended(participation)
    lock_document("econsent_subject", str(participation.uuid))
    if open_consent(participation, document) is not None:
        raise conflict(
            EconsentCodes.CONSENT_ALREADY_ASKED,
            Message("The subject has this document to sign already."),
        )
    version = applicable_version(document, participation.center_id)
    consent = new_consent(version, participation, data["mode"], data.get("language"))
    if data["mode"] == Mode.REMOTE:
        send_invitation(consent, data["channel"])
    db.session.flush()
    return consent


def hand_out_link(consent: Consent) -> dict[str, Any]:
    """The subject's link, for the QR code staff show at the site: whoever hands it out
    saw the subject, unless the study asks for a separate attestation. Audited."""
    refuse_not_open(consent)
    if consent.mode != Mode.IN_PERSON:
        raise conflict(
            EconsentCodes.CONSENT_NOT_OPEN,
            Message("This consent is signed remotely: its link went to the subject."),
            status=consent.status,
        )
    if not econsent_settings_of(consent)["staff_attestation"] and consent.identity_check is None:
        _identity(consent, IdentityCheck.IN_PERSON)
    record_event("link_handed_out", consent)
    token = messages.link_token(consent.uuid)
    db.session.flush()
    return {"link": messages.subject_link(token), "token": token}


def econsent_settings_of(consent: Consent) -> dict[str, Any]:
    return econsent_settings(db.session.get(Study, consent.study_id))  # type: ignore[arg-type]


def _identity(consent: Consent, check: IdentityCheck, by: int | None = None) -> None:
    consent.identity_check, consent.identity_checked_at = check, utcnow()
    consent.identity_checked_by_id = by if by is not None else acting_user().id


def attest(consent: Consent, password: str) -> Consent:
    """A staff member attests, with their password, the identity of the subject in front
    of them."""
    refuse_not_open(consent)
    user = acting_user()
    confirm_password(user, password, "informed consent identity attestation")
    _identity(consent, IdentityCheck.STAFF_ATTESTATION, user.id)
    db.session.flush()
    return consent


def sign_as_staff(consent: Consent, role: SignerRole, password: str) -> Consent:
    """The witness's or the investigator's signature, in its turn, password confirmed."""
    refuse_out_of_turn(consent, role)  # before the password: a refusal costs no attempt
    user = acting_user()
    if any(signature.signer_id == user.id for signature in consent.signatures):
        # An impartial witness is not the investigator who countersigns.
        raise conflict(
            EconsentCodes.CONSENT_SIGNER_ALREADY_SIGNED,
            Message("You signed this consent already: another person signs as {role}.", role=role),
        )
    confirm_password(user, password, PURPOSE)
    add_signature(consent, role, user.display_name, user.id)
    return consent


def decline(consent: Consent, reason: str | None) -> Consent:
    """The subject does not consent: nothing more is signed; the subjects module sees it."""
    refuse_not_open(consent)
    consent.transition_to(ConsentState.DECLINED)
    consent.ended_at, consent.end_reason = utcnow(), reason
    record_consent_status(consent.participation, ConsentStatus.DECLINED)
    db.session.flush()
    return consent


def withdraw(consent: Consent, data: Mapping[str, Any]) -> Consent:
    """The subject withdraws a signed consent: all of it, or only optional parts of it
    (which then read as refused). Both are kept on the consent, the former is seen by the
    subjects module."""
    if consent.status != ConsentState.SIGNED:
        raise conflict(
            EconsentCodes.CONSENT_NOT_OPEN,
            Message("Only a signed consent is withdrawn."),
            status=consent.status,
        )
    now = utcnow()
    if data["covers"] == "consent":
        consent.transition_to(ConsentState.WITHDRAWN)
        consent.ended_at, consent.end_reason = now, data["reason"]
        record_consent_status(consent.participation, ConsentStatus.WITHDRAWN)
        withdrawal = {"covers": "consent"}
    else:
        unknown = [p for p in data["parts"] if p not in consent.presented["optional_parts"]]
        if unknown or not data["parts"]:
            raise invalid(
                EconsentCodes.CONSENT_ANSWERS_REFUSED,
                Message("Name optional parts of this document."),
                field="parts",
            )
        consent.optional_choices = {
            **consent.optional_choices,
            **dict.fromkeys(data["parts"], False),
        }
        withdrawal = {"covers": "optional_parts", "parts": data["parts"]}
    consent.withdrawal = {**withdrawal, "at": now.isoformat(), "reason": data["reason"]}
    db.session.flush()
    return consent
