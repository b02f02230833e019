"""What a signer receives: the end of a signing that a job did."""

from __future__ import annotations

from datacapt.toolkit import Channel, MessageTemplate, MessageText

SIGNING_DONE = "monitoring.signing_done"

TEMPLATES = [
    MessageTemplate(
        SIGNING_DONE,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="Your signatures in {study} are done",
                body="Hello,\n\nThe records you signed in study {study} are signed: {signed}"
                " signed. {skipped} changed after you asked and were not signed; the"
                " signing lists them, to read and sign again.",
            ),
            "fr": MessageText(
                subject="Vos signatures dans {study} sont faites",
                body="Bonjour,\n\nLes dossiers que vous avez signés dans l'étude {study} le"
                " sont : {signed} signés. {skipped} ont changé après votre demande et n'ont"
                " pas été signés ; la signature les liste, pour les relire et les signer à"
                " nouveau.",
            ),
        },
    )
]
