"""The recruitment messages to applicants and volunteers: an application received (with
the link to follow it and book a visit), a visit booked, its reminder, a campaign's
invitation. Links carry a secret made again at delivery, never stored."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import Channel, MessageTemplate, MessageText, derived_secret, frontend_url

RECEIVED = "recruitment.application_received"
BOOKED = "recruitment.visit_booked"
REMINDER = "recruitment.visit_reminder"
INVITATION = "recruitment.invitation"


def application_token(application_uuid: uuid.UUID | str) -> str:
    return derived_secret(f"recruitment-application:{application_uuid}")


def invitation_token(invitation_uuid: uuid.UUID | str) -> str:
    return derived_secret(f"recruitment-invitation:{invitation_uuid}")


def _application_link(context: Mapping[str, Any]) -> dict[str, str]:
    token = application_token(context["application"])
    return {"link": f"{frontend_url()}/recruitment/application/{token}"}


def _invitation_link(context: Mapping[str, Any]) -> dict[str, str]:
    token = invitation_token(context["invitation"])
    return {"link": f"{frontend_url()}/recruitment/invitation/{token}"}


_RECEIVED = {
    "en": MessageText(
        subject="Your application: {title}",
        body="We received your application to {title}. Follow it and book your visit: {link}",
    ),
    "fr": MessageText(
        subject="Votre candidature : {title}",
        body="Nous avons reçu votre candidature à {title}. Suivez-la et réservez votre"
        " visite : {link}",
    ),
}
_BOOKED = {
    "en": MessageText(
        subject="Your visit on {when}", body="Your visit for {title} on {when} is booked: {link}"
    ),
    "fr": MessageText(
        subject="Votre visite du {when}",
        body="Votre visite pour {title} le {when} est réservée : {link}",
    ),
}
_REMINDER = {
    "en": MessageText(
        subject="Reminder: your visit on {when}",
        body="This is a reminder of your visit for {title} on {when}: {link}",
    ),
    "fr": MessageText(
        subject="Rappel : votre visite du {when}",
        body="Ceci est un rappel de votre visite pour {title} le {when} : {link}",
    ),
}
_INVITATION_EMAIL = {
    "en": MessageText(
        subject="A study for you: {title}",
        body="You may take part in {title}. Read about it and apply: {link}",
    ),
    "fr": MessageText(
        subject="Une étude pour vous : {title}",
        body="Vous pouvez participer à {title}. Découvrez-la et candidatez : {link}",
    ),
}
_INVITATION_SMS = {
    "en": MessageText(body="You may take part in {title}: {link}"),
    "fr": MessageText(body="Vous pouvez participer à {title} : {link}"),
}


def templates() -> list[MessageTemplate]:
    link = frozenset({"link"})
    return [
        MessageTemplate(RECEIVED, Channel.EMAIL, _RECEIVED, link, _application_link),
        MessageTemplate(BOOKED, Channel.EMAIL, _BOOKED, link, _application_link),
        MessageTemplate(REMINDER, Channel.EMAIL, _REMINDER, link, _application_link),
        MessageTemplate(INVITATION, Channel.EMAIL, _INVITATION_EMAIL, link, _invitation_link),
        MessageTemplate(INVITATION, Channel.SMS, _INVITATION_SMS, link, _invitation_link),
    ]
