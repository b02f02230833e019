"""What people are told of new chat messages, in their language: never the messages
themselves, only that there are some and where to read them (the subject's link is
filled in at delivery: its token is never stored)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import Channel, MessageTemplate, MessageText
from plugins.chat.links import link_token, subject_link

TO_STAFF = "chat.unread_staff"
TO_SUBJECT = "chat.unread_subject"


def _subject_link(context: Mapping[str, Any]) -> dict[str, str]:
    return {"link": subject_link(link_token(context["subject"], context["generation"]))}


TEMPLATES = [
    MessageTemplate(
        TO_STAFF,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="New messages in {study}",
                body='Hello,\n\nThere are new messages for you in the thread "{title}" of'
                " the study {study}:\n\n{link}\n\nYou will not be told again of this thread"
                " until you have read it.",
            ),
            "fr": MessageText(
                subject="Nouveaux messages dans {study}",
                body="Bonjour,\n\nVous avez de nouveaux messages dans la conversation"
                " « {title} » de l'étude {study} :\n\n{link}\n\nVous ne serez plus prévenu"
                " pour cette conversation avant de l'avoir lue.",
            ),
        },
    ),
    MessageTemplate(
        TO_SUBJECT,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your study team wrote to you",
                body="Hello,\n\nYour study team sent you a message. Read it and answer"
                " here:\n\n{link}\n\nThis link is personal: do not share it.",
            ),
            "fr": MessageText(
                subject="Votre équipe d'étude vous a écrit",
                body="Bonjour,\n\nVotre équipe d'étude vous a envoyé un message. Lisez-le et"
                " répondez ici :\n\n{link}\n\nCe lien est personnel : ne le partagez pas.",
            ),
        },
        secret_params=frozenset({"link"}),
        secrets=_subject_link,
    ),
]
