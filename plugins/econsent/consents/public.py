"""A subject's access to one consent from the token of their link (sent to them, or shown
as a QR code at the site), in the ``Consent-Token`` header, without a staff login: read,
prove who they are by a one-time code, sign (with a representative after them where the
version asks), decline, and download their copy once everyone signed. Links that open
nothing count against the client's address."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import g

from datacapt.toolkit import (
    Actor,
    Channel,
    DatacaptException,
    ErrorCode,
    Message,
    Recipient,
    RecipientKind,
    Study,
    acting_as,
    block_questions,
    clean_answers,
    client_address,
    conflict,
    db,
    digest,
    enforce_limit,
    evaluate_form,
    invalid,
    keep_on_error,
    notify,
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
from plugins.econsent.consents.services import ADDRESS_FIELD, decline, econsent_settings_of
from plugins.econsent.consents.signing import add_signature, contact_of, refuse_not_open
from plugins.econsent.documents.models import SignerRole
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.records import checked_content

TOKEN_HEADER = "Consent-Token"
#: Wrong codes before a code stops working (a new one must be asked for).
MAX_CODE_ATTEMPTS = 5


def consent_for_token(token: str | None, *, signed_too: bool = False) -> Consent:
    """The consent the token opens (its row locked), while open (or signed, for the
    copy); else 401, counted per client address, or 410."""
    consent = (
        db.session.execute(
            sa.select(Consent)
            .where(Consent.token_hash == digest(token))
            .with_for_update(of=Consent)
        ).scalar_one_or_none()
        if token
        else None
    )
    if consent is None:
        enforce_limit(
            "epro-token",
            "econsent",
            client_address(),
            internal=EconsentCodes.CONSENT_TOO_MANY_ATTEMPTS,
            message=Message("Too many links that open nothing: try again later."),
        )
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            EconsentCodes.CONSENT_LINK_INVALID,
            Message("This consent link is not valid."),
        )
    allowed = OPEN_STATES | ({ConsentState.SIGNED} if signed_too else set())
    if consent.status not in allowed:
        raise DatacaptException(
            ErrorCode.GONE,
            EconsentCodes.CONSENT_LINK_CLOSED,
            Message("This consent is closed."),
            details={"status": consent.status},
        )
    g.study = db.session.get(Study, consent.study_id)  # what they do is audited there
    return consent


@contextmanager
def _as_subject(consent: Consent) -> Iterator[None]:
    participation = consent.participation
    with acting_as(Actor("subject", str(participation.uuid), participation.study_subject_id)):
        yield


def _identity_needed(consent: Consent) -> bool:
    if consent.identity_check is not None:
        return False
    return consent.mode == Mode.REMOTE or bool(econsent_settings_of(consent)["staff_attestation"])


def view(consent: Consent) -> dict[str, Any]:
    return {
        "consent": consent.uuid,
        "status": consent.status,
        "presented": consent.presented,
        "answers": consent.answers,
        "next_signer": consent.next_role(),
        "identity_needed": _identity_needed(consent),
        "signatures": consent.signatures,
    }


def read(token: str | None) -> dict[str, Any]:
    return view(consent_for_token(token))


def send_code(token: str | None, channel: str) -> dict[str, Any]:
    """A new one-time code to the subject's contact (rate-limited per consent); the one
    before stops working."""
    consent = consent_for_token(token)
    enforce_limit(
        "password-reset",
        "econsent-code",
        str(consent.uuid),
        internal=EconsentCodes.CONSENT_TOO_MANY_ATTEMPTS,
        message=Message("Too many codes asked for: try again later."),
    )
    contact = contact_of(consent)
    address = getattr(contact, ADDRESS_FIELD[channel], None) if contact else None
    if not address:
        raise invalid(
            EconsentCodes.CONSENT_NO_CONTACT,
            Message("No address of yours is known for this channel."),
            field="channel",
        )
    minutes = econsent_settings_of(consent)["code_minutes"]
    nonce = secrets.token_hex(16)
    with _as_subject(consent):
        consent.code_nonce = nonce
        consent.code_hash = messages.code_digest(
            consent.uuid, nonce, messages.one_time_code(consent.uuid, nonce)
        )
        consent.code_expires_at = utcnow() + dt.timedelta(minutes=minutes)
        consent.code_attempts = 0
        notify(
            messages.CODE,
            Channel(channel),
            Recipient(RecipientKind.SUBJECT, consent.participation.uuid, address, consent.language),
            {"consent": str(consent.uuid), "nonce": nonce, "minutes": minutes},
            study_id=consent.study_id,
            center_id=consent.participation.center_id,
        )
        db.session.flush()
    return {"expires_at": consent.code_expires_at}


def _code_refused(consent: Consent, message: Message, **details: Any) -> DatacaptException:
    keep_on_error()  # the attempt counts although the check is refused
    return invalid(EconsentCodes.CONSENT_CODE_INVALID, message, field="code", **details)


def verify_code(token: str | None, code: str) -> dict[str, Any]:
    """The subject's identity checked by the code sent: wrong codes are counted, and after
    ``MAX_CODE_ATTEMPTS`` or once expired the code stops working."""
    consent = consent_for_token(token)
    enforce_limit(
        "auth",
        "econsent-verify",
        str(consent.uuid),
        internal=EconsentCodes.CONSENT_TOO_MANY_ATTEMPTS,
        message=Message("Too many codes tried: try again later."),
    )
    with _as_subject(consent):
        if consent.code_hash is None or consent.code_nonce is None:
            raise _code_refused(consent, Message("Ask for a code first."), reason="none")
        if consent.code_expires_at is None or consent.code_expires_at <= utcnow():
            consent.code_hash = None
            raise _code_refused(
                consent, Message("The code expired: ask for a new one."), reason="expired"
            )
        if messages.code_digest(consent.uuid, consent.code_nonce, code) != consent.code_hash:
            consent.code_attempts += 1
            if consent.code_attempts >= MAX_CODE_ATTEMPTS:
                consent.code_hash = None
            raise _code_refused(
                consent,
                Message("The code is wrong."),
                reason="wrong",
                attempts_left=max(0, MAX_CODE_ATTEMPTS - consent.code_attempts),
            )
        consent.code_hash = consent.code_nonce = None
        consent.identity_check, consent.identity_checked_at = IdentityCheck.ONE_TIME_CODE, utcnow()
        db.session.flush()
    return view(consent)


def _checked_answers(consent: Consent, given: Mapping[str, Any]) -> dict[str, Any]:
    """The subject's answers cleaned and complete, comprehension answered right; else 422
    with each refused answer under its code."""
    questions = block_questions(consent.presented["blocks"])
    by_code = {question.code: question for question in questions}
    cleaned = clean_answers(by_code, given, Message("Not a question of this document."))
    state = evaluate_form(questions, cleaned)
    correct = consent.version.correct_answers
    errors: dict[str, list[Message]] = {}
    for question in questions:
        value = state.answers.get(question.code)
        visible = question.code in state.visible
        if visible and question.required and value in (None, "", []):
            errors[question.code] = [Message("An answer is required.")]
        elif visible and question.code in correct and value != correct[question.code]:
            errors[question.code] = [Message("This answer is not right: read the text again.")]
    if errors:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            EconsentCodes.CONSENT_ANSWERS_REFUSED,
            Message("Some answers are missing or not right."),
            fields=errors,
        )
    return state.answers


def _refuse_unverified(consent: Consent) -> None:
    """Signing or declining is the subject's decision: whoever holds the link is not the
    subject until the identity check says so."""
    if _identity_needed(consent):
        raise conflict(
            EconsentCodes.CONSENT_IDENTITY_NOT_VERIFIED,
            Message("Your identity is not checked yet."),
        )


def sign(token: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The subject's signature (with their answers), or after it the representative's."""
    consent = consent_for_token(token)
    refuse_not_open(consent)
    _refuse_unverified(consent)
    role = data["role"]
    if role not in (SignerRole.SUBJECT, SignerRole.REPRESENTATIVE):
        raise invalid(
            EconsentCodes.CONSENT_SIGNER_OUT_OF_ORDER,
            Message("Staff sign from their own session."),
            field="role",
        )
    with _as_subject(consent):
        if role == SignerRole.SUBJECT and consent.next_role() == SignerRole.SUBJECT:
            answers = _checked_answers(consent, data.get("answers") or {})
            consent.answers = answers
            consent.optional_choices = {
                code: answers.get(code) is True for code in consent.presented["optional_parts"]
            }
        add_signature(consent, role, data["printed_name"])
    return view(consent)


def decline_by_subject(token: str | None, reason: str | None) -> dict[str, Any]:
    consent = consent_for_token(token)
    _refuse_unverified(consent)
    with _as_subject(consent):
        decline(consent, reason)
    return view(consent)


def copy(token: str | None) -> tuple[bytes, Consent]:
    """The subject's copy of the signed record (checked against its hash)."""
    consent = consent_for_token(token, signed_too=True)
    with _as_subject(consent):
        return checked_content(consent), consent
