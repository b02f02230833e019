"""The plugin toolkit: the stable surface of the core that plugins build on.

A plugin (built-in or third-party) imports the core only from here, and another plugin
only from that plugin's ``api`` module; its tests may also use ``datacapt.testing``.
Everything else in ``datacapt`` is internal and may change in any version.

Stable means: a name listed in ``__all__`` keeps its meaning and its call signature (new
optional arguments may appear). Names are added freely; one is removed or changed only
after a release in which it still works, warns that it is deprecated and is noted so in
docs/plugins.md. What is imported from elsewhere in ``datacapt`` has no such promise.

This module is the outermost layer: it imports the core, and nothing in the core imports
it. docs/plugins.md ("The toolkit") says what each group below is for.
"""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.documents import (
    ETAG_HEADER,
    document_etag,
    lock_document,
    require_current,
)
from datacapt.api.etags import check_if_match, read_if_match
from datacapt.api.headers import IF_MATCH, LANGUAGE, REASON_FOR_CHANGE, STUDY_UUID, Header
from datacapt.api.inputs import MAX_JSON_DEPTH, has_refused_characters, json_depth, json_strings
from datacapt.api.limits import RATE_LIMITED, client_address
from datacapt.api.limits import enforce as enforce_limit
from datacapt.api.pagination import paginate
from datacapt.api.schemas import ReasonForChangeSchema
from datacapt.api.search import contains_text
from datacapt.api.views import ApiView
from datacapt.audit.models import AuditRecord
from datacapt.audit.recorder import (
    Actor,
    AuditContext,
    Audited,
    AuditedWriteMismatch,
    ReasonPolicy,
    RowChange,
    SensitiveFields,
    acting_as,
    current_reason,
    flush_cached,
    reason_for_change,
    reason_required,
    record_event,
    request_study,
    write_audited,
)
from datacapt.blinding import BlindedValue, Blinding, may_see
from datacapt.blinding.schemas import BlindingSchema, blinded
from datacapt.console import echo_json, json_option, progress
from datacapt.database import (
    BaseModel,
    SoftDeleteMixin,
    StatusTransitionMixin,
    TenantModel,
    TrackingMixin,
    after_commit,
    after_rollback,
    db,
    get_by_uuid,
    keep_on_error,
    one_or_404,
    separate_unit,
    transaction_cached,
    utcnow,
)
from datacapt.database.rows import encode_rows, json_rows, rows_parameter
from datacapt.documents import RenderedDocument, render_document, render_html, render_pdf
from datacapt.errors import (
    DatacaptException,
    ErrorCode,
    InternalCodes,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from datacapt.files.services import (
    DocumentAltered,
    FileAttachment,
    discard_document,
    document_content,
    document_workspace,
    store_document,
    store_document_file,
    verified_content,
)
from datacapt.files.services import exists as file_exists
from datacapt.files.services import store as store_upload
from datacapt.forms.design import block_questions, engine_questions, filled_blocks
from datacapt.forms.languages import (
    FormLanguages,
    FormText,
    form_texts,
    in_reading_language,
    pick_language,
    study_languages,
)
from datacapt.forms.questions import Level, Problem, Question, QuestionType, clean_answers
from datacapt.forms.schemas import (
    BlockSchema,
    FilledBlockSchema,
    FilledBlocksField,
    FormProgressSchema,
)
from datacapt.forms.state import (
    FormState,
    asks_for_answer,
    design_problems,
    evaluate_form,
    is_answered,
)
from datacapt.i18n import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Message,
    current_language,
    language_context,
)
from datacapt.i18n.tags import language_tag
from datacapt.identity.models import User
from datacapt.identity.passwords import check_policy as check_password_policy
from datacapt.identity.passwords import hash_password, needs_rehash, verify_password
from datacapt.identity.principal import acting_user
from datacapt.identity.secrets import derived_secret, digest, new_secret
from datacapt.identity.services import confirm_password
from datacapt.jobs import commit_job_step, enqueue, job
from datacapt.jobs.cron import CronEntry
from datacapt.notifications import (
    FAILED_STATES,
    Channel,
    MessageTemplate,
    MessageText,
    Notification,
    NotificationState,
    Outgoing,
    QuietHours,
    Recipient,
    RecipientKind,
    UnknownTemplate,
    notify,
    notify_all,
    record_bounce,
)
from datacapt.notifications.schemas import DeliveryReportSchema
from datacapt.notifications.services import check_provider_signature, record_provider_report
from datacapt.permissions import Action, build_permission
from datacapt.permissions.mixin import AUTHENTICATED
from datacapt.permissions.models import Role
from datacapt.plugins import PluginManifest, hookimpl
from datacapt.plugins.receivers import connect_when_enabled
from datacapt.plugins.services import current_settings
from datacapt.plugins.services import is_enabled as plugin_enabled
from datacapt.plugins.study_settings import study_settings, update_study_settings
from datacapt.plugins.subject_records import SubjectRecords, erase_subject, subject_records
from datacapt.studies.context import (
    STUDY_HEADER,
    current_study,
    get_in_study,
    restrict_to_visible_centers,
    studies_granting,
    study_permissions,
    study_query,
    visible_center_ids,
)
from datacapt.studies.models import Study, StudyCenter, StudyScopedMixin, StudyStatus
from datacapt.studies.services import centers_of_study, study_centers, study_members
from datacapt.tables import (
    Table,
    TableProblem,
    TableUnreadable,
    read_table,
    refuse_table,
    required_table,
)
from datacapt.tables import problem as table_problem
from datacapt.tenancy import TenantRef, current_tenant, current_tenant_or_none, tenant_context
from datacapt.tenancy.branding import Branding, tenant_branding
from datacapt.tenancy.context import in_tenant
from datacapt.tenancy.languages import offered_language, offered_languages
from datacapt.tenancy.retention import RETENTION_KINDS, tenant_retention
from datacapt.tenancy.services import frontend_url, get_tenant_settings
from datacapt.tenancy.signals import tenant_settings_changed

