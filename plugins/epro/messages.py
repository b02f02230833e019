"""What subjects receive: invitations and reminders, by email and SMS, in each language
they are written in, with the link to their occurrence (filled in at delivery: its token
is never stored)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import (
    Channel,
    MessageTemplate,
    MessageText,
    current_tenant,
    derived_secret,
    frontend_url,
)

INVITATION = "epro.invitation"
REMINDER = "epro.reminder"
_LINK = frozenset({"link"})


def link_token(occurrence_uuid: uuid.UUID | str) -> str:
    """The subject's token for an occurrence: derived from the secret key, so each message
    can carry it while only its hash is stored (a new SECRET_KEY ends every link)."""
    return derived_secret(f"epro-link:{current_tenant().schema_name}:{occurrence_uuid}")


def subject_link(frontend: str, token: str) -> str:
    """The page of the frontend where a subject answers (it sends the token as Qr-Code)."""
    return f"{frontend}/epro/{token}"


def _link(context: Mapping[str, Any]) -> dict[str, str]:
    """The subject's link for the occurrence the message is about."""
    return {"link": subject_link(frontend_url(), link_token(context["occurrence"]))}


def _email(key: str, texts: dict[str, MessageText]) -> MessageTemplate:
    return MessageTemplate(key, Channel.EMAIL, texts, secret_params=_LINK, secrets=_link)


def _sms(key: str, texts: dict[str, str]) -> MessageTemplate:
    return MessageTemplate(
        key,
        Channel.SMS,
        {language: MessageText(body) for language, body in texts.items()},
        secret_params=_LINK,
        secrets=_link,
    )


TEMPLATES = [
    _email(
        INVITATION,
        {
            "en": MessageText(
                subject="Your questionnaire: {questionnaire}",
                body='Hello,\n\nYour questionnaire "{questionnaire}" is ready. Please fill it in'
                " before {closes}:\n\n{link}\n\nThis link is personal: do not share it.",
            ),
            "fr": MessageText(
                subject="Votre questionnaire : {questionnaire}",
                body="Bonjour,\n\nVotre questionnaire « {questionnaire} » est prêt. Merci de le"
                " remplir avant le {closes} :\n\n{link}\n\nCe lien est personnel : ne le"
                " partagez pas.",
            ),
        },
    ),
    _email(
        REMINDER,
        {
            "en": MessageText(
                subject="Reminder: your questionnaire {questionnaire}",
                body='Hello,\n\nYour questionnaire "{questionnaire}" is still waiting for you.'
                " Please fill it in before {closes}:\n\n{link}\n\nThis link is personal: do"
                " not share it.",
            ),
            "fr": MessageText(
                subject="Rappel : votre questionnaire {questionnaire}",
                body="Bonjour,\n\nVotre questionnaire « {questionnaire} » vous attend toujours."
                " Merci de le remplir avant le {closes} :\n\n{link}\n\nCe lien est personnel :"
                " ne le partagez pas.",
            ),
        },
    ),
    _sms(
        INVITATION,
        {
            "en": 'Your questionnaire "{questionnaire}" is ready, until {closes}: {link}',
            "fr": "Votre questionnaire « {questionnaire} » est prêt, jusqu'au {closes} : {link}",
        },
    ),
    _sms(
        REMINDER,
        {
            "en": 'Reminder: your questionnaire "{questionnaire}" is waiting, until {closes}:'
            " {link}",
            "fr": "Rappel : votre questionnaire « {questionnaire} » vous attend, jusqu'au"
            " {closes} : {link}",
        },
    ),
]

#: The template of each kind of message about an occurrence.
TEMPLATE_OF_KIND = {"invitation": INVITATION, "reminder": REMINDER}
