"""The reports plugin's email: the study's casebooks printed, to whoever asked."""

from __future__ import annotations

from datacapt.toolkit import Channel, MessageTemplate, MessageText

CASEBOOKS_PRINTED = "reports.casebooks_printed"

TEMPLATES = [
    MessageTemplate(
        CASEBOOKS_PRINTED,
        Channel.EMAIL,
        {
            "en": MessageText(
                subject="The casebooks of {study} are printed",
                body="Hello,\n\nThe casebooks you asked for in study {study} are printed:"
                " {printed} subjects in {name} (SHA-256 {sha256}). Download them from the"
                " study's reports.",
            ),
            "fr": MessageText(
                subject="Les cahiers d'observation de {study} sont imprimés",
                body="Bonjour,\n\nLes cahiers d'observation demandés dans l'étude {study} sont"
                " imprimés : {printed} sujets dans {name} (SHA-256 {sha256}). Téléchargez-les"
                " depuis les rapports de l'étude.",
            ),
        },
    )
]