# Plugins: the hook marker, the manifest, a plugin's tenant and study settings, gated
# receivers.
__all__ = [
    "PluginManifest",
    "connect_when_enabled",
    "current_settings",
    "hookimpl",
    "plugin_enabled",
    "study_settings",
    "update_study_settings",
]

# A subject's records across modules: what each enabled plugin holds about a person, and
# the erasure of their personal data (the GDPR inventory hooks).
__all__ += ["SubjectRecords", "erase_subject", "subject_records"]

# Models and the session: model bases and mixins, the session, the unit of work, a lookup
# kept for the rest of the transaction.
__all__ += [
    "BaseModel",
    "SoftDeleteMixin",
    "StatusTransitionMixin",
    "TenantModel",
    "TrackingMixin",
    "after_commit",
    "after_rollback",
    "db",
    "encode_rows",
    "get_by_uuid",
    "json_rows",
    "keep_on_error",
    "one_or_404",
    "rows_parameter",
    "separate_unit",
    "transaction_cached",
    "utcnow",
]

# Errors: one exception, its HTTP class, the internal codes and the usual errors.
__all__ += [
    "DatacaptException",
    "ErrorCode",
    "InternalCodes",
    "conflict",
    "forbidden",
    "invalid",
    "not_found",
]

# Translations: text rendered in the caller's language; a language tag in canonical form.
__all__ += [
    "DEFAULT_LANGUAGE",
    "SUPPORTED_LANGUAGES",
    "Message",
    "current_language",
    "language_context",
    "language_tag",
]

# Permissions: categories and actions; AUTHENTICATED in a registry admits any signed-in caller;
# the user behind the request (a User), and their password asked again for an act that binds
# them; the tenant's roles (default and custom).
__all__ += [
    "AUTHENTICATED",
    "Action",
    "Role",
    "User",
    "acting_user",
    "build_permission",
    "confirm_password",
]

# Passwords and secrets of accounts other than users' (subjects' own): the staff password
# policy and hashing, and a new random secret (only its digest is stored).
__all__ += [
    "check_password_policy",
    "hash_password",
    "needs_rehash",
    "new_secret",
    "verify_password",
]

# The tenant: its context (in_tenant for CLI commands), its settings and their signal.
__all__ += [
    "RETENTION_KINDS",
    "Branding",
    "TenantRef",
    "current_tenant",
    "current_tenant_or_none",
    "frontend_url",
    "get_tenant_settings",
    "in_tenant",
    "offered_language",
    "offered_languages",
    "tenant_branding",
    "tenant_context",
    "tenant_retention",
    "tenant_settings_changed",
]

