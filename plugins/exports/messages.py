"""What the platform tells the requester of an export: done, or failed and why."""

from __future__ import annotations

from datacapt.toolkit import Channel, MessageTemplate, MessageText

EXPORT_DONE = "exports.done"
EXPORT_FAILED = "exports.failed"

TEMPLATES = [
    MessageTemplate(
        EXPORT_DONE,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your export of {study} is ready",
                body='The {format} export "{definition}" of {study} is ready: {rows} rows in'
                " {files} files. Download it before {expires} (UTC).",
            ),
            "fr": MessageText(
                subject="Votre export de {study} est prêt",
                body="L'export {format} « {definition} » de {study} est prêt : {rows} lignes"
                " dans {files} fichiers. Téléchargez-le avant le {expires} (UTC).",
            ),
        },
    ),
    MessageTemplate(
        EXPORT_FAILED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your export of {study} failed",
                body='The {format} export "{definition}" of {study} failed: {reason}',
            ),
            "fr": MessageText(
                subject="Votre export de {study} a échoué",
                body="L'export {format} « {definition} » de {study} a échoué : {reason}",
            ),
        },
    ),
]
