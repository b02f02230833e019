"""The calendar's messages: an appointment's reminder (email to staff; SMS or email to a
subject) and a subject's confirmation, whose link downloads the appointment's .ics."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import Channel, MessageTemplate, MessageText, derived_secret, frontend_url

REMINDER = "calendar_app.reminder"
CONFIRMATION = "calendar_app.confirmation"


def ics_token(appointment_uuid: uuid.UUID | str) -> str:
    """The secret of the subject's .ics link: made again when needed, never stored."""
    return derived_secret(f"calendar-ics:{appointment_uuid}")


def ics_path(appointment_uuid: uuid.UUID | str) -> str:
    return f"/api/calendar/appointments/{appointment_uuid}/ics/{ics_token(appointment_uuid)}"


def _link(context: Mapping[str, Any]) -> dict[str, str]:
    return {"link": f"{frontend_url()}{ics_path(context['appointment'])}"}


_REMINDER_EMAIL = {
    "en": MessageText(
        subject="Reminder: {title} on {when}",
        body="This is a reminder of {title} on {when} ({center}).",
    ),
    "fr": MessageText(
        subject="Rappel : {title} le {when}",
        body="Ceci est un rappel de {title} le {when} ({center}).",
    ),
}
_REMINDER_SMS = {
    "en": MessageText(body="Reminder: {title} on {when} ({center})."),
    "fr": MessageText(body="Rappel : {title} le {when} ({center})."),
}
_CONFIRMATION_EMAIL = {
    "en": MessageText(
        subject="Your appointment on {when}",
        body="Your appointment {title} on {when} ({center}) is confirmed."
        " Add it to your calendar: {link}",
    ),
    "fr": MessageText(
        subject="Votre rendez-vous du {when}",
        body="Votre rendez-vous {title} le {when} ({center}) est confirmé."
        " Ajoutez-le à votre agenda : {link}",
    ),
}
_CONFIRMATION_SMS = {
    "en": MessageText(body="Your appointment on {when} ({center}) is confirmed: {link}"),
    "fr": MessageText(body="Votre rendez-vous du {when} ({center}) est confirmé : {link}"),
}


def templates() -> list[MessageTemplate]:
    link = frozenset({"link"})
    return [
        MessageTemplate(REMINDER, Channel.EMAIL, _REMINDER_EMAIL),
        MessageTemplate(REMINDER, Channel.SMS, _REMINDER_SMS),
        MessageTemplate(CONFIRMATION, Channel.EMAIL, _CONFIRMATION_EMAIL, link, _link),
        MessageTemplate(CONFIRMATION, Channel.SMS, _CONFIRMATION_SMS, link, _link),
    ]
