"""Hello messages: the templates of what it sends, in each language it is written in."""

from __future__ import annotations

from datacapt.toolkit import Channel, MessageTemplate, MessageText

GREETING = "hello.greeting"

TEMPLATES = [
    MessageTemplate(
        GREETING,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Welcome to the study {study}",
                body="Hello {name},\n\nWelcome to the study {study}.",
            ),
            "fr": MessageText(
                subject="Bienvenue dans l'étude {study}",
                body="Bonjour {name},\n\nBienvenue dans l'étude {study}.",
            ),
        },
    )
]
