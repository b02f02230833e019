"""The demo study's consent form: the information sheet with a comprehension question and
an optional part (storing samples for future research), in English and French, published, for the subject to sign and the investigator to
countersign."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db, utcnow
from plugins.econsent.documents.models import ConsentDocument, VersionStatus
from plugins.econsent.documents.schemas import ConsentDocumentWriteSchema
from plugins.econsent.documents.services import create_document

DEMO_DOCUMENT = {
    "code": "ICF",
    "title": {"en": "Informed consent form", "fr": "Formulaire de consentement éclairé"},
    "version": {
        "languages": ["en", "fr"],
        "ethics_reference": "CPP-DEMO-2026-01",
        "ethics_date": "2026-01-15",
        "blocks": [
            {
                "kind": "static",
                "content": {
                    "en": "You are invited to take part in the study. Taking part is"
                    " voluntary: you may stop at any time without giving a reason, and"
                    " your care will not change.",
                    "fr": "Vous êtes invité(e) à participer à l'étude. Votre participation"
                    " est volontaire : vous pouvez arrêter à tout moment sans vous"
                    " justifier, et vos soins ne changeront pas.",
                },
            },
            {
                "kind": "question",
                "code": "may_stop",
                "type": "yes_no",
                "label": {
                    "en": "May you stop taking part at any time?",
                    "fr": "Pouvez-vous arrêter de participer à tout moment ?",
                },
                "required": True,
            },
            {
                "kind": "question",
                "code": "sample_storage",
                "type": "yes_no",
                "label": {
                    "en": "I agree that my samples are kept for future research.",
                    "fr": "J'accepte que mes échantillons soient conservés pour des"
                    " recherches futures.",
                },
            },
        ],
        "correct_answers": {"may_stop": True},
        "optional_parts": ["sample_storage"],
        "signers": [
            {
                "role": "subject",
                "statement": {
                    "en": "I have read the information and agree to take part.",
                    "fr": "J'ai lu l'information et j'accepte de participer.",
                },
            },
            {
                "role": "investigator",
                "statement": {
                    "en": "I explained the study and answered the subject's questions.",
                    "fr": "J'ai expliqué l'étude et répondu aux questions du participant.",
                },
            },
        ],
    },
}


def add_demo_consent(study: Study) -> None:
    """The consent form, published, unless the study has consent documents already."""
    if db.session.execute(
        sa.select(ConsentDocument.id).where(ConsentDocument.study_id == study.id).limit(1)
    ).first():
        return
    document = create_document(study, ConsentDocumentWriteSchema().load(DEMO_DOCUMENT))
    (version,) = document.versions
    version.transition_to(VersionStatus.PUBLISHED)
    version.published_at = utcnow()
    db.session.flush()
