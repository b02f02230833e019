"""What the core asks of a tenant's enabled plugins; the plugin setup registers these
functions into the core packages that need them (datacapt.plugins.setup)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from datacapt.files.services import FileAttachment
from datacapt.forms.languages import FormLanguages
from datacapt.plugins.services import enabled_in_transaction, enabled_plugins, plugin_set
from datacapt.studies.models import Study, StudyCenter
from datacapt.tenancy.context import TenantRef, current_tenant

log = logging.getLogger(__name__)
AUDIT_HOOK = "datacapt_audit_event"
ATTACHMENTS_HOOK = "datacapt_file_attachments"
CENTER_IN_USE_HOOK = "datacapt_center_in_use"
FORM_LANGUAGES_HOOK = "datacapt_form_languages"


def _implementers(hook: str) -> list[str]:
    """The loaded plugins implementing ``hook``, in dependency order."""
    plugins = plugin_set()
    names = {impl.plugin_name for impl in getattr(plugins.manager.hook, hook).get_hookimpls()}
    return [name for name in plugins.plugins if name in names]


def enabled_implementers(hook: str) -> list[str]:
    """The current tenant's enabled plugins implementing ``hook`` (no query when none do)."""
    names = _implementers(hook)
    if not names:
        return []
    enabled = enabled_in_transaction(current_tenant().id)
    return [name for name in names if name in enabled]


def modules_using_center(study: Study, center: StudyCenter) -> list[str]:
    """The enabled plugins that keep records of the study at the center."""
    plugins = plugin_set()
    return [
        name
        for name in enabled_implementers(CENTER_IN_USE_HOOK)
        if plugins.call(name, CENTER_IN_USE_HOOK, study=study, center=center)
    ]


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    """Where the enabled plugins say their data refers to the upload."""
    plugins = plugin_set()
    found: list[FileAttachment] = []
    for name in enabled_implementers(ATTACHMENTS_HOOK):
        found.extend(plugins.call(name, ATTACHMENTS_HOOK, file_uuid=file_uuid) or ())
    return found


def form_languages(study: Study) -> FormLanguages | None:
    """The study's form languages as the first enabled plugin answering sets them."""
    plugins = plugin_set()
    for name in enabled_implementers(FORM_LANGUAGES_HOOK):
        found = plugins.call(name, FORM_LANGUAGES_HOOK, study=study)
        if found is not None:
            return found
    return None


def notify_audit_listeners(
    tenant: TenantRef, records: list[dict[str, Any]], engine: sa.Engine
) -> None:
    """Hand committed audit records to the enabled plugins' audit listeners; a listener's
    failure is logged and stops no other."""
    listeners = _implementers(AUDIT_HOOK)
    if not listeners:
        return
    # The session is finishing its commit: read the toggles on a connection of its own.
    with engine.connect() as connection:
        enabled = enabled_plugins(tenant.id, connection)
    plugins = plugin_set()
    for name in listeners:
        if name not in enabled:
            continue
        for record in records:
            try:
                plugins.call(name, AUDIT_HOOK, tenant=tenant, record=dict(record))
            except Exception:
                log.exception("Audit listener of plugin %s failed", name)