# Commands: progress on long work (an import), --json output for list and status commands.
__all__ += ["echo_json", "json_option", "progress"]

# Studies: the request's study, its centers and those the caller sees, what the caller may
# do there, the rows of a study, its team's members (whom to tell of something).
__all__ += [
    "STUDY_HEADER",
    "Study",
    "StudyCenter",
    "StudyScopedMixin",
    "StudyStatus",
    "centers_of_study",
    "current_study",
    "get_in_study",
    "restrict_to_visible_centers",
    "studies_granting",
    "study_centers",
    "study_members",
    "study_permissions",
    "study_query",
    "visible_center_ids",
]

# The audit trail: audited models, their context, reasons for change, who acts.
__all__ += [
    "Actor",
    "AuditContext",
    "AuditRecord",
    "Audited",
    "AuditedWriteMismatch",
    "ReasonPolicy",
    "RowChange",
    "SensitiveFields",
    "acting_as",
    "current_reason",
    "flush_cached",
    "reason_for_change",
    "reason_required",
    "record_event",
    "request_study",
    "write_audited",
]

# Blinding: kinds of blinded data, who may see them, blinded fields of response schemas,
# blinded values in texts and error details (audit reads redact them as sensitive fields).
__all__ += ["BlindedValue", "Blinding", "BlindingSchema", "blinded", "may_see"]

# Jobs and periodic jobs, each run inside the tenant it was enqueued for.
__all__ += ["CronEntry", "commit_job_step", "enqueue", "job"]

# Notifications: emails and SMS recorded and delivered by the core from declared templates,
# a secret derived for a link, and the digest that stores it.
__all__ += [
    "FAILED_STATES",
    "Channel",
    "DeliveryReportSchema",
    "MessageTemplate",
    "MessageText",
    "Notification",
    "NotificationState",
    "Outgoing",
    "QuietHours",
    "Recipient",
    "RecipientKind",
    "UnknownTemplate",
    "check_provider_signature",
    "derived_secret",
    "digest",
    "notify",
    "notify_all",
    "record_bounce",
    "record_provider_report",
]

# The form engine shared by eCRF, ePRO and the modules to come.
__all__ += [
    "BlockSchema",
    "FilledBlockSchema",
    "FilledBlocksField",
    "FormProgressSchema",
    "FormState",
    "Level",
    "Problem",
    "Question",
    "QuestionType",
    "asks_for_answer",
    "block_questions",
    "clean_answers",
    "design_problems",
    "engine_questions",
    "evaluate_form",
    "filled_blocks",
    "is_answered",
]

# The languages of form texts: a study's, the caller's, and each text under its path.
__all__ += [
    "FormLanguages",
    "FormText",
    "form_texts",
    "in_reading_language",
    "pick_language",
    "study_languages",
]

# Files kept by the core (uploads, and the documents of record a plugin generates), and the
# attachments a plugin's data gives them.
__all__ += [
    "DocumentAltered",
    "FileAttachment",
    "discard_document",
    "document_content",
    "document_workspace",
    "file_exists",
    "store_document",
    "store_document_file",
    "store_upload",
    "verified_content",
]

# Documents of record: a template rendered to HTML, printed to PDF/A, and their SHA-256.
__all__ += ["RenderedDocument", "render_document", "render_html", "render_pdf"]

# Tables imported from CSV or XLSX files: read, and refused with every problem at once.
__all__ += [
    "Table",
    "TableProblem",
    "TableUnreadable",
    "read_table",
    "refuse_table",
    "required_table",
    "table_problem",
]

# The API: the documenting Blueprint and the view base checking permissions, the headers a
# view declares, pagination, ETags and versioned documents, search, rate limits, JSON depth.
__all__ += [
    "ETAG_HEADER",
    "IF_MATCH",
    "LANGUAGE",
    "MAX_JSON_DEPTH",
    "RATE_LIMITED",
    "REASON_FOR_CHANGE",
    "STUDY_UUID",
    "ApiView",
    "Blueprint",
    "Header",
    "ReasonForChangeSchema",
    "check_if_match",
    "client_address",
    "contains_text",
    "document_etag",
    "enforce_limit",
    "has_refused_characters",
    "json_depth",
    "json_strings",
    "lock_document",
    "paginate",
    "read_if_match",
    "require_current",
]
