"""The econsent plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl
from plugins.econsent import __version__, demo, permissions, reconsent, records
from plugins.econsent.consents import messages
from plugins.econsent.consents import routes as consent_routes
from plugins.econsent.consents.models import Consent
from plugins.econsent.documents import routes as document_routes
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.models import MODELS
from plugins.econsent.settings import StudySettingsSchema
from plugins.ecrf.api import answers_changing
from plugins.subjects.api import participation_records

# A subject asked to re-consent gets no new eCRF data until they did (where the study
# says so); only in tenants with eConsent enabled, and the eCRF sends it only where it is.
connect_when_enabled(answers_changing, "econsent", reconsent.refuse_held_entry)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="econsent",
        version=__version__,
        title="eConsent",
        description="Versioned consent documents signed in order by subject, representative, witness and investigator; signed records; re-consent.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7310, 7340),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [EconsentCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [document_routes.blp, consent_routes.blp, consent_routes.public_blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_study_settings_schema():
    return StudySettingsSchema


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_file_attachments(file_uuid):
    return records.file_attachments(file_uuid)


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_consent(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's consents: records of the study, kept on erasure."""
    return [
        participation_records(
            "econsent.consents",
            Consent,
            subject_id,
            lambda consent: {
                "status": consent.status,
                "language": consent.language,
                "signed_at": consent.signed_at,
                "ended_at": consent.ended_at,
            },
        )
    ]
