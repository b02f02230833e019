"""The payments plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import PluginManifest, connect_when_enabled, hookimpl
from plugins.ecrf.api import answers_changed
from plugins.payments import __version__, demo, jobs, permissions, receivers, subject_records
from plugins.payments.batches import files
from plugins.payments.batches import routes as batch_routes
from plugins.payments.errors import PaymentCodes
from plugins.payments.finance import routes as finance_routes
from plugins.payments.models import MODELS
from plugins.payments.orders.models import PaymentOrder
from plugins.payments.overview import routes as overview_routes
from plugins.payments.payees import routes as payee_routes
from plugins.payments.plans import routes as plan_routes
from plugins.payments.settings import StudySettingsSchema
from plugins.payments.tenant_settings import TenantSettingsSchema
from plugins.payments.visits import routes as visit_routes
from plugins.subjects.api import participation_changed, participation_records

# Orders are placed by what happened, in the transaction of the change: a visit done or
# undone (a subject's answers), a participation completed, withdrawn or reopened.
connect_when_enabled(answers_changed, "payments", receivers.on_answers_changed)
connect_when_enabled(participation_changed, "payments", receivers.on_participation_changed)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="payments",
        version=__version__,
        title="Payments",
        description="Compensation of participants per visit or per study: plans, orders,"
        " finance validation, SEPA credit transfer and CSV files, bank reports.",
        requires=("subjects", "ecrf"),
        core_version=">=0.1",
        error_codes=range(7220, 7260),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [PaymentCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [
        plan_routes.blp,
        overview_routes.blp,
        payee_routes.blp,
        visit_routes.blp,
        finance_routes.blp,
        batch_routes.blp,
    ]


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
def datacapt_tenant_settings_schema():
    return TenantSettingsSchema


@hookimpl
def datacapt_file_attachments(file_uuid):
    return files.file_attachments(file_uuid)


@hookimpl
def datacapt_jobs():
    return [jobs.export_batch]


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_payments(study)


@hookimpl
def datacapt_subject_records(subject_id):
    """The subject's bank details (personal data) and payment orders (kept for accounting)."""
    return [
        *subject_records.payee_records(subject_id),
        participation_records(
            "payments.orders",
            PaymentOrder,
            subject_id,
            lambda order: {"kind": order.kind, "status": order.status, "amount": order.amount},
        ),
    ]


@hookimpl
def datacapt_erase_subject(subject_id):
    subject_records.erase_payee(subject_id)
